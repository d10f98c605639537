/**
 * 公示栏: the public notice board of a community — its resolved and closed whistles with the
 * handling units and results, for anyone to read. Only what a notice board shows leaves here:
 * no description, address or comment, the reporter's name masked (李大爷 → 李*), and never a
 * phone (the read model does not even hold one). Once the retention period has erased the
 * reporter (activities/retention.ts), the board shows `*` alone.
 */
import type { Pool } from 'pg';
import { categoryName } from '../../lib/categories';
import { notFound } from '../errors';
import type { BoardItem, BoardPage } from '../schemas/supervision';
import type { List, Rating } from '../../workflows/messages';
import type { Directory } from './directory';
import { decodeCursor, encodeCursor } from './cursor';

export const LIST_NAMES: Record<List, string> = { immediate: '即办', phased: '阶段性', understanding: '谅解' };
export const RATING_NAMES: Record<Rating, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

/** The name as a notice board shows it: its first character and `*` (李大爷 → 李*); null for none. */
export function maskName(name: string | null | undefined): string | null {
  const first = Array.from((name ?? '').trim())[0];
  return first ? `${first}*` : null;
}

/** The reporter as the board shows it: the masked name, `*` once erased, null when none was given. */
function reporterOnBoard(r: Pick<Row, 'reporter_name' | 'reporter_erased'>): BoardItem['reporter'] {
  const masked = maskName(r.reporter_name);
  if (masked) return { name: masked };
  return r.reporter_erased ? { name: '*' } : null;
}

interface Row {
  id: string; status: 'resolved' | 'closed'; list: List | null; category: string; street_id: string;
  filed_at: Date; resolved_at: Date | null; closed_at: Date | null; rating: Rating | null; reporter_name: string | null;
  reporter_erased: boolean;
  posted_at: Date; title: string; result: string | null; outcome: 'solved' | 'explained' | null;
  departments: Array<{ id: string; lead: boolean; status: string }> | null;
  reports: number;
}



export class BoardService {
  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  /** One page of the board, newest resolution first. Unknown community: not_found. */
  async page(communityId: string, q: { limit?: number; cursor?: string }): Promise<BoardPage> {
    const community = await this.directory.org(communityId);
    if (community?.kind !== 'community') throw notFound(`no community "${communityId}"`);
    const orgs = await this.directory.orgMap();
    const nameOf = (id: string) => orgs.get(id)?.name ?? id;
    const limit = q.limit ?? 20;
    const params: unknown[] = [communityId];
    let after = '';
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      params.push(at, id);
      after = 'AND (COALESCE(resolved_at, filed_at), id) < ($2::timestamptz, $3)';
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<Row>(
      `SELECT id, status, list, category, street_id, filed_at, resolved_at, closed_at, rating, reporter_name,
              reporter_erased_at IS NOT NULL AS reporter_erased,
              COALESCE(resolved_at, filed_at) AS posted_at, view->>'title' AS title, view->>'result' AS result,
              view->>'outcome' AS outcome, view->'departments' AS departments, reports
         FROM whistles
        WHERE community_id = $1 AND status IN ('resolved', 'closed') ${after}
        ORDER BY COALESCE(resolved_at, filed_at) DESC, id DESC
        LIMIT $${params.length}`, params);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const streetId = community.parentId ?? '';
    return {
      community: { id: community.id, name: community.name, street: { id: streetId, name: nameOf(streetId) } },
      items: page.map((r): BoardItem => ({
        id: r.id,
        title: r.title,
        category: r.category,
        categoryName: categoryName(r.category),
        list: r.list,
        listName: r.list ? LIST_NAMES[r.list] ?? r.list : null,
        status: r.status,
        street: { id: r.street_id, name: nameOf(r.street_id) },
        departments: (r.departments ?? []).filter((d) => d.status !== 'returned')
          .map((d) => ({ id: d.id, name: nameOf(d.id), lead: d.lead })),
        filedAt: r.filed_at.toISOString(),
        resolvedAt: r.resolved_at?.toISOString() ?? null,
        closedAt: r.closed_at?.toISOString() ?? null,
        result: r.result,
        outcome: r.outcome,
        rating: r.rating,
        ratingName: r.rating ? RATING_NAMES[r.rating] ?? r.rating : null,
        reporter: reporterOnBoard(r),
        reports: r.reports ?? 1,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.posted_at, last.id) : null,
    };
  }
}
