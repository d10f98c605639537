/** The cluster's settings, ports and database names (`npm run cluster`, test/cluster). */
import path from 'node:path';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1'; // the server the CLI dev server embeds
export const REPO = path.resolve(__dirname, '..', '..');
export const DEPLOY_TEMPORAL = path.join(REPO, 'deploy', 'temporal');

export interface ClusterSettings {
  /** Temporal frontend gRPC port; every other port derives from it. */
  temporalPort: number;
  workers: number;
  apis: number;
  /** A superuser URL of the PostgreSQL server that holds the three databases. */
  postgresUrl: string;
  /** Database names: temporal_<prefix>, temporal_<prefix>_visibility, whistle_<prefix>. */
  dbPrefix: string;
  /** Log files of every process. */
  dir: string;
  /** Extra environment for the worker and API processes (over the inherited one). */
  appEnv: Record<string, string>;
  log: (message: string) => void;
}

export function clusterSettings(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const prefix = env.CLUSTER_DB_PREFIX || 'cluster';
  if (!/^[a-z0-9_]+$/.test(prefix)) throw new Error(`CLUSTER_DB_PREFIX must be lower-case letters, digits, _; got "${prefix}"`);
  return {
    temporalPort: Number(env.CLUSTER_TEMPORAL_PORT || 7933),
    workers: 2,
    apis: 2,
    postgresUrl: env.CLUSTER_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    dbPrefix: prefix,
    dir: path.resolve(REPO, env.CLUSTER_DIR || path.join('data', 'cluster')),
    appEnv: {},
    log: (message) => console.log(`[cluster] ${message}`),
  };
}

/**
 * Ports from the frontend port F: the server's services follow deploy/temporal/config.yaml
 * (history F+1, matching F+2, worker F+6, HTTP F+10, membership F-300…F-294, metrics F+66);
 * API i listens on F+20+i, worker i serves its SDK metrics on F+30+i.
 */
export function clusterPorts(s: Pick<ClusterSettings, 'temporalPort'>) {
  const f = s.temporalPort;
  return {
    frontend: f,
    serverMetrics: f + 66,
    api: (i: number) => f + 20 + i,
    workerMetrics: (i: number) => f + 30 + i,
    all: [f, f + 1, f + 2, f + 6, f + 10, f - 300, f - 299, f - 298, f - 294, f + 66],
  };
}

export function databaseNames(s: Pick<ClusterSettings, 'dbPrefix'>) {
  return {
    temporal: `temporal_${s.dbPrefix}`,
    visibility: `temporal_${s.dbPrefix}_visibility`,
    app: `whistle_${s.dbPrefix}`,
  };
}

function databaseUrl(postgresUrl: string, name: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function appDatabaseUrl(s: ClusterSettings): string {
  return databaseUrl(s.postgresUrl, databaseNames(s).app);
}
