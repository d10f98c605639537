/**
 * The layers of the house and no circles (`npm run lint:deps`; `npm test` runs it).
 *   domain/      the vocabulary: imports nothing of the project but itself
 *   workflows/   deterministic code: domain/, workflows/ and the activities' types only
 *   activities/  talk to the world through lib/; never the API
 *   api/routes → api/services → lib/ (stores, the Temporal gateway); lib/ never points back up
 *   console/src  the browser: of the server, the vocabulary in domain/ only
 * Type-only imports count (tsPreCompilationDeps), so a circle made of types is a circle too.
 */

/** Paths of modules that belong to no layer of the project: packages and Node's own. */
const outsideProject = ['^node_modules/'];

/** A forbidden import, an error: `name` as lint:deps reports it, `comment` why, `from` which modules `to` which. */
function forbid(name, comment, { from, to }) {
  return { name, comment, severity: 'error', from, to };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid('no-circular', 'No circle of imports anywhere, types included: each module can be read and loaded on its own.',
      { from: {}, to: { circular: true } }),
    forbid('domain-is-a-leaf', 'domain/ is the shared vocabulary of server, workflows and console: it imports nothing of the project outside domain/.',
      { from: { path: '^domain/' }, to: { pathNot: ['^domain/', ...outsideProject], dependencyTypesNot: ['core'] } }),
    forbid('workflows-only-domain-and-activity-types', 'Workflow code is deterministic and bundled apart: it imports domain/, workflows/ and activities/types.ts, never lib/, api/ or the activities themselves.',
      { from: { path: '^workflows/' }, to: { pathNot: ['^workflows/', '^domain/', '^activities/types\\.ts$', ...outsideProject] } }),
    forbid('workflows-activity-types-type-only', 'Workflows name the activities by their types only (`import type`), so no activity code enters the bundle.',
      { from: { path: '^workflows/' }, to: { path: '^activities/types\\.ts$', dependencyTypesNot: ['type-only'] } }),
    forbid('activities-not-api', 'Activities reach the world through lib/; an activity never imports the API.',
      { from: { path: '^activities/' }, to: { path: '^api/' } }),
    forbid('services-not-activities', 'An API service never imports an activity (the types in activities/types.ts at most, as types).',
      { from: { path: '^api/services/' }, to: { path: '^activities/', pathNot: '^activities/types\\.ts$' } }),
    forbid('services-activity-types-type-only', 'What an API service takes from activities/types.ts is types only.',
      { from: { path: '^api/services/' }, to: { path: '^activities/types\\.ts$', dependencyTypesNot: ['type-only'] } }),
    forbid('services-not-routes', 'Layers point one way: routes call services, services never import routes.',
      { from: { path: '^api/services/' }, to: { path: '^api/routes/' } }),
    forbid('routes-not-stores', 'Routes → services → lib: a route reaches the database stores through a service.',
      { from: { path: '^api/routes/' }, to: { path: '^lib/stores/' } }),
    forbid('lib-not-api-or-activities', 'lib/ is the bottom layer (stores, Temporal gateway, configuration): it never imports api/ or activities/.',
      { from: { path: '^lib/' }, to: { path: '^(api|activities)/' } }),
    forbid('console-only-domain', 'The console runs in the browser: of the server it imports the vocabulary in domain/ only.',
      { from: { path: '^console/src/' }, to: { pathNot: ['^console/', '^domain/', ...outsideProject] } }),
    forbid('not-to-unresolvable', 'Every import resolves; otherwise the rules above would not see it.',
      { from: {}, to: { couldNotResolve: true } }),
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['(^|/)node_modules/', '^dist/', '^console/dist/', '^coverage/', '^test/histories/', '^bench/results/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.mts', '.d.ts', '.js', '.mjs', '.cjs', '.vue', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    cache: false,
  },
};
