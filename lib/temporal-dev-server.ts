/**
 * The Temporal CLI's dev server as a child process: used by `npm start` (persisting to
 * TEMPORAL_DB_FILE, Web UI on port + 1000) and by the test suite (throwaway, free ports).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ENSURE_SCRIPT = path.join(__dirname, '..', 'scripts', 'ensure-temporal.sh');

/** Path of the `temporal` binary, building it with Go when it is missing. */
export function temporalBinary(): string {
  const out = execFileSync('bash', [ENSURE_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  return out.toString().trim().split('\n').pop()!;
}

export interface DevServerOptions {
  ip: string;
  port: number;
  /** Web UI port; undefined runs headless. */
  uiPort?: number;
  /** SQLite file; undefined keeps everything in memory. */
  dbFile?: string;
  namespace: string;
  /** Where the server's own output goes (a file path); undefined discards it. */
  logFile?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`); MATCHING_DYNAMIC_CONFIG when not given. */
  dynamicConfig?: Record<string, boolean | number | string>;
}

/**
 * Task-queue priority and fairness (优先级与公平): the matcher that orders tasks by `priorityKey`
 * and, within a priority, dispatches the fairness keys of a queue in turn (weighted by
 * `fairnessWeight`) instead of in arrival order, so one street's burst does not hold up the
 * others. Both are off by default in server 1.29; the dev server, the test suite, the cluster
 * (deploy/temporal/dynamicconfig.yaml) and docker compose turn them on.
 * Proven by bench/fairness.ts (docs in its header).
 */
export const MATCHING_DYNAMIC_CONFIG: Readonly<Record<string, boolean>> = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
};

/** The `--dynamic-config-value` arguments of `temporal server start-dev` for `values`. */
function dynamicConfigArgs(values: Record<string, boolean | number | string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

export interface DevServer {
  address: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions, binary = temporalBinary()): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', options.ip, '--port', String(options.port), '--namespace', options.namespace,
    '--log-level', 'warn', '--log-format', 'json', ...dynamicConfigArgs(options.dynamicConfig ?? MATCHING_DYNAMIC_CONFIG)];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  const out = options.logFile ? fs.openSync(options.logFile, 'a') : 'ignore';
  const child = spawn(binary, args, { stdio: ['ignore', out, out], detached: false });
  let exited = false;
  child.once('exit', () => { exited = true; });

  const deadline = Date.now() + 60_000;
  while (!(await isListening(options.ip, options.port))) {
    if (exited) throw new Error(`temporal dev server exited at start (code ${child.exitCode}); see ${options.logFile ?? 'its output'}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('temporal dev server did not start within 60 s'); }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    address: `${options.ip}:${options.port}`,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
