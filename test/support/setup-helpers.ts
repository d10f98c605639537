/** Helpers of the district set-up tests: requests with a real key or token, units of a test's own, the commands. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { jsonOrText, type Json } from './json';
import type { Stack } from './stack';
import { TEST_PEPPER } from './constants';
import { ROOT, tempDir } from './processes';


export interface Answer { status: number; body: Json; headers: Record<string, unknown> }

/** A request with a bearer credential of any kind (a key, a session token), from `address`. */
export async function withBearer(stack: Stack, bearer: string | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string,
  body?: unknown, options: { address?: string; contentType?: string } = {}): Promise<Answer> {
  const raw = Buffer.isBuffer(body) || typeof body === 'string';
  const res = await stack.app.inject({
    method, url, remoteAddress: options.address ?? '127.0.0.1',
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/json' } : {}),
    },
    payload: body === undefined ? undefined : raw ? body as string | Buffer : JSON.stringify(body),
  });
  return { status: res.statusCode, body: jsonOrText(res.body), headers: res.headers };
}

/** A prefix for the ids of one test's units (the database is shared by every test file of the run). */
export const unitPrefix = (name: string) => `${name}${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`.toLowerCase();

/** Runs `npm run <script> -- args` as the operators do, with the test database. */
export async function command(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
    cwd: ROOT, env: { ...process.env, DATABASE_URL: process.env.WHISTLE_TEST_DATABASE_URL, API_KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stderr.on('data', (c) => { stderr += c; });
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stdout, stderr };
}

/** Writes `content` to a file of a fresh temporary folder and returns its path. */
export function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir('whistle-setup'), name);
  fs.writeFileSync(file, content);
  return file;
}

