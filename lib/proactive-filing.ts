/**
 * 未诉先办: a whistle the center files itself for a community in a proactive round, dispatched at
 * once to the round's departments (no street stage; the departments' deadlines counted from the
 * filing as for a triage), `source: "proactive"`, actor `system`. Idempotent per (round,
 * occurrence, community): the whistle id is derived from the three, so a Schedule's retry meets
 * the whistle filed the first time and never files a second one. In lib/, so that both the API
 * and a worker's activity (which never imports the API) can file.
 */
import type { WorkflowStartOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { SOURCE_LABELS, type Filing, type PlannedDeadline } from '../domain';
import { whistleWorkflowId } from '../workflows/messages';
import * as attrs from '../workflows/search-attributes';
import type { whistle } from '../workflows/whistle';
import { newWhistle, projectionOf } from '../workflows/whistle/state';
import { categoryName } from './categories';
import { whistleLimitsOf, type Policy, type PolicyKey } from './policy';
import { projectWhistle } from './read-model/whistles';
import { unitAndParent } from './stores/orgs';
import { proactiveWhistleId, type ProactiveFilingRequest } from './proactive/filing-port';

/**
 * A round's whistle for one community: what the filing port is asked (the occurrence any text
 * naming the run), the lead department optional (the first department leads without one).
 */
export type ProactiveWhistleInput = Omit<ProactiveFilingRequest, 'leadDepartmentId'> & { leadDepartmentId?: string };

export interface ProactiveFilingDeps {
  pool: Pool;
  policy: Policy;
  /** The deadlines of these keys from these instants, by the policy and the working-day calendar (the API's planner). */
  plan(items: Array<{ key: PolicyKey; from: Date }>): Promise<PlannedDeadline[]>;
  /** Starts the `whistle` workflow (the deployment's task queue is the starter's); false when its id exists already. */
  start(options: Omit<WorkflowStartOptions<typeof whistle>, 'taskQueue'>): Promise<boolean>;
}

/** A community deactivated, or moved out of every street, since the round was made: its run skips it. */
export class CommunityGone extends Error {
  constructor(readonly communityId: string) {
    super(`community ${communityId} does not exist or is no longer active, or belongs to no street`);
    this.name = 'CommunityGone';
  }
}

/**
 * Files the proactive whistle of (round, occurrence, community), once: `filed` false when it was
 * filed before (a retry). Throws for a community that does not exist or belongs to no street.
 */
export async function fileProactiveWhistle(deps: ProactiveFilingDeps, input: ProactiveWhistleInput, now = new Date()):
  Promise<{ id: string; filed: boolean }> {
  const id = proactiveWhistleId(input);
  const community = await unitAndParent(deps.pool, input.communityId);
  if (!community || community.kind !== 'community' || !community.parentId || !community.active) throw new CommunityGone(input.communityId);
  const keys: PolicyKey[] = ['department.acceptWithin', `lists.${input.list}`, ...(input.list === 'phased' ? ['phased.progressEvery' as const] : [])];
  const plan = await deps.plan(keys.map((key) => ({ key, from: now })));
  const lead = input.leadDepartmentId ?? input.departmentIds[0];
  const filing: Filing = {
    id, title: input.title, description: input.description, category: input.category, urgent: false,
    location: { communityId: input.communityId }, filerOrgId: input.communityId, filedBy: 'system', communityId: input.communityId,
    streetId: community.parentId, filedAt: now.toISOString(), plan, limits: whistleLimitsOf(deps.policy), source: 'proactive',
    proactive: { list: input.list, departmentIds: [...input.departmentIds], ...(input.leadDepartmentId ? { leadDepartmentId: lead } : {}) },
  };
  const started = await deps.start({
    workflowId: whistleWorkflowId(id), args: [filing], workflowIdConflictPolicy: 'FAIL', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `${input.title} — ${community.name} · ${categoryName(input.category)} · ${SOURCE_LABELS.proactive}`,
    staticDetails: `**Proactive whistle** ${id} (round ${input.roundId}, ${input.occurrence})  \n**Community:** ${community.name} ` +
      `(${input.communityId}) · **Departments:** ${input.departmentIds.join(', ')}`,
    typedSearchAttributes: [
      { key: attrs.WhistleStatus, value: 'dispatched' },
      { key: attrs.WhistleList, value: input.list },
      { key: attrs.StreetId, value: community.parentId },
      { key: attrs.CommunityId, value: input.communityId },
      { key: attrs.DepartmentIds, value: [...input.departmentIds] },
      { key: attrs.Category, value: input.category },
      { key: attrs.DueAt, value: new Date(plan[1].at) },
      { key: attrs.Overdue, value: false },
      { key: attrs.WhistleDueSoon, value: false },
    ],
  });
  if (!started) return { id, filed: false };
  // In the read model (and the departments' queues) at once; the workflow's first task writes the same durably.
  await projectWhistle(deps.pool, projectionOf(newWhistle(filing, now.getTime()), filing), { durable: false });
  return { id, filed: true };
}
