/**
 * The console's API types are generated from the API's own OpenAPI document, so the console
 * cannot drift from the API: the committed file must be what `npm run console:types` writes now.
 * (Run as the command itself: openapi-typescript is an ES module that jest does not load.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

test('console/src/api/schema.d.ts is the generation of today\'s OpenAPI document (else: npm run console:types)', () => {
  const root = path.join(__dirname, '..');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/console-types.ts', '--check'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  expect(`${run.stdout}${run.stderr}`.trim()).toBe('console/src/api/schema.d.ts is up to date');
  expect(run.status).toBe(0);
}, 150_000);
