/**
 * What others see of a whistle, kept current by its workflow: the read model (timeline and
 * notifications too) through the projection, a local activity; the search attributes operators
 * filter on (only what changed is sent); the current details the Temporal UI shows.
 *
 * An action's update answers at once with the new state, which the API writes to the read model;
 * the workflow projects the same a moment later (the stage clock's delay), so that nothing an API
 * process fails to write is lost. A change no API writes (a deadline's, a signal's) is urgent: it
 * is projected before the workflow waits again.
 */
import { proxyLocalActivities, setCurrentDetails, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { WhistleActivities } from '../../activities/types';
import type { Filing } from '../../domain';
import * as attrs from '../search-attributes';
import { iso, projectionOf, type WhistleState } from './state';

/**
 * The projection (read model, timeline, notifications). A projection takes milliseconds; a short
 * timeout means a worker killed mid-projection delays this whistle by seconds, not half a minute.
 */
const { projectWhistle } = proxyLocalActivities<WhistleActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  summary: 'project whistle to read model and notify',
});

export class Publisher {
  /** The version, and how many timeline entries, the workflow's own projection has written. */
  private published = 0;
  private projectedEvents = 0;
  /** A change the API will not write (a deadline, a signal): project it now, not a moment later. */
  private urgent = true;
  /** Set while an update handler runs: its changes reach the read model through the API. */
  private inUpdate = false;

  constructor(private readonly w: WhistleState, private readonly filing: Filing) {}

  /** The whistle changed. */
  changed(): void {
    if (!this.inUpdate) this.urgent = true;
  }

  /** Runs an update's change: the API writes it to the read model with the update's answer. */
  inAction(change: () => void): void {
    this.inUpdate = true;
    try {
      change();
    } finally {
      this.inUpdate = false;
    }
  }

  /** Changes the read model may still lack. */
  behind(): boolean {
    return this.w.version > this.published;
  }

  /** Changes only the workflow's projection will write. */
  dueNow(): boolean {
    return this.behind() && this.urgent;
  }

  urge(): void {
    this.urgent = true;
  }

  /** Projects the whistle; resolves to the milliseconds the projection took. */
  async publish(): Promise<unknown> {
    const target = projectionOf(this.w, this.filing, this.projectedEvents + 1);
    this.showInTemporal();
    this.urgent = false;
    const took = await projectWhistle(target);
    this.published = Math.max(this.published, target.version);
    this.projectedEvents = Math.max(this.projectedEvents, target.timelineLength ?? 0);
    return took;
  }

  /** What operators see in the Temporal UI: the search attributes and the current details. */
  showInTemporal(): void {
    const { w } = this;
    upsertChanged([
      { key: attrs.WhistleStatus, value: w.status },
      { key: attrs.WhistleList, value: w.list },
      { key: attrs.DepartmentIds, value: w.departments.map((d) => d.id) },
      { key: attrs.DueAt, value: w.dueAt === null ? null : new Date(w.dueAt) },
      { key: attrs.Overdue, value: w.overdue },
      { key: attrs.WhistleDueSoon, value: w.dueSoon },
    ]);
    setCurrentDetails(
      `**Status:** ${w.status}${w.list ? ` · **List:** ${w.list}` : ''}${w.duplicateOf ? ` · **Merged into:** ${w.duplicateOf}` : ''}  \n` +
      `**Holder:** ${w.holder ?? '—'} · **Due:** ${w.dueAt === null ? '—' : iso(w.dueAt)}${w.dueSoon ? ' (due soon)' : ''} · ` +
      `**Overdue:** ${w.overdue ? 'yes' : 'no'}  \n` +
      `**Departments:** ${w.departments.map((d) => `${d.id}${d.lead ? ' (lead)' : ''}: ${d.status}`).join(', ') || '—'}` +
      ` · **Reopened:** ${w.reopenCount} · **Returns:** ${w.returns}` +
      `${w.extension ? ` · **Extension:** ${w.extension.status} until ${w.extension.until}` : ''}` +
      `${w.merged.length ? ` · **Reports:** ${1 + w.merged.length}` : ''}`,
    );
  }
}

/** Sends the search attributes that differ from what Temporal has (an empty list where there is none is no difference). */
function upsertChanged(pairs: SearchAttributeUpdatePair[]): void {
  const current = workflowInfo().typedSearchAttributes;
  const differs = pairs.filter((pair) => {
    const had = current.get(pair.key as never) as unknown;
    const want = pair.value as unknown;
    if (want === null || want === undefined) return had !== undefined;
    if (had === undefined) return !(Array.isArray(want) && want.length === 0);
    if (want instanceof Date) return !(had instanceof Date) || had.getTime() !== want.getTime();
    if (Array.isArray(want)) return !Array.isArray(had) || had.length !== want.length || want.some((v, i) => had[i] !== v);
    return had !== want;
  });
  if (differs.length > 0) upsertSearchAttributes(differs);
}
