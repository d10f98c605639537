/**
 * Logs are for operators: every line about a whistle names it (whistle id and workflow id),
 * and no reporter's phone number or API key ever reaches them — at the most verbose level,
 * from the API and from the worker alike.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED_PATHS } from '../lib/logger';
import { eventually, filing, startStack, type Stack } from './support/stack';

const PHONE = '13912345678';
const KEY = 'dev-xiguan';

/** Every line pino writes, kept in memory. */
const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});
// The production logger's settings (level aside), writing to memory instead of stdout.
const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, capture);
const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

/**
 * Everything the logs say, including text hidden in serialized bytes (a Buffer is written as
 * `{"type":"Buffer","data":[...]}`, a Uint8Array as `{"0":..,"1":..}`): a phone in a logged
 * payload would be found too.
 */
function everythingLogged(): string {
  const decoded: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (v.length > 0 && v.every((n) => Number.isInteger(n) && n >= 0 && n < 256)) decoded.push(Buffer.from(v as number[]).toString('latin1'));
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      const values = Object.values(v);
      if (values.length > 0 && Object.keys(v).every((k) => /^\d+$/.test(k)) && values.every((n) => Number.isInteger(n))) {
        decoded.push(Buffer.from(values as number[]).toString('latin1'));
      }
      values.forEach(walk);
    }
  };
  parsed().forEach(walk);
  return [...lines, ...decoded].join('\n');
}

let stack: Stack;
beforeAll(async () => { stack = await startStack({ logger }); });
afterAll(async () => { await stack.stop(); });

test('filing and acting on a whistle never logs the reporter phone or the API key, at trace level', async () => {
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({
    reporter: { name: '王阿姨', phone: PHONE }, location: { address: '江景花园南门' },
  }), { 'idempotency-key': 'logs-test-1' });
  expect(filed.status).toBe(201);
  const id = filed.body.id as string;
  // Reading and refused actions log too; so do the worker's workflow and activity lines.
  expect((await stack.call('xiguan', 'GET', `/v1/whistles/${id}`)).status).toBe(200);
  expect((await stack.call('xiguan', 'POST', `/v1/whistles/${id}/triage`, { list: 'immediate', departmentIds: ['urban'] })).status).toBe(403);
  expect((await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`)).status).toBe(200);
  await eventually(async () => parsed().some((l) => l.workflowId === `whistle-${id}` && l.activityType === 'projectWhistle'),
    20_000, 'the worker\'s activity lines about the whistle');

  const all = everythingLogged();
  expect(lines.length).toBeGreaterThan(10);
  expect(all).toContain('projectWhistle'); // the worker's trace lines are in the capture
  expect(all).not.toContain(PHONE);
  expect(all).not.toContain(KEY);
  expect(all).not.toContain('dev-wuhang');
  expect(all).not.toMatch(/Bearer\s+\S/i);
});

test('every API line about a whistle carries its whistle id and workflow id', async () => {
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '日志测试：楼道灯不亮' }));
  const id = filed.body.id as string;
  await stack.call('wuhang', 'POST', `/v1/whistles/${id}/accept`);
  await stack.call('wuhang', 'POST', `/v1/whistles/${id}/escalate`, {}); // refused: no reason
  await stack.call('center', 'GET', `/v1/whistles/${id}`);

  const about = parsed().filter((l) => l.sdkComponent === undefined && JSON.stringify(l).includes(id));
  const byMessage = (msg: string) => about.filter((l) => l.msg === msg);
  expect(byMessage('whistle filed')).toHaveLength(1);
  expect(byMessage('whistle action')).toHaveLength(1);
  // Completed requests: the filing, accept, the refused escalation and the read.
  expect(byMessage('request completed').length).toBeGreaterThanOrEqual(4);
  for (const line of about.filter((l) => l.msg !== 'incoming request')) {
    // Lines before routing ("incoming request") only know the URL; every later line names the whistle.
    expect(line).toMatchObject({ whistleId: id, workflowId: `whistle-${id}` });
  }
});

test('the worker\'s lines about a whistle (workflow, activities, SDK traces) carry its whistle id and workflow id', async () => {
  const filed = await stack.call('xiguan', 'POST', '/v1/whistles', filing({ title: '日志测试：井盖松动' }));
  const id = filed.body.id as string;
  const worker = await eventually(async () => {
    const found = parsed().filter((l) => l.sdkComponent !== undefined && JSON.stringify(l).includes(`whistle-${id}`));
    return found.some((l) => l.activityType === 'projectWhistle') ? found : undefined;
  }, 20_000, 'worker lines about the whistle');
  for (const line of worker) expect(line).toMatchObject({ whistleId: id, workflowId: `whistle-${id}` });
});
