/**
 * Replays recorded whistle histories (test/histories/whistle-*.json) against today's workflow
 * code: a change that would break whistles already running fails here. Each file is named by the
 * version it recorded (workflows/whistle/versions.ts): `*.next-deadline-only.json` run on
 * workflows/whistle/process.ts, the others on the frozen code of their version.
 */
import { WHISTLE_VERSIONS } from '../workflows/whistle/versions';
import { historyFileName, historyFiles, readHistory, replay, versionName, workflowTypeOf } from './support/replay';

const files = historyFiles('whistle-');

test('there are recorded whistle histories of every version to replay, and of the code without markers', () => {
  const recorded = new Set(files.map((f) => f.split('.').slice(1, -1).join('.')));
  expect([...recorded].sort()).toEqual(['', ...WHISTLE_VERSIONS.map(versionName)].sort());
});

test.each(files)('%s is a whistle named by the version its markers record', (file) => {
  const history = readHistory(file);
  expect(workflowTypeOf(history)).toBe('whistle');
  expect(historyFileName(file.split('.')[0], history)).toBe(file);
});

test.each(files)('the recorded history %s replays without nondeterminism', async (file) => {
  await expect(replay(file)).resolves.toBeUndefined();
});
