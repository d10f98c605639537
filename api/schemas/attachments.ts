/** Schemas of photos (附件): the upload form and the stored image it answers with. */
import { Type, type Static } from '@sinclair/typebox';
import { IMAGE_CONTENT_TYPES } from '../../domain/attachments';
import { FilePart } from '../multipart-body';

export const UploadForm = Type.Object({
  file: FilePart('The photo: a JPEG, PNG or WebP image (recognised from its bytes, not its name or declared type), at most ATTACHMENT_MAX_MB'),
}, { additionalProperties: false, description: 'multipart/form-data with exactly one part, `file`' });
export type UploadForm = Static<typeof UploadForm>;

export const StoredAttachment = Type.Object({
  id: Type.String({ description: 'The upload\'s id, for `attachmentIds` and `GET /v1/attachments/:id`' }),
  contentType: Type.String({ enum: [...IMAGE_CONTENT_TYPES], description: 'The stored image\'s type: the upload\'s own format' }),
  bytes: Type.Integer({ minimum: 1, description: 'Size of the stored image (re-encoded, without metadata)' }),
  width: Type.Integer({ minimum: 1, description: 'Width of the stored image in pixels, after the photo\'s orientation was applied' }),
  height: Type.Integer({ minimum: 1, description: 'Height of the stored image in pixels' }),
}, {
  description: 'The photo as stored: re-encoded, metadata (EXIF with GPS, XMP, ICC, comments) removed, turned upright',
  examples: [{ id: '5f0c9a2e7d41b3c86a19e2f4', contentType: 'image/jpeg', bytes: 412_337, width: 3024, height: 4032 }],
});
export type StoredAttachment = Static<typeof StoredAttachment>;

/** A photo as a whistle's or help request's view lists it. */
const ShownAttachment = Type.Object({
  id: Type.String({ description: 'For `GET /v1/attachments/:id` and `/thumbnail`' }),
  contentType: Type.String({ enum: [...IMAGE_CONTENT_TYPES] }),
  bytes: Type.Integer({ minimum: 1 }),
  width: Type.Integer({ minimum: 1 }),
  height: Type.Integer({ minimum: 1 }),
  stage: Type.String({ description: '`filing`, or the action that attached it (`progress`, `resolve`, `escalate`, `return`, `complete`)' }),
  uploadedBy: Type.String({ description: 'account id' }),
  uploadedAt: Type.String({ format: 'date-time' }),
});

/** The photos of a whistle or help request (附件), in the order they were attached. */
export const Attachments = Type.Array(ShownAttachment, {
  description: 'Photos (附件) attached to it, in the order they were attached (a whistle: with those of whistles merged into it)',
});

/** `attachmentIds` of an action's body. */
export const AttachmentIds = Type.Optional(Type.Array(
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  { maxItems: 100, description: 'Photos to attach: ids of the caller\'s own uploads (POST /v1/attachments) not used before, at most 9 per call; a whistle holds at most 30' },
));

export const AttachmentParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'An upload\'s id as `POST /v1/attachments` gave it' }),
}, { additionalProperties: false });
export type AttachmentParam = Static<typeof AttachmentParam>;

/** The bytes of an image, for the OpenAPI document (one entry per type it may have). */
export function imageContent(description: string) {
  return {
    description,
    content: Object.fromEntries(IMAGE_CONTENT_TYPES.map((t) => [t, { schema: Type.String({ format: 'binary' }) }])),
  };
}
