/**
 * Photos (附件) for the API: uploads, serving them to whoever may see them, and attaching them
 * to a whistle or help request for the actions that carry `attachmentIds`. The work is in
 * lib/attachments; this maps its refusals to the contract's answers.
 */
import type { Pool, PoolClient } from 'pg';
import { attachUploads, AttachmentRefused, checkAttachable } from '../../lib/attachments/attaching';
import { ImageRefused } from '../../lib/attachments/image';
import type { Storage } from '../../lib/attachments/storage';
import { sweepUnreferencedUploads, type SweepResult } from '../../lib/attachments/sweep';
import { MAX_ATTACHMENTS_PER_WHISTLE, type AttachmentSubject, type AttachmentSubjectKind, type ShownPhoto } from '../../domain/attachments';
import type { AttachmentRecord, AttachmentVariant } from '../../lib/attachments/types';
import { readUpload, storeUpload } from '../../lib/attachments/uploads';
import { attachedTo, findAttachment } from '../../lib/stores/attachments';
import { inTransaction } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { HttpError, invalid, notFound } from '../errors';
import type { StoredAttachment } from '../schemas/attachments';
import type { AttachmentVisibility } from './attachment-visibility';
import type { Account } from './directory';

export interface AttachmentServiceDeps {
  pool: Pool;
  storage: Storage;
  visibility: AttachmentVisibility;
  logger: Logger;
}

function refusalOf(err: ImageRefused): HttpError {
  return new HttpError(err.reason === 'too_many_pixels' ? 'payload_too_large' : 'unsupported_media', err.message, err.messageZh);
}

function answerOf(record: AttachmentRecord): StoredAttachment {
  return { id: record.id, contentType: record.contentType, bytes: record.bytes, width: record.width, height: record.height };
}

/** How many photos the subject may hold in all: a whistle 30, a help request no limit. */
const holdsAtMost = (subject?: AttachmentSubject) => (subject?.kind === 'whistle' ? MAX_ATTACHMENTS_PER_WHISTLE : undefined);

/** An action's photos: `attachmentIds` of the call, what they go to and at which stage. */
export interface PhotoCall {
  account: Account;
  ids?: readonly string[];
  subject: AttachmentSubject;
  /** `filing` or the action's name. */
  stage: string;
  /** A retry with the same Idempotency-Key: uploads the first call attached are accepted as they are. */
  again?: boolean;
}

const photoNotFound = () => notFound('photo not found', '没有找到该照片');

export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDeps) {}

  /** Keeps the upload (re-encoded, metadata removed, with a thumbnail); 415/413 when it is refused. */
  async upload(account: Account, input: Buffer): Promise<StoredAttachment> {
    try {
      return answerOf(await storeUpload(this.deps.pool, this.deps.storage, account.id, input));
    } catch (err) {
      if (err instanceof ImageRefused) throw refusalOf(err);
      throw err;
    }
  }

  /** The image (or its thumbnail) for an account that may see it; not_found for anyone else. */
  async read(account: Account, id: string, variant: AttachmentVariant): Promise<{ contentType: string; bytes: Buffer }> {
    const record = await findAttachment(this.deps.pool, id);
    if (!record || !(await this.deps.visibility.canSee(account, record))) throw photoNotFound();
    const bytes = await readUpload(this.deps.storage, id, variant);
    if (!bytes) {
      this.deps.logger.error({ attachmentId: id, variant, storage: this.deps.storage.location }, 'a recorded photo is missing from the storage');
      throw photoNotFound();
    }
    return { contentType: record.contentType, bytes };
  }

  /** Checks `attachmentIds` before an action is sent on (nothing written); 400 with messageZh when refused. */
  async checkAttachable(account: Account, ids: readonly string[], subject?: AttachmentSubject, stage = '', again = false): Promise<AttachmentRecord[]> {
    return this.refusalsAs400(() => checkAttachable(this.deps.pool, {
      accountId: account.id, ids, subject: subject ?? { kind: 'whistle', id: '' }, stage, again, subjectHoldsAtMost: holdsAtMost(subject),
    }));
  }

  /**
   * Runs the action with its photos (`attachmentIds`) attached: checked first (400 before the
   * action is sent), then marked in a transaction around the action, with the rows locked, that
   * commits once the action went through and rolls back when it is refused or fails — nothing is
   * attached then. Should the process die between the action and the commit, the timeline names
   * uploads that stayed unattached: the sweep attaches those instead of deleting them (sweep.ts).
   */
  async withPhotos<T>(call: PhotoCall, action: () => Promise<T>): Promise<T> {
    const ids = call.ids ?? [];
    if (ids.length === 0) return action();
    await this.checkAttachable(call.account, ids, call.subject, call.stage, call.again);
    return inTransaction(this.deps.pool, async (client) => {
      await this.attach(client, call.account, ids, call.subject, call.stage, call.again);
      return action();
    });
  }

  /** The photos attached to these subjects (a whistle and those merged into it), in the order they were attached. */
  async shownWith(kind: AttachmentSubjectKind, subjectIds: readonly string[]): Promise<ShownPhoto[]> {
    return (await attachedTo(this.deps.pool, kind, subjectIds)).map((a) => ({
      id: a.id, contentType: a.contentType, bytes: a.bytes, width: a.width, height: a.height, stage: a.stage!, uploadedBy: a.uploadedBy,
      uploadedAt: a.createdAt.toISOString(),
    }));
  }

  /**
   * Attaches `attachmentIds` to the subject at the stage inside the caller's transaction
   * (`client` between BEGIN and COMMIT, with whatever else the action writes); 400 when refused,
   * also when a whistle would hold more than MAX_ATTACHMENTS_PER_WHISTLE.
   */
  async attach(client: PoolClient, account: Account, ids: readonly string[], subject: AttachmentSubject, stage: string,
    again = false): Promise<AttachmentRecord[]> {
    return this.refusalsAs400(() => attachUploads(client, { accountId: account.id, ids, subject, stage, again, subjectHoldsAtMost: holdsAtMost(subject) }));
  }

  /** Deletes uploads nothing references (older than 24 hours unless `before` says). */
  async sweep(before?: Date): Promise<SweepResult> {
    return sweepUnreferencedUploads({ pool: this.deps.pool, storage: this.deps.storage, before });
  }

  private async refusalsAs400<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof AttachmentRefused) throw invalid(err.message, err.messageZh);
      throw err;
    }
  }
}
