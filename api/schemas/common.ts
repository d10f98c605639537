/** Schemas shared by every route: the error shape and the response codes that use it. */
import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_STATUS, type ErrorCode } from '../errors';

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String({ enum: Object.keys(ERROR_STATUS) }),
    message: Type.String(),
  }),
}, { $id: 'Error', description: 'Every error has this shape', examples: [{ error: { code: 'invalid_state', message: 'cannot triage a whistle that is filed' } }] });

const ERROR_DESCRIPTIONS: Record<ErrorCode, string> = {
  validation_failed: 'Bad or unknown fields (validation_failed)',
  unauthenticated: 'Missing or unknown API key (unauthenticated)',
  forbidden: 'The role or organisation may not do this (forbidden)',
  not_found: 'No such thing, or the caller may not see it (not_found)',
  invalid_state: 'Not allowed in the current status (invalid_state)',
  payload_too_large: 'Body too large (payload_too_large)',
  rate_limited: 'Too many requests (rate_limited)',
  internal: 'Internal error',
  unavailable: 'PostgreSQL or Temporal unreachable; retry later (unavailable)',
};

/** Response schemas for the given error codes, plus the ones every route can answer. */
export function errors(...codes: ErrorCode[]): Record<number, TSchema> {
  const all: ErrorCode[] = [...codes, 'validation_failed', 'payload_too_large', 'rate_limited', 'unavailable'];
  const out: Record<number, TSchema> = {};
  for (const code of all) out[ERROR_STATUS[code]] = { ...Type.Ref('Error'), description: ERROR_DESCRIPTIONS[code] } as TSchema;
  return out;
}

export const authed = { security: [{ apiKey: [] as string[] }] };

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }) }, { additionalProperties: false });
