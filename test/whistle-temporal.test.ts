/**
 * What operators and supervisors do in Temporal itself: the `escalate` signal from the CLI,
 * the `view` query, search attributes kept current, the summary shown in the UI.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startStack, eventually, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

const run = promisify(execFile);
let stack: Stack;

beforeAll(async () => { stack = await startStack({ policy: { street: { acceptWithin: { seconds: 1 } }, evaluation: { window: { seconds: 1 } } } }); });
afterAll(async () => { await stack.stop(); });

function cli(...args: string[]) {
  return run(process.env.WHISTLE_TEST_TEMPORAL_CLI!, [...args, '--address', process.env.WHISTLE_TEST_TEMPORAL!, '--namespace', 'default']);
}

test('the escalate signal sent from the Temporal CLI does the supervisor\'s escalation', async () => {
  const w = await fileWhistle(stack);
  await cli('workflow', 'signal', '--workflow-id', `whistle-${w.id}`, '--name', 'escalate',
    '--input', JSON.stringify({ by: 'supervision', reason: '群众多次反映' }));
  const v = await eventually(async () => {
    const x = (await stack.call('center', 'GET', `/v1/whistles/${w.id}`)).body;
    return x.status === 'escalated' && x;
  }, 10_000, 'signal escalation');
  expect(v.holder).toBe('center');
  expect(v.timeline.at(-1)).toMatchObject({ type: 'escalated', actor: 'supervision', note: '群众多次反映' });
});

test('the escalate signal is ignored once the street no longer holds the whistle', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: '街道上报' });
  await must(stack, 'center', w.id, 'triage', { list: 'immediate', departmentIds: ['urban'] });
  await cli('workflow', 'signal', '--workflow-id', `whistle-${w.id}`, '--name', 'escalate', '--input', JSON.stringify({ by: 'supervision', reason: 'late' }));
  await new Promise((r) => setTimeout(r, 500));
  const v = await stack.client.workflow.getHandle(`whistle-${w.id}`).query<{ status: string; timeline: Array<{ type: string }> }>('view');
  expect(v.status).toBe('dispatched');
  expect(v.timeline.filter((e) => e.type === 'escalated')).toHaveLength(1);
});

test('the view query from the CLI returns the whistle view', async () => {
  const w = await fileWhistle(stack);
  const { stdout } = await cli('workflow', 'query', '--workflow-id', `whistle-${w.id}`, '--type', 'view', '--output', 'json');
  const answer = JSON.parse(stdout);
  const view = answer.queryResult?.[0] ?? answer;
  expect(view).toMatchObject({ id: w.id, status: 'filed', streetId: 'wuhang', communityId: 'xiguan' });
});

test('search attributes follow every transition and a list query finds the whistle', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'escalate', { reason: 'x' });
  await must(stack, 'center', w.id, 'triage', { list: 'phased', departmentIds: ['urban', 'water'], leadDepartmentId: 'urban' });
  const query = `WorkflowId = "whistle-${w.id}" AND WhistleStatus = "dispatched" AND WhistleList = "phased" AND StreetId = "wuhang"` +
    ` AND CommunityId = "xiguan" AND DepartmentIds = "water" AND Category = "utilities" AND Overdue = false AND DueAt > "2020-01-01T00:00:00Z"`;
  const found = await eventually(async () => {
    for await (const wf of stack.client.workflow.list({ query })) return wf;
    return undefined;
  }, 15_000, 'visibility');
  expect(found.workflowId).toBe(`whistle-${w.id}`);
  const described = await stack.client.workflow.getHandle(`whistle-${w.id}`).describe();
  const summary = await described.staticSummary();
  expect(summary).toContain('西关社区');
  expect(summary).toContain(w.title);
});

test('the overdue flag is searchable', async () => {
  const w = await fileWhistle(stack);
  const found = await eventually(async () => {
    for await (const wf of stack.client.workflow.list({ query: `WorkflowId = "whistle-${w.id}" AND Overdue = true` })) return wf;
    return undefined;
  }, 15_000, 'overdue in visibility');
  expect(found).toBeDefined();
});

test('the reporter\'s phone never enters the workflow history; the name does', async () => {
  const w = await fileWhistle(stack, 'xiguan', { reporter: { name: '林先生', phone: '13755556666' } });
  const history = await stack.client.workflow.getHandle(`whistle-${w.id}`).fetchHistory();
  // Payload bytes arrive base64-encoded (or as bytes): decode every one before searching.
  const decoded: string[] = [];
  JSON.stringify(history, (k, v) => {
    if (k === 'data' && typeof v === 'string') decoded.push(Buffer.from(v, 'base64').toString('utf8'));
    if (v instanceof Uint8Array) decoded.push(Buffer.from(v).toString('utf8'));
    return v;
  });
  const text = decoded.join('\n');
  expect(text).toContain('林先生');
  expect(text).not.toContain('13755556666');
  const kept = await stack.pool.query('SELECT phone FROM whistle_reporters WHERE whistle_id = $1', [w.id]);
  expect(kept.rows[0].phone).toBe('13755556666');
});
