/**
 * Filing a whistle (吹哨): the community's checks, the street's deadlines worked out here (so the
 * workflow needs no activity before it answers), the workflow started, and the whistle written to
 * the read model at once — it is in the street's queue before any worker runs.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Pool } from 'pg';
import type { Filing, WhistleSource, WhistleView } from '../../../domain';
import { fileProactiveWhistle, type ProactiveWhistleInput } from '../../../lib/proactive-filing';
import { categoryName } from '../../../lib/categories';
import { whistleLimitsOf, type Policy } from '../../../lib/policy';
import { whistlePriority } from '../../../lib/task-priority';
import { projectWhistle } from '../../../lib/read-model/whistles';
import { whistleWorkflowId } from '../../../workflows/messages';
import * as attrs from '../../../workflows/search-attributes';
import type { whistle } from '../../../workflows/whistle';
import { newWhistle, projectionOf, ruleExtrasOf, ruleStateFrom } from '../../../workflows/whistle/state';
import { forbidden, invalid } from '../../errors';
import type { FileWhistleBody } from '../../schemas/whistles';
import type { AttachmentService } from '../attachments';
import type { CatalogueService } from '../catalogue';
import type { DeadlinePlanner } from '../../../lib/deadline-planner';
import type { Account, Directory } from '../directory';
import type { IdempotencyKeys } from '../idempotency';
import type { TemporalGateway } from '../temporal-gateway';
import { checkFilingPlace } from '../whistle-places';
import type { WhistleReads } from './reads';

/** The whistle id: derived from (account, Idempotency-Key) so retries meet the same workflow. */
export function whistleIdFor(accountId: string, idempotencyKey?: string): string {
  if (!idempotencyKey) return randomBytes(8).toString('hex');
  return createHash('sha256').update(`${accountId}\u0000${idempotencyKey}`).digest('hex').slice(0, 16);
}

export interface WhistleFilingDeps {
  pool: Pool;
  gateway: TemporalGateway;
  directory: Directory;
  policy: Policy;
  planner: DeadlinePlanner;
  idempotency: IdempotencyKeys;
  catalogue: CatalogueService;
  reads: WhistleReads;
  attachments: AttachmentService;
  logger: Logger;
  /** After a filing is written (智能分派 records what it would have suggested); a failure is logged, never the caller's. */
  onFiled?: (filing: Filing) => Promise<void>;
}

export class WhistleFiling {
  constructor(private readonly deps: WhistleFilingDeps) {}

  /** A community's filing (`source`: `open311` when an Open311 client sent it). */
  async file(account: Account, body: FileWhistleBody, idempotencyKey?: string, source: WhistleSource = 'community'): Promise<WhistleView> {
    const { directory } = this.deps;
    if (account.role !== 'community') {
      throw forbidden('only a community (or compound) account may blow the whistle', '只有社区（小区）账号可以吹哨');
    }
    const own = await directory.communityOf(account.orgId);
    if (!own) throw forbidden('this account does not belong to a community', '该账号不属于任何社区');
    const location = { ...(body.location ?? {}) };
    const communityId = location.communityId ?? own.id;
    if (communityId !== own.id) {
      if (!(await directory.isKind(communityId, 'community'))) {
        throw invalid(`location.communityId: unknown community "${communityId}"`, `未知的社区“${communityId}”`);
      }
      throw forbidden('a community may only blow the whistle for itself', '社区只能为本社区吹哨');
    }
    await checkFilingPlace(directory, account, communityId, location);
    const streetId = own.parentId;
    if (!streetId) throw invalid('the community belongs to no street', '该社区不属于任何镇街');

    if (idempotencyKey) await this.deps.idempotency.claim(account.id, idempotencyKey, 'POST', '/v1/whistles', body);
    const id = whistleIdFor(account.id, idempotencyKey);
    const filedAt = new Date();
    const urgent = body.urgent ?? false;
    const [accept, handle] = await this.deps.planner.plan([
      { key: urgent ? 'street.acceptWithinUrgent' : 'street.acceptWithin', from: filedAt },
      { key: 'street.handleWithin', from: filedAt },
    ]);
    // The center's triage deadline, should the street's handling deadline escalate the whistle.
    const [triage] = await this.deps.planner.plan([{ key: 'center.triageWithin', from: new Date(handle.at) }]);
    const filing: Filing = {
      id, title: body.title, description: body.description, category: body.category, urgent,
      location: { ...location, communityId },
      // The phone stays in PostgreSQL; the workflow (and so Temporal's history) gets the name only.
      reporter: body.reporter ? { name: body.reporter.name } : undefined,
      ...(body.attachmentIds?.length ? { attachmentIds: body.attachmentIds } : {}),
      filerOrgId: account.orgId, filedBy: account.id, communityId, streetId, filedAt: filedAt.toISOString(),
      plan: [accept, handle, triage], limits: whistleLimitsOf(this.deps.policy), source,
    };
    // First on the task queue by urgency and the list the catalogue gives the category; fair among streets.
    const priority = whistlePriority({ streetId, urgent, list: (await this.deps.catalogue.suggestionFor(body.category))?.list ?? null });
    // Its photos are attached with the start: checked first, committed once the workflow started (none when it did not).
    const photos = { account, ids: body.attachmentIds, subject: { kind: 'whistle' as const, id }, stage: 'filing', again: !!idempotencyKey };
    const started = await this.deps.attachments.withPhotos(photos, () => this.deps.gateway.start<typeof whistle>('whistle', {
      workflowId: whistleWorkflowId(id),
      args: [filing],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      priority,
      staticSummary: `${body.title} — ${own.name} · ${categoryName(body.category)}`,
      staticDetails: `**Whistle** ${id}  \n**Community:** ${own.name} (${communityId}) · **Street:** ${streetId}  \n` +
        `**Category:** ${categoryName(body.category)} (${body.category})${urgent ? ' · **urgent**' : ''}`,
      typedSearchAttributes: [
        { key: attrs.WhistleStatus, value: 'filed' },
        { key: attrs.StreetId, value: streetId },
        { key: attrs.CommunityId, value: communityId },
        { key: attrs.Category, value: body.category },
        { key: attrs.DueAt, value: new Date(handle.at) },
        { key: attrs.Overdue, value: false },
        { key: attrs.WhistleDueSoon, value: false },
      ],
    }));
    // The same key was used before (a retry, or its twin at the same moment): that whistle.
    if (!started) return this.existing(account, id);
    // Started: the whistle is in the read model (and the street's queue) before any worker runs.
    await this.writeFiling(filing, body.reporter);
    await this.deps.onFiled?.(filing).catch((err) => this.deps.logger.warn({ err, whistleId: id }, 'after-filing work failed'));
    const filed = newWhistle(filing, filedAt.getTime());
    const { view } = projectionOf(filed, filing);
    return this.deps.reads.callerView(account, view, ruleStateFrom(view, [], ruleExtrasOf(filed)));
  }

  /**
   * 未诉先办: the center's own whistle of a proactive round for a community, dispatched at once,
   * without a caller (actor `system`); idempotent per (round, occurrence, community): lib/proactive-filing.ts.
   */
  fileProactive(input: ProactiveWhistleInput): Promise<{ id: string; filed: boolean }> {
    const { pool, policy, planner, gateway } = this.deps;
    return fileProactiveWhistle({ pool, policy, plan: (items) => planner.plan(items), start: (options) => gateway.start('whistle', options) }, input);
  }

  /** The filing's first projection and the reporter's contact, in one statement (never before the start). */
  private async writeFiling(filing: Filing, reporter: FileWhistleBody['reporter']) {
    try {
      // Not waiting for the disk unless there is a phone to keep: the workflow's first task
      // projects the same version durably, but no workflow holds the phone.
      await projectWhistle(this.deps.pool, projectionOf(newWhistle(filing, Date.parse(filing.filedAt!)), filing),
        { durable: false, ...(reporter ? { reporter: { name: reporter.name, phone: reporter.phone } } : {}) });
    } catch (err) {
      // The workflow exists and projects itself; only the phone would be missing for the feedback.
      this.deps.logger.error({ err, whistleId: filing.id }, 'the filing could not be written to the read model');
    }
  }

  /** A whistle filed before under the same key: from the read model, or the workflow, once it has it. */
  private async existing(account: Account, id: string): Promise<WhistleView> {
    const { reads } = this.deps;
    for (let i = 0; i < 20; i++) {
      const row = await reads.row(id);
      if (row) return reads.viewFromRow(account, row);
      await new Promise((r) => setTimeout(r, 100));
    }
    return reads.view(account, id);
  }
}
