/**
 * The one client of the API: openapi-fetch over the types generated from /openapi.json. It
 * sends the session token, turns a 401 into "sign in again", a 403 password_change_required into
 * "change the password first", and turns every refusal into an
 * `ApiRefusal` carrying the API's own words (`messageZh` when given, else `message`).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import { changeRequired, expired, session } from './session';
import type { ApiError, ApiPaths } from './types';

export const api = createClient<ApiPaths>({ baseUrl: '' });

const auth: Middleware = {
  onRequest({ request }) {
    if (session.token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${session.token}`);
    return request;
  },
  async onResponse({ request, response }) {
    const signingIn = request.method === 'POST' && new URL(request.url).pathname === '/v1/sessions';
    if (response.status === 401 && !signingIn) expired();
    // A session opened with an initial or aged password may do nothing but change it.
    if (response.status === 403) {
      const body = await response.clone().json().catch(() => null) as { error?: { code?: string } } | null;
      if (body?.error?.code === 'password_change_required') changeRequired();
    }
    return response;
  },
};
api.use(auth);

/** A refusal or failure of the API, in its own words. */
export class ApiRefusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly detail: ApiError | null) {
    super(message);
  }
}

/** A refusal of a call made without openapi-fetch (photos: multipart uploads, image bytes). */
export function photoRefusal(status: number, body: unknown): ApiRefusal {
  if (status === 401) expired();
  return refusal(status, body);
}

function refusal(status: number, body: unknown): ApiRefusal {
  const error = (body as { error?: ApiError } | undefined)?.error;
  if (error && typeof error.message === 'string') return new ApiRefusal(status, error.code, error.messageZh ?? error.message, error);
  if (status === 0) return new ApiRefusal(0, 'network', '无法连接服务器，请检查网络后重试', null);
  return new ApiRefusal(status, 'http', `服务器返回 ${status}`, null);
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer, or throws the API's refusal. */
export async function ok<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await request;
  } catch {
    throw refusal(0, undefined);
  }
  if (answer.response.ok) return answer.data as T;
  throw refusal(answer.response.status, answer.error);
}

/** The words to show for any error caught around an API call. */
export function wordsOf(err: unknown): string {
  if (err instanceof ApiRefusal) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * A key for an action or a filing: the same for a retry of the same body within one form (so a
 * double click or a lost answer never acts twice), another one as soon as the body changes (a
 * key reused with another body is refused as idempotency_conflict).
 */
export function idempotencyKey(nonce: string, body: unknown): string {
  const text = JSON.stringify(body ?? {});
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `console-${nonce}-${(h2 >>> 0).toString(36)}${(h1 >>> 0).toString(36)}`;
}

export function newNonce(): string {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
