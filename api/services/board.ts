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
import type { List, Rating } from '../../domain';
import { boardRows, type BoardRow } from '../../lib/stores/whistle-reports';
import type { Directory } from './directory';
import { decodeCursor, encodeCursor } from './cursor';

const LIST_NAMES: Record<List, string> = { immediate: '即办', phased: '阶段性', understanding: '谅解' };
const RATING_NAMES: Record<Rating, string> = { satisfied: '满意', basically_satisfied: '基本满意', unsatisfied: '不满意' };

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

type Row = BoardRow;

export class BoardService {
  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  /** One page of the board, newest resolution first. Unknown community: not_found. */
  async page(communityId: string, q: { limit?: number; cursor?: string }): Promise<BoardPage> {
    const community = await this.directory.org(communityId);
    if (community?.kind !== 'community') throw notFound(`no community "${communityId}"`, '没有这个社区');
    const orgs = await this.directory.orgMap();
    const nameOf = (id: string) => orgs.get(id)?.name ?? id;
    const limit = q.limit ?? 20;
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await boardRows(this.pool, communityId, cursor && { at: cursor[0], id: cursor[1] }, limit);
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
