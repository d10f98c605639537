/**
 * The contract's error shape `{ error: { code, message } }` for every failure, and the
 * mapping from Fastify, Temporal and PostgreSQL failures to it. Internal errors never leak.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseError } from 'pg';
import { ajvErrorZh } from './validation-zh';

export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  password_change_required: 403,
  not_found: 404,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media: 415,
  idempotency_conflict: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * What each kind of refusal means, in Chinese: the `messageZh` of a refusal that has no sentence
 * of its own, so that every error people may read is in Chinese.
 */
const ERROR_WORDS_ZH: Record<ErrorCode, string> = {
  validation_failed: '提交的内容不符合要求，请检查后再试',
  unauthenticated: '请先登录',
  forbidden: '本账号无权进行此操作',
  password_change_required: '请先修改密码',
  not_found: '没有找到要访问的内容',
  invalid_state: '当前状态下不能进行此操作，请刷新后再看',
  payload_too_large: '提交的内容太大',
  unsupported_media: '不支持这种文件，请上传 JPEG、PNG 或 WebP 图片',
  idempotency_conflict: '这一请求编号已用于另一份内容，请重新提交',
  rate_limited: '请求过于频繁，请稍后再试',
  internal: '服务器出错了，请稍后再试',
  unavailable: '服务暂时不可用，请稍后再试',
};

/**
 * An error the API answers on purpose. `messageZh` is the same refusal as a Chinese sentence for
 * people (the console shows it); the error body carries it when given.
 */
export class HttpError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly messageZh?: string,
    /** More fields of the error object (an import's `errors`). */
    readonly details?: Record<string, unknown>) {
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
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendError(reply, 'validation_failed', 'a path parameter is too long', '地址中的编号太长');
  if (err.code === 'FST_ERR_BAD_URL') return sendError(reply, 'validation_failed', 'the URL is not valid (bad percent-encoding)', '地址无效（含有无法识别的字符）');
  return sendError(reply, 'internal', 'internal error');
}

/** The contract's error body; `messageZh` is the code's general sentence when the refusal brings none of its own. */
export function sendError(reply: FastifyReply, code: ErrorCode, message: string, messageZh?: string, details?: Record<string, unknown>) {
  const error = { code, message, messageZh: messageZh ?? ERROR_WORDS_ZH[code], ...details };
  return reply.code(ERROR_STATUS[code]).type('application/json; charset=utf-8').send({ error });
}

/** A schema refusal in English (where and what) and in Chinese (which field, by its Chinese name). */
function validationMessage(err: FastifyError): { message: string; messageZh: string } {
  const first = err.validation?.[0];
  if (!first) return { message: err.message, messageZh: ERROR_WORDS_ZH.validation_failed };
  const where = err.validationContext ?? 'request';
  const path = first.instancePath ? `${where}${first.instancePath.replace(/\//g, '.')}` : where;
  const params = first.params as Record<string, unknown>;
  const messageZh = ajvErrorZh(first as never, where);
  if (first.keyword === 'additionalProperties') return { message: `${path}: unknown field "${String(params.additionalProperty)}"`, messageZh };
  return { message: `${path} ${first.message ?? 'is invalid'}`, messageZh };
}

export function installErrorHandlers(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpError) return sendError(reply, err.code, err.message, err.messageZh, err.details);
    if (err.validation) {
      const { message, messageZh } = validationMessage(err);
      return sendError(reply, 'validation_failed', message, messageZh);
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return sendError(reply, 'payload_too_large', 'the request body is too large', '提交的内容太大');
    }
    if (err.statusCode === 429) return sendError(reply, 'rate_limited', 'too many requests; slow down', '请求过于频繁，请稍后再试');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'validation_failed', 'the body must be JSON (Content-Type: application/json)', '提交的内容应为 JSON 格式');
    }
    if (err.code?.startsWith?.('FST_ERR_CTP') || (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)) {
      const notJson = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError;
      return sendError(reply, 'validation_failed', notJson ? 'the body is not valid JSON' : err.message, notJson ? '提交的内容不是有效的 JSON' : undefined);
    }
    if (isDataException(err)) {
      request.log.warn({ err }, 'PostgreSQL refused a value of the request');
      return sendError(reply, 'validation_failed', 'a value of the request cannot be stored or compared (invalid text, date or number)',
        '提交的内容中有无法保存的文字、日期或数字');
    }
    if (isUnavailable(err)) {
      request.log.warn({ err }, 'dependency unavailable');
      return sendError(reply, 'unavailable', 'the service is temporarily unavailable; try again', '服务暂时不可用，请稍后再试');
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'internal', 'internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`, '没有这个地址'));
}
