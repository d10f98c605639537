/**
 * Keeping an upload: re-encoded first (lib/attachments/image.ts; a refused file leaves nothing
 * behind), then recorded, then its image and thumbnail written to the storage. The row comes
 * first so that no object is ever left without one: should a write fail, the row and whatever was
 * written are removed again, and should the process die in between, the unattached row is swept
 * with its objects after 24 hours (lib/attachments/sweep.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { deleteAttachment, insertAttachment } from '../stores/attachments';
import { processImage } from './image';
import type { Storage } from './storage';
import { storageKey, type AttachmentRecord, type AttachmentVariant } from './types';

/** A new upload's id: 24 hex digits (96 random bits). */
function newAttachmentId(): string {
  return randomBytes(12).toString('hex');
}

export async function storeUpload(pool: Pool, storage: Storage, uploadedBy: string, input: Buffer): Promise<AttachmentRecord> {
  const { image, thumbnail } = await processImage(input);
  const record = await insertAttachment(pool, {
    id: newAttachmentId(), uploadedBy, contentType: image.contentType, bytes: image.bytes.length, width: image.width, height: image.height,
  });
  try {
    await Promise.all([
      storage.put(storageKey(record.id, 'image'), image.bytes, image.contentType),
      storage.put(storageKey(record.id, 'thumbnail'), thumbnail.bytes, thumbnail.contentType),
    ]);
  } catch (err) {
    await Promise.allSettled([storage.delete(storageKey(record.id, 'image')), storage.delete(storageKey(record.id, 'thumbnail'))]);
    await deleteAttachment(pool, record.id).catch(() => undefined);
    throw err;
  }
  return record;
}

/** The stored bytes of an upload's image or thumbnail, or null when the storage has none. */
export async function readUpload(storage: Storage, id: string, variant: AttachmentVariant): Promise<Buffer | null> {
  return storage.get(storageKey(id, variant));
}
