/**
 * What the login and bearer faults need to fake a broken server: real tokens. The proxy learns them
 * from the traffic it carries (the suite logs in through it before any test runs), so a fault needs
 * neither the server's credentials nor its secret, and works wherever a fault case runs (self-tests,
 * benchmark).
 */
import type { Fault, ProxiedRequest, ProxiedResponse } from '../harness/fault-proxy';
import { pathOf } from '../harness/fault-proxy';

export interface Jwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

export const LOGIN = '/api/v1/login';
export const CURRENT_USER = '/api/v1/current-user';

export const isLogin = (req: ProxiedRequest) => req.method === 'POST' && pathOf(req) === LOGIN;
export const isCurrentUser = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === CURRENT_USER;

/** The submitted login form (an empty object for other bodies). */
export function formOf(req: ProxiedRequest): URLSearchParams {
  return /x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))
    ? new URLSearchParams(req.body.toString('utf8'))
    : new URLSearchParams();
}

export function bearerOf(req: ProxiedRequest): string | undefined {
  return String(req.headers.authorization ?? '').match(/^Bearer\s+(\S+)$/i)?.[1];
}

/** Header and claims of a JWS compact token, unverified; undefined when it does not decode. */
export function decode(token: string | undefined): Jwt | undefined {
  const [h, p] = token?.split('.') ?? [];
  try {
    const [header, claims] = [h, p].map((s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown);
    return header && claims && typeof header === 'object' && typeof claims === 'object'
      ? { header: header as Jwt['header'], claims: claims as Jwt['claims'] }
      : undefined;
  } catch {
    return undefined;
  }
}

export function withBearer(req: ProxiedRequest, token: string | undefined): ProxiedRequest {
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } };
}

export function copy(res: ProxiedResponse): ProxiedResponse {
  return { ...res, headers: [...res.headers], body: Buffer.from(res.body) };
}

/** Everything genuine the proxy has seen: tokens the server issued, by subject, and the first login. */
export class Traffic {
  readonly issued = new Set<string>();
  readonly bySubject = new Map<string, string>();
  /** The first successful password-grant answer: the admin's (the suite's preflight logs in first). */
  adminLogin?: ProxiedResponse;
  adminToken?: string;
  /** A current-user answer of the server, to dress up a fake one. */
  currentUser?: ProxiedResponse;

  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    if (res.status !== 200) return;
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      return;
    }
    const token = typeof body === 'string' ? body : (body as { access_token?: unknown } | null)?.access_token;
    if (typeof token === 'string' && (isLogin(req) || pathOf(req) === '/api/v1/api_token')) {
      this.issued.add(token);
      const sub = decode(token)?.claims.sub;
      if (typeof sub === 'string') this.bySubject.set(sub, token);
      if (!this.adminLogin && isLogin(req) && formOf(req).has('username')) {
        this.adminLogin = copy(res);
        this.adminToken = token;
      }
    }
    if (isCurrentUser(req)) this.currentUser ??= copy(res);
  }

  /** The genuine token for the subject a (possibly forged) token claims; the admin's otherwise. */
  genuineFor(token: string | undefined): string | undefined {
    const sub = decode(token)?.claims.sub;
    return (typeof sub === 'string' && this.bySubject.get(sub)) || this.adminToken;
  }
}

/** A fault that sees the traffic: `observe` runs on every answer before the fault's own hook. */
export function trafficFault(make: (traffic: Traffic) => Fault): Fault {
  const traffic = new Traffic();
  const fault = make(traffic);
  return {
    request: fault.request,
    response: async (res, req) => {
      traffic.observe(res, req);
      return (await fault.response?.(res, req)) ?? res;
    },
  };
}

/** The server accepts a token it should refuse, as the account it claims: the request reaches the
 * server with that account's genuine token instead. */
export function acceptsOnCurrentUser(
  when: (jwt: Jwt | undefined, token: string | undefined, traffic: Traffic) => boolean,
): Fault {
  return trafficFault((traffic) => ({
    request: (req) => {
      const token = bearerOf(req);
      if (!isCurrentUser(req) || !token || traffic.issued.has(token) || !when(decode(token), token, traffic)) return undefined;
      return withBearer(req, traffic.genuineFor(token));
    },
  }));
}
