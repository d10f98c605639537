/**
 * The Fastify application, layered as in Fastify's reference app: external plugins, the
 * application's services (auth), then the routes. Nothing here talks SQL or builds Temporal
 * options itself.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import type { Config } from '../lib/config';
import { CalendarSource } from '../lib/calendar-source';
import type { Policy } from '../lib/policy';
import { loadPolicy } from '../lib/policy-file';
import type { Logger } from '../lib/logger';
import { countRunningByVersion } from '../lib/workflow-versions';
import { frameworkErrors, installErrorHandlers } from './errors';
import { compileValidator } from './validation';
import external from './plugins/external';
import auth from './plugins/auth';
import metrics from './plugins/metrics';
import etag from './plugins/etag';
import { Directory } from './services/directory';
import { createWhistleServices, type WhistleServices } from './services/whistles';
import { TemporalGateway } from './services/temporal-gateway';
import { HelpService } from './services/help';
import { People } from './services/people';
import { BoardService } from './services/board';
import { AssessmentService } from './services/assessments';
import { NotificationService } from './services/notifications';
import { StatsService } from './services/stats';
import { CatalogueService } from './services/catalogue';
import { DeadlinePlanner } from '../lib/deadline-planner';
import { IdempotencyKeys } from './services/idempotency';
import { possibleDuplicates } from '../lib/stores/duplicates';
import { CalendarService } from './services/calendar';
import { Open311Service } from './services/open311';
import systemRoutes from './routes/system';
import orgRoutes from './routes/orgs';
import accountRoutes from './routes/accounts';
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
import { AccountService } from './services/accounts';
import { OrgService } from './services/orgs';
import { Readiness } from './services/readiness';
import sessionRoutes from './routes/sessions';
import auditRoutes from './routes/audit';
import { KnowledgeService } from './services/knowledge';
import knowledgeRoutes from './routes/knowledge';
import { SuggestionService } from './services/suggestions';
import suggestRoutes from './routes/suggest';
import { InsightsService } from './services/insights';
import insightsRoutes from './routes/insights';
import eventRoutes from './routes/events';
import { LiveHub } from './services/live-hub';
import attachmentRoutes from './routes/attachments';
import { AttachmentService } from './services/attachments';
import { AttachmentVisibility } from './services/attachment-visibility';
import { createStorage } from '../lib/attachments/create-storage';
import { ProactiveService } from './services/proactive';
import proactiveRoutes from './routes/proactive';

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
  whistles: WhistleServices;
  help: HelpService;
  people: People;
  board: BoardService;
  assessments: AssessmentService;
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
  knowledge: KnowledgeService;
  proactive: ProactiveService;
  suggestions: SuggestionService;
  insights: InsightsService;
  live: LiveHub;
  attachments: AttachmentService;
  accounts: AccountService;
  orgs: OrgService;
  readiness: Readiness;
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
    trustProxy: deps.config.trustProxy,
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
  // A change also looks at the credentials of the account's live-update streams again (live-hub.ts);
  // an organisation change ('orgs': a unit deactivated) empties the directory's tree and looks at every stream.
  const changes = new CredentialChanges(deps.config.databaseUrl, (what) => {
    credentialCache.clear();
    if (what === 'orgs' || what === null) directory.forgetOrgs();
    services.live.credentialsChanged(what === 'orgs' ? null : what);
  }, deps.logger);
  const credentialCache = new CredentialCache(undefined, () => changes.start());
  const limits = new Limits({ redisUrl: deps.config.redisUrl, keyPrefix: deps.config.redisKeyPrefix, logger: deps.logger });
  app.addHook('onClose', async () => { await changes.stop(); await limits.close(); });
  const directory = new Directory(deps.pool, deps.config.keyPepper, deps.config.production, credentialCache);
  const sessions = new SessionService({
    pool: deps.pool, pepper: deps.config.keyPepper, production: deps.config.production,
    ttlHours: deps.config.sessionTtlHours, idleMinutes: deps.config.sessionIdleMinutes, passwordMaxAgeDays: deps.config.passwordMaxAgeDays,
    limits, credentials: credentialCache,
  });
  const credentials = new Credentials(directory, sessions);
  const policy = deps.policy ?? loadPolicy(deps.config.policyFile);
  const calendars = new CalendarSource(deps.pool);
  const catalogue = new CatalogueService(deps.pool, directory);
  const idempotency = new IdempotencyKeys(deps.pool, deps.config.keyPepper);
  const suggestions = new SuggestionService(deps.pool);
  const storage = createStorage(deps.config.storage);
  app.addHook('onClose', async () => storage.close());
  const gateway = new TemporalGateway(deps.temporal, deps.config.taskQueue);
  const calendar = new CalendarService(deps.pool);
  // Photos: seen by their uploader until attached, then by whoever may see their whistle (or the
  // whistle it was merged into: its photos show there too) or help request.
  const attachments = new AttachmentService({
    pool: deps.pool, storage, logger: deps.logger,
    visibility: new AttachmentVisibility({
      whistle: (account, id) => services.whistles.reads.photosSeenBy(account, id),
      help_request: (account, id) => services.help.seenBy(account, id),
    }),
  });
  const services: Services = {
    directory,
    whistles: createWhistleServices({
      pool: deps.pool, gateway, directory, policy, attachments,
      planner: new DeadlinePlanner(policy, calendars), catalogue, idempotency, logger: deps.logger,
      possibleDuplicates: (v) => possibleDuplicates(deps.pool, {
        id: v.id, streetId: v.streetId, category: v.category, compoundId: v.location.compoundId, lat: v.location.lat,
        lng: v.location.lng, filedAt: v.filedAt,
      }, policy.duplicates),
      onFiled: (filing) => suggestions.recordFiled(filing),
    }),
    help: new HelpService(deps.pool, gateway, directory, attachments),
    people: new People(deps.pool, directory),
    board: new BoardService(deps.pool, directory),
    assessments: new AssessmentService(deps.pool, directory, deps.config.assessmentWeights),
    notifications: new NotificationService(deps.pool, Boolean(deps.config.webhookUrl)),
    stats: new StatsService(deps.pool),
    catalogue,
    idempotency,
    calendar,
    open311: new Open311Service(deps.pool, directory, () => services.whistles.filing),
    sessions,
    credentials,
    limits,
    audit: new AuditService(deps.pool),
    knowledge: new KnowledgeService(deps.pool),
    proactive: new ProactiveService(deps.pool, directory, deps.temporal, deps.config.taskQueue),
    suggestions,
    insights: new InsightsService(deps.pool),
    live: new LiveHub({ pool: deps.pool, databaseUrl: deps.config.databaseUrl, config: deps.config.live, credentials, logger: deps.logger }),
    attachments,
    orgs: new OrgService(deps.pool, directory),
    accounts: new AccountService(deps.pool, deps.config.keyPepper, sessions.throttle, deps.config.passwordMaxAgeDays, () => credentialCache.clear()),
    readiness: new Readiness(deps.pool, gateway, calendar, limits),
  };
  // Open streams end before the server closes (it waits for every connection); heartbeats and the
  // journal's pruning run while the server listens.
  app.addHook('onListen', async () => services.live.startTimers());
  app.addHook('preClose', async () => services.live.close());
  app.decorate('services', services);
  app.decorate('deps', deps);

  await app.register(external, { config: deps.config, rateLimitKey: (request) => credentials.bucketOf(request), rateLimitStore: limits.rateLimitStore() });
  await app.register(metrics, {
    pool: deps.pool, calendarCoverage: () => services.calendar.coverage(), webhook: Boolean(deps.config.webhookUrl),
    versionCounts: () => countRunningByVersion(deps.temporal, deps.config.taskQueue),
  });
  await app.register(etag);
  await app.register(auth, { credentials });
  // The routes, in the order the OpenAPI document lists them: each module and where it is mounted.
  const mounted: Array<[FastifyPluginAsync, string | undefined]> = [
    [systemRoutes, undefined],
    [orgRoutes, '/v1'],
    [accountRoutes, '/v1'],
    [whistleRoutes, '/v1/whistles'],
    [helpRoutes, '/v1/help-requests'],
    [memberRoutes, '/v1/members'],
    [boardRoutes, undefined],
    [assessmentRoutes, '/v1'],
    [notificationRoutes, '/v1'],
    [statsRoutes, '/v1'],
    [catalogueRoutes, '/v1'],
    [calendarRoutes, '/v1'],
    [consoleRoutes, '/console'],
    // Open311 GeoReport v2: its own body parser, error format and not-found answer under /open311.
    [open311Routes, '/open311'],
    [sessionRoutes, '/v1'],
    [auditRoutes, '/v1'],
    [knowledgeRoutes, '/v1'],
    [proactiveRoutes, '/v1'],
    [suggestRoutes, '/v1'],
    [insightsRoutes, '/v1'],
    [eventRoutes, '/v1'],
  ];
  for (const [routes, prefix] of mounted) await app.register(routes, prefix ? { prefix } : {});
  await app.register(attachmentRoutes, { prefix: '/v1/attachments', maxBytes: deps.config.attachmentMaxBytes });
  return app;
}
