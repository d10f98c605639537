/**
 * `retrain`: a new version of the suggestions' model from the lexicon and the district's history
 * in the read model (each whistle that reached a resolution, each whistle's final dispatch, the
 * catalogue's changes), stored in PostgreSQL as the active version, audited
 * (`suggestions_retrained`). Run by `npm run suggestions -- retrain`, by the center
 * (POST /v1/suggest/retrain), and when no model exists yet.
 *
 * Segmenting and counting give the event loop back every few milliseconds (`pacer`), so an API
 * process that retrains keeps answering meanwhile.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Pool } from 'pg';
import { recordAudit } from '../audit';
import { CATEGORY_IDS } from '../categories';
import { inTransaction } from '../db';
import * as store from '../stores/suggestions';
import { pacer } from './model';
import { matterWords, trainModel, type Dispatch, type ModelParams, type Resolution } from './train';

const gzipAsync = promisify(gzip);

/** Versions kept (older ones are deleted at each retraining). */
const KEEP_VERSIONS = 10;
const SLICE_MS = 20;

export interface Retrained { version: number; trainedAt: string; documents: ModelParams['documents']; ms: number }

export async function retrain(pool: Pool, actor: string, now = new Date()): Promise<Retrained> {
  const started = Date.now();
  const [history, changes, state] = await Promise.all([
    store.trainingHistory(pool), store.catalogueChanges(pool), store.suggestionState(pool),
  ]);
  const pause = pacer(SLICE_MS);
  const resolutions: Resolution[] = [];
  const dispatches: Dispatch[] = [];
  for (const row of history) {
    await pause();
    const words = matterWords(row.title, row.description); // once per whistle, shared by both
    if (row.resolvedAt) resolutions.push({ words, category: row.category, at: row.resolvedAt });
    if (row.dispatchedAt && row.lead && row.list) dispatches.push({ words, category: row.category, lead: row.lead, list: row.list, at: row.dispatchedAt });
  }
  const params = await trainModel({ resolutions, dispatches, catalogueChangedAt: changes, categories: CATEGORY_IDS, now }, state.departments, pause);
  const packed = await gzipAsync(Buffer.from(JSON.stringify(params)));
  return inTransaction(pool, async (client) => {
    const stored = await store.insertModel(client, actor, params.documents, packed);
    await store.pruneModels(client, KEEP_VERSIONS);
    await recordAudit(client, {
      type: 'suggestions_retrained', actor, subject: `v${stored.version}`,
      note: `${params.documents.resolutions} resolved whistles, ${params.documents.dispatches} dispatches, ${params.documents.lexicon} lexicon entries`,
    });
    return { version: stored.version, trainedAt: stored.trainedAt.toISOString(), documents: params.documents, ms: Date.now() - started };
  });
}
