/**
 * The arithmetic of the suggestions (智能分派), small enough to keep by hand: multinomial naive
 * Bayes over TF-IDF-weighted words (Rennie et al., "Tackling the Poor Assumptions of Naive Bayes
 * Text Classifiers", 2003: log term frequency, inverse document frequency, length-normalised
 * documents), trained on weighted documents. No I/O here: lib/suggest/retrain.ts gathers the
 * documents, lib/suggest/suggester.ts answers with the result.
 */

export interface TrainingDoc { words: string[]; label: string; weight: number }

/** Called between documents: gives the event loop back now and then (see `pacer`), or does nothing. */
export type Pause = () => Promise<void> | void;

/** A pause that yields to the event loop once `sliceMs` have passed since the last time, so a long training never holds it. */
export function pacer(sliceMs = 20): Pause {
  let since = Date.now();
  return () => {
    if (Date.now() - since < sliceMs) return;
    return new Promise<void>((resolve) => setImmediate(() => { since = Date.now(); resolve(); }));
  };
}

export interface Vocabulary { words: string[]; idf: number[] }

/** A trained classifier: per label its log prior and log denominator, per word the labels' masses (sparse). */
export interface NaiveBayes {
  labels: string[];
  logPrior: number[];
  logDenominator: number[];
  /** For each word of the vocabulary: [label index, mass] of the labels it was seen with. */
  mass: Array<Array<[number, number]>>;
  alpha: number;
}

/** A document as weights over the vocabulary: log(1 + tf) · idf, of unit length. */
export type Vector = Map<number, number>;

/**
 * The vocabulary of the documents: every word of a document marked `keep` (the shipped lexicon),
 * and every other word found in at least `minDocs` documents; idf smoothed as log((n+1)/(df+1)) + 1.
 */
export async function buildVocabulary(docs: Array<{ words: string[]; keep?: boolean }>, minDocs = 2, pause?: Pause): Promise<Vocabulary> {
  const df = new Map<string, number>();
  const kept = new Set<string>();
  for (const d of docs) {
    await pause?.();
    for (const w of new Set(d.words)) {
      df.set(w, (df.get(w) ?? 0) + 1);
      if (d.keep) kept.add(w);
    }
  }
  const words = [...df].filter(([w, n]) => n >= minDocs || kept.has(w)).map(([w]) => w).sort();
  const n = docs.length;
  return { words, idf: words.map((w) => Math.log((n + 1) / (df.get(w)! + 1)) + 1) };
}

export function indexOf(vocabulary: Vocabulary): Map<string, number> {
  return new Map(vocabulary.words.map((w, i) => [w, i]));
}

export function vectorOf(words: string[], index: Map<string, number>, idf: number[]): Vector {
  const tf = new Map<number, number>();
  for (const w of words) {
    const i = index.get(w);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  let norm = 0;
  for (const [i, n] of tf) {
    const x = Math.log1p(n) * idf[i];
    tf.set(i, x);
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [i, x] of tf) tf.set(i, x / norm);
  return tf;
}

/**
 * Trains a classifier over `labels` (documents of other labels are ignored). `alpha` smooths the
 * word masses; the prior is each label's share of the documents' weight (plus one).
 */
export async function trainNaiveBayes(docs: TrainingDoc[], labels: string[], vocabulary: Vocabulary,
  index: Map<string, number>, alpha: number, pause?: Pause): Promise<NaiveBayes> {
  const at = new Map(labels.map((l, i) => [l, i]));
  const sparse: Array<Map<number, number>> = vocabulary.words.map(() => new Map());
  const totals = labels.map(() => 0);
  const weights = labels.map(() => 0);
  for (const doc of docs) {
    const li = at.get(doc.label);
    if (li === undefined || doc.weight <= 0) continue;
    await pause?.();
    weights[li] += doc.weight;
    for (const [wi, x] of vectorOf(doc.words, index, vocabulary.idf)) {
      const m = x * doc.weight;
      sparse[wi].set(li, (sparse[wi].get(li) ?? 0) + m);
      totals[li] += m;
    }
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const v = vocabulary.words.length;
  return {
    labels: [...labels],
    logPrior: weights.map((w) => Math.log((w + 1) / (weightSum + labels.length))),
    logDenominator: totals.map((t) => Math.log(t + alpha * v)),
    mass: sparse.map((m) => [...m].map(([li, x]) => [li, round(x)] as [number, number])),
    alpha,
  };
}

/** Σ_w x_w · log P(w | label), for each label (without the prior). */
export function logLikelihoods(nb: NaiveBayes, x: Vector): number[] {
  let sum = 0;
  for (const v of x.values()) sum += v;
  const logAlpha = Math.log(nb.alpha);
  const out = nb.logDenominator.map((den) => sum * (logAlpha - den));
  for (const [wi, xv] of x) {
    for (const [li, m] of nb.mass[wi] ?? []) out[li] += xv * (Math.log(m + nb.alpha) - logAlpha);
  }
  return out;
}

/** Posterior probabilities of the labels: softmax of prior + likelihood. */
export function posterior(nb: NaiveBayes, x: Vector, priorWeight = 1): number[] {
  const ll = logLikelihoods(nb, x);
  return softmax(ll.map((l, i) => l + priorWeight * nb.logPrior[i]));
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Six significant digits are plenty for a mass and keep the stored model small. */
function round(x: number): number {
  return Number(x.toPrecision(6));
}

/** The `n` largest of `scores` as `{ id, score }`, best first (ties by id), scores rounded to 4 decimals. */
export function top(ids: string[], scores: number[], n: number): Array<{ id: string; score: number }> {
  return ids.map((id, i) => ({ id, score: scores[i] }))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
    .slice(0, n)
    .map(({ id, score }) => ({ id, score: Math.min(1, Math.max(0, Math.round(score * 10_000) / 10_000)) }));
}
