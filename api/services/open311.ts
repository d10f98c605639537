/**
 * Open311 GeoReport v2 (open311.org) over whistles, for existing civic-reporting clients and the
 * 12345 integrations of other cities: the categories as services, `POST requests` filing a
 * whistle for the community whose key is given (as `POST /v1/whistles` would), and the reading
 * of requests (open311-requests.ts).
 */
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { CATEGORIES, categoryName } from '../../lib/categories';
import { keepMediaUrl } from '../../lib/stores/whistle-reports';
import { whistleExists } from '../../lib/stores/whistles';
import { compileValidator } from '../validation';
import { HttpError } from '../errors';
import { FileWhistleBody } from '../schemas/whistles';
import type { RequestForm, RequestsQuery, Service, ServiceDefinition, ServiceRequest } from '../schemas/open311';
import type { Directory } from './directory';
import { whistleIdFor, type WhistleFiling } from './whistles';
import { Open311Error, Open311Requests } from './open311-requests';

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

/** How long a retried POST with the same key and content meets the same whistle (at least). */
const RETRY_WINDOW_MS = 60_000;

const validFiling = compileValidator({ schema: FileWhistleBody, httpPart: 'body' } as never);

/** The reporter's name as Chinese writes it (姓 + 名, no space), Latin names with a space. */
function reporterName(lastName?: string, firstName?: string): string | undefined {
  const parts = [lastName?.trim(), firstName?.trim()].filter((p): p is string => !!p);
  if (!parts.length) return undefined;
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/;
  return parts.join(parts.some((p) => cjk.test(p)) ? '' : ' ');
}

/** The first `n` characters (code points, so a character is never cut in half). */
const firstChars = (text: string, n: number) => Array.from(text).slice(0, n).join('');

/** Whether `code` is a service (a category) of this endpoint; unknown is 404, as the specification says. */
function knownService(code: string): void {
  if (!CATEGORIES.some((c) => c.id === code)) throw new Open311Error(404, `service_code "${code}" is not a service of this endpoint: see services.json`);
}

export class Open311Service {
  private readonly reading: Open311Requests;

  constructor(
    private readonly pool: Pool,
    private readonly directory: Directory,
    /** The filing service of `POST /v1/whistles` (a getter: the app builds both together). */
    private readonly whistles: () => WhistleFiling,
  ) {
    this.reading = new Open311Requests(pool, directory);
  }

  services(): Service[] {
    return CATEGORIES.map((c) => {
      const details = SERVICE_DETAILS[c.id] ?? { description: c.name, keywords: c.name, group: '其他' };
      return { service_code: c.id, service_name: c.name, description: details.description, metadata: false, type: 'realtime', keywords: details.keywords, group: details.group };
    });
  }

  /** `services/{code}`: no service asks for attributes. An unknown code is 404. */
  definition(code: string): ServiceDefinition {
    knownService(code);
    return { service_code: code, attributes: [] };
  }

  /**
   * `POST requests`: files a whistle for the community of `api_key`, exactly as `POST /v1/whistles`
   * would (same service, same validation). A retry with the same key and content within a minute
   * meets the same whistle: the Idempotency-Key is derived from the content and the minute, and
   * the previous minute's whistle, when it exists, is the answer. `api_key` may come in the form or
   * in the query string (`queryKey`). A `media_url` is kept as given, never fetched.
   */
  async submit(form: RequestForm, now = Date.now(), queryKey?: string): Promise<{ service_request_id: string }> {
    const key = form.api_key ?? queryKey;
    if (!key) throw new Open311Error(403, 'api_key is missing: send the key of a community account');
    const account = await this.directory.authenticate(key);
    if (!account) throw new Open311Error(403, 'api_key is not valid');
    if (account.role !== 'community') throw new Open311Error(403, 'api_key is not a community\'s: only a community (or compound) account files requests');
    knownService(form.service_code);
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
    if (await whistleExists(this.pool, earlier)) return { service_request_id: earlier };
    const view = await this.whistles().file(account, body, keyOf(minute), 'open311');
    if (form.media_url !== undefined) await keepMediaUrl(this.pool, view.id, form.media_url);
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
    // Without a description: the service's name, with the address when given.
    const description = form.description
      ?? (form.address_string !== undefined ? `${categoryName(form.service_code)}：${form.address_string}` : categoryName(form.service_code));
    return {
      title: firstChars(description, 30),
      description,
      category: form.service_code,
      location,
      // The name is kept only with a phone to call back; the email is never kept.
      ...(name && form.phone ? { reporter: { name, phone: form.phone } } : {}),
      urgent: false,
    };
  }

  /** `GET requests` (open311-requests.ts). */
  requests(q: RequestsQuery, now = Date.now()): Promise<ServiceRequest[]> {
    return this.reading.list(q, now);
  }

  /** `GET requests/{id}` (open311-requests.ts). */
  request(id: string, apiKey?: string): Promise<ServiceRequest[]> {
    return this.reading.one(id, apiKey);
  }
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
