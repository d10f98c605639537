/** The console's names for the API's types: generated from /openapi.json, completed by contract.ts where it is ahead. */
import type { components, operations, paths } from './schema';
import type * as C from './contract';

type Schemas = components['schemas'];
type Ok<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T
  : O extends { responses: { 201: { content: { 'application/json': infer T } } } } ? T : never;
export type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type ApiPaths = paths;

export type Whistle = Schemas['Whistle'];
export type WhistleAction = Whistle['allowedActions'][number];
export type WhistleStatus = Whistle['status'];
export type TimelineEntry = Whistle['timeline'][number];
export type WhistleListQuery = NonNullable<operations['listWhistles']['parameters']['query']>;
export type WhistlePage = Ok<operations['listWhistles']>;
/** A whistle as lists give it (no timeline, no per-caller fields). */
export type WhistleItem = WhistlePage['items'][number];
export type FileWhistleBody = BodyOf<operations['fileWhistle']>;

export type Org = Ok<operations['listOrgs']>[number];
export type Category = Ok<operations['listCategories']>[number];
export type Session = Ok<operations['signIn']>;
export type Me = Ok<operations['getMe']>;
export type Role = Session['account']['role'];
export type CatalogueEntry = Ok<operations['listDispatchCatalogue']>[number];
export type CatalogueBody = BodyOf<operations['putDispatchCatalogueEntry']>;

type HelpPageGenerated = Ok<operations['listHelpRequests']>;
export type HelpRequest = HelpPageGenerated['items'][number];
export type HelpAction = HelpRequest['allowedActions'][number];
export type HelpListQuery = NonNullable<operations['listHelpRequests']['parameters']['query']>;
export type PostHelpBody = BodyOf<operations['postHelpRequest']>;
export type MemberRecord = Ok<operations['getMemberRecord']>;

type NotificationGenerated = Ok<operations['listNotifications']>['items'][number];
export type Notification = C.Merge<NotificationGenerated, { delivery: C.Delivery }>;

type AssessmentGenerated = Exclude<Ok<paths['/v1/assessments']['get']>, string>;
export type AssessmentRow = AssessmentGenerated['items'][number];
export type Assessment = C.Merge<Omit<AssessmentGenerated, 'items'>, C.AssessmentExtras> & { items: AssessmentRow[] };
export type Stats = Ok<paths['/v1/stats']['get']>;
export type ConsoleConfig = Ok<paths['/console/config.json']['get']>;
export type ApiError = Schemas['Error']['error'];
