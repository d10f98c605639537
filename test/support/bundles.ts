/**
 * Workflow bundles of test-only entry points (test/support/entries/): the whistle workflow's entry
 * point as a later or an earlier deploy has it, built like the worker's bundle and written beside
 * the one global setup built, for replays (`replay(…, { codePath })`) and for a stack's worker
 * (`startStack({ workflowBundle })`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../../worker/bundle-options';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

/** Bundles the workflows of `entry` (a module path); resolves to the bundle's file. */
export async function bundleEntry(entry: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions(entry), logger: quiet as never });
  const file = path.join(process.env.WHISTLE_TEST_DIR!, `bundle-${path.basename(entry, path.extname(entry))}.js`);
  fs.writeFileSync(file, code);
  return file;
}
