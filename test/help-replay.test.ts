/**
 * Replay: recorded histories of finished help workflows (test/histories/help-*.json, saved by
 * `npm run record:histories` or `scripts/record-history.ts`) must replay against today's workflow
 * code without a nondeterminism error: those with the `help-timer-per-deadline` marker on
 * workflows/help/process.ts, the others on the frozen code. A change that breaks running
 * requests fails here.
 */
import { eventsOf, historyFileName, historyFiles, readHistory, replay, workflowTypeOf } from './support/replay';

const files = historyFiles('help-');

test('there are recorded help histories of today\'s code and of the frozen code to replay', () => {
  expect(files.some((f) => f.endsWith('.timer-per-deadline.json'))).toBe(true);
  expect(files.some((f) => !f.endsWith('.timer-per-deadline.json'))).toBe(true);
});

describe.each(files)('%s', (file) => {
  const history = readHistory(file);

  test('is a finished help workflow, named by the version its markers record', () => {
    expect(workflowTypeOf(history)).toBe('help');
    expect(eventsOf(history).at(-1)).toHaveProperty('workflowExecutionCompletedEventAttributes');
    expect(historyFileName(file.split('.')[0], history)).toBe(file);
  });

  test('replays deterministically against the current workflow code', async () => {
    await expect(replay(history, { name: file })).resolves.toBeUndefined();
  });
});
