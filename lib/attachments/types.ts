/** An upload as recorded, and the keys of its objects in the storage. */
import type { AttachmentSubject, ImageContentType } from '../../domain/attachments';

/** One upload, as recorded. `contentType`, `bytes`, `width` and `height` describe the stored image. */
export interface AttachmentRecord {
  id: string;
  uploadedBy: string;
  contentType: ImageContentType;
  bytes: number;
  width: number;
  height: number;
  createdAt: Date;
  /** Null while unattached. */
  attachedTo: AttachmentSubject | null;
  /** `filing` or the name of the action that attached it; null while unattached. */
  stage: string | null;
  attachedAt: Date | null;
}

/** The two objects kept for an upload: the image GET serves, and its thumbnail. */
export type AttachmentVariant = 'image' | 'thumbnail';

/** Storage keys of an upload's objects: `images/<id>` and `thumbnails/<id>`. */
export function storageKey(id: string, variant: AttachmentVariant): string {
  return variant === 'image' ? `images/${id}` : `thumbnails/${id}`;
}
