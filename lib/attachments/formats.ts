/**
 * The image formats photos may have, and the decoders libvips may use for them.
 *
 * libvips recognises a format by sniffing the first bytes of the input; it also knows SVG, PDF,
 * TIFF, GIF, HEIF, JPEG 2000 and more, each a large parser to expose to uploads. Every loader is
 * blocked in this process except the in-memory JPEG, PNG and WebP ones (sharp.block/unblock),
 * so an SVG, an HTML page or a zip is never parsed at all: libvips answers "unsupported image
 * format". The process uses sharp for photos only; a later use for another format would have to
 * unblock its loader here.
 */
import sharp from 'sharp';
import type { ImageContentType } from '../../domain/attachments';

const BY_FORMAT: Readonly<Record<string, ImageContentType>> = Object.freeze({
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp',
});

const ACCEPTED_LOADERS = ['VipsForeignLoadJpegBuffer', 'VipsForeignLoadPngBuffer', 'VipsForeignLoadWebpBuffer'];

let restricted = false;

/** Blocks every libvips loader but the three accepted ones; once per process. */
export function allowOnlyAcceptedDecoders(): void {
  if (restricted) return;
  sharp.block({ operation: ['VipsForeignLoad'] });
  sharp.unblock({ operation: ACCEPTED_LOADERS });
  // Every upload is a new image: libvips' operation cache would only hold on to their memory.
  sharp.cache(false);
  restricted = true;
}

/** The content type of a format sharp recognised, or undefined when it is not accepted. */
export function contentTypeOf(format: string | undefined): ImageContentType | undefined {
  return format === undefined ? undefined : BY_FORMAT[format];
}
