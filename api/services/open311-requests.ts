/**
 * Open311's reading of requests (`GET requests`, `GET requests/{id}`) from the read model. Public
 * answers carry no reporter data, no free text and no street address: `description` is the
 * whistle's title, `address` its community's name (with the compound's, when known), whatever the
 * status; `status_notes` is the result. With the api_key of the filing community (in the query
 * string) its own requests show `description`, `address` and `media_url` as filed.
 */
import type { Pool } from 'pg';
import { CATEGORIES, categoryName } from '../../lib/categories';
import { publicRequests, type PublicRequestFilter, type PublicRequestRow } from '../../lib/stores/whistle-reports';
import { shanghaiDateTime } from '../../domain/shanghai-time';
import { OPEN_STATUSES } from '../../domain';
import type { RequestsQuery, ServiceRequest } from '../schemas/open311';
import type { Account, Directory } from './directory';

/** A refusal in the specification's terms: the HTTP status is the error's `code`. */
export class Open311Error extends Error {
  constructor(readonly status: 400 | 403 | 404 | 413 | 429 | 500 | 503, message: string) {
    super(message);
  }
}

/** Public answers are listed from these statuses only: withdrawn and merged whistles never are. */
const CLOSED_STATUSES = ['resolved', 'closed'] as const;
const LISTED = [...OPEN_STATUSES, ...CLOSED_STATUSES] as readonly string[];
const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/**
 * The timeline entries that change a whistle's status or holder (workflows/whistle): the latest
 * of them is `updated_datetime`. Progress notes, reminders, warnings, urgings, extensions and
 * merged-in reports change neither.
 */
const STATUS_OR_HOLDER_CHANGES = [
  'filed', 'accepted', 'resolved', 'escalated', 'deadline_escalation', 'triaged', 'returned', 'reopened', 'closed',
  'evaluation_expired', 'withdrawn', 'merged',
] as const;

/** The specification's default reach of `GET requests`, and its most requests per answer. */
const DEFAULT_SPAN_MS = 90 * 86_400_000;
const MAX_REQUESTS = 1000;

const REQUEST_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** W3C date-time (W3C-DTF) with its zone: minutes, or seconds with a fraction, or neither. */
const W3C_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * A W3C date-time as an instant, or null when it is none. A `+` of the offset that came unencoded
 * in a query string arrives as a space: it is read as the `+` it was.
 */
function w3cInstant(text: string): Date | null {
  const m = W3C_DATE_TIME.exec(text.trim().replace(/ (\d\d:\d\d)$/, '+$1'));
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '00', frac = '', zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (Number(d) > new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate()) return null;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4)) > 59)) return null;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${frac.slice(0, 4)}${zone}`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * The title as the public reads it. A filing without a description is titled with the service's
 * name and the street address (`水电燃气：江景花园3号楼`, cut at 30 characters): publicly, the
 * service's name alone, so that no public answer carries the street address.
 */
function publicTitle(title: string | null, address: string | null, service: string): string {
  if (title === null) return service;
  return address !== null && title === Array.from(`${service}：${address}`).slice(0, 30).join('') ? service : title;
}

const round3 = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000);

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export class Open311Requests {
  constructor(private readonly pool: Pool, private readonly directory: Directory) {}

  /** `GET requests`: newest first, at most MAX_REQUESTS; the last 90 days unless told. */
  async list(q: RequestsQuery, now = Date.now()): Promise<ServiceRequest[]> {
    const reader = await this.reader(q.api_key);
    if (q.service_request_id !== undefined) {
      // The specification: ids override every other filter.
      const ids = splitList(q.service_request_id);
      const bad = ids.find((id) => !REQUEST_ID.test(id));
      if (bad !== undefined || !ids.length) throw new Open311Error(400, `service_request_id: "${bad ?? ''}" is not a request id`);
      return this.read({ ids, statuses: LISTED }, reader);
    }
    let statuses = LISTED;
    if (q.status !== undefined) {
      const wanted = new Set(splitList(q.status));
      statuses = [...(wanted.has('open') ? OPEN_STATUSES : []), ...(wanted.has('closed') ? CLOSED_STATUSES : [])];
    }
    let categories: string[] | undefined;
    if (q.service_code !== undefined) {
      categories = splitList(q.service_code);
      const unknown = categories.find((c) => !CATEGORIES.some((k) => k.id === c));
      if (unknown !== undefined || !categories.length) throw new Open311Error(400, `service_code "${unknown ?? ''}" is not a service of this endpoint: see services.json`);
    }
    const date = (name: 'start_date' | 'end_date') => {
      const text = q[name];
      if (text === undefined) return undefined;
      const at = w3cInstant(text);
      if (!at) throw new Open311Error(400, `${name} must be a W3C date-time with its zone, e.g. 2026-11-01T09:30+08:00 or 2026-11-01T09:30:00Z`);
      return at;
    };
    const end = date('end_date') ?? new Date(now);
    const start = date('start_date') ?? new Date(end.getTime() - DEFAULT_SPAN_MS);
    if (start > end) throw new Open311Error(400, 'start_date is after end_date');
    return this.read({ statuses, categories, filedFrom: start, filedTo: end }, reader);
  }

  /** `GET requests/{id}`: one request, as a list of one; withdrawn, merged or unknown: 404. */
  async one(id: string, apiKey?: string): Promise<ServiceRequest[]> {
    const reader = await this.reader(apiKey);
    if (!REQUEST_ID.test(id)) throw new Open311Error(404, `no service request "${id}"`);
    const found = await this.read({ ids: [id], statuses: LISTED }, reader);
    if (!found.length) throw new Open311Error(404, `no service request "${id}"`);
    return found;
  }

  /** The community account of `apiKey` (absent: a public reading); a key that is not one is 403. */
  private async reader(apiKey: string | undefined): Promise<Account | null> {
    if (apiKey === undefined) return null;
    const account = await this.directory.authenticate(apiKey);
    if (!account) throw new Open311Error(403, 'api_key is not valid (reading needs none)');
    if (account.role !== 'community') throw new Open311Error(403, 'api_key is not a community\'s (reading needs none)');
    return account;
  }

  private async read(filter: Omit<PublicRequestFilter, 'limit' | 'changeTypes'>, reader: Account | null): Promise<ServiceRequest[]> {
    const rows = await publicRequests(this.pool, { ...filter, changeTypes: STATUS_OR_HOLDER_CHANGES, limit: MAX_REQUESTS });
    const orgs = await this.directory.orgMap();
    const nameOf = (id: string | null) => (id ? orgs.get(id)?.name ?? id : null);
    /** Its own: filed by the key's unit, or for the key's community. */
    const own = (r: PublicRequestRow) => reader !== null && (r.filer_org_id === reader.orgId || r.community_id === reader.orgId);
    return rows.map((r): ServiceRequest => {
      const open = isOpen(r.status);
      const place = [nameOf(r.community_id), r.compound_id ? nameOf(r.compound_id) : null].filter((n): n is string => !!n).join(' ');
      const answer: ServiceRequest = {
        service_request_id: r.id,
        status: open ? 'open' : 'closed',
        status_notes: r.result,
        service_name: categoryName(r.category),
        service_code: r.category,
        description: publicTitle(r.title, r.address, categoryName(r.category)),
        agency_responsible: open ? nameOf(r.holder) : nameOf(r.resolver),
        requested_datetime: shanghaiDateTime(r.filed_at),
        updated_datetime: shanghaiDateTime(r.changed_at ?? r.filed_at),
        expected_datetime: r.due_at ? shanghaiDateTime(r.due_at) : null,
        address: place,
        lat: round3(r.lat),
        long: round3(r.lng),
      };
      if (!own(r)) return answer;
      return { ...answer, description: r.description ?? r.title, address: r.address ?? place, media_url: r.media_url };
    });
  }
}
