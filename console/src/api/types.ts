/** The console's names for the API's types, all generated from the API's own /openapi.json (schema.d.ts). */
import type { components, operations, paths } from './schema';

type Schemas = components['schemas'];
type Ok<O> = O extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T
  : O extends { responses: { 201: { content: { 'application/json': infer T } } } } ? T : never;
export type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type ApiPaths = paths;

export type Whistle = Schemas['Whistle'];
export type WhistleAction = Whistle['allowedActions'][number];
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
/** A page or part of a page of the console that the server lets this account open (GET /v1/me). */
export type ConsoleRight = Me['rights'][number];
export type MenuEntry = Me['menus'][number];
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
export type CalendarDay = Ok<operations['listCalendarDays']>[number];
export type ConsoleConfig = Ok<paths['/console/config.json']['get']>;
export type ApiError = Schemas['Error']['error'];

/** A photo as POST /v1/attachments answers it. */
export type StoredPhoto = Ok<operations['uploadAttachment']>;
/** A photo as a whistle's or help request's view lists it (附件). */
export type ShownPhoto = NonNullable<Whistle['attachments']>[number];
// ---- setting up a district (上线) and the security controls (等保) ------------------------------

export type OrgImportResult = Ok<operations['importOrgs']>;
/** One error of an imported file: its 1-based record (0: the file as a whole), the field, the Chinese sentence. */
export type ImportError = NonNullable<ApiError['errors']>[number];
export type AccountState = Ok<operations['listAccounts']>[number];
export type NewAccount = BodyOf<operations['createAccount']>;
export type CreatedAccount = Ok<operations['createAccount']>;
export type ImportedAccounts = Ok<operations['importAccounts']>;
export type SignInQuery = NonNullable<operations['listSignIns']['parameters']['query']>;
export type SignInRecord = Ok<operations['listSignIns']>['items'][number];
export type AuditQuery = NonNullable<operations['listAudit']['parameters']['query']>;
export type AuditEntry = Ok<operations['listAudit']>['items'][number];
export type AuditCheck = Ok<operations['verifyAudit']>;
