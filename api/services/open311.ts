/**
 * Open311 GeoReport v2 (open311.org) over whistles, for existing civic-reporting clients and the
 * 12345 integrations of other cities: the categories as services, `POST requests` filing a
 * whistle for the community whose key is given (as `POST /v1/whistles` would), and the public
 * reading of requests from the read model. Public answers carry no reporter data; the description
 * and the address appear only once a whistle is resolved, as on the notice board (公示).
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { CATEGORIES, categoryName } from '../../lib/categories';
import { compileValidator } from '../validation';
import { HttpError } from '../errors';
import { FileWhistleBody } from '../schemas/whistles';
import type { RequestForm, RequestsQuery, Service, ServiceDefinition, ServiceRequest } from '../schemas/open311';
import type { Directory } from './directory';
import { OPEN_STATUSES } from './duplicates';
import { whistleIdFor, type WhistleService } from './whistles';

/** A refusal in the specification's terms: the HTTP status is the error's `code`. */
export class Open311Error extends Error {
  constructor(readonly status: 400 | 403 | 404 | 413 | 429 | 500 | 503, message: string) {
    super(message);
  }
}

/** What the services list says about each category (Chinese, as residents and clerks say it). */
const SERVICE_DETAILS: Record<string, { description: string; keywords: string; group: string }> = {
  environment: { description: '垃圾清运、卫生死角、污水横流等环境卫生问题', keywords: '垃圾,清运,卫生,污水,异味', group: '市容环境' },
  property: { description: '物业服务、公共设施维修、物业费纠纷等', keywords: '物业,电梯,门禁,维修,物业费', group: '住房物业' },
  roads: { description: '路面破损、井盖缺失、路灯不亮、交通设施损坏等', keywords: '路面,井盖,路灯,红绿灯,塌陷', group: '市政设施' },
  utilities: { description: '停水停电、燃气、供水水压、管道漏水等', keywords: '停水,停电,燃气,水压,漏水', group: '市政设施' },
  housing: { description: '房屋开裂、危房、外墙脱落等房屋安全隐患', keywords: '危房,开裂,外墙,漏雨,隐患', group: '住房物业' },
  public_safety: { description: '消防通道占用、电动车违规充电等公共安全隐患', keywords: '消防,通道,充电,隐患,安全', group: '平安建设' },
  elderly_care: { description: '独居老人关爱、助餐助浴、养老服务需求', keywords: '老人,助餐,养老,独居,关爱', group: '民生服务' },
  disputes: { description: '邻里纠纷、物业纠纷等需要调解的矛盾', keywords: '纠纷,调解,邻里,矛盾', group: '平安建设' },
  noise: { description: '夜间施工、商铺喇叭、广场舞等噪音扰民', keywords: '噪音,施工,扰民,夜间', group: '市容环境' },
  greening: { description: '绿化带杂草、树木倒伏、绿地破坏等', keywords: '绿化,树木,杂草,草坪', group: '市容环境' },
  parking: { description: '乱停车、停车位不足、僵尸车等停车问题', keywords: '停车,车位,僵尸车,占道', group: '市政设施' },
  social_security: { description: '低保、医保、社保等社会保障事项', keywords: '低保,医保,社保,救助', group: '民生服务' },
  other: { description: '以上类别之外的居民诉求', keywords: '其他', group: '其他' },
};

/** Public answers are listed from these statuses only: withdrawn and merged whistles never are. */
const CLOSED_STATUSES = ['resolved', 'closed'] as const;
const LISTED = [...OPEN_STATUSES, ...CLOSED_STATUSES] as readonly string[];
const isOpen = (status: string) => (OPEN_STATUSES as readonly string[]).includes(status);

/** The specification's default reach of `GET requests`, and its most requests per answer. */
const DEFAULT_SPAN_MS = 90 * 86_400_000;
export const MAX_REQUESTS = 1000;
/** How long a retried POST with the same key and content meets the same whistle (at least). */
const RETRY_WINDOW_MS = 60_000;

const ID = /^[A-Za-z0-9_-]{1,100}$/;
const validFiling = compileValidator({ schema: FileWhistleBody, httpPart: 'body' } as never);

/** An instant as W3C date-time in Asia/Shanghai (UTC+08:00, no daylight saving), to the second. */
export function w3cShanghai(at: Date | string): string {
  const t = new Date(at).getTime();
  return `${new Date(t + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

const round3 = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 1000);

/** The reporter's name as Chinese writes it (姓 + 名, no space), Latin names with a space. */
export function reporterName(lastName?: string, firstName?: string): string | undefined {
  const parts = [lastName?.trim(), firstName?.trim()].filter((p): p is string => !!p);
  if (!parts.length) return undefined;
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;
  return parts.join(parts.some((p) => cjk.test(p)) ? '' : ' ');
}

/** The first `n` characters (code points, so a character is never cut in half). */
const firstChars = (text: string, n: number) => Array.from(text).slice(0, n).join('');

interface RequestRow {
  id: string; status: string; category: string; community_id: string; holder: string | null; filed_at: Date;
  due_at: Date | null; lat: number | null; lng: number | null; result: string | null; description: string | null;
  address: string | null; updated_at: string | null; resolver: string | null;
}

export class Open311Service {
  constructor(
    private readonly pool: Pool,
    private readonly directory: Directory,
    /** The filing service of `POST /v1/whistles` (a getter: the app builds both together). */
    private readonly whistles: () => WhistleService,
  ) {}

  services(): Service[] {
    return CATEGORIES.map((c) => {
      const details = SERVICE_DETAILS[c.id] ?? { description: c.name, keywords: c.name, group: '其他' };
      return { service_code: c.id, service_name: c.name, description: details.description, metadata: false, type: 'realtime', keywords: details.keywords, group: details.group };
    });
  }

  /** `services/{code}`: no service asks for attributes. An unknown code is 400, as everywhere (the contract). */
  definition(code: string): ServiceDefinition {
    if (!CATEGORIES.some((c) => c.id === code)) throw new Open311Error(400, `service_code "${code}" is not a service of this endpoint: see services.json`);
    return { service_code: code, attributes: [] };
  }

  /**
   * `POST requests`: files a whistle for the community of `api_key`, exactly as `POST /v1/whistles`
   * would (same service, same validation). A retry with the same key and content within a minute
   * meets the same whistle: the Idempotency-Key is derived from the content and the minute, and
   * the previous minute's whistle, when it exists, is the answer.
   */
  async submit(form: RequestForm, now = Date.now()): Promise<{ service_request_id: string }> {
    if (!form.api_key) throw new Open311Error(403, 'api_key is missing: send the key of a community account');
    const account = await this.directory.authenticate(form.api_key);
    if (!account) throw new Open311Error(403, 'api_key is not valid');
    if (account.role !== 'community') throw new Open311Error(403, 'api_key is not a community\'s: only a community (or compound) account files requests');
    if (!CATEGORIES.some((c) => c.id === form.service_code)) {
      throw new Open311Error(400, `service_code "${form.service_code}" is not a service of this endpoint: see services.json`);
    }
    const body = await this.filingOf(form, account.orgId);
    if (!validFiling(body)) {
      const first = validFiling.errors?.[0];
      throw new Open311Error(400, `${(first?.instancePath || 'request').replace(/^\//, '').replace(/\//g, '.')} ${first?.message ?? 'is invalid'}`);
    }

    const content = createHash('sha256').update(JSON.stringify(
      Object.entries(form).filter(([k, v]) => k !== 'api_key' && v !== undefined).sort(([a], [b]) => a.localeCompare(b)),
    )).digest('hex').slice(0, 32);
    const minute = Math.floor(now / RETRY_WINDOW_MS);
    const keyOf = (m: number) => `open311:${content}:${m}`;
    const earlier = whistleIdFor(account.id, keyOf(minute - 1));
    const { rowCount } = await this.pool.query('SELECT 1 FROM whistles WHERE id = $1', [earlier]);
    if (rowCount) return { service_request_id: earlier };
    const view = await this.whistles().file(account, body, keyOf(minute));
    return { service_request_id: view.id };
  }

  /** The filing `POST /v1/whistles` would receive for this form. */
  private async filingOf(form: RequestForm, orgId: string): Promise<FileWhistleBody> {
    const hasLat = form.lat !== undefined;
    if (hasLat !== (form.long !== undefined)) throw new Open311Error(400, 'lat and long go together: give both, or address_string');
    if (!hasLat && form.address_string === undefined) throw new Open311Error(400, 'a location is required: lat + long, or address_string');
    const location: FileWhistleBody['location'] = {};
    if (hasLat) {
      const lat = Number(form.lat);
      const lng = Number(form.long);
      if (!(Math.abs(lat) <= 90)) throw new Open311Error(400, 'lat must be a number from -90 to 90');
      if (!(Math.abs(lng) <= 180)) throw new Open311Error(400, 'long must be a number from -180 to 180');
      location.lat = lat;
      location.lng = lng;
    }
    if (form.address_string !== undefined) location.address = form.address_string;
    // A compound's account files for its own compound (小区).
    if ((await this.directory.org(orgId))?.kind === 'compound') location.compoundId = orgId;
    const name = reporterName(form.last_name, form.first_name);
    return {
      title: firstChars(form.description, 30),
      description: form.description,
      category: form.service_code,
      location,
      // The name is kept only with a phone to call back; the email is never kept.
      ...(name && form.phone ? { reporter: { name, phone: form.phone } } : {}),
      urgent: false,
    };
  }

  /** `GET requests`: newest first, at most MAX_REQUESTS; the last 90 days unless told. */
  async requests(q: RequestsQuery, now = Date.now()): Promise<ServiceRequest[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => { params.push(value); return `$${params.length}`; };
    if (q.service_request_id !== undefined) {
      // The specification: ids override every other filter.
      const ids = splitList(q.service_request_id);
      const bad = ids.find((id) => !ID.test(id));
      if (bad !== undefined || !ids.length) throw new Open311Error(400, `service_request_id: "${bad ?? ''}" is not a request id`);
      where.push(`w.id = ANY(${p(ids)}::text[])`, `w.status = ANY(${p(LISTED)}::text[])`);
    } else {
      let statuses = LISTED;
      if (q.status !== undefined) {
        const wanted = new Set(splitList(q.status));
        statuses = [...(wanted.has('open') ? OPEN_STATUSES : []), ...(wanted.has('closed') ? CLOSED_STATUSES : [])];
      }
      where.push(`w.status = ANY(${p(statuses)}::text[])`);
      if (q.service_code !== undefined) {
        const codes = splitList(q.service_code);
        const unknown = codes.find((c) => !CATEGORIES.some((k) => k.id === c));
        if (unknown !== undefined || !codes.length) throw new Open311Error(400, `service_code "${unknown ?? ''}" is not a service of this endpoint: see services.json`);
        where.push(`w.category = ANY(${p(codes)}::text[])`);
      }
      const end = q.end_date !== undefined ? new Date(q.end_date) : new Date(now);
      const start = q.start_date !== undefined ? new Date(q.start_date) : new Date(end.getTime() - DEFAULT_SPAN_MS);
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new Open311Error(400, 'start_date and end_date are W3C date-times with an offset');
      if (start > end) throw new Open311Error(400, 'start_date is after end_date');
      where.push(`w.filed_at >= ${p(start.toISOString())}::timestamptz`, `w.filed_at <= ${p(end.toISOString())}::timestamptz`);
    }
    return this.read(where, params);
  }

  /** `GET requests/{id}`: one request, as a list of one; withdrawn, merged or unknown: 404. */
  async request(id: string): Promise<ServiceRequest[]> {
    if (!ID.test(id)) throw new Open311Error(404, `no service request "${id}"`);
    const found = await this.read(['w.id = $1', 'w.status = ANY($2::text[])'], [id, LISTED]);
    if (!found.length) throw new Open311Error(404, `no service request "${id}"`);
    return found;
  }

  private async read(where: string[], params: unknown[]): Promise<ServiceRequest[]> {
    const { rows } = await this.pool.query<RequestRow>(
      `SELECT w.id, w.status, w.category, w.community_id, w.holder, w.filed_at, w.due_at, w.lat, w.lng,
              w.view ->> 'result' AS result, w.view ->> 'description' AS description,
              w.view -> 'location' ->> 'address' AS address, w.view -> 'timeline' -> -1 ->> 'at' AS updated_at,
              (SELECT e.unit_id FROM whistle_events e WHERE e.whistle_id = w.id AND e.type = 'resolved'
                ORDER BY e.seq DESC LIMIT 1) AS resolver
         FROM whistles w
        WHERE ${where.join(' AND ')}
        ORDER BY w.filed_at DESC, w.id DESC
        LIMIT ${MAX_REQUESTS}`, params);
    const orgs = await this.directory.orgMap();
    const nameOf = (id: string | null) => (id ? orgs.get(id)?.name ?? id : null);
    return rows.map((r): ServiceRequest => {
      const open = isOpen(r.status);
      const community = nameOf(r.community_id) ?? r.community_id;
      return {
        service_request_id: r.id,
        status: open ? 'open' : 'closed',
        status_notes: r.result,
        service_name: categoryName(r.category),
        service_code: r.category,
        description: open ? null : r.description,
        agency_responsible: open ? nameOf(r.holder) : nameOf(r.resolver),
        requested_datetime: w3cShanghai(r.filed_at),
        updated_datetime: w3cShanghai(r.updated_at ?? r.filed_at),
        expected_datetime: r.due_at ? w3cShanghai(r.due_at) : null,
        address: open ? community : r.address ?? community,
        lat: round3(r.lat),
        long: round3(r.lng),
      };
    });
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** For the route layer: an HttpError or Open311Error as the specification's status. */
export function open311Status(err: unknown): number | null {
  if (err instanceof Open311Error) return err.status;
  if (err instanceof HttpError) {
    switch (err.code) {
      case 'unauthenticated': case 'forbidden': return 403;
      case 'not_found': return 404;
      case 'payload_too_large': return 413;
      case 'rate_limited': return 429;
      case 'unavailable': return 503;
      case 'internal': return 500;
      default: return 400;
    }
  }
  return null;
}
