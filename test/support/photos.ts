/** Photos for the attachment tests, made by sharp in the test, and multipart bodies to upload them. */
import { randomBytes } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * A phone photo: 400 × 200 pixels as stored by the camera, left half red, right half blue, with
 * EXIF orientation 6 (to be shown turned 90° clockwise: 200 × 400, red on top), the camera's
 * make and a GPS position (39°54′N 116°23′E).
 */
export async function phonePhoto(): Promise<Buffer> {
  const pixels = await sharp({ create: { width: 400, height: 200, channels: 3, background: { r: 220, g: 20, b: 20 } } })
    .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: { r: 20, g: 20, b: 220 } } }, left: 200, top: 0 }])
    .jpeg().toBuffer();
  return sharp(pixels)
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'WhistlePhone', Model: 'Test 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 0/1' },
    })
    .jpeg({ quality: 90 })
    .toBuffer();
}

export function plainImage(format: 'png' | 'jpeg' | 'webp', width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 160, b: 90 } } }).toFormat(format).toBuffer();
}

/** A photo-like JPEG of about 100 kB: noise, which compresses as badly as a real scene. */
export function noisyJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background: 'grey', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 }).toBuffer();
}

/** A valid PNG of 10,000 × 5,000 pixels (50 megapixels), small on disk: every pixel black. */
export function fiftyMegapixelPng(): Promise<Buffer> {
  return sharp(Buffer.alloc(10_000 * 5_000), { raw: { width: 10_000, height: 5_000, channels: 1 } }).png({ compressionLevel: 1 }).toBuffer();
}

export const SVG = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');
export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');

/** A zip archive holding one deflated file (local header, central directory, end record). */
export function zipArchive(): Buffer {
  const name = Buffer.from('photo.jpg');
  const content = Buffer.from('not a photo');
  const data = deflateRawSync(content);
  const crc = crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(11, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(11, 24); central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12); end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

export interface FormPart {
  name: string;
  /** A file part when given; a plain field otherwise. */
  filename?: string;
  contentType?: string;
  body: Buffer | string;
}

/** A multipart/form-data body of these parts, and its Content-Type header. */
export function multipartForm(parts: FormPart[]): { payload: Buffer; contentType: string } {
  const boundary = `----whistle${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.contentType ? `\r\nContent-Type: ${part.contentType}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** One `file` part with the given bytes, file name and declared type. */
export function photoForm(body: Buffer, filename = 'photo.jpg', contentType = 'image/jpeg') {
  return multipartForm([{ name: 'file', filename, contentType, body }]);
}
