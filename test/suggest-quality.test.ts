/**
 * The suggestions' quality on held-out data: a generated corpus of realistic whistle texts
 * (test/support/whistle-corpus) over two years, the model trained on the earlier 80% as
 * `retrain` trains it and asked about the later 20% — held out by time, with phrasings that only
 * appear late. Thresholds are the goals (categories top-3 ≥ 90%, top-1 ≥ 70%) and what a useful
 * department suggestion needs; bench/suggest.ts prints the full figures at larger sizes.
 */
import { evaluateCorpus, type Accuracy } from './support/whistle-corpus/evaluate';

let withHistory: Accuracy;
let lexiconOnly: Accuracy;

beforeAll(async () => {
  withHistory = await evaluateCorpus({ count: 6000, seed: 7 });
  lexiconOnly = await evaluateCorpus({ count: 6000, seed: 7 }, { withHistory: false });
  console.log('[suggest quality]', JSON.stringify({ withHistory, lexiconOnly }));
});

test('categories: the right one first for at least 70% of later whistles, among the three for at least 90%', () => {
  expect(withHistory.testWhistles).toBeGreaterThan(1000);
  expect(withHistory.categoryTop1).toBeGreaterThanOrEqual(0.7);
  expect(withHistory.categoryTop3).toBeGreaterThanOrEqual(0.9);
});

test('phrasings never seen in training are still placed: top-3 at least 85%', () => {
  expect(withHistory.latePhrasing.whistles).toBeGreaterThan(50);
  expect(withHistory.latePhrasing.categoryTop3).toBeGreaterThanOrEqual(0.85);
});

test('departments: the final lead first for at least 70% of dispatched later whistles, among the three for at least 90%', () => {
  expect(withHistory.departmentTop1).toBeGreaterThanOrEqual(0.7);
  expect(withHistory.departmentTop3).toBeGreaterThanOrEqual(0.9);
});

test('the district\'s history improves on the shipped lexicon alone, which is already useful', () => {
  expect(lexiconOnly.categoryTop3).toBeGreaterThanOrEqual(0.75);
  expect(withHistory.categoryTop1).toBeGreaterThan(lexiconOnly.categoryTop1);
  expect(withHistory.departmentTop1).toBeGreaterThan(lexiconOnly.departmentTop1 + 0.1);
});
