/**
 * What CONTRACT.md promises and the served OpenAPI document (schema.d.ts) does not hold yet,
 * because the routes are being built in parallel. Each type here is used only where the
 * generated one is missing (`Merge` lets the generated type win), and each goes once
 * `npm run console:types` brings the real one. The console never invents an answer: a field
 * the API does not send yet is simply not shown.
 */

/** The generated type, completed by the contract's fields it does not have yet. */
export type Merge<Generated, Contract> = Generated & Omit<Contract, keyof Generated>;

/** Notifications: `delivery` (contract, "Also: GET /v1/notifications"). */
export interface Delivery { status: 'pending' | 'delivered' | 'failed' | 'inbox'; attempts: number; lastError: string | null }
/** Assessments: `publishedAt` (contract, "Publication"). */
export interface AssessmentExtras { publishedAt: string | null }
