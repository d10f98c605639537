/**
 * How the workflow bundle is built, the same wherever it is built (the worker, the tests, the
 * benches): the workflows, and which modules every workflow shares.
 *
 * The worker runs every workflow in one reused V8 context (the SDK's default), and by default
 * each new workflow — a filing taken in, and every whistle replayed after leaving the cache —
 * evaluates the workflow modules again: whistle, rules, state, messages, help, and the SDK's
 * public module. Preloaded, they are evaluated once per worker thread and shared, frozen, by
 * every workflow. That is sound because these modules keep no state of their own: a workflow's
 * state lives in its function's closure, and the SDK calls they make find the current workflow
 * when they run. (Freezing also makes a module that tried to keep state fail at once.)
 * Measured with bench/replay-cost.ts: docs/PERFORMANCE.md.
 */
import type { BundleOptions } from '@temporalio/worker';

export function workflowBundleOptions(workflowsPath: string): Pick<BundleOptions, 'workflowsPath' | 'preloadModules'> {
  return { workflowsPath, preloadModules: [workflowsPath] };
}
