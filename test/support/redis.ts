/**
 * A Redis server of the test's own (`redis-server --port <free> --save ''`), so a test can kill
 * it without touching the machine's shared Redis. Started in its own process group, ended by its
 * own id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { freePort } from '../../lib/temporal-dev-server';
import { sleep } from './processes';

export interface OwnRedis {
  port: number;
  url: string;
  readonly alive: boolean;
  /** SIGKILL: Redis goes away at once, connections reset. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved). */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: Redis hangs (connections stay open, nothing answers), then goes on. */
  pause(): void;
  resume(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startOwnRedis(logFile: string): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  let alive = false;
  const start = async () => {
    const out = fs.openSync(logFile, 'a');
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', out, out], detached: true,
    });
    fs.closeSync(out);
    alive = true;
    child.once('exit', () => { alive = false; });
    const deadline = Date.now() + 15_000;
    while (!(await ping(port))) {
      if (!alive) throw new Error(`redis-server exited at start (see ${logFile})`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on ${port}`);
      await sleep(100);
    }
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get alive() { return alive; },
    async kill() {
      if (!child || !alive) return;
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
      await exited;
    },
    restart: start,
    pause() { process.kill(-child!.pid!, 'SIGSTOP'); },
    resume() { process.kill(-child!.pid!, 'SIGCONT'); },
  };
}
