/** Jest: TypeScript through swc; one Temporal dev server and one throwaway database for the run. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  // Some of Fastify's helpers ship as ES modules only (cookie for inject, content-disposition for
  // @fastify/static); let swc turn them into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(cookie|set-cookie-parser|content-disposition)/)'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  // Worker threads of the Temporal SDK may linger a moment after shutdown; never hang CI on them.
  forceExit: true,
};
