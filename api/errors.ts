/**
 * The contract's error shape `{ error: { code, message } }` for every failure, and the
 * mapping from Fastify, Temporal and PostgreSQL failures to it. Internal errors never leak.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseError } from 'pg';

export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  invalid_state: 409,
  payload_too_large: 413,
  idempotency_conflict: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * An error the API answers on purpose. `messageZh` is the same refusal as a Chinese sentence for
 * people (the console shows it); the error body carries it when given.
 */
export class HttpError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly messageZh?: string) {
    super(message);
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what = 'not found', zh?: string) => new HttpError('not_found', what, zh);
export const forbidden = (why: string, zh?: string) => new HttpError('forbidden', why, zh);
export const invalid = (why: string, zh?: string) => new HttpError('validation_failed', why, zh);

/** PostgreSQL or Temporal cannot be reached: the request may be retried later. */
export function isUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: string | number; message?: string; name?: string; cause?: unknown };
  if (e?.name === 'ServiceError' || e?.name === 'ConnectionError') return true;
  // An update that no worker took in time (the worker is down): the client may retry.
  if (e?.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
  if (e?.cause && depth < 3 && isUnavailable(e.cause, depth + 1)) return true;
  if (typeof e?.code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'].includes(e.code)) return true;
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) from Temporal.
  if (typeof e?.code === 'number' && (e.code === 14 || e.code === 4)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|UNAVAILABLE|DEADLINE_EXCEEDED/.test(e?.message ?? '');
}

/**
 * PostgreSQL refused a value (class 22, data exception: a NUL byte in text, a date out of
 * range, a malformed literal): the request carried it, so it is bad input, not a fault.
 */
export function isDataException(err: unknown): boolean {
  return err instanceof DatabaseError && typeof err.code === 'string' && err.code.startsWith('22');
}

/**
 * Errors Fastify raises before any route or hook runs (a URL that does not decode, a path
 * parameter longer than the router allows): the contract's shape instead of Fastify's own.
 * Given to Fastify as its `frameworkErrors` option.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, 'validation_failed', 'a path parameter is too long');
  if (err.code === 'FST_ERR_BAD_URL') return sendError(reply, 'validation_failed', 'the URL is not valid (bad percent-encoding)');
  return sendError(reply, 'internal', 'internal error');
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, messageZh?: string) {
  const error = messageZh ? { code, message, messageZh } : { code, message };
  return reply.code(ERROR_STATUS[code]).type('application/json; charset=utf-8').send({ error });
}

function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0];
  if (!first) return err.message;
  const where = err.validationContext ?? 'request';
  const path = first.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') return `${path}: unknown field "${String(params.additionalProperty)}"`;
  return `${path} ${first.message ?? 'is invalid'}`;
}

export function installErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) return sendError(reply, err.code, err.message, err.messageZh);
    if (err.validation) return sendError(reply, 'validation_failed', validationMessage(err));
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return sendError(reply, 'payload_too_large', 'the request body is too large');
    }
    if (err.statusCode === 429) return sendError(reply, 'rate_limited', 'too many requests; slow down');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'validation_failed', 'the body must be JSON (Content-Type: application/json)');
    }
    if (err.code?.startsWith?.('FST_ERR_CTP') || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      return sendError(reply, 'validation_failed', err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
        ? 'the body is not valid JSON' : err.message);
    }
    if (isDataException(err)) {
      request.log.warn({ err }, 'PostgreSQL refused a value of the request');
      return sendError(reply, 'validation_failed', 'a value of the request cannot be stored or compared (invalid text, date or number)');
    }
    if (isUnavailable(err)) {
      request.log.warn({ err }, 'dependency unavailable');
      return sendError(reply, 'unavailable', 'the service is temporarily unavailable; try again');
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'internal', 'internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
}
