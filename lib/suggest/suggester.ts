/**
 * Suggestions for a text (智能分派) with the active model version and the catalogue as they are in
 * PostgreSQL at the moment of the request, so every API process answers alike: one small query per
 * suggestion reads the version, the catalogue and the departments; a version is loaded once per
 * process. With no model stored yet, the first caller trains one (one process at a time).
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Pool } from 'pg';
import * as store from '../stores/suggestions';
import { loadModel, predict, type CatalogueSnapshot, type LoadedModel, type Suggestion } from './predict';
import { retrain } from './retrain';
import type { ModelParams } from './train';

const gunzipAsync = promisify(gunzip);
/** Serialises the first training of a district (any constant). */
const FIRST_TRAINING_LOCK = 7_426_031;
/** How long a process waits for another one's first training before answering 503. */
const FIRST_TRAINING_WAIT_MS = 120_000;

/** No model yet: another process is still training the district's first one. */
export class ModelNotReady extends Error {
  constructor() { super('the first suggestions model is still being trained'); }
}

export class Suggester {
  private loaded: { version: number; model: Promise<LoadedModel> } | null = null;
  private firstTraining: Promise<void> | null = null;

  constructor(private readonly pool: Pool) {}

  private async load(version: number): Promise<LoadedModel> {
    if (this.loaded?.version !== version) {
      const model = (async () => {
        const packed = await store.modelParams(this.pool, version);
        if (!packed) throw new Error(`suggestion model version ${version} is gone`);
        return loadModel(version, JSON.parse((await gunzipAsync(packed)).toString('utf8')) as ModelParams);
      })();
      this.loaded = { version, model };
      model.catch(() => { if (this.loaded?.model === model) this.loaded = null; });
    }
    return this.loaded.model;
  }

  /**
   * The first model of a district, trained by one process (a try-lock) while the others poll for it
   * without holding a connection; within a process, one training at a time (the filings and
   * suggestions that ask meanwhile share it).
   */
  private trainFirst(): Promise<void> {
    this.firstTraining ??= this.trainOrWait().finally(() => { this.firstTraining = null; });
    return this.firstTraining;
  }

  private async trainOrWait(): Promise<void> {
    const client = await this.pool.connect();
    let locked = false;
    try {
      locked = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [FIRST_TRAINING_LOCK])).rows[0].locked;
      if (locked && (await store.suggestionState(client)).version === null) await retrain(this.pool, 'system');
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1)', [FIRST_TRAINING_LOCK]).catch(() => undefined);
      client.release();
    }
    for (const deadline = Date.now() + FIRST_TRAINING_WAIT_MS; !locked && Date.now() < deadline;) {
      if ((await store.suggestionState(this.pool)).version !== null) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async suggest(title: string, description: string): Promise<Suggestion & { version: number }> {
    let state = await store.suggestionState(this.pool);
    if (state.version === null) {
      await this.trainFirst();
      state = await store.suggestionState(this.pool);
      if (state.version === null) throw new ModelNotReady();
    }
    return this.answer(state, title, description);
  }

  private async answer(state: store.SuggestionState, title: string, description: string): Promise<Suggestion & { version: number }> {
    const version = state.version!;
    const model = await this.load(version);
    const catalogue: CatalogueSnapshot = {
      entries: Object.fromEntries(state.catalogue.map((e) => [e.category, e])),
      departments: state.departments,
    };
    return { ...predict(model, catalogue, title, description), version };
  }

  /**
   * Records what would have been suggested for a whistle as filed (for /v1/stats `suggestion`). A
   * filing never waits for a first training: before the district's first model exists nothing is
   * recorded, and the training starts beside the filing.
   */
  async recordFiled(whistle: { id: string; title: string; description: string }): Promise<void> {
    const state = await store.suggestionState(this.pool);
    if (state.version === null) {
      this.trainFirst().catch(() => undefined); // the next suggestion trains again if this one failed
      return;
    }
    const s = await this.answer(state, whistle.title, whistle.description);
    await store.recordSuggestion(this.pool, whistle.id, s.version, {
      categories: s.categories.map((c) => c.id), departments: s.departments.map((d) => d.id), list: s.list,
    });
  }
}
