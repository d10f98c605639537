/**
 * 重复件合并: a repeated report is merged into the open whistle it repeats (the original). The
 * original hears of it twice, and takes it once: from the API right after the merge (the
 * `mergedIn` update, whose answer the API writes to the original's read model before it answers
 * the merge) and from the merged whistle's own signal (the durable path). It lists the merged
 * whistle, counts its report, and the merged whistle's filing organisation and community may view
 * the original and receive its feedback. A whistle merged into one that has itself been merged
 * meanwhile is passed on to that one's original.
 */
import { ApplicationFailure, getExternalWorkflowHandle, log, setHandler } from '@temporalio/workflow';
import type { ActionResult, Filing, MergedIn, WhistleTimelineType } from '../../domain';
import { mergedInSignal, mergedInUpdate, whistleWorkflowId } from '../messages';
import type { Publisher } from './publishing';
import { actionResultOf, type WhistleState } from './state';

const SYSTEM = 'system';

type Recorder = (type: WhistleTimelineType, actor: string, note: string | null, unit: string | null, data?: { [k: string]: unknown }) => void;

export class Merging {
  /** The original this whistle was merged into, until it has been told. */
  private toTell: (MergedIn & { into: string }) | null = null;
  /** Whistles merged into this one after it was itself merged: passed on to its original. */
  private readonly toPassOn: MergedIn[] = [];

  constructor(private readonly w: WhistleState, private readonly filing: Filing, private readonly record: Recorder) {}

  /** This whistle was merged into `into`: the original is to be told. */
  mergedInto(into: string, by: string, note: string | null): void {
    const { w } = this;
    this.toTell = { id: this.filing.id, filerOrgId: w.filerOrgId, communityId: w.communityId, by, note, into };
  }

  /**
   * The original's handlers. The update answers like an action: the state now and the timeline
   * from this merge's `merged_in` entry on (also when the signal brought it first), so the API
   * writes it to the read model; the projection follows a moment later, as after an action.
   */
  handle(publisher: Publisher): void {
    setHandler(mergedInSignal, (m) => this.received(m),
      { description: 'A repeated report was merged into this whistle (sent by the merged whistle)' });
    setHandler(mergedInUpdate, (m): ActionResult => {
      const before = this.w.events.length;
      publisher.inAction(() => this.received(m));
      publisher.showInTemporal();
      const entry = this.w.events.find((e) => e.type === 'merged_in' && e.data.duplicate === m.id);
      return actionResultOf(this.w, this.filing, entry?.seq ?? before + 1);
    }, {
      validator: (m) => {
        if (typeof m?.id !== 'string' || !m.id || m.id === this.filing.id || typeof m.by !== 'string') {
          throw ApplicationFailure.create({ type: 'validation_failed', nonRetryable: true, message: 'not a whistle merged into this one' });
        }
      },
      description: 'A repeated report was merged into this whistle (sent by the API right after the merge; answers the state)',
    });
  }

  /** A whistle was merged into this one (once per whistle; passed on if this one is merged itself). */
  received(m: MergedIn | undefined): void {
    const { w } = this;
    if (!m || typeof m.id !== 'string' || w.merged.some((x) => x.id === m.id) || m.id === this.filing.id) return;
    if (w.status === 'merged') { this.toPassOn.push(m); return; }
    w.merged.push({ id: m.id, filerOrgId: m.filerOrgId, communityId: m.communityId, by: m.by, note: m.note ?? null });
    this.record('merged_in', m.by, m.note ?? `whistle ${m.id} merged in as a repeated report`, null,
      { duplicate: m.id, filerOrgId: m.filerOrgId, communityId: m.communityId });
  }

  /** Telling the original, when there is news for it: an errand for the stage clock. */
  errand(): (() => Promise<void>) | null {
    return this.toTell || this.toPassOn.length > 0 ? () => this.tellOriginal() : null;
  }

  private async tellOriginal(): Promise<void> {
    const target = this.w.duplicateOf;
    const news: MergedIn[] = this.toTell ? [this.toTell] : [];
    this.toTell = null;
    news.push(...this.toPassOn.splice(0));
    if (!target) return;
    for (const m of news) {
      try {
        await getExternalWorkflowHandle(whistleWorkflowId(target)).signal(mergedInSignal, m);
      } catch (err) {
        log.warn('the original whistle could not be told of a merge', { into: target, merged: m.id, error: String(err) });
        this.record('merge_unconfirmed', SYSTEM, `whistle ${target} could not be told (${String((err as Error)?.message ?? err)})`, null,
          { into: target, merged: m.id });
      }
    }
  }
}
