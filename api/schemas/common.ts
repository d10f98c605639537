/** Schemas shared by every route: the error shape and the response codes that use it. */
import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_STATUS, type ErrorCode } from '../errors';

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ enum: Object.keys(ERROR_STATUS) }),
    message: Type.String(),
    messageZh: Type.Optional(Type.String({ description: 'The same refusal as a Chinese sentence for people (shown by the console)' })),
    errors: Type.Optional(Type.Array(Type.Object({
      row: Type.Integer({ description: 'the record\'s 1-based position in the file, the header not counted (0: the file as a whole)' }),
      id: Type.Union([Type.String(), Type.Null()]),
      field: Type.String(),
      message: Type.String(),
      messageZh: Type.String(),
    }), { description: 'An import refused (validation_failed): every error of the file; nothing was applied' })),
  }),
}, { $id: 'Error', description: 'Every error has this shape', examples: [{ error: { code: 'invalid_state', message: 'cannot triage a whistle that is filed' } }] });

const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  validation_failed: 'Bad or unknown fields (validation_failed)',
  unauthenticated: 'Missing or unknown API key (unauthenticated)',
  forbidden: 'The role or organisation may not do this (forbidden)',
  password_change_required: 'The session must change its password first: POST /v1/me/password (password_change_required)',
  not_found: 'No such thing, or the caller may not see it (not_found)',
  invalid_state: 'Not allowed in the current status (invalid_state)',
  idempotency_conflict: 'The Idempotency-Key was used before with another request (idempotency_conflict)',
  payload_too_large: 'Body too large (payload_too_large)',
  unsupported_media: 'Not a kind of file accepted here (unsupported_media)',
  rate_limited: 'Too many requests (rate_limited)',
  internal: 'A fault of the service, never bad input (internal)',
  unavailable: 'PostgreSQL or Temporal unreachable; retry later (unavailable)',
};

/** Response schemas for exactly the given error codes. */
export function errorsOnly(...codes: ErrorCode[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const code of codes) out[ERROR_STATUS[code]] = { ...Type.Ref('Error'), description: ERROR_DESCRIPTIONS[code] } as TSchema;
  return out;
}

/** Response schemas for the given error codes, plus the ones every route can answer. */
export function errors(...codes: ErrorCode[]): Record<number, TSchema> {
  return errorsOnly(...codes, 'validation_failed', 'payload_too_large', 'rate_limited', 'unavailable', 'internal');
}

/** A response schema with the description the OpenAPI document shows for it. */
export function described<T extends TSchema>(schema: T, description: string): T {
  return { ...schema, description };
}

export const authed = { security: [{ apiKey: [] as string[] }] };

/** No authentication (health, categories, metrics, the public board). */
export const publicRoute = { security: [] as Array<Record<string, string[]>> };

export const IdParam = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'An id: of a whistle or help request as the API gave it out (e.g. `3f9c2a71d04b8e65`), or of an organisation (e.g. `xiguan`)' }),
}, { additionalProperties: false });

/** Marks the no-body schema, so the OpenAPI document shows no request body for it (plugins/external.ts). */
export const NO_BODY = 'x-no-body';

/**
 * The body of an action that takes none (accept, check-in): none at all, `null` or `{}`; a field,
 * or any other value, is 400 validation_failed like every bad body. The contract gives these
 * actions no body, and so does the OpenAPI document.
 */
export const NoBody = Type.Unsafe<Record<string, never> | null>({
  type: 'object', properties: {}, additionalProperties: false, nullable: true, [NO_BODY]: true,
});
