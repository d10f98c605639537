/**
 * Child process of the worker (worker/bundle.ts): bundles the workflows with webpack and writes
 * the code to the file given as the first argument. Webpack needs a few hundred MB while it
 * runs; in a child process that memory is returned to the system when it exits.
 */
import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from './bundle-options';

async function main(): Promise<void> {
  const [workflowsPath, out] = process.argv.slice(2);
  if (!workflowsPath || !out) throw new Error('usage: build-bundle <workflows module> <output file>');
  const quiet = () => undefined;
  const bundle = await bundleWorkflowCode({
    ...workflowBundleOptions(workflowsPath),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error },
  });
  fs.writeFileSync(out, bundle.code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
