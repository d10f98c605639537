/**
 * Training the suggestions (智能分派) from what the project ships (the lexicon) and what the
 * district did (its history), without I/O: the documents come in, the parameters go out.
 *
 * - Categories: naive Bayes over the lexicon's words and sentences and every whistle that
 *   reached a resolution, labelled with the category that stood then.
 * - Departments: naive Bayes over the texts of each whistle's final dispatch (its latest
 *   `triaged` entry), labelled with the lead department; and per category how often each lead and
 *   each list was chosen. A dispatch of a category made before the center last changed that
 *   category's catalogue entry counts a tenth: the catalogue moved on, the suggestions follow it.
 * - Older history weighs less (halved every `halfLifeDays`).
 */
import { LEXICON } from './lexicon';
import { buildVocabulary, indexOf, trainNaiveBayes, type NaiveBayes, type Pause, type TrainingDoc, type Vocabulary } from './model';
import { words } from '../text/words';

/** A whistle that reached a resolution: its words (matterWords) and the category that stood then. */
export interface Resolution { words: string[]; category: string; at: Date }
/** A whistle's final dispatch: its words, category, lead department and list. */
export interface Dispatch { words: string[]; category: string; lead: string; list: string; at: Date }

export interface TrainingInput {
  resolutions: Resolution[];
  dispatches: Dispatch[];
  /** category → when the center last changed its catalogue entry. */
  catalogueChangedAt: Record<string, Date>;
  categories: readonly string[];
  now: Date;
}

/** What history says per category: the effective number of dispatches, and the shares of leads and lists. */
export interface CategoryHistory { weight: number; leads: Record<string, number>; lists: Record<string, number> }

export interface ModelParams {
  format: 1;
  vocabulary: Vocabulary;
  category: NaiveBayes;
  department: NaiveBayes;
  byCategory: Record<string, CategoryHistory>;
  documents: { lexicon: number; resolutions: number; dispatches: number };
}

const TRAINING = {
  alpha: 0.05,
  /** The lexicon of each category weighs as much as this many whistles. */
  lexiconWeight: 40,
  halfLifeDays: 365,
  /** A dispatch made before its category's catalogue entry last changed. */
  beforeCatalogueChange: 0.1,
  minDocs: 2,
};

/** A whistle's words: the title's count twice (it says what the matter is), then the description's. */
export function matterWords(title: string, description: string): string[] {
  const t = words(title, 400);
  return [...t, ...t, ...words(description)];
}

function lexiconDocs(categories: readonly string[]): TrainingDoc[] {
  const docs: TrainingDoc[] = [];
  for (const category of categories) {
    const entry = LEXICON[category];
    if (!entry) continue;
    const own = [
      ...entry.words.split(/\s+/).filter(Boolean).map((w) => words(w)),
      ...entry.sentences.map((s) => words(s)),
    ].filter((ws) => ws.length > 0);
    for (const ws of own) docs.push({ words: ws, label: category, weight: TRAINING.lexiconWeight / own.length });
  }
  return docs;
}

const DAY_MS = 86_400_000;

/** Trains on the documents; `pause` is called between documents (retrain gives the event loop back there). */
export async function trainModel(input: TrainingInput, departments: readonly string[], pause?: Pause): Promise<ModelParams> {
  const age = (at: Date) => Math.pow(0.5, Math.max(0, input.now.getTime() - at.getTime()) / DAY_MS / TRAINING.halfLifeDays);
  const lexicon = lexiconDocs(input.categories);
  const resolved: TrainingDoc[] = input.resolutions.map((r) => ({ words: r.words, label: r.category, weight: age(r.at) }));
  const dispatchWeight = (d: Dispatch) => {
    const changed = input.catalogueChangedAt[d.category];
    return age(d.at) * (changed && d.at < changed ? TRAINING.beforeCatalogueChange : 1);
  };
  const dispatched: TrainingDoc[] = input.dispatches.map((d) => ({ words: d.words, label: d.lead, weight: dispatchWeight(d) }));

  // A whistle both resolved and dispatched is one document for the vocabulary (the same words array).
  const texts = [...new Set([...resolved, ...dispatched].map((d) => d.words))].map((words) => ({ words }));
  const vocabulary = await buildVocabulary([...lexicon.map((d) => ({ words: d.words, keep: true })), ...texts], TRAINING.minDocs, pause);
  const index = indexOf(vocabulary);
  const leads = [...new Set([...departments, ...input.dispatches.map((d) => d.lead)])].sort();

  const byCategory: Record<string, CategoryHistory> = {};
  input.dispatches.forEach((d, i) => {
    const w = dispatched[i].weight;
    const h = byCategory[d.category] ??= { weight: 0, leads: {}, lists: {} };
    h.weight += w;
    h.leads[d.lead] = (h.leads[d.lead] ?? 0) + w;
    h.lists[d.list] = (h.lists[d.list] ?? 0) + w;
  });
  for (const h of Object.values(byCategory)) {
    for (const key of Object.keys(h.leads)) h.leads[key] /= h.weight;
    for (const key of Object.keys(h.lists)) h.lists[key] /= h.weight;
  }

  return {
    format: 1,
    vocabulary,
    category: await trainNaiveBayes([...lexicon, ...resolved], [...input.categories], vocabulary, index, TRAINING.alpha, pause),
    department: await trainNaiveBayes(dispatched, leads, vocabulary, index, TRAINING.alpha, pause),
    byCategory,
    documents: { lexicon: lexicon.length, resolutions: resolved.length, dispatches: dispatched.length },
  };
}
