/**
 * The sweep of uploads nothing references (an upload that nothing references within 24 hours is
 * deleted): unattached uploads older than the cut-off go, rows and objects, in batches. A batch's
 * rows are locked while their objects are deleted and removed in the same transaction, so an
 * upload being attached at that moment is skipped (SKIP LOCKED) and one being swept cannot be
 * attached (attaching waits for the lock, then finds no row). Objects are deleted before the rows
 * commit: a failure leaves the rows for the next sweep, never objects without a row.
 *
 * An old unattached upload that a timeline entry names (`data.attachmentIds` of a whistle's or help
 * request's entry) was taken by that entry's call, whose attaching never committed (the API died
 * between the workflow's answer and its commit): it is attached then, at the entry's stage, not deleted.
 */
import type { Pool } from 'pg';
import { STAGE_OF_ENTRY } from '../../domain/attachments';
import { deleteAttachments, lockUnattachedBefore, markAttached, referencesTo } from '../stores/attachments';
import type { Storage } from './storage';
import { storageKey } from './types';
import { inTransaction } from '../db';

const UNREFERENCED_AFTER_MS = 24 * 3_600_000;

export interface SweepOptions {
  pool: Pool;
  storage: Storage;
  /** Uploads made before this instant and still unattached are deleted (default: 24 hours ago). */
  before?: Date;
  /** Uploads per transaction. */
  batch?: number;
}

export interface SweepResult {
  /** Uploads deleted (each with its image and thumbnail). */
  deleted: number;
  /** Uploads a timeline entry names though they were never marked (the API died between the action and its commit): attached now. */
  repaired: number;
  before: string;
}

export async function sweepUnreferencedUploads(options: SweepOptions): Promise<SweepResult> {
  const before = options.before ?? new Date(Date.now() - UNREFERENCED_AFTER_MS);
  const batch = options.batch ?? 200;
  let deleted = 0;
  let repaired = 0;
  for (;;) {
    const done = await inTransaction(options.pool, async (client) => {
      let marked = 0;
      const locked = await lockUnattachedBefore(client, before, batch);
      // An upload a timeline entry names was attached by that entry's call: marked now, kept.
      const named = new Map<string, { subject: { kind: 'whistle' | 'help_request'; id: string }; stage: string }>();
      for (const ref of await referencesTo(client, locked)) {
        if (!named.has(ref.id)) named.set(ref.id, { subject: ref.subject, stage: STAGE_OF_ENTRY[ref.subject.kind][ref.entryType] ?? ref.entryType });
      }
      for (const [id, { subject, stage }] of named) marked += (await markAttached(client, [id], subject, stage)).length;
      const ids = locked.filter((id) => !named.has(id));
      for (const id of ids) {
        await options.storage.delete(storageKey(id, 'thumbnail'));
        await options.storage.delete(storageKey(id, 'image'));
      }
      return { locked: locked.length, deleted: ids.length ? await deleteAttachments(client, ids) : 0, repaired: marked };
    });
    deleted += done.deleted;
    repaired += done.repaired;
    if (done.locked < batch) return { deleted, repaired, before: before.toISOString() };
  }
}
