/**
 * Photos (附件): `POST /v1/attachments` (multipart/form-data, one part `file`) and the stored
 * image and thumbnail, for every role but admin, security and auditor (403 for them).
 */
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, invalid } from '../errors';
import { multipartValidator } from '../multipart-body';
import { requireRole } from '../plugins/auth';
import { AttachmentParam, imageContent, StoredAttachment, UploadForm } from '../schemas/attachments';
import { authed, described, errors } from '../schemas/common';
import { ATTACHMENT_ROLES } from '../../domain/attachments';
import type { AttachmentVariant } from '../../lib/attachments/types';

const onlyOneFile = () => invalid('send exactly one part, named "file", holding the photo', '每次只能上传一张照片（表单字段 file）');

const tooLarge = (megabytes: number) =>
  new HttpError('payload_too_large', `the photo is larger than ATTACHMENT_MAX_MB (${megabytes} MB)`, `照片不能超过 ${megabytes} MB`);
const unreadable = (err: Error) => invalid(`the multipart/form-data body cannot be read: ${err.message}`, '上传的表单不完整或格式有误，请重新上传');

/**
 * Reads the form into `request.body` (its parts by name, as @fastify/multipart gives them) before
 * validation: the one `file` part up to ATTACHMENT_MAX_MB; a second file, or a file part of another
 * name, is refused before it is read; a form cut short or malformed is 400, not a fault.
 */
async function readForm(request: FastifyRequest, maxBytes: number): Promise<void> {
  if (!request.isMultipart()) return;
  try {
    for await (const part of request.parts()) {
      request.body = part.fields;
      if (part.type !== 'file') continue;
      if (part.fieldname !== 'file' || Array.isArray(part.fields.file)) throw onlyOneFile();
      await part.toBuffer();
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(Math.round(maxBytes / 1048576));
    if (err instanceof HttpError || (err as { statusCode?: number }).statusCode) throw err;
    throw unreadable(err as Error);
  }
}

const attachmentRoutes: FastifyPluginAsyncTypebox<{ maxBytes: number }> = async (app, { maxBytes }) => {
  await app.register(multipart, {
    throwFileSizeLimit: true,
    limits: { fileSize: maxBytes, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 100 },
  });
  // Before the form is read: a caller without a key or of another role never uploads a byte.
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', async (request) => { requireRole(request, ...ATTACHMENT_ROLES); });
  app.addHook('preValidation', (request) => readForm(request, maxBytes));

  app.post('', {
    validatorCompiler: multipartValidator,
    schema: {
      tags: ['attachments'], operationId: 'uploadAttachment', ...authed,
      summary: 'Upload a photo (附件) to attach to a whistle or help request with `attachmentIds`',
      description: 'Roles community, street, center, department, supervisor, member, resident. `multipart/form-data` with exactly one ' +
        'part `file`: a JPEG, PNG or WebP image, recognised from its bytes (not its name or declared type), at most ATTACHMENT_MAX_MB ' +
        'and 40 megapixels. What is stored is re-encoded: every metadata block (EXIF with its GPS position, XMP, ICC, comments) ' +
        'removed and the orientation applied; a thumbnail at most 320 px wide is made beside it. Anything else is 415 ' +
        '`unsupported_media`; too large 413. Seen by its uploader alone until attached; an upload nothing references within ' +
        '24 hours is deleted.',
      consumes: ['multipart/form-data'],
      body: UploadForm,
      response: {
        201: described(StoredAttachment, 'The photo as stored (after re-encoding and rotation: what GET serves)'),
        ...errors('unauthenticated', 'forbidden', 'unsupported_media'),
      },
    },
  }, async (request, reply) => {
    const stored = await app.services.attachments.upload(request.account!, await request.body.file.toBuffer());
    request.log.info({ attachmentId: stored.id, bytes: stored.bytes }, 'photo uploaded');
    return reply.code(201).send(stored);
  });

  const serve = (variant: AttachmentVariant) => async (request: FastifyRequest<{ Params: AttachmentParam }>, reply: FastifyReply) => {
    const { contentType, bytes } = await app.services.attachments.read(request.account!, request.params.id, variant);
    return reply.type(contentType).header('cache-control', 'private').header('x-content-type-options', 'nosniff').send(bytes);
  };
  const seenBy = 'The uploader while it is not attached; once attached, whoever may see its whistle or help request. ' +
    '`not_found` for anyone else.';

  /** GET of a photo's `variant` (the image or its thumbnail): its operation, summary and answer as the OpenAPI document says. */
  const photoRoute = (url: string, variant: AttachmentVariant, operationId: string, summary: string, answer: string) => app.get(url, {
    schema: {
      tags: ['attachments'], operationId, summary, ...authed,
      description: seenBy, params: AttachmentParam, produces: ['image/jpeg', 'image/png', 'image/webp'],
      response: { 200: imageContent(answer), ...errors('unauthenticated', 'forbidden', 'not_found') },
    },
  }, serve(variant));
  photoRoute('/:id', 'image', 'getAttachment', 'A photo, as stored (re-encoded, without metadata, upright)', 'The image (Cache-Control: private)');
  photoRoute('/:id/thumbnail', 'thumbnail', 'getAttachmentThumbnail', 'A photo\'s thumbnail, at most 320 px wide',
    'The thumbnail, in the photo\'s format (Cache-Control: private)');
};

export default attachmentRoutes;
