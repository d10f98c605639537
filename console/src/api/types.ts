/** The console's names for the API's types, all generated from the API's own /openapi.json (schema.d.ts). */
import type { components, operations, paths } from './schema';

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

export type Notification = Ok<operations['listNotifications']>['items'][number];

export type Assessment = Exclude<Ok<paths['/v1/assessments']['get']>, string>;
export type AssessmentRow = Assessment['items'][number];
export type Stats = Ok<paths['/v1/stats']['get']>;
export type ConsoleConfig = Ok<paths['/console/config.json']['get']>;
export type ApiError = Schemas['Error']['error'];
