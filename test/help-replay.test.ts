/**
 * Replay: recorded histories of finished help workflows (test/histories/help-*.json, saved with
 * `scripts/record-history.ts`) must replay against today's workflow code without a
 * nondeterminism error. A change that breaks running requests fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';

const DIR = path.join(__dirname, 'histories');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /^help-.*\.json$/.test(f)).sort() : [];

test('there are recorded help histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

describe.each(files)('%s', (file) => {
  const history = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));

  test('is a finished help workflow', () => {
    const events = history.events as Array<Record<string, unknown>>;
    const started = events[0].workflowExecutionStartedEventAttributes as { workflowType: { name: string } };
    expect(started.workflowType.name).toBe('help');
    expect(events[events.length - 1]).toHaveProperty('workflowExecutionCompletedEventAttributes');
  });

  test('replays deterministically against the current workflow code', async () => {
    await expect(Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.WHISTLE_TEST_BUNDLE! } }, history, `help-replay-${file}`,
    )).resolves.toBeUndefined();
  });
});
