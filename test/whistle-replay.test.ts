/**
 * Replays recorded whistle histories (test/histories/whistle-*.json) against today's workflow
 * code: a change that would break whistles already running fails here. Record new ones with
 * `npm run record:histories`; keep the old ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';

const dir = path.join(__dirname, 'histories');
const files = fs.readdirSync(dir).filter((f) => f.startsWith('whistle-') && f.endsWith('.json'));

test('there are recorded whistle histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(3);
});

test.each(files)('the recorded history %s replays without nondeterminism', async (file) => {
  const history = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  await expect(Worker.runReplayHistory(
    { workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! }, replayName: file },
    history,
    `replay-${file}`,
  )).resolves.toBeUndefined();
});
