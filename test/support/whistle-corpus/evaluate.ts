/**
 * Accuracy of the suggestions on the held-out (later) part of a generated corpus: the model is
 * trained on the earlier part exactly as `retrain` trains it from the read model (the resolved
 * whistles' categories, the dispatched ones' leads and lists), with the dev catalogue as it
 * stands after the center's change, and asked about each later whistle's title and description.
 */
import { CATEGORY_IDS } from '../../../lib/categories';
import { DEV_CATALOGUE } from '../../../lib/seed-catalogue';
import { loadModel, predict, type CatalogueSnapshot } from '../../../lib/suggest/predict';
import { matterWords, trainModel } from '../../../lib/suggest/train';
import { generateCorpus, type CorpusOptions, type LabelledWhistle } from './generate';

const CORPUS_DEPARTMENTS = ['housing', 'urban', 'water', 'environment', 'civil', 'market', 'transport', 'health', 'planning', 'police'];

/** The dev catalogue after the center moved parking's lead to urban (what the corpus's later dispatches follow). */
function catalogueAfterChange(): CatalogueSnapshot {
  const entries: CatalogueSnapshot['entries'] = {};
  for (const e of DEV_CATALOGUE) entries[e.category] = { list: e.list, departmentIds: [...e.departmentIds], leadDepartmentId: e.departmentIds[0] };
  entries.parking = { list: 'immediate', departmentIds: ['urban', 'police'], leadDepartmentId: 'urban' };
  return { entries, departments: CORPUS_DEPARTMENTS };
}

export interface Accuracy {
  trainWhistles: number;
  testWhistles: number;
  categoryTop1: number;
  categoryTop3: number;
  departmentTop1: number;
  departmentTop3: number;
  list: number;
  /** Category top-1 / top-3 on the test whistles written with phrasings never seen in training. */
  latePhrasing: { whistles: number; categoryTop1: number; categoryTop3: number };
  trainMs: number;
  suggestMsPerWhistle: number;
}

const share = (hits: number, n: number) => (n ? Math.round((hits / n) * 10_000) / 10_000 : 0);

export async function evaluate(train: LabelledWhistle[], test: LabelledWhistle[], catalogueChangedAt: Date,
  options: { withHistory?: boolean } = {}): Promise<Accuracy> {
  const withHistory = options.withHistory !== false;
  const now = test.length ? test[0].at : new Date();
  const started = Date.now();
  const history = withHistory ? train.map((w) => ({ w, words: matterWords(w.title, w.description) })) : [];
  const params = await trainModel({
    resolutions: history.filter(({ w }) => w.resolved).map(({ w, words }) => ({ words, category: w.category, at: w.at })),
    dispatches: history.filter(({ w }) => w.dispatched).map(({ w, words }) => ({ words, category: w.category, lead: w.lead, list: w.list, at: w.at })),
    catalogueChangedAt: { parking: catalogueChangedAt },
    categories: CATEGORY_IDS,
    now,
  }, CORPUS_DEPARTMENTS);
  const trainMs = Date.now() - started;
  const model = loadModel(1, params);
  const catalogue = catalogueAfterChange();

  let c1 = 0; let c3 = 0; let d1 = 0; let d3 = 0; let dn = 0; let l1 = 0; let lateN = 0; let late1 = 0; let late3 = 0;
  const askedAt = Date.now();
  for (const w of test) {
    const s = predict(model, catalogue, w.title, w.description);
    const cats = s.categories.map((c) => c.id);
    if (cats[0] === w.category) c1++;
    if (cats.includes(w.category)) c3++;
    if (w.latePhrasing) {
      lateN++;
      if (cats[0] === w.category) late1++;
      if (cats.includes(w.category)) late3++;
    }
    if (w.dispatched) {
      dn++;
      const deps = s.departments.map((d) => d.id);
      if (deps[0] === w.lead) d1++;
      if (deps.includes(w.lead)) d3++;
      if (s.list === w.list) l1++;
    }
  }
  return {
    trainWhistles: train.length, testWhistles: test.length,
    categoryTop1: share(c1, test.length), categoryTop3: share(c3, test.length),
    departmentTop1: share(d1, dn), departmentTop3: share(d3, dn), list: share(l1, dn),
    latePhrasing: { whistles: lateN, categoryTop1: share(late1, lateN), categoryTop3: share(late3, lateN) },
    trainMs, suggestMsPerWhistle: test.length ? (Date.now() - askedAt) / test.length : 0,
  };
}

/** Generates a corpus and evaluates the model trained on its earlier part. */
export function evaluateCorpus(options: CorpusOptions, evalOptions: { withHistory?: boolean } = {}): Promise<Accuracy> {
  const { train, test, catalogueChangedAt } = generateCorpus(options);
  return evaluate(train, test, catalogueChangedAt, evalOptions);
}
