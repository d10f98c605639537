/**
 * The photo pipeline (lib/attachments/image.ts) on real images made by sharp: what is stored is
 * re-encoded without any metadata, turned upright, in the format its bytes hold, with a
 * thumbnail at most 320 px wide; anything else is refused with a reason a person can read.
 */
import exifReader from 'exif-reader';
import sharp from 'sharp';
import { ImageRefused, MAX_INPUT_PIXELS, processImage, type ImageRefusalReason } from '../lib/attachments/image';
import { fiftyMegapixelPng, HTML, noisyJpeg, phonePhoto, plainImage, SVG, zipArchive } from './support/photos';

/** The colour of the pixel at (x, y). */
async function pixel(image: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data } = await sharp(image).extract({ left: x, top: y, width: 1, height: 1 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { r: data[0], g: data[1], b: data[2] };
}

async function refusal(input: Buffer): Promise<{ reason: ImageRefusalReason; messageZh: string }> {
  try {
    await processImage(input);
  } catch (err) {
    if (err instanceof ImageRefused) return { reason: err.reason, messageZh: err.messageZh };
    throw err;
  }
  throw new Error('the image was accepted');
}

test('a phone photo is stored upright, without its EXIF (GPS position, camera), XMP or ICC profile', async () => {
  const upload = await sharp(await phonePhoto()).withIccProfile('p3').withXmp(
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>',
  ).keepExif().jpeg().toBuffer();
  const before = await sharp(upload).metadata();
  // The upload really carries what must go.
  expect(before).toMatchObject({ width: 400, height: 200, orientation: 6 });
  expect(exifReader(before.exif!).GPSInfo).toMatchObject({ GPSLatitudeRef: 'N', GPSLatitude: [39, 54, 0] });
  expect(exifReader(before.exif!).Image?.Make).toBe('WhistlePhone');
  expect(before.xmp).toBeDefined();
  expect(before.icc).toBeDefined();

  const { image, thumbnail } = await processImage(upload);
  expect(image).toMatchObject({ contentType: 'image/jpeg', width: 200, height: 400 });
  const after = await sharp(image.bytes).metadata();
  expect({ format: after.format, width: after.width, height: after.height }).toEqual({ format: 'jpeg', width: 200, height: 400 });
  expect({ exif: after.exif, xmp: after.xmp, icc: after.icc, orientation: after.orientation, comments: after.comments })
    .toEqual({ exif: undefined, xmp: undefined, icc: undefined, orientation: undefined, comments: undefined });
  expect(image.bytes.includes(Buffer.from('WhistlePhone'))).toBe(false);
  // Orientation 6 turns the picture a quarter clockwise: the red left half is now the top.
  const top = await pixel(image.bytes, 100, 50);
  const bottom = await pixel(image.bytes, 100, 350);
  expect(top.r).toBeGreaterThan(150); expect(top.b).toBeLessThan(80);
  expect(bottom.b).toBeGreaterThan(150); expect(bottom.r).toBeLessThan(80);

  expect(thumbnail).toMatchObject({ contentType: 'image/jpeg', width: 200, height: 400 });
  expect((await sharp(thumbnail.bytes).metadata()).exif).toBeUndefined();
});

test('the thumbnail is at most 320 px wide, the image keeps its size, each in the format the bytes hold', async () => {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    const { image, thumbnail } = await processImage(await plainImage(format, 1000, 500));
    expect({ format, image: [image.contentType, image.width, image.height] }).toEqual({ format, image: [`image/${format}`, 1000, 500] });
    expect({ format, thumbnail: [thumbnail.contentType, thumbnail.width, thumbnail.height] })
      .toEqual({ format, thumbnail: [`image/${format}`, 320, 160] });
    expect((await sharp(thumbnail.bytes).metadata()).format).toBe(format);
    expect((await sharp(image.bytes).metadata()).format).toBe(format);
  }
});

test('a truncated JPEG, PNG or WebP is refused as damaged, whether cut in its header or in its pixels', async () => {
  const cuts: Array<[string, Buffer]> = [];
  for (const [what, whole] of [['jpeg', await noisyJpeg()], ['phone jpeg', await phonePhoto()], ['png', await plainImage('png', 300, 300)],
    ['webp', await sharp(await noisyJpeg()).webp().toBuffer()]] as const) {
    cuts.push([`${what} at 60%`, whole.subarray(0, Math.floor(whole.length * 0.6))], [`${what} at 30 bytes`, whole.subarray(0, 30)]);
  }
  for (const [what, cut] of cuts) {
    expect({ what, refusal: await refusal(cut) }).toEqual({ what, refusal: { reason: 'damaged', messageZh: '图片文件不完整或已损坏，无法读取' } });
  }
});

test('a 50-megapixel image is refused before it is decoded (decompression bombs)', async () => {
  const bomb = await fiftyMegapixelPng();
  expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
  expect(10_000 * 5_000).toBeGreaterThan(MAX_INPUT_PIXELS);
  expect(await refusal(bomb)).toEqual({ reason: 'too_many_pixels', messageZh: expect.stringContaining('像素过多') });
});

test('SVG, HTML, a zip, GIF, TIFF and random bytes are not photos', async () => {
  const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).gif().toBuffer();
  const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).tiff().toBuffer();
  for (const [what, input] of [['svg', SVG], ['html', HTML], ['zip', zipArchive()], ['gif', gif], ['tiff', tiff],
    ['random', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))], ['empty', Buffer.alloc(0)]] as const) {
    expect({ what, refusal: await refusal(input) }).toEqual({ what, refusal: { reason: 'unsupported', messageZh: '只接受 JPEG、PNG 或 WebP 格式的照片' } });
  }
});

test('a JPEG that is also a zip (bytes appended) is kept as its pixels only', async () => {
  const polyglot = Buffer.concat([await plainImage('jpeg', 64, 48), zipArchive()]);
  const { image } = await processImage(polyglot);
  expect(image.contentType).toBe('image/jpeg');
  expect(image.bytes.includes(Buffer.from('PK\u0003\u0004', 'latin1'))).toBe(false);
});
