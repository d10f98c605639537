/**
 * Not part of `npm test`: `npm run record:histories` records whistle histories under
 * test/histories/ for the replay test. Run it when a deliberate, patched change to the
 * workflow needs new histories; keep the old ones so running whistles stay covered.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import { startStack, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

const run = promisify(execFile);
/**
 * Appended to the file names. Give each deliberate change of the workflow's commands a new
 * suffix, so that the histories recorded before it stay and keep being replayed.
 * Generations: (none) projection as an activity; `local-projection` since the patch
 * `projection-as-local-activity`.
 */
const GENERATION = 'local-projection';
let stack: Stack;
beforeAll(async () => { stack = await startStack({ policy: { street: { acceptWithin: { seconds: 1 } }, evaluation: { window: { seconds: 1 } } } }); });
afterAll(async () => { await stack.stop(); });

test('records whistle histories for the replay test', async () => {
  const dir = path.join(__dirname, 'histories');
  fs.mkdirSync(dir, { recursive: true });
  // 1. The full path: street escalates, two departments, reopen, second resolution, evaluation.
  const a = await fileWhistle(stack, 'xiguan', { urgent: true });
  await must(stack, 'wuhang', a.id, 'accept');
  await must(stack, 'wuhang', a.id, 'progress', { note: '已查看' });
  await must(stack, 'supervision', a.id, 'urge', { note: '请加快' });
  await must(stack, 'wuhang', a.id, 'escalate', { reason: '无权处理' });
  await must(stack, 'center', a.id, 'triage', { list: 'immediate', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
  await must(stack, 'water', a.id, 'return', { reason: '不属于本部门' });
  await must(stack, 'center', a.id, 'triage', { list: 'phased', departmentIds: ['urban'] });
  await must(stack, 'urban', a.id, 'accept');
  await must(stack, 'urban', a.id, 'resolve', { result: '已修复' });
  await must(stack, 'xiguan', a.id, 'evaluate', { rating: 'unsatisfied' });
  await must(stack, 'center', a.id, 'triage', { list: 'understanding', departmentIds: ['planning'] });
  await must(stack, 'planning', a.id, 'accept');
  await must(stack, 'planning', a.id, 'resolve', { result: '政策限制，已解释' });
  await must(stack, 'xiguan', a.id, 'evaluate', { rating: 'basically_satisfied' });
  // 2. Street resolves, evaluation window expires.
  const b = await fileWhistle(stack);
  await must(stack, 'wuhang', b.id, 'accept');
  await must(stack, 'wuhang', b.id, 'resolve', { result: '已处理' });
  // 3. Withdrawn after an overdue flag.
  const c = await fileWhistle(stack);
  await new Promise((r) => setTimeout(r, 1500));
  await must(stack, 'xiguan', c.id, 'withdraw', { reason: '已自行解决' });
  for (const [name, id] of [['whistle-full-path', a.id], ['whistle-evaluation-expired', b.id], ['whistle-withdrawn-overdue', c.id]]) {
    const handle = stack.client.workflow.getHandle(`whistle-${id}`);
    await handle.result();
    // The CLI's JSON form is what `Worker.runReplayHistory` and the Temporal UI read.
    const { stdout } = await run(process.env.WHISTLE_TEST_TEMPORAL_CLI!, ['workflow', 'show', '--workflow-id', `whistle-${id}`,
      '--output', 'json', '--address', process.env.WHISTLE_TEST_TEMPORAL!, '--namespace', 'default'], { maxBuffer: 64 * 1024 * 1024 });
    fs.writeFileSync(path.join(dir, `${name}.${GENERATION}.json`), `${JSON.stringify(JSON.parse(stdout), null, 1)}\n`);
  }
});
