/**
 * Attaching uploads to a whistle or help request (`attachmentIds` of an action): at most 9 per
 * call, each the caller's own upload not used before, and no more on the subject than it may hold
 * (a whistle: 30). Checked before anything is written; marked in the caller's transaction, with
 * the rows locked, so that two calls cannot both take the same upload.
 */
import type { PoolClient } from 'pg';
import { MAX_ATTACHMENTS_PER_CALL, type AttachmentSubject } from '../../domain/attachments';
import { countAttachedTo, findAttachments, markAttached, type Queryable } from '../stores/attachments';
import type { AttachmentRecord } from './types';

/** The ids cannot be attached; the API answers 400 with both messages. */
export class AttachmentRefused extends Error {
  constructor(message: string, readonly messageZh: string) {
    super(message);
    this.name = 'AttachmentRefused';
  }
}

export interface AttachRequest {
  /** The account making the call: only its own uploads may be attached. */
  accountId: string;
  ids: readonly string[];
  subject: AttachmentSubject;
  /** `filing` or the action's name (`progress`, `resolve`, `escalate`, `return`, `complete` …). */
  stage: string;
  /** How many photos the subject may hold in all (domain's MAX_ATTACHMENTS_PER_WHISTLE for a whistle); none: no limit. */
  subjectHoldsAtMost?: number;
  /**
   * The call is a retry of one made before with the same Idempotency-Key: uploads already attached
   * to this subject at this stage (by that first call) are accepted as they are, not used twice.
   */
  again?: boolean;
}

/** Whether the upload was attached by the first of a retried call (same subject, same stage). */
function attachedByFirstCall(upload: AttachmentRecord, request: Pick<AttachRequest, 'subject' | 'stage' | 'again'>): boolean {
  return request.again === true && upload.attachedTo?.kind === request.subject.kind && upload.attachedTo.id === request.subject.id
    && upload.stage === request.stage;
}

function checkList(ids: readonly string[]): void {
  if (ids.length > MAX_ATTACHMENTS_PER_CALL) {
    throw new AttachmentRefused(`attachmentIds: at most ${MAX_ATTACHMENTS_PER_CALL} photos per call, got ${ids.length}`,
      `每次最多附 ${MAX_ATTACHMENTS_PER_CALL} 张照片`);
  }
  if (new Set(ids).size !== ids.length) {
    throw new AttachmentRefused('attachmentIds: the same photo is listed twice', '同一张照片不能重复附上');
  }
}

function checkUploads(request: AttachRequest, found: AttachmentRecord[]): AttachmentRecord[] {
  const { ids } = request;
  const byId = new Map(found.map((a) => [a.id, a]));
  for (const id of ids) {
    const upload = byId.get(id);
    // Someone else's upload is answered like one that does not exist: ids are not a way to probe.
    if (!upload || upload.uploadedBy !== request.accountId) {
      throw new AttachmentRefused(`attachmentIds: "${id}" is not a photo you uploaded`, '所附照片不存在或不是您上传的');
    }
    if (upload.attachedTo && !attachedByFirstCall(upload, request)) {
      throw new AttachmentRefused(`attachmentIds: "${id}" is attached already and cannot be used again`, '所附照片已经使用过，请重新上传');
    }
  }
  return ids.map((id) => byId.get(id)!);
}

async function checkRoom(db: Queryable, request: AttachRequest, uploads: AttachmentRecord[]): Promise<void> {
  const adding = uploads.filter((u) => !u.attachedTo).length;
  if (request.subjectHoldsAtMost === undefined || adding === 0) return;
  const held = await countAttachedTo(db, request.subject);
  if (held + adding > request.subjectHoldsAtMost) {
    throw new AttachmentRefused(
      `attachmentIds: this can hold at most ${request.subjectHoldsAtMost} photos; it has ${held}, ${request.ids.length} more is too many`,
      `最多可附 ${request.subjectHoldsAtMost} 张照片，已有 ${held} 张`);
  }
}

/**
 * Checks the ids without writing or locking anything (before an action is sent on): the uploads
 * in the order given, or AttachmentRefused.
 */
export async function checkAttachable(db: Queryable, request: AttachRequest): Promise<AttachmentRecord[]> {
  checkList(request.ids);
  if (request.ids.length === 0) return [];
  const uploads = checkUploads(request, await findAttachments(db, request.ids));
  await checkRoom(db, request, uploads);
  return uploads;
}

/**
 * Marks the uploads attached to the subject at the stage, inside the caller's transaction
 * (`db` is a client between BEGIN and COMMIT): checked again with the rows locked, so of two
 * calls naming the same upload the second is refused. The uploads as they now are, or
 * AttachmentRefused (the caller rolls back what else it wrote).
 */
export async function attachUploads(db: PoolClient, request: AttachRequest): Promise<AttachmentRecord[]> {
  checkList(request.ids);
  if (request.ids.length === 0) return [];
  const uploads = checkUploads(request, await findAttachments(db, request.ids, true));
  await checkRoom(db, request, uploads);
  await markAttached(db, uploads.filter((u) => !u.attachedTo).map((u) => u.id), request.subject, request.stage);
  const attachedAt = new Date();
  return uploads.map((u) => (u.attachedTo ? u : { ...u, attachedTo: request.subject, stage: request.stage, attachedAt }));
}
