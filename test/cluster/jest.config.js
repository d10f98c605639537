/**
 * Jest for `npm run test:cluster` only: the cluster test starts its own Temporal server on
 * PostgreSQL, workers and APIs (scripts/cluster.ts), so none of the suite's global setup runs.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.cluster.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // The first run may build the Temporal server from source (many minutes).
  testTimeout: 60 * 60 * 1000,
  forceExit: true,
};
