/** The cluster's child processes: launched with their output in a log file, waited for, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO, type ClusterSettings } from './settings';

export interface ClusterProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<string>;
  /** Set once the process has exited. */
  exitedWith?: string;
}

export function launch(s: ClusterSettings, name: string, command: string, args: string[], env: NodeJS.ProcessEnv): ClusterProcess {
  fs.mkdirSync(s.dir, { recursive: true });
  const logFile = path.join(s.dir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const proc: ClusterProcess = {
    name, child, pid: child.pid!, logFile,
    exited: new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        proc.exitedWith = signal ?? `exit ${code}`;
        resolve(proc.exitedWith);
      });
    }),
  };
  return proc;
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export async function waitFor(what: string, proc: ClusterProcess, ready: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (proc.exitedWith) throw new Error(`${proc.name} exited (${proc.exitedWith}) before ${what}; its log ${proc.logFile}:\n${tail(proc.logFile)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${proc.name}: no ${what} within ${ms / 1000} s; see ${proc.logFile}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Stops a process with SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(proc: ClusterProcess, graceMs = 30_000): Promise<void> {
  if (proc.exitedWith) return;
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  proc.child.kill('SIGTERM');
  await proc.exited;
  clearTimeout(timer);
}
