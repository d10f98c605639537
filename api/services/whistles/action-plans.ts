/**
 * What the API works out before it sends an action: the deadlines the action starts (and, for an
 * extension request, its limit) with the worker's own policy and calendar, and the checks that
 * need the directory or the read model (departments that exist, a merge's target).
 */
import { OPEN_STATUSES, STATUS_LABELS, type ActionPlan, type WhistleAction } from '../../../domain';
import type { PolicyKey } from '../../../lib/policy';
import type { WhistleRow } from '../../../lib/stores/whistles';
import { canSee } from '../../../workflows/visibility';
import { invalid } from '../../errors';
import type { CatalogueService } from '../catalogue';
import type { DeadlinePlanner } from '../../../lib/deadline-planner';
import { actorOf, type Account, type Directory } from '../directory';
import { ruleStateOfRow, type WhistleReads } from './reads';

export interface ActionPlansDeps {
  planner: DeadlinePlanner;
  catalogue: CatalogueService;
  directory: Directory;
  reads: WhistleReads;
}

export class ActionPlans {
  constructor(private readonly deps: ActionPlansDeps) {}

  /** The deadlines the action starts (and, for an extension request, its limit), worked out here. */
  async planFor(account: Account, action: WhistleAction, body: Record<string, unknown>, row: WhistleRow | null): Promise<ActionPlan> {
    const now = new Date();
    const planned = (...keys: PolicyKey[]) => this.deps.planner.plan(keys.map((key) => ({ key, from: now })));
    switch (action) {
      case 'escalate':
      case 'return':
        return { deadlines: await planned('center.triageWithin') };
      case 'evaluate':
        return body.rating === 'unsatisfied' ? { deadlines: await planned('center.triageWithin') } : {};
      case 'resolve':
        return { deadlines: await planned('evaluation.window', 'callback.within') };
      case 'triage': {
        await this.checkDepartments(body);
        const list = body.list as 'immediate' | 'phased' | 'understanding';
        const keys: PolicyKey[] = ['department.acceptWithin', `lists.${list}`, ...(list === 'phased' ? ['phased.progressEvery' as const] : [])];
        const followedSuggestion = row
          ? await this.deps.catalogue.follows(row.view.category, body as { list: string; departmentIds: string[]; leadDepartmentId?: string })
          : undefined;
        return { deadlines: await planned(...keys), ...(followedSuggestion === undefined ? {} : { followedSuggestion }) };
      }
      case 'request-extension': {
        const dueAt = row?.view.dueAt;
        if (!dueAt) return {};
        const limit = await this.deps.planner.extensionLimit(new Date(dueAt));
        return { extensionLimit: { dueAt, limit: limit.toISOString() } };
      }
      case 'decide-extension': {
        // Approved at the street's stage: the center's triage deadline should the new one escalate it.
        const until = row?.view.extension?.until;
        if (body.approve !== true || !until || (row.view.status !== 'street_handling' && row.view.status !== 'filed')) return {};
        return { deadlines: await this.deps.planner.plan([{ key: 'center.triageWithin', from: new Date(until) }]) };
      }
      case 'merge':
        await this.checkMergeTarget(account, row, String(body.into ?? ''));
        return {};
      default:
        return {};
    }
  }

  /** 重复件合并: `into` must be another open whistle the caller may see, not itself merged. */
  private async checkMergeTarget(account: Account, row: WhistleRow | null, into: string) {
    if (row && into === row.view.id) throw invalid('a whistle cannot be merged into itself', '不能合并到事项本身');
    const target = await this.deps.reads.row(into);
    const actor = actorOf(account);
    if (!target || !canSee(ruleStateOfRow(target), actor)) {
      throw invalid(`into: no whistle "${into}" that you may see`, `into：没有找到可合并的事项“${into}”`);
    }
    if (target.view.status === 'merged') {
      throw invalid(`into: whistle "${into}" was itself merged into ${target.view.duplicateOf}`, '目标事项本身已被合并，请合并到其原件');
    }
    if (!OPEN_STATUSES.includes(target.view.status)) {
      throw invalid(`into: whistle "${into}" is ${target.view.status}, not open`, `目标事项${STATUS_LABELS[target.view.status]}，不能合并`);
    }
    if (account.role === 'street' && target.view.streetId !== account.orgId) {
      throw invalid(`into: whistle "${into}" is of another street`, '只能合并到本镇街的事项');
    }
  }

  private async checkDepartments(body: Record<string, unknown>) {
    for (const id of (body.departmentIds as string[]) ?? []) {
      if (!(await this.deps.directory.isKind(id, 'department'))) throw invalid(`departmentIds: unknown department "${id}"`, `未知的部门“${id}”`);
    }
  }
}
