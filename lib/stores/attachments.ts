/**
 * The `attachments` table (migrations/025_attachments.sql): SQL only. Every function takes the
 * pool or a client inside the caller's transaction, so attaching is written together with
 * whatever the caller writes.
 */
import type { Pool, PoolClient } from 'pg';
import type { AttachmentSubject, AttachmentSubjectKind, ImageContentType } from '../../domain/attachments';
import type { AttachmentRecord } from '../attachments/types';

export type Queryable = Pool | PoolClient;

interface Row {
  id: string;
  uploaded_by: string;
  content_type: ImageContentType;
  bytes: number;
  width: number;
  height: number;
  created_at: Date;
  attached_to_kind: AttachmentSubjectKind | null;
  attached_to_id: string | null;
  stage: string | null;
  attached_at: Date | null;
}

const COLUMNS = 'id, uploaded_by, content_type, bytes, width, height, created_at, attached_to_kind, attached_to_id, stage, attached_at';

function recordOf(row: Row): AttachmentRecord {
  return {
    id: row.id, uploadedBy: row.uploaded_by, contentType: row.content_type, bytes: row.bytes, width: row.width,
    height: row.height, createdAt: row.created_at,
    attachedTo: row.attached_to_kind && row.attached_to_id ? { kind: row.attached_to_kind, id: row.attached_to_id } : null,
    stage: row.stage, attachedAt: row.attached_at,
  };
}

/** An upload about to be recorded: who uploaded it and the stored image. */
export type NewAttachment = Pick<AttachmentRecord, 'id' | 'uploadedBy' | 'contentType' | 'bytes' | 'width' | 'height'>;

export async function insertAttachment(db: Queryable, a: NewAttachment): Promise<AttachmentRecord> {
  const { rows: [row] } = await db.query<Row>(
    `INSERT INTO attachments (id, uploaded_by, content_type, bytes, width, height) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [a.id, a.uploadedBy, a.contentType, a.bytes, a.width, a.height]);
  return recordOf(row);
}

export async function findAttachment(db: Queryable, id: string): Promise<AttachmentRecord | null> {
  const { rows: [row] } = await db.query<Row>(`SELECT ${COLUMNS} FROM attachments WHERE id = $1`, [id]);
  return row ? recordOf(row) : null;
}

/** The uploads of these ids that exist; with `lock`, locked until the caller's transaction ends. */
export async function findAttachments(db: Queryable, ids: readonly string[], lock = false): Promise<AttachmentRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM attachments WHERE id = ANY($1::text[]) ORDER BY id${lock ? ' FOR UPDATE' : ''}`, [ids]);
  return rows.map(recordOf);
}

/** The uploads attached to these subjects of one kind, in the order they were attached. */
export async function attachedTo(db: Queryable, kind: AttachmentSubjectKind, subjectIds: readonly string[]): Promise<AttachmentRecord[]> {
  if (subjectIds.length === 0) return [];
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM attachments WHERE attached_to_kind = $1 AND attached_to_id = ANY($2::text[]) ORDER BY attached_at, id`,
    [kind, subjectIds]);
  return rows.map(recordOf);
}

export async function countAttachedTo(db: Queryable, subject: AttachmentSubject): Promise<number> {
  const { rows: [row] } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM attachments WHERE attached_to_kind = $1 AND attached_to_id = $2', [subject.kind, subject.id]);
  return row.n;
}

/**
 * Marks unattached uploads attached; the ids of those it marked. The photos of one call are
 * attached in the order given (a microsecond apart), so the views list them in that order.
 */
export async function markAttached(db: Queryable, ids: readonly string[], subject: AttachmentSubject, stage: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE attachments SET attached_to_kind = $2, attached_to_id = $3, stage = $4,
        attached_at = now() + (array_position($1::text[], id) - 1) * interval '1 microsecond'
      WHERE id = ANY($1::text[]) AND attached_to_id IS NULL RETURNING id`,
    [ids, subject.kind, subject.id, stage]);
  return rows.map((r) => r.id);
}

export async function deleteAttachment(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM attachments WHERE id = $1', [id]);
}

/**
 * Up to `limit` unattached uploads made before `before`, oldest first, locked for the caller's
 * transaction; rows another transaction holds (being attached right now) are left for later.
 */
export async function lockUnattachedBefore(db: PoolClient, before: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM attachments WHERE attached_to_id IS NULL AND created_at < $1
      ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [before, limit]);
  return rows.map((r) => r.id);
}

/** A timeline entry that names an upload: the call that made it attached the upload. */
export interface UploadReference { id: string; subject: AttachmentSubject; entryType: string }

/** The timeline entries (of whistles and help requests) that name these uploads, first entry first. */
export async function referencesTo(db: Queryable, ids: readonly string[]): Promise<UploadReference[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{ id: string; kind: AttachmentSubjectKind; subject_id: string; type: string }>(
    `SELECT x.id, 'whistle' AS kind, e.whistle_id AS subject_id, e.type, e.at
       FROM whistle_events e, jsonb_array_elements_text(e.data -> 'attachmentIds') AS x(id)
      WHERE e.data ? 'attachmentIds' AND e.data -> 'attachmentIds' ?| $1::text[] AND x.id = ANY($1::text[])
     UNION ALL
     SELECT x.id, 'help_request', e.help_id, e.type, e.at
       FROM help_events e, jsonb_array_elements_text(e.data -> 'attachmentIds') AS x(id)
      WHERE e.data ? 'attachmentIds' AND e.data -> 'attachmentIds' ?| $1::text[] AND x.id = ANY($1::text[])
     ORDER BY at`, [ids]);
  return rows.map((r) => ({ id: r.id, subject: { kind: r.kind, id: r.subject_id }, entryType: r.type }));
}

export async function deleteAttachments(db: Queryable, ids: readonly string[]): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM attachments WHERE id = ANY($1::text[])', [ids]);
  return rowCount ?? 0;
}
