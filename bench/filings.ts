/**
 * Whistles to file: plausible bodies from the seeded communities, and the raw way of starting
 * the same `whistle` workflow without the API (`client.workflow.start` with the options the API
 * gives it, minus the `filed` update).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { CATEGORIES, categoryName } from '../lib/categories';
import { changleOrgs } from '../lib/seed';
import { WorkingCalendar } from '../lib/calendar';
import { deadlineAfter, durationOf, whistleLimitsOf, type Policy } from '../lib/policy';
import type { Filing, PlannedDeadline } from '../domain';
import { whistleWorkflowId } from '../workflows/messages';
import * as attrs from '../workflows/search-attributes';

const ORGS = changleOrgs();
export const COMMUNITIES = ORGS.filter((o) => o.kind === 'community');
export const STREETS = ORGS.filter((o) => o.kind === 'street');
export const DEPARTMENTS = ORGS.filter((o) => o.kind === 'department');

const MATTERS: Array<[string, string, string]> = [
  ['utilities', '3号楼下水道堵塞', '下水道堵塞一周，污水外溢，居民出行不便。'],
  ['roads', '小区门口路面塌陷', '雨后路面出现约一米见方的坑洞，夜间存在安全隐患。'],
  ['parking', '消防通道被长期占用', '多辆私家车长期停放在消防通道，物业劝离无效。'],
  ['noise', '夜间施工噪音扰民', '工地晚上十一点后仍在施工，老人孩子无法休息。'],
  ['environment', '垃圾清运不及时', '垃圾桶满溢三天无人清运，气味难闻。'],
  ['elderly_care', '独居老人需要助餐服务', '辖区独居老人行动不便，希望协调助餐点送餐。'],
];

/** The body of `POST /v1/whistles` for the i-th filing. */
export function filingBody(i: number): Record<string, unknown> {
  const [category, title, description] = MATTERS[i % MATTERS.length];
  return {
    title: `${title}（${i}）`,
    description,
    category,
    urgent: i % 10 === 0,
    location: { address: `${1 + (i % 30)}号楼`, grid: `网格${1 + (i % 12)}` },
    reporter: { name: '李大爷', phone: '13800000000' },
  };
}

/** The community account that files the i-th whistle (every seeded community in turn). */
export function filerOf(i: number): { id: string; streetId: string; name: string } {
  const c = COMMUNITIES[i % COMMUNITIES.length];
  return { id: c.id, streetId: c.parentId!, name: c.name };
}

const PACKAGE_CALENDAR = new WorkingCalendar();

/** The street stage's deadlines as the API plans them (api/services/whistles/filing.ts), with the packaged calendar. */
export function streetPlan(policy: Policy, filedAt: Date, urgent: boolean): PlannedDeadline[] {
  const at = (key: Parameters<typeof durationOf>[1], from: Date) => {
    const duration = durationOf(policy, key);
    return { key, from: from.toISOString(), at: deadlineAfter(duration, from, PACKAGE_CALENDAR).toISOString(), clock: !('workingDays' in duration) };
  };
  const accept = at(urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', filedAt);
  const handle = at('street.handleWithin', filedAt);
  return [accept, handle, at('center.triageWithin', new Date(handle.at))];
}

/**
 * Starts the i-th whistle straight on Temporal; resolves once the server has recorded the start.
 * With `policy`, the filing carries the street stage's plan and the limits as the API's does.
 */
export async function startRaw(client: Client, taskQueue: string, i: number, id = `${randomBytes(8).toString('hex')}`,
  extra: { startDelay?: number; filedAt?: Date; policy?: Policy } = {}): Promise<string> {
  const body = filingBody(i) as { title: string; description: string; category: string; urgent: boolean; location: Record<string, unknown>; reporter: { name: string; phone: string } };
  const filer = filerOf(i);
  const filing: Filing = {
    id, title: body.title, description: body.description, category: body.category, urgent: body.urgent,
    location: { ...body.location, communityId: filer.id },
    // As the API hands it over: the name only (the phone stays in PostgreSQL, which raw starts skip).
    reporter: { name: body.reporter.name },
    filerOrgId: filer.id, filedBy: filer.id, communityId: filer.id, streetId: filer.streetId,
    filedAt: (extra.filedAt ?? new Date()).toISOString(),
    ...(extra.policy ? {
      plan: streetPlan(extra.policy, extra.filedAt ?? new Date(), body.urgent), limits: whistleLimitsOf(extra.policy),
    } : {}),
  };
  await client.workflow.start('whistle', {
    workflowId: whistleWorkflowId(id),
    taskQueue,
    args: [filing],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `${body.title} — ${filer.name} · ${categoryName(body.category)}`,
    staticDetails: `**Whistle** ${id}  \n**Community:** ${filer.name} (${filer.id}) · **Street:** ${filer.streetId}  \n` +
      `**Category:** ${categoryName(body.category)} (${body.category})${body.urgent ? ' · **urgent**' : ''}`,
    typedSearchAttributes: [
      { key: attrs.WhistleStatus, value: 'filed' },
      { key: attrs.StreetId, value: filer.streetId },
      { key: attrs.CommunityId, value: filer.id },
      { key: attrs.Category, value: body.category },
      { key: attrs.Overdue, value: false },
    ],
    ...(extra.startDelay && extra.startDelay > 0 ? { startDelay: extra.startDelay } : {}),
  });
  return id;
}

export const CATEGORY_IDS = CATEGORIES.map((c) => c.id);
