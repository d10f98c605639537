/**
 * The workflow bundle the worker runs: a prebuilt file (WORKFLOW_BUNDLE), or built at start in a
 * child process. Bundling in the worker's own process left webpack's memory in it for good
 * (80–110 MB of RSS in `npm run bench`, section 4).
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The workflow code, read into memory: the worker needs no file afterwards. */
export interface WorkflowCode { code: string }

export async function loadWorkflowCode(workflowsPath: string, prebuilt?: string): Promise<WorkflowCode> {
  if (prebuilt) return { code: fs.readFileSync(prebuilt, 'utf8') };
  const out = path.join(os.tmpdir(), `whistle-workflows-${process.pid}-${crypto.randomBytes(4).toString('hex')}.js`);
  try {
    // process.execArgv carries tsx's loader when the worker runs from TypeScript sources.
    await run(process.execPath, [...process.execArgv, require.resolve('./build-bundle'), workflowsPath, out],
      { maxBuffer: 16 * 1024 * 1024 });
    return { code: fs.readFileSync(out, 'utf8') };
  } finally {
    fs.rmSync(out, { force: true });
  }
}
