/**
 * `npm run cluster`: the production topology on one machine, without Docker — a real Temporal
 * server (built from source) on the local PostgreSQL, several workers and several API
 * processes, configured like `docker-compose.yml` (the same deploy/temporal/config.yaml,
 * dynamicconfig.yaml and setup.sh). Ctrl-C stops everything; the data stays in the databases.
 *
 *   npm run cluster                          2 workers, 2 APIs, frontend on 127.0.0.1:7933
 *   npm run cluster -- --workers 3 --apis 1  another shape
 *   npm run cluster -- --fresh               drop the cluster's databases first
 *   npm run cluster -- --drop                drop the cluster's databases and exit
 *
 * Settings (env): CLUSTER_TEMPORAL_PORT (7933; the other ports derive from it, see
 * `clusterPorts`), CLUSTER_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres, a
 * superuser), CLUSTER_DB_PREFIX (`cluster`: databases temporal_cluster,
 * temporal_cluster_visibility, whistle_cluster), CLUSTER_DIR (data/cluster: logs),
 * TEMPORAL_SERVER_BIN / TEMPORAL_SQL_BIN (prebuilt binaries). The app processes inherit the
 * rest of the environment (POLICY_FILE, LOG_LEVEL, RATE_LIMIT_PER_MINUTE, ...).
 */
import { startCluster } from './cluster/cluster';
import { clusterSettings } from './cluster/settings';
import { dropDatabases } from './cluster/temporal-server';

// ---- npm run cluster --------------------------------------------------------------------------

function parseArgs(argv: string[]) {
  const args = { workers: 2, apis: 2, fresh: false, drop: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 0 || n > 9) throw new Error(`${arg} takes a number from 0 to 9`);
      return n;
    };
    if (arg === '--workers') args.workers = count();
    else if (arg === '--apis') args.apis = count();
    else if (arg === '--fresh') args.fresh = true;
    else if (arg === '--drop') args.drop = true;
    else throw new Error(`unknown argument ${arg} (known: --workers N, --apis N, --fresh, --drop)`);
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const s = { ...clusterSettings(), workers: args.workers, apis: args.apis };
  if (args.drop) {
    await dropDatabases(s);
    return;
  }
  const cluster = await startCluster(s, { fresh: args.fresh });
  s.log(`Temporal ${cluster.temporalAddress} (namespace ${cluster.namespace}); app database ${cluster.databaseUrl}`);
  for (const api of cluster.apis) s.log(`API ${api.url}  (docs ${api.url}/docs)`);
  s.log(`try: curl -H 'Authorization: Bearer dev-xiguan' ${cluster.apis[0]?.url ?? ''}/v1/whistles`);
  s.log(`     temporal workflow list --address ${cluster.temporalAddress} --query "WorkflowType='whistle'"`);
  s.log('Ctrl-C stops everything (the databases keep their data; --drop removes them)');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    s.log(`${signal}: stopping the APIs, the workers, then the Temporal server`);
    await cluster.stop();
    s.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const proc of [cluster.server, ...cluster.workers, ...cluster.apis]) {
    void proc.exited.then((how) => { if (!stopping) s.log(`${proc.name} (pid ${proc.pid}) exited: ${how}; see ${proc.logFile}`); });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`[cluster] ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
