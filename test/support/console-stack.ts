/**
 * A console under test: a stack (API, worker, Temporal, database) with a quiet policy, the API
 * listening on a free port, and Chromium, started before a file's tests and stopped after them.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './console-browser';
import { TEST_PEPPER } from './constants';
import { createDatabase, type ThrowawayDatabase } from './processes';
import { quietPolicy, startStack, type Stack } from './stack';

export interface ConsoleUnderTest { stack: Stack; browser: Browser; base: string }

/**
 * Registers the file's beforeAll and afterAll; `receive` gets the started parts. `ownDatabase`: a
 * throwaway database of that name, for pages whose figures must hold only what the file made.
 */
export function consoleUnderTest(receive: (c: ConsoleUnderTest) => void,
  options: Parameters<typeof startStack>[0] & { ownDatabase?: string } = {}): void {
  const started: Partial<ConsoleUnderTest> = {};
  let db: ThrowawayDatabase | undefined;
  beforeAll(async () => {
    const { ownDatabase, ...stackOptions } = options;
    if (ownDatabase) db = await createDatabase(ownDatabase, TEST_PEPPER);
    const env = { ...stackOptions.env, ...(db ? { DATABASE_URL: db.url } : {}) };
    started.stack = await startStack({ policy: quietPolicy(3600), ...stackOptions, env });
    started.base = await started.stack.app.listen({ host: '127.0.0.1', port: 0 });
    started.browser = await launchChromium();
    receive(started as ConsoleUnderTest);
  }, 120_000);
  afterAll(async () => {
    await started.browser?.close();
    await started.stack?.stop();
    await db?.drop();
  });
}
