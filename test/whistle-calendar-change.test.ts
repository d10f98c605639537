/**
 * A calendar import moves the pending working-day deadlines of running whistles and help
 * requests: each moved deadline is a `deadline_recomputed` entry with the old and the new
 * instant, `dueAt` and the `DueAt` search attribute follow, and the same import again moves
 * nothing. A database of its own: the import changes the working days other files count with.
 */
import { WorkingCalendar } from '../lib/calendar';
import { shanghaiDay } from '../domain/shanghai-time';
import { importCalendar, startPendingCalendarChanges } from '../lib/calendar-import';
import { TEST_PEPPER } from './support/constants';
import { createDatabase, type ThrowawayDatabase } from './support/processes';
import { eventually, quietPolicy, startStack, type Stack } from './support/stack';
import { fileWhistle, must } from './support/whistles';

let db: ThrowawayDatabase;
let stack: Stack;

beforeAll(async () => {
  db = await createDatabase('whistle_calendar_change', TEST_PEPPER);
  stack = await startStack({
    env: { DATABASE_URL: db.url },
    policy: {
      ...quietPolicy(600),
      street: { acceptWithin: { workingDays: 1 }, acceptWithinUrgent: { hours: 2 }, handleWithin: { workingDays: 3 } },
      help: { verifyWithin: { workingDays: 2 }, claimWithin: { seconds: 600 }, checkInGrace: { seconds: 600 }, confirmWithin: { seconds: 600 } },
    },
  });
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await db?.drop();
});

const DAY_MS = 86_400_000;

/** The first working day after today (Asia/Shanghai), by the packaged calendar. */
function nextWorkingDay(): string {
  const calendar = new WorkingCalendar();
  for (let t = Date.now() + DAY_MS; ; t += DAY_MS) {
    const day = shanghaiDay(new Date(t));
    if (calendar.isWorkingDay(day)) return day;
  }
}

async function importAndDeliver(days: Array<{ day: string; working: boolean; note: string }>) {
  const outcome = await importCalendar(stack.pool, { days, years: [] }, { actor: 'cli:test', source: 'test' });
  const started = await startPendingCalendarChanges(stack.pool, stack.client, stack.config.taskQueue, { pauseSeconds: 0, settleSeconds: 0 });
  for (const s of started) await stack.client.workflow.getHandle(s.workflowId).result();
  return { outcome, started };
}

test('an import that makes tomorrow a day off moves a running whistle\'s and help request\'s deadlines; the same import again moves nothing', async () => {
  const w = await fileWhistle(stack);
  await must(stack, 'wuhang', w.id, 'accept');
  const help = await stack.call('xiguan-resident-1', 'POST', '/v1/help-requests', { title: '陪同就医', description: '需要陪同', communityId: 'xiguan' });
  expect(help.status).toBe(201);
  const before = (await stack.call('center', 'GET', `/v1/whistles/${w.id}`)).body;
  const holiday = nextWorkingDay();
  const overrides = new Map([[holiday, false]]);
  const expected = new WorkingCalendar(overrides).addWorkingDays(new Date(before.filedAt), 3).toISOString();
  expect(expected).not.toBe(before.dueAt);

  const first = await importAndDeliver([{ day: holiday, working: false, note: '测试：临时放假' }]);
  expect(first.started).toHaveLength(1);
  const moved = await eventually(async () => {
    const v = (await stack.call('center', 'GET', `/v1/whistles/${w.id}`)).body;
    return v.dueAt === expected && v;
  }, 30_000, 'the deadline moved');
  const recomputed = moved.timeline.filter((e: { type: string }) => e.type === 'deadline_recomputed');
  // Accepted already: only the handling deadline is pending.
  expect(recomputed).toHaveLength(1);
  const entry = recomputed[0];
  expect(entry.note).toMatch(/^street\.handle: /);
  expect(entry.actor).toBe('system');
  expect(entry.note).toContain(before.dueAt);
  expect(entry.note).toContain(expected);
  // The read model is written inside the workflow task (its projection), the search attribute when
  // that task completes: a moment later.
  const dueAt = await eventually(async () => {
    const attrs = (await stack.client.workflow.getHandle(`whistle-${w.id}`).describe()).searchAttributes;
    const at = (attrs.DueAt as Date[])[0].toISOString();
    return at === expected && at;
  }, 10_000, 'the search attribute DueAt moved');
  expect(dueAt).toBe(expected);
  const helpMoved = await eventually(async () => {
    const v = (await stack.call('xiguan-resident-1', 'GET', `/v1/help-requests/${help.body.id}`)).body;
    return v.timeline.some((e: { type: string }) => e.type === 'deadline_recomputed') && v;
  }, 30_000, 'the help request\'s verification deadline moved');
  expect(helpMoved.status).toBe('pending_verification');

  const entries = () => stack.pool.query("SELECT count(*)::int AS n FROM whistle_events WHERE whistle_id = $1 AND type = 'deadline_recomputed'", [w.id]);
  expect((await entries()).rows[0].n).toBe(1);
  const second = await importAndDeliver([{ day: holiday, working: false, note: '测试：临时放假' }]);
  expect(second.started).toHaveLength(0);
  // A change delivered again (a recheck round) counts again and finds nothing to move.
  await stack.client.workflow.getHandle(`whistle-${w.id}`).signal('calendarChanged', { changeId: 'recheck-by-hand' });
  await new Promise((r) => setTimeout(r, 3000));
  expect((await entries()).rows[0].n).toBe(1);
  expect((await stack.call('center', 'GET', `/v1/whistles/${w.id}`)).body.dueAt).toBe(expected);
}, 120_000);
