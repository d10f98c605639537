/**
 * 上线: a district's organisation tree from its own files, at the command line (`npm run orgs`)
 * and through the API (`POST /v1/orgs/import`, admin): CSV with or without a byte-order mark,
 * JSON, .xlsx; every error of a file and nothing applied; the same file twice changes nothing and
 * is audited once; deactivation and what refuses it; the export imports back unchanged.
 * Every test adds units of its own under the seeded center (the database is the run's).
 */
import ExcelJS from 'exceljs';
import { startStack, type Stack } from './support/stack';
import { command, unitPrefix, withBearer, writeTemp } from './support/setup-helpers';
import { filing } from './support/stack';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let stack: Stack;
beforeAll(async () => { stack = await startStack({ noWorker: true }); });
afterAll(async () => { await stack?.stop(); });

/** A street with a community, a compound and two grids, as CSV lines (after the header). */
function treeLines(p: string): string[] {
  return [
    `${p}-street,street,${p}街道,center`,
    `${p}-c1,community,${p}社区,${p}-street`,
    `${p}-c1-x1,compound,${p}小区,${p}-c1`,
    `${p}-c1-g1,grid,${p}一网格,${p}-c1`,
    `${p}-c1-g2,grid,${p}二网格,${p}-c1`,
  ];
}
const csv = (lines: string[], header = 'id,kind,name,parentId') => [header, ...lines].join('\r\n');
const importCsv = (body: string | Buffer, query = '', as = 'dev-admin') =>
  withBearer(stack, as, 'POST', `/v1/orgs/import${query}`, body, { contentType: 'text/csv; charset=utf-8' });
const auditCount = async (type: string) => (await stack.pool.query('SELECT count(*)::int AS n FROM audit_log WHERE type = $1', [type])).rows[0].n as number;
const unitsLike = async (p: string) => (await stack.pool.query('SELECT id FROM orgs WHERE id LIKE $1 ORDER BY id', [`${p}-%`])).rows.map((r) => r.id);

describe('the command', () => {
  test('import FILE creates the units (CSV with a byte-order mark); the same file again changes nothing and writes no audit entry', async () => {
    const p = unitPrefix('cli');
    const file = writeTemp('orgs.csv', `\uFEFF${csv(treeLines(p))}\r\n`);
    const before = await auditCount('orgs_imported');
    const first = await command('orgs', ['import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 created, 0 updated, 0 deactivated, 0 unchanged');
    expect(await unitsLike(p)).toHaveLength(5);
    expect(await auditCount('orgs_imported')).toBe(before + 1);
    const again = await command('orgs', ['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 created, 0 updated, 0 deactivated, 5 unchanged');
    expect(await auditCount('orgs_imported')).toBe(before + 1);
    const entry = await stack.pool.query("SELECT actor, note FROM audit_log WHERE type = 'orgs_imported' ORDER BY seq DESC LIMIT 1");
    expect(entry.rows[0]).toEqual({ actor: expect.stringMatching(/^cli:/), note: '5 created, 0 updated, 0 deactivated, 0 unchanged' });
  }, 60_000);

  test('--dry-run counts and writes nothing; a file with errors prints every one and applies nothing (exit 2)', async () => {
    const p = unitPrefix('dry');
    const dry = await command('orgs', ['import', writeTemp('orgs.csv', csv(treeLines(p))), '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing written');
    expect(await unitsLike(p)).toEqual([]);
    const bad = await command('orgs', ['import', writeTemp('orgs.csv', csv([...treeLines(p), `${p}-c2,community,坏社区,${p}-c1`, `${p}-street,street,重复,center`]))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('2 error(s); nothing was applied');
    expect(bad.stderr).toMatch(/row 6 .* parentId/);
    expect(bad.stderr).toMatch(/row 7 .* id: .*重复/);
    expect(await unitsLike(p)).toEqual([]);
  }, 60_000);

  test('export prints the tree in the import\'s format, and importing it back changes nothing', async () => {
    const p = unitPrefix('exp');
    expect((await importCsv(csv(treeLines(p)))).status).toBe(200);
    for (const format of ['csv', 'json']) {
      const exported = await command('orgs', ['export', '--format', format]);
      expect(exported.code).toBe(0);
      if (format === 'csv') expect(exported.stdout.split('\n')[0]).toBe('id,kind,name,parentId,active');
      expect(exported.stdout).toContain(`${p}-c1-g1`);
      const back = await command('orgs', ['import', writeTemp(`orgs.${format}`, exported.stdout)]);
      expect({ format, code: back.code }).toEqual({ format, code: 0 });
      expect(back.stdout).toMatch(/0 created, 0 updated, 0 deactivated, \d+ unchanged/);
    }
  }, 90_000);

  test('a process killed inside the import leaves the tree as it was; run again, the file is applied whole', async () => {
    const p = unitPrefix('kill');
    const file = writeTemp('orgs.csv', csv(treeLines(p)));
    // Holding the audit chain's lock stops the import at its last statement, inside its transaction.
    const holder = await stack.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock(7426021)');
      const { spawn } = await import('node:child_process');
      const { ROOT } = await import('./support/processes');
      const { TEST_PEPPER } = await import('./support/constants');
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/orgs.ts', 'import', file], {
        cwd: ROOT, env: { ...process.env, DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL, API_KEY_PEPPER: TEST_PEPPER }, stdio: 'ignore',
      });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Positive signal: the import's backend waits for the lock with its units written (uncommitted).
      let waiting: number | undefined;
      for (let i = 0; i < 300 && waiting === undefined; i++) {
        const { rows } = await stack.pool.query(
          "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND query LIKE 'INSERT INTO audit_log%'");
        waiting = rows[0]?.pid;
        if (waiting === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      expect(waiting).toEqual(expect.any(Number));
      child.kill('SIGKILL');
      await exited;
      await holder.query('COMMIT');
      // The backend notices its client is gone and rolls back.
      for (let i = 0; i < 100; i++) {
        const { rows } = await stack.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting]);
        if (rows.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await unitsLike(p)).toEqual([]);
    } finally {
      holder.release();
    }
    const again = await command('orgs', ['import', file]);
    expect(again.code).toBe(0);
    expect(await unitsLike(p)).toHaveLength(5);
    const chain = await withBearer(stack, 'dev-auditor', 'GET', '/v1/audit/verify');
    expect(chain.body).toMatchObject({ ok: true, firstBadSeq: null });
  }, 90_000);
});

describe('POST /v1/orgs/import', () => {
  test('admin only: other roles are 403; the answer counts created, updated, deactivated and unchanged', async () => {
    const p = unitPrefix('api');
    for (const as of ['dev-center', 'dev-security', 'dev-auditor', 'dev-xiguan']) expect((await importCsv(csv(treeLines(p)), '', as)).status).toBe(403);
    const dry = await importCsv(csv(treeLines(p)), '?dryRun=true');
    expect(dry.body).toEqual({ dryRun: true, created: treeLines(p).map((l) => l.split(',')[0]), updated: [], deactivated: [], unchanged: 0, errors: [] });
    expect(await unitsLike(p)).toEqual([]);
    expect((await importCsv(csv(treeLines(p)))).body).toMatchObject({ dryRun: false, unchanged: 0 });
    const renamed = treeLines(p).map((l) => l.replace(`${p}一网格`, `${p}第一网格`));
    const res = await importCsv(csv([...renamed, `${p}-c1-g3,grid,${p}三网格,${p}-c1`], 'id,kind,name,parentId'));
    expect(res.body).toEqual({ dryRun: false, created: [`${p}-c1-g3`], updated: [`${p}-c1-g1`], deactivated: [], unchanged: 4, errors: [] });
  });

  test('JSON { orgs } and an .xlsx workbook are imported like CSV', async () => {
    const p = unitPrefix('fmt');
    const rows = treeLines(p).map((l) => { const [id, kind, name, parentId] = l.split(','); return { id, kind, name, parentId }; });
    const json = await withBearer(stack, 'dev-admin', 'POST', '/v1/orgs/import', { orgs: rows.slice(0, 2) });
    expect(json.body).toMatchObject({ created: [`${p}-street`, `${p}-c1`] });
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('组织架构');
    sheet.addRow(['id', 'kind', 'name', 'parentId', 'active']);
    for (const r of rows.slice(2)) sheet.addRow([r.id, r.kind, r.name, r.parentId, true]);
    const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
    const res = await withBearer(stack, 'dev-admin', 'POST', '/v1/orgs/import', xlsx, { contentType: XLSX });
    expect(res.body).toMatchObject({ created: [`${p}-c1-x1`, `${p}-c1-g1`, `${p}-c1-g2`], unchanged: 0 });
    // A formula cell is refused, naming the cell, and nothing is applied.
    const withFormula = new ExcelJS.Workbook();
    const s2 = withFormula.addWorksheet('组织架构');
    s2.addRow(['id', 'kind', 'name', 'parentId']);
    s2.addRow([`${p}-c1-g9`, 'grid', { formula: 'CONCAT("九","网格")', result: '九网格' }, `${p}-c1`]);
    const refused = await withBearer(stack, 'dev-admin', 'POST', '/v1/orgs/import', Buffer.from(await withFormula.xlsx.writeBuffer()), { contentType: XLSX });
    expect(refused.status).toBe(400);
    expect(refused.body.error.errors).toEqual([expect.objectContaining({ row: 1, id: `${p}-c1-g9`, field: 'name', messageZh: expect.stringContaining('C2 是公式') })]);
    expect(await unitsLike(`${p}-c1-g9`.slice(0, -3))).not.toContain(`${p}-c1-g9`);
  });

  test('every error of the file, each with its row, id and field; nothing applied', async () => {
    const p = unitPrefix('err');
    const res = await importCsv(csv([
      `${p}-street,street,${p}街道,center`,
      `Bad_${p},street,坏编码,center`,
      `${p}-c1,community,${p}社区,center`,
      `${p}-c2,communityx,${p}社区,${p}-street`,
      `${p}-x1,compound,,${p}-street`,
      `${p}-street,street,重复,center`,
      `${p}-loop1,community,环一,${p}-loop2`,
      `${p}-loop2,community,环二,${p}-loop1`,
      `${p}-center,center,第二个区中心,`,
      `${p}-c3,community,无上级,${p}-nowhere`,
    ]));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', messageZh: expect.any(String) });
    const found = (res.body.error.errors as Array<{ row: number; field: string; id: string | null; message: string; messageZh: string }>)
      .map((e) => [e.row, e.field]);
    expect(found).toEqual([
      [2, 'id'], [3, 'parentId'], [4, 'kind'], [5, 'name'], [6, 'id'], [7, 'parentId'], [8, 'parentId'], [9, 'kind'], [10, 'parentId'],
    ]);
    for (const e of res.body.error.errors) expect(e).toEqual({ row: expect.any(Number), id: expect.any(String), field: expect.any(String), message: expect.any(String), messageZh: expect.any(String) });
    expect(await unitsLike(p)).toEqual([]);
  });

  test('a wrong header, an empty file and a file over 10 MB are refused; the first two with the file\'s error', async () => {
    const header = await importCsv('id,type,name,parentId\r\nx1,street,X,center');
    expect(header.status).toBe(400);
    expect(header.body.error.errors).toEqual([expect.objectContaining({ row: 0, field: 'header' })]);
    const empty = await importCsv('');
    expect(empty.status).toBe(400);
    const onlyHeader = await importCsv('\uFEFFid,kind,name,parentId\r\n');
    expect(onlyHeader.body.error.errors).toEqual([expect.objectContaining({ row: 0, field: 'file' })]);
    const big = Buffer.alloc(10 * 1024 * 1024 + 10, 'a');
    const huge = await importCsv(big);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const unknownType = await withBearer(stack, 'dev-admin', 'POST', '/v1/orgs/import', 'id,kind', { contentType: 'text/plain' });
    expect([400, 415]).toContain(unknownType.status);
  });
});

describe('deactivating a unit', () => {
  test('refused while the unit filed an open whistle or has active children; a unit holding nothing is deactivated and its accounts are shut out', async () => {
    const p = unitPrefix('off');
    expect((await importCsv(csv(treeLines(p)))).status).toBe(200);
    const grid = await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts', { id: `${p}-g1-clerk`, role: 'community', orgId: `${p}-c1-g1`, name: '网格员' });
    expect(grid.status).toBe(201);
    const filed = await withBearer(stack, grid.body.key, 'POST', '/v1/whistles', filing({ location: { address: '一网格3号楼' } }));
    expect(filed.status).toBe(201);
    expect(filed.body.location).toMatchObject({ communityId: `${p}-c1`, grid: `${p}-c1-g1` });

    const off = (ids: string[]) => csv(treeLines(p).map((l) => `${l},${ids.includes(l.split(',')[0]) ? 'false' : 'true'}`), 'id,kind,name,parentId,active');
    const refused = await importCsv(off([`${p}-c1-g1`, `${p}-c1`]));
    expect(refused.status).toBe(400);
    const errors = refused.body.error.errors as Array<{ row: number; id: string; field: string; messageZh: string }>;
    expect(errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ row: 2, id: `${p}-c1`, field: 'active', messageZh: expect.stringContaining('启用的单位') }),
      expect.objectContaining({ row: 2, id: `${p}-c1`, field: 'active', messageZh: expect.stringContaining('未办结') }),
      expect.objectContaining({ row: 3, id: `${p}-c1-x1`, field: 'parentId', messageZh: expect.stringContaining('已停用') }),
      expect.objectContaining({ row: 4, id: `${p}-c1-g1`, field: 'active', messageZh: expect.stringContaining('未办结') }),
    ]));
    expect(await unitsLike(p)).toHaveLength(5);
    expect((await stack.pool.query('SELECT count(*)::int AS n FROM orgs WHERE id LIKE $1 AND NOT active', [`${p}-%`])).rows[0].n).toBe(0);
    // A grid that holds nothing is deactivated, and its account is shut out at once (key and sign-in).
    const other = await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts', { id: `${p}-g2-clerk`, role: 'community', orgId: `${p}-c1-g2`, name: '网格员' });
    expect((await withBearer(stack, other.body.key, 'GET', '/v1/me')).status).toBe(200);
    const done = await importCsv(off([`${p}-c1-g2`]));
    expect(done.body).toMatchObject({ deactivated: [`${p}-c1-g2`], unchanged: 4 });
    expect((await withBearer(stack, other.body.key, 'GET', '/v1/me')).status).toBe(401);
    const signIn = await withBearer(stack, null, 'POST', '/v1/sessions', { accountId: `${p}-g2-clerk`, password: other.body.initialPassword }, { address: '10.77.0.1' });
    expect(signIn.status).toBe(401);
    // Listed only with ?all=true (admin), with `active`.
    const listed = await withBearer(stack, 'dev-xiguan', 'GET', '/v1/orgs');
    expect(listed.body.map((o: { id: string }) => o.id)).not.toContain(`${p}-c1-g2`);
    expect(listed.body.find((o: { id: string }) => o.id === `${p}-c1-g1`)).toEqual({ id: `${p}-c1-g1`, kind: 'grid', name: `${p}一网格`, parentId: `${p}-c1` });
    const all = await withBearer(stack, 'dev-admin', 'GET', '/v1/orgs?all=true');
    expect(all.body.find((o: { id: string }) => o.id === `${p}-c1-g2`)).toMatchObject({ active: false });
    expect(all.body.find((o: { id: string }) => o.id === `${p}-c1-g1`)).toMatchObject({ active: true });
    expect((await withBearer(stack, 'dev-center', 'GET', '/v1/orgs?all=true')).status).toBe(403);
    // The export carries the state, and importing it back changes nothing.
    const exported = await withBearer(stack, 'dev-admin', 'GET', '/v1/orgs/export?format=json');
    expect(exported.body.orgs.find((o: { id: string }) => o.id === `${p}-c1-g2`)).toEqual({ id: `${p}-c1-g2`, kind: 'grid', name: `${p}二网格`, parentId: `${p}-c1`, active: false });
    const back = await withBearer(stack, 'dev-admin', 'POST', '/v1/orgs/import', exported.body);
    expect(back.body).toMatchObject({ created: [], updated: [], deactivated: [] });
  });
});

describe('grids and compounds file for their own place', () => {
  test('a grid files with its own id as location.grid and sees its grid\'s whistles; another grid or a sibling compound is 400', async () => {
    const p = unitPrefix('grid');
    expect((await importCsv(csv(treeLines(p)))).status).toBe(200);
    const key = async (orgId: string) => (await withBearer(stack, 'dev-admin', 'POST', '/v1/accounts', { role: 'community', orgId, name: orgId })).body.key as string;
    const [g1, g2, c1] = [await key(`${p}-c1-g1`), await key(`${p}-c1-g2`), await key(`${p}-c1`)];
    const own = await withBearer(stack, g1, 'POST', '/v1/whistles', filing());
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ communityId: `${p}-c1`, location: { communityId: `${p}-c1`, grid: `${p}-c1-g1` } });
    const other = await withBearer(stack, g1, 'POST', '/v1/whistles', filing({ location: { grid: `${p}-c1-g2` } }));
    expect(other.status).toBe(400);
    expect(other.body.error.messageZh).toContain('网格账号只能为本网格');
    // The community names the grid: the grid sees it; the other grid does not.
    const named = await withBearer(stack, c1, 'POST', '/v1/whistles', filing({ location: { grid: `${p}-c1-g1`, address: '一网格5号楼' } }));
    expect(named.status).toBe(201);
    expect((await withBearer(stack, g1, 'GET', `/v1/whistles/${named.body.id}`)).status).toBe(200);
    expect((await withBearer(stack, g2, 'GET', `/v1/whistles/${named.body.id}`)).status).toBe(404);
    expect((await withBearer(stack, g2, 'GET', `/v1/whistles/${own.body.id}`)).status).toBe(404);
    expect((await withBearer(stack, c1, 'GET', `/v1/whistles/${own.body.id}`)).status).toBe(200);
    const listed = (await withBearer(stack, g1, 'GET', '/v1/whistles?limit=100')).body.items.map((w: { id: string }) => w.id);
    expect(listed.sort()).toEqual([own.body.id, named.body.id].sort());
    expect((await withBearer(stack, g2, 'GET', '/v1/whistles?limit=100')).body.items).toEqual([]);
    // A grid of another community named by a community: 400.
    expect((await withBearer(stack, 'dev-xiguan', 'POST', '/v1/whistles', filing({ location: { grid: `${p}-c1-g1` } }))).status).toBe(400);
  });

  test('a compound\'s account cannot file for a sibling compound (400)', async () => {
    const sibling = await withBearer(stack, 'dev-xiguan-jiangjing', 'POST', '/v1/whistles', filing({ location: { compoundId: 'xiguan-wuhang' } }));
    expect(sibling.status).toBe(400);
    expect(sibling.body.error).toMatchObject({ code: 'validation_failed', messageZh: expect.stringContaining('小区账号只能为本小区') });
    const own = await withBearer(stack, 'dev-xiguan-jiangjing', 'POST', '/v1/whistles', filing());
    expect(own.body.location).toMatchObject({ compoundId: 'xiguan-jiangjing' });
  });
});
