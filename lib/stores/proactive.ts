/** 未诉先办's tables (migrations/044): the rounds and what each occurrence filed. SQL only. */
import type { Db } from '../db';
import type { List, ProactiveRound, RoundSchedule } from '../proactive/round';

interface Row {
  id: string; title: string; description: string; category: string; community_ids: string[]; list: List;
  department_ids: string[]; lead_department_id: string; schedule: RoundSchedule; paused: boolean;
  created_at: Date; created_by: string; updated_at: Date; updated_by: string;
}

const COLUMNS = `id, title, description, category, community_ids, list, department_ids, lead_department_id, schedule, paused,
  created_at, created_by, updated_at, updated_by`;

function roundOf(r: Row): ProactiveRound {
  return {
    id: r.id, title: r.title, description: r.description, category: r.category, communityIds: r.community_ids, list: r.list,
    departmentIds: r.department_ids, leadDepartmentId: r.lead_department_id, schedule: r.schedule, paused: r.paused,
    createdAt: r.created_at.toISOString(), createdBy: r.created_by, updatedAt: r.updated_at.toISOString(), updatedBy: r.updated_by,
  };
}

export type RoundFields = Omit<ProactiveRound, 'id' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy'>;

export async function insertRound(db: Db, id: string, f: RoundFields, actor: string): Promise<ProactiveRound> {
  const { rows } = await db.query<Row>(
    `INSERT INTO proactive_rounds (id, title, description, category, community_ids, list, department_ids, lead_department_id,
                                   schedule, paused, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING ${COLUMNS}`,
    [id, f.title, f.description, f.category, f.communityIds, f.list, f.departmentIds, f.leadDepartmentId,
      JSON.stringify(f.schedule), f.paused, actor]);
  return roundOf(rows[0]);
}

/** The round, or null. `forUpdate` locks its row for the rest of the transaction. */
export async function roundById(db: Db, id: string, forUpdate = false): Promise<ProactiveRound | null> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM proactive_rounds WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? roundOf(rows[0]) : null;
}

/** Every round, newest first. */
export async function allRounds(db: Db): Promise<ProactiveRound[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM proactive_rounds ORDER BY created_at DESC, id`);
  return rows.map(roundOf);
}

export async function setRoundPaused(db: Db, id: string, paused: boolean, actor: string): Promise<ProactiveRound | null> {
  const { rows } = await db.query<Row>(
    `UPDATE proactive_rounds SET paused = $2, updated_at = now(), updated_by = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, paused, actor]);
  return rows[0] ? roundOf(rows[0]) : null;
}

/** The deleted round's title, or null when there was none. */
export async function deleteRound(db: Db, id: string): Promise<string | null> {
  const { rows } = await db.query<{ title: string }>('DELETE FROM proactive_rounds WHERE id = $1 RETURNING title', [id]);
  return rows[0]?.title ?? null;
}

/** Records that an occurrence filed `whistleId` for the community (kept as first recorded). */
export async function recordFiling(db: Db, f: { roundId: string; occurrence: string; communityId: string; whistleId: string }): Promise<void> {
  await db.query(
    `INSERT INTO proactive_filings (round_id, occurrence, community_id, whistle_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (round_id, occurrence, community_id) DO NOTHING`,
    [f.roundId, f.occurrence, f.communityId, f.whistleId]);
}
