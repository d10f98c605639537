/**
 * The Fastify application, layered as in Fastify's reference app: external plugins, the
 * application's services (auth), then the routes. Nothing here talks SQL or builds Temporal
 * options itself.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import type { Config } from '../lib/config';
import { CalendarSource } from '../lib/calendar-source';
import { loadPolicy, type Policy } from '../lib/policy';
import type { Logger } from '../lib/logger';
import { frameworkErrors, installErrorHandlers } from './errors';
import { compileValidator } from './validation';
import external from './plugins/external';
import auth from './plugins/auth';
import metrics from './plugins/metrics';
import etag from './plugins/etag';
import { Directory } from './services/directory';
import { WhistleService } from './services/whistles';
import { HelpService } from './services/help';
import { BoardService } from './services/board';
import { AssessmentService } from './services/assessments';
import { AssessmentPublication } from './services/assessment-publication';
import { NotificationService } from './services/notifications';
import { StatsService } from './services/stats';
import { CatalogueService } from './services/catalogue';
import { DeadlinePlanner } from './services/deadline-plans';
import { IdempotencyKeys } from './services/idempotency';
import { possibleDuplicates } from './services/duplicates';
import { CalendarService } from './services/calendar';
import { Open311Service } from './services/open311';
import systemRoutes from './routes/system';
import directoryRoutes from './routes/directory';
import whistleRoutes from './routes/whistles';
import helpRoutes from './routes/help';
import memberRoutes from './routes/members';
import boardRoutes from './routes/board';
import assessmentRoutes from './routes/assessments';
import notificationRoutes from './routes/notifications';
import statsRoutes from './routes/stats';
import catalogueRoutes from './routes/catalogue';
import calendarRoutes from './routes/calendar';
import consoleRoutes from './routes/console';
import open311Routes, { open311FrameworkErrors } from './routes/open311';
import { CredentialCache, CredentialChanges } from './services/credential-cache';
import { Credentials } from './services/credentials';
import { Limits } from './services/limits';
import { SessionService } from './services/sessions';
import { AuditService } from './services/audit';
import sessionRoutes from './routes/sessions';
import auditRoutes from './routes/audit';

export interface AppDeps {
  config: Config;
  pool: Pool;
  temporal: Client;
  logger: Logger;
  /** The deadline policy (the worker's): POLICY_FILE when not given. */
  policy?: Policy;
}

export interface Services {
  directory: Directory;
  whistles: WhistleService;
  help: HelpService;
  board: BoardService;
  assessments: AssessmentService;
  publication: AssessmentPublication;
  notifications: NotificationService;
  stats: StatsService;
  catalogue: CatalogueService;
  idempotency: IdempotencyKeys;
  calendar: CalendarService;
  open311: Open311Service;
  sessions: SessionService;
  credentials: Credentials;
  limits: Limits;
  audit: AuditService;
}

declare module 'fastify' {
  interface FastifyInstance { services: Services; deps: AppDeps }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Behind a reverse proxy (TRUST_PROXY), request.ip is the client's address, not the proxy's.
    trustProxy: deps.config.trustProxy as boolean | string[], // a number of hops is accepted too
    frameworkErrors: open311FrameworkErrors(frameworkErrors),
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(compileValidator);
  // An empty body with a JSON content type is "no body", not a parse error (actions like accept).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('the body is not valid JSON'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined);
    }
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installErrorHandlers(app);

  // Credentials are cached for seconds and forgotten when PostgreSQL announces a change (credential-cache.ts).
  const changes = new CredentialChanges(deps.config.databaseUrl, () => credentialCache.clear(), deps.logger);
  const credentialCache = new CredentialCache(undefined, () => changes.start());
  const limits = new Limits({ redisUrl: deps.config.redisUrl, keyPrefix: deps.config.redisKeyPrefix, logger: deps.logger });
  app.addHook('onClose', async () => { await changes.stop(); await limits.close(); });
  const directory = new Directory(deps.pool, deps.config.keyPepper, deps.config.production, credentialCache);
  const sessions = new SessionService({
    pool: deps.pool, pepper: deps.config.keyPepper, production: deps.config.production,
    ttlHours: deps.config.sessionTtlHours, limits, credentials: credentialCache,
  });
  const credentials = new Credentials(directory, sessions);
  const policy = deps.policy ?? loadPolicy(deps.config.policyFile);
  const calendars = new CalendarSource(deps.pool);
  const catalogue = new CatalogueService(deps.pool, directory);
  const idempotency = new IdempotencyKeys(deps.pool);
  const assessments = new AssessmentService(deps.pool, directory, deps.config.assessmentWeights);
  const services: Services = {
    directory,
    whistles: new WhistleService({
      pool: deps.pool, temporal: deps.temporal, directory, taskQueue: deps.config.taskQueue, policy,
      planner: new DeadlinePlanner(policy, calendars), catalogue, idempotency, logger: deps.logger,
      possibleDuplicates: (v) => possibleDuplicates(deps.pool, {
        id: v.id, streetId: v.streetId, category: v.category, compoundId: v.location.compoundId, lat: v.location.lat,
        lng: v.location.lng, filedAt: v.filedAt,
      }, policy.duplicates),
    }),
    help: new HelpService(deps.pool, deps.temporal, directory, deps.config.taskQueue),
    board: new BoardService(deps.pool, directory),
    assessments,
    publication: new AssessmentPublication(deps.pool, assessments),
    notifications: new NotificationService(deps.pool, Boolean(deps.config.webhookUrl)),
    stats: new StatsService(deps.pool),
    catalogue,
    idempotency,
    calendar: new CalendarService(deps.pool),
    open311: new Open311Service(deps.pool, directory, () => services.whistles),
    sessions,
    credentials,
    limits,
    audit: new AuditService(deps.pool),
  };
  app.decorate('services', services);
  app.decorate('deps', deps);

  await app.register(external, { config: deps.config, rateLimitKey: (request) => credentials.bucketOf(request), rateLimitStore: limits.rateLimitStore() });
  await app.register(metrics, { pool: deps.pool, calendarCoverage: () => services.calendar.coverage(), webhook: Boolean(deps.config.webhookUrl) });
  await app.register(etag);
  await app.register(auth, { credentials });
  await app.register(systemRoutes);
  await app.register(directoryRoutes, { prefix: '/v1' });
  await app.register(whistleRoutes, { prefix: '/v1/whistles' });
  await app.register(helpRoutes, { prefix: '/v1/help-requests' });
  await app.register(memberRoutes, { prefix: '/v1/members' });
  await app.register(boardRoutes);
  await app.register(assessmentRoutes, { prefix: '/v1' });
  await app.register(notificationRoutes, { prefix: '/v1' });
  await app.register(statsRoutes, { prefix: '/v1' });
  await app.register(catalogueRoutes, { prefix: '/v1' });
  await app.register(calendarRoutes, { prefix: '/v1' });
  await app.register(consoleRoutes, { prefix: '/console' });
  // Open311 GeoReport v2: its own body parser, error format and not-found answer under /open311.
  await app.register(open311Routes, { prefix: '/open311' });
  await app.register(sessionRoutes, { prefix: '/v1' });
  await app.register(auditRoutes, { prefix: '/v1' });
  return app;
}
