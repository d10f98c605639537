/**
 * Photos (附件) as they are kept: an upload is recognised from its bytes (JPEG, PNG or WebP
 * only; never its file name or declared type), decoded and encoded again by sharp (libvips), so
 * that what is stored carries no metadata at all — no EXIF (and so no GPS position), no XMP, no
 * ICC profile or comments — and nothing of the upload but its pixels (a file that is also a zip
 * or a script is left behind). The EXIF orientation is applied to the pixels first, so a phone
 * photo stands the right way up without its tag. A thumbnail at most 320 px wide is made beside it.
 */
import { availableParallelism } from 'node:os';
import fastq from 'fastq';
import sharp, { type Metadata, type Sharp } from 'sharp';
import type { ImageContentType } from '../../domain/attachments';
import { allowOnlyAcceptedDecoders, contentTypeOf } from './formats';

/**
 * Largest picture decoded, in pixels (40 megapixels: a 7,300 × 5,475 image; phone cameras store
 * 12 MP, their full-sensor modes up to 50 MP, which is refused). A few kilobytes can claim a
 * picture that needs gigabytes once decoded (a decompression bomb); the claim is checked before
 * any pixel is decoded, and libvips enforces the same limit again while decoding.
 */
export const MAX_INPUT_PIXELS = 40_000_000;

/**
 * Uploads re-encoded at once, one per CPU; the others wait their turn, first come first served.
 * Unbounded, 20 uploads of a 4 MB photo at once all finished together at the end (each step of
 * each queued behind the first steps of all): p50 = p99 = 22.5 s, against p50 6–8.5 s and p99
 * 12.5 s with these slots (bench/attachments.ts, a shared 2-core machine). It also leaves some of
 * Node's thread pool, which libvips' work shares with file writes and password hashing, free.
 */
const IMAGE_SLOTS = Math.max(1, availableParallelism());

/** Widest thumbnail, in pixels (narrower images keep their width). */
const THUMBNAIL_WIDTH = 320;

export interface EncodedImage {
  contentType: ImageContentType;
  bytes: Buffer;
  width: number;
  height: number;
}

export interface ProcessedImage {
  /** What `GET /v1/attachments/:id` serves. */
  image: EncodedImage;
  /** What `GET /v1/attachments/:id/thumbnail` serves. */
  thumbnail: EncodedImage;
}

export type ImageRefusalReason = 'unsupported' | 'damaged' | 'too_many_pixels';

/** The upload is not a photo this service keeps; `messageZh` says why to the person who sent it. */
export class ImageRefused extends Error {
  constructor(readonly reason: ImageRefusalReason, message: string, readonly messageZh: string) {
    super(message);
    this.name = 'ImageRefused';
  }
}

const unsupported = () => new ImageRefused('unsupported',
  'the file is not a JPEG, PNG or WebP image (recognised from its content)', '只接受 JPEG、PNG 或 WebP 格式的照片');
const damaged = () => new ImageRefused('damaged',
  'the image is truncated or damaged and cannot be decoded', '图片文件不完整或已损坏，无法读取');
const tooManyPixels = (pixels: number) => new ImageRefused('too_many_pixels',
  `the image has ${(pixels / 1e6).toFixed(1)} megapixels; at most ${MAX_INPUT_PIXELS / 1e6} are accepted`,
  `图片像素过多（约 ${Math.round(pixels / 1e4)} 万像素），最多接受 ${MAX_INPUT_PIXELS / 1e4} 万像素`);

/** A decoder for the upload; only the three accepted loaders are allowed, the first frame only. */
function decoder(input: Buffer): Sharp {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning', pages: 1, sequentialRead: true });
}

function encode(pipeline: Sharp, contentType: ImageContentType): Sharp {
  // Without keepMetadata/withMetadata sharp writes no EXIF, XMP, ICC or comment block and
  // converts the pixels to sRGB.
  if (contentType === 'image/jpeg') return pipeline.jpeg({ quality: 82, chromaSubsampling: '4:2:0' });
  if (contentType === 'image/png') return pipeline.png({ compressionLevel: 6 });
  return pipeline.webp({ quality: 80 });
}

async function render(pipeline: Sharp, contentType: ImageContentType): Promise<EncodedImage> {
  const { data, info } = await encode(pipeline, contentType).toBuffer({ resolveWithObject: true });
  return { contentType, bytes: data, width: info.width, height: info.height };
}

/** The format the bytes hold, or ImageRefused when it is not one of the accepted ones. */
async function recogniseImage(input: Buffer): Promise<{ contentType: ImageContentType; width: number; height: number }> {
  allowOnlyAcceptedDecoders();
  if (input.length === 0) throw unsupported();
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    // No accepted loader knows the bytes; otherwise one does and its header is cut short or broken.
    throw /unsupported image format/i.test((err as Error).message ?? '') ? unsupported() : damaged();
  }
  const contentType = contentTypeOf(metadata.format);
  if (!contentType) throw unsupported();
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width <= 0 || height <= 0) throw damaged();
  if (width * height > MAX_INPUT_PIXELS) throw tooManyPixels(width * height);
  return { contentType, width, height };
}

async function reencode(input: Buffer): Promise<ProcessedImage> {
  const { contentType } = await recogniseImage(input);
  try {
    // rotate() without an angle applies the EXIF orientation to the pixels (and drops the tag).
    const image = await render(decoder(input).rotate(), contentType);
    // From the re-encoded image: already upright, and far smaller to decode than the upload.
    const thumbnail = await render(
      sharp(image.bytes).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }), contentType);
    return { image, thumbnail };
  } catch (err) {
    if (err instanceof ImageRefused) throw err;
    const message = (err as Error).message ?? '';
    if (/pixel limit/i.test(message)) throw tooManyPixels(MAX_INPUT_PIXELS + 1);
    throw damaged();
  }
}

const slots = fastq.promise(reencode, IMAGE_SLOTS);

/**
 * The image to keep and its thumbnail, both in the upload's own format, or ImageRefused (415
 * for what is not an accepted image or cannot be decoded to its end, 413 for too many pixels).
 * Waits for one of IMAGE_SLOTS.
 */
export function processImage(input: Buffer): Promise<ProcessedImage> {
  return slots.push(input);
}
