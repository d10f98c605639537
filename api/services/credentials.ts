/**
 * The bearer credential of a request: an API key (integrations, the dev keys) or a console
 * session token (`ws_…`), resolved once per request and shared by the rate limit (which buckets
 * by account, or by address when there is no valid credential) and by `app.authenticate`.
 */
import type { FastifyRequest } from 'fastify';
import { SESSION_TOKEN_PREFIX } from '../../lib/keys';
import type { Account, Directory } from './directory';
import type { SessionService } from './sessions';

export type Credential =
  | { kind: 'key'; account: Account }
  | { kind: 'session'; account: Account; tokenHash: string; expiresAt: Date; mustChangePassword: boolean };

/** Why a request has no credential: no (well-formed) header, an unknown key, a session that is over. */
export type Refusal = { refused: 'missing' | 'unknown_key' | 'session_ended' };

const BEARER = /^Bearer\s+(\S{1,512})$/i;

/** The token of an `Authorization: Bearer <token>` header, however its scheme is spelled or spaced. */
function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  return BEARER.exec(header.trim())?.[1] ?? null;
}

export class Credentials {
  private readonly byRequest = new WeakMap<FastifyRequest, Promise<Credential | Refusal>>();
  /**
   * Lookups under way, by token: requests with the same credential at the same moment share one
   * (thousands of live-update streams opened at once after a restart would otherwise queue a
   * query each for the pool's few connections, and wait past its timeout).
   */
  private readonly inFlight = new Map<string, Promise<Credential | Refusal>>();

  constructor(private readonly directory: Directory, private readonly sessions: SessionService) {}

  /** `fresh`: a lookup of its own, never one that started earlier (after a change was announced). */
  resolve(header: unknown, fresh = false): Promise<Credential | Refusal> {
    const token = bearerToken(header);
    if (!token) return Promise.resolve({ refused: 'missing' });
    if (fresh) return this.lookup(token);
    let found = this.inFlight.get(token);
    if (!found) {
      found = this.lookup(token).finally(() => this.inFlight.delete(token));
      this.inFlight.set(token, found);
    }
    return found;
  }

  private async lookup(token: string): Promise<Credential | Refusal> {
    if (token.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.sessions.authenticate(token);
      return session ? { kind: 'session', ...session } : { refused: 'session_ended' };
    }
    const account = await this.directory.authenticate(token);
    return account ? { kind: 'key', account } : { refused: 'unknown_key' };
  }

  /** The credential of `request`, looked up once however often it is asked for. */
  of(request: FastifyRequest): Promise<Credential | Refusal> {
    let found = this.byRequest.get(request);
    if (!found) {
      found = this.resolve(request.headers.authorization);
      this.byRequest.set(request, found);
    }
    return found;
  }

  /**
   * The rate-limit bucket of a request: its account (`a:<id>`, whatever key or session it uses
   * and however the header is spelled), else its address (`ip:<address>`) — no credential, a
   * made-up key, an ended session, or a lookup that failed.
   */
  async bucketOf(request: FastifyRequest): Promise<string> {
    try {
      const found = await this.of(request);
      if (!('refused' in found)) return `a:${found.account.id}`;
    } catch {
      /* PostgreSQL away: counted by address; authentication answers 503 itself */
    }
    return `ip:${request.ip}`;
  }
}
