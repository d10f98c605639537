/**
 * Saves a workflow's event history as JSON, for replay tests (test/histories/*.json):
 *
 *   npx tsx scripts/record-history.ts help-<id> test/histories/help-<name>.json
 *
 * Talks to TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE like the rest of the stack.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { readConfig } from '../lib/config';
import { connectClient } from '../lib/temporal';

async function main() {
  const [workflowId, file] = process.argv.slice(2);
  if (!workflowId || !file) {
    console.error('usage: tsx scripts/record-history.ts <workflowId> <file.json>');
    process.exit(2);
  }
  const config = readConfig();
  const client = await connectClient(config.temporalAddress, config.temporalNamespace);
  try {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
    console.log(`saved ${history.events?.length ?? 0} events of ${workflowId} to ${file}`);
  } finally {
    await client.connection.close();
  }
}

main().catch((err) => {
  console.error(String(err?.message ?? err));
  process.exit(1);
});
