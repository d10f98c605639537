/**
 * A suggestion from a trained model and the dispatch catalogue as it stands now (派单目录):
 *
 *   P(category | text)      naive Bayes over the text's words;
 *   P(department | text)  = Σ_c P(c | text) · P(department | c, text), where P(department | c, text)
 *                           is proportional to prior_c(department) · exp(γ · the text's log-likelihood
 *                           under that department's dispatches), and prior_c mixes what history chose
 *                           for category c with the catalogue's entry for c (the lead most), history
 *                           counting more the more dispatches of c it has (β_c = n_c / (n_c + K));
 *   list                  = the list most likely the same way (history and catalogue by category).
 *
 * So a district without history gets the catalogue's departments for the likely categories, and a
 * change of the catalogue shows in the next suggestion.
 */
import { indexOf, logLikelihoods, posterior, top, vectorOf } from './model';
import { matterWords, type ModelParams } from './train';

const PREDICTION = {
  /** Weight of the text's own evidence for a department against the category's prior. */
  gamma: 1,
  /** Dispatches of a category at which history and catalogue weigh the same. */
  historyHalfWeight: 20,
  /** The catalogue's share for its lead department (the others share the rest). */
  catalogueLead: 0.6,
  /** Every department keeps this much prior: the text may still point to it. */
  floor: 0.01,
};

export interface CatalogueSnapshot {
  entries: Record<string, { list: string; departmentIds: string[]; leadDepartmentId: string | null }>;
  /** The district's departments, the candidates of a suggestion. */
  departments: string[];
}

export interface LoadedModel { version: number; params: ModelParams; index: Map<string, number> }

export interface Scored { id: string; score: number }
export interface Suggestion { categories: Scored[]; departments: Scored[]; list: string }

const LISTS = ['immediate', 'phased', 'understanding'];

export function loadModel(version: number, params: ModelParams): LoadedModel {
  return { version, params, index: indexOf(params.vocabulary) };
}

function cataloguePrior(entry: CatalogueSnapshot['entries'][string] | undefined, departments: string[]): Map<string, number> {
  const prior = new Map<string, number>();
  if (!entry || entry.departmentIds.length === 0) {
    for (const d of departments) prior.set(d, 1 / Math.max(1, departments.length));
    return prior;
  }
  const lead = entry.leadDepartmentId ?? entry.departmentIds[0];
  const others = entry.departmentIds.filter((d) => d !== lead);
  prior.set(lead, others.length ? PREDICTION.catalogueLead : 1);
  for (const d of others) prior.set(d, (1 - PREDICTION.catalogueLead) / others.length);
  return prior;
}

export function predict(model: LoadedModel, catalogue: CatalogueSnapshot, title: string, description: string, n = 3): Suggestion {
  const { params } = model;
  const x = vectorOf(matterWords(title, description), model.index, params.vocabulary.idf);
  const categories = params.category.labels;
  const pc = posterior(params.category, x);

  // The text's evidence for each candidate department (a department the model never saw: none either way).
  const ll = logLikelihoods(params.department, x);
  const known = new Map(params.department.labels.map((d, i) => [d, ll[i]]));
  let mass = 0;
  for (const v of x.values()) mass += v;
  const unseen = mass * (Math.log(params.department.alpha) - Math.log(params.department.alpha * Math.max(1, params.vocabulary.words.length)));
  const departments = catalogue.departments.length ? catalogue.departments : params.department.labels;
  const evidence = departments.map((d) => known.get(d) ?? unseen);
  const best = Math.max(...evidence);
  const textFactor = evidence.map((l) => Math.exp(PREDICTION.gamma * (l - best)));

  const pd = departments.map(() => 0);
  const pl = LISTS.map(() => 0);
  categories.forEach((category, ci) => {
    if (pc[ci] < 1e-6) return;
    const history = params.byCategory[category];
    const beta = history ? history.weight / (history.weight + PREDICTION.historyHalfWeight) : 0;
    const entry = catalogue.entries[category];
    const fromCatalogue = cataloguePrior(entry, departments);
    const weights = departments.map((d, di) => {
      const prior = beta * (history?.leads[d] ?? 0) + (1 - beta) * (fromCatalogue.get(d) ?? 0) + PREDICTION.floor;
      return prior * textFactor[di];
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    weights.forEach((w, di) => { pd[di] += pc[ci] * (w / sum); });
    LISTS.forEach((l, li) => {
      const catalogueShare = entry ? (entry.list === l ? 1 : 0) : 1 / LISTS.length;
      pl[li] += pc[ci] * (beta * (history?.lists[l] ?? 0) + (1 - beta) * catalogueShare);
    });
  });

  const listIndex = pl.indexOf(Math.max(...pl));
  return { categories: top(categories, pc, n), departments: top(departments, pd, n), list: LISTS[listIndex] };
}
