/**
 * Faults for browser sessions: each requirement of specs/sessions.spec.ts must fail (a SHOULD: give a
 * finding) when a proxy breaks it. The proxy learns the sessions from the login answers it carries
 * (tokens, their subjects, their CSRF tokens), so it needs neither credentials nor the server's secret.
 * sessions.test.ts runs them; the benchmark runs them too. `fixes` are proxies that make the server keep
 * a SHOULD that 0.98.0 misses: through them the requirement must pass, which shows the check can.
 */
import {
  editJson,
  header,
  json,
  pathOf,
  withHeader,
  type Fault,
  type ProxiedRequest,
  type ProxiedResponse,
} from '../harness/fault-proxy';
import type { BenignCase, FaultCase, FixCase } from '../harness/fault-cases';
import { bearerOf, decode, formOf, isCurrentUser, isLogin, trafficFault, withBearer, type Traffic } from './auth-proxy';

const LOGOUT = '/api/v1/logout';
const isLogout = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === LOGOUT;

/** The cookies a request carries, as [name, value] pairs. */
function cookiesOf(req: ProxiedRequest): Array<[string, string]> {
  return String(req.headers.cookie ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p): [string, string] => {
      const i = p.indexOf('=');
      return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
    });
}

/** The request with its Cookie header replaced (undefined: none) and, optionally, without its bearer. */
function withCookie(req: ProxiedRequest, cookie: string | undefined, options: { dropBearer?: boolean } = {}): ProxiedRequest {
  const headers = { ...req.headers };
  if (cookie === undefined) delete headers.cookie;
  else headers.cookie = cookie;
  if (options.dropBearer) delete headers.authorization;
  return { ...req, headers };
}

function withCsrf(req: ProxiedRequest, token: string): ProxiedRequest {
  return { ...req, headers: { ...req.headers, 'x-csrf-token': token } };
}

/** The session token a request carries in a cookie (a value the server issued as a login token). */
function sessionTokenOf(req: ProxiedRequest, traffic: Traffic): string | undefined {
  return cookiesOf(req).find(([, v]) => traffic.issued.has(v))?.[1];
}

/** A cookie value that is a JWT the server never issued (garbage has no claims: undefined). */
function forgedCookie(
  req: ProxiedRequest,
  traffic: Traffic,
): { name: string; value: string; sub?: string; exp?: number } | undefined {
  for (const [name, value] of cookiesOf(req)) {
    if (traffic.issued.has(value)) continue;
    const jwt = decode(value);
    if (jwt) return { name, value, sub: jwt.claims.sub as string | undefined, exp: jwt.claims.exp as number | undefined };
  }
  return undefined;
}

/** The sessions the proxy saw start: token → its CSRF token and subject. */
class Sessions {
  readonly csrf = new Map<string, { csrf: string; sub?: string }>();
  /** CSRF token → the token of its session. */
  readonly byCsrf = new Map<string, string>();

  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    if (!isLogin(req) || res.status !== 200) return;
    try {
      const body = JSON.parse(res.body.toString('utf8')) as { access_token?: string; csrf_token?: string | null };
      if (body.access_token && body.csrf_token) {
        this.csrf.set(body.access_token, { csrf: body.csrf_token, sub: decode(body.access_token)?.claims.sub as string });
        this.byCsrf.set(body.csrf_token, body.access_token);
      }
    } catch {
      /* not a token answer */
    }
  }
}

/** A request of a cross-site session whose X-CSRF-Token `wrong` judges wrong gets the right one. */
function csrfUnchecked(
  wrong: (sent: string | undefined, sessions: Sessions, token: string, req: ProxiedRequest) => boolean,
): Fault {
  const sessions = new Sessions();
  return {
    request: (req) => {
      const token = cookiesOf(req).find(([, v]) => sessions.csrf.has(v))?.[1];
      if (!token) return undefined;
      const sent = req.headers['x-csrf-token'] as string | undefined;
      const right = sessions.csrf.get(token)!.csrf;
      return sent !== right && wrong(sent, sessions, token, req) ? withCsrf(req, right) : undefined;
    },
    response: (res, req) => void sessions.observe(res, req),
  };
}

/** Rewrite the Set-Cookie of the session cookie in answers `when` selects. */
function editSetCookie(
  when: (req: ProxiedRequest, res: ProxiedResponse) => boolean,
  edit: (line: string) => string | undefined,
): Fault {
  return {
    response: (res, req) => {
      const line = header(res, 'set-cookie');
      return line && when(req, res) ? withHeader(res, 'set-cookie', edit(line)) : res;
    },
  };
}

const isPasswordLogin = (req: ProxiedRequest, res: ProxiedResponse) =>
  isLogin(req) && res.status === 200 && formOf(req).has('username');
/** A login from another origin than the one the client talks to. */
const isCrossSiteLogin = (req: ProxiedRequest, res: ProxiedResponse) =>
  isPasswordLogin(req, res) && req.headers.origin !== undefined && !String(req.headers.origin).endsWith(`//${req.headers.host}`);
const fromOtherOrigin = (req: ProxiedRequest) =>
  req.headers.origin !== undefined && new URL(String(req.headers.origin)).hostname !== String(req.headers.host).split(':')[0];

/** Logout ends the session on the server: afterwards its token is refused, as a cookie and/or as a bearer. */
export function revokesAtLogout(as: { cookie: boolean; bearer: boolean }): Fault {
  const revoked = new Set<string>();
  return {
    request: (req) => {
      if (isLogout(req)) {
        for (const [, v] of cookiesOf(req)) revoked.add(v);
        const bearer = bearerOf(req);
        if (bearer) revoked.add(bearer);
        return undefined;
      }
      const hit =
        (as.cookie && cookiesOf(req).some(([, v]) => revoked.has(v))) || (as.bearer && revoked.has(bearerOf(req) ?? ''));
      return hit ? json(401, { detail: ['CredentialsNotValid', 'Authentication error: the session was logged out'] }) : undefined;
    },
  };
}

/** Logout from another site clears the cookie with SameSite=None; Secure (the rest as `edit` leaves it). */
export function crossSiteLogoutClears(edit: (attributes: string) => string = (a) => a): Fault {
  return editSetCookie(
    (req) => isLogout(req) && fromOtherOrigin(req),
    (line) => edit(line.replace(/;\s*SameSite=[^;]*/i, '').replace(/;\s*Secure(?=;|$)/i, '') + '; SameSite=None; Secure'),
  );
}

/** Rewrite a login's Origin to the client's own origin when `looksLike` says it resembles it. */
function originRewritten(looksLike: (originHost: string, serverHost: string) => boolean): Fault {
  return {
    request: (req) => {
      if (!isLogin(req) || req.headers.origin === undefined) return undefined;
      const server = String(req.headers.host ?? '').split(':')[0];
      const host = new URL(String(req.headers.origin)).hostname;
      return host !== server && looksLike(host, server)
        ? { ...req, headers: { ...req.headers, origin: `http://${String(req.headers.host)}` } }
        : undefined;
    },
  };
}

export const faults: FaultCase[] = [
  // --- SESSION-COOKIE
  {
    breaks: 'SESSION-COOKIE',
    fault: 'the session cookie is ignored',
    grep: 'SESSION-COOKIE ',
    proxy: { request: (req) => (req.headers.cookie !== undefined ? withCookie(req, undefined) : undefined) },
  },
  {
    breaks: 'SESSION-COOKIE',
    fault: 'the session cookie authenticates as the admin',
    grep: 'SESSION-COOKIE ',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        sessionTokenOf(req, traffic) && !req.headers.authorization && traffic.adminToken
          ? withBearer(withCookie(req, undefined), traffic.adminToken)
          : undefined,
    })),
  },
  {
    breaks: 'SESSION-COOKIE',
    fault: 'a password login sets no session cookie',
    grep: 'SESSION-COOKIE ',
    proxy: editSetCookie(isPasswordLogin, () => undefined),
  },
  // --- SESSION-COOKIE-INVALID
  {
    breaks: 'SESSION-COOKIE-INVALID',
    fault: 'a tampered cookie is accepted as the account it claims',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const forged = forgedCookie(req, traffic);
        const genuine = forged?.sub ? traffic.bySubject.get(forged.sub) : undefined;
        return forged && genuine ? withCookie(req, `${forged.name}=${genuine}`) : undefined;
      },
    })),
  },
  {
    breaks: 'SESSION-COOKIE-INVALID',
    fault: 'an expired cookie is still accepted',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const forged = forgedCookie(req, traffic);
        const genuine = forged?.sub ? traffic.bySubject.get(forged.sub) : undefined;
        return forged && genuine && (forged.exp ?? Infinity) < Date.now() / 1000
          ? withCookie(req, `${forged.name}=${genuine}`)
          : undefined;
      },
    })),
  },
  {
    breaks: 'SESSION-COOKIE-INVALID',
    fault: 'a garbage cookie lets the request through as the admin',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const garbage = cookiesOf(req).find(([, v]) => !traffic.issued.has(v) && !decode(v) && v !== '');
        return garbage && isCurrentUser(req) && traffic.adminToken
          ? withCookie(req, `${garbage[0]}=${traffic.adminToken}`)
          : undefined;
      },
    })),
  },
  {
    breaks: 'SESSION-COOKIE-INVALID',
    fault: 'beside a bearer, a forged cookie wins as the account it claims (alone it is refused)',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const forged = forgedCookie(req, traffic);
        const genuine = forged?.sub ? traffic.bySubject.get(forged.sub) : undefined;
        return forged && genuine && req.headers.authorization
          ? withBearer(withCookie(req, undefined, { dropBearer: true }), genuine)
          : undefined;
      },
    })),
  },
  // --- SESSION-COOKIE-BEARER
  {
    breaks: 'SESSION-COOKIE-BEARER',
    fault: 'a cookie and a bearer of two accounts act as the admin, more than either',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const cookie = sessionTokenOf(req, traffic);
        const bearer = bearerOf(req);
        return cookie && bearer && decode(cookie)?.claims.sub !== decode(bearer)?.claims.sub && traffic.adminToken
          ? withBearer(withCookie(req, undefined), traffic.adminToken)
          : undefined;
      },
    })),
  },
  {
    breaks: 'SESSION-COOKIE-BEARER',
    fault: 'the identity comes from the cookie, the permissions from the bearer',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const cookie = sessionTokenOf(req, traffic);
        const bearer = bearerOf(req);
        if (!cookie || !bearer || decode(cookie)?.claims.sub === decode(bearer)?.claims.sub) return undefined;
        return isCurrentUser(req) ? withCookie(req, req.headers.cookie, { dropBearer: true }) : withCookie(req, undefined);
      },
    })),
  },
  // --- SESSION-LOGOUT
  {
    breaks: 'SESSION-LOGOUT',
    fault: 'logout sets no cookie',
    grep: 'SESSION-LOGOUT ',
    proxy: editSetCookie(isLogout, () => undefined),
  },
  {
    breaks: 'SESSION-LOGOUT',
    fault: 'logout sets the cookie again without expiring it',
    grep: 'SESSION-LOGOUT ',
    proxy: editSetCookie(isLogout, (line) => line.replace(/;\s*expires=[^;]*/i, '').replace(/Max-Age=0/i, 'Max-Age=3600')),
  },
  {
    breaks: 'SESSION-LOGOUT',
    fault: 'logout clears the cookie under another Path',
    grep: 'SESSION-LOGOUT ',
    proxy: editSetCookie(isLogout, (line) => line.replace(/Path=\/(?=;|$)/i, 'Path=/api/v1')),
  },
  {
    breaks: 'SESSION-LOGOUT',
    fault: 'logout clears a cookie of another name',
    grep: 'SESSION-LOGOUT ',
    proxy: editSetCookie(isLogout, (line) => line.replace(/^([^=]+)=/, 'zenml-session=')),
  },
  // --- SESSION-LOGOUT-TOKEN (0.98.0 misses it; the fix in `fixes` shows the check can pass)
  {
    breaks: 'SESSION-LOGOUT-TOKEN',
    fault: 'logout revokes the token as a cookie only (it still works as a bearer)',
    grep: 'SESSION-LOGOUT ',
    expect: 'finding',
    proxy: revokesAtLogout({ cookie: true, bearer: false }),
  },
  {
    breaks: 'SESSION-LOGOUT-TOKEN',
    fault: 'logout revokes the token as a bearer only (it still works as a cookie)',
    grep: 'SESSION-LOGOUT ',
    expect: 'finding',
    proxy: revokesAtLogout({ cookie: false, bearer: true }),
  },
  // --- SESSION-LOGOUT-CROSS-SITE (likewise)
  {
    breaks: 'SESSION-LOGOUT-CROSS-SITE',
    fault: 'the cross-site logout clears with SameSite=None but without Secure',
    grep: 'SESSION-CROSS-SITE',
    expect: 'finding',
    proxy: crossSiteLogoutClears((line) => line.replace(/;\s*Secure$/i, '')),
  },
  {
    breaks: 'SESSION-LOGOUT-CROSS-SITE',
    fault: 'the cross-site logout sends SameSite=None; Secure but does not expire the cookie',
    grep: 'SESSION-CROSS-SITE',
    expect: 'finding',
    proxy: crossSiteLogoutClears((line) => line.replace(/;\s*expires=[^;]*/i, '').replace(/Max-Age=0/i, 'Max-Age=3600')),
  },
  // --- SESSION-CROSS-SITE
  {
    breaks: 'SESSION-CROSS-SITE',
    fault: 'a cross-site login answers no csrf_token',
    proxy: {
      response: (res, req) => (isCrossSiteLogin(req, res) ? editJson(res, (b) => void (b.csrf_token = null)) : res),
    },
  },
  {
    breaks: 'SESSION-CROSS-SITE',
    fault: 'the cross-site session cookie is SameSite=Lax',
    proxy: editSetCookie(isCrossSiteLogin, (line) => line.replace(/SameSite=None/i, 'SameSite=Lax')),
  },
  {
    breaks: 'SESSION-CROSS-SITE',
    fault: 'the cross-site session cookie is SameSite=None without Secure',
    proxy: editSetCookie(isCrossSiteLogin, (line) => line.replace(/;\s*Secure(?=;|$)/i, '')),
  },
  // --- SESSION-CSRF
  {
    breaks: 'SESSION-CSRF',
    fault: 'the CSRF token is checked only when the header is sent',
    proxy: csrfUnchecked((sent) => sent === undefined),
  },
  {
    breaks: 'SESSION-CSRF',
    fault: 'a CSRF token the server never issued is accepted',
    proxy: csrfUnchecked((sent, sessions) => sent !== undefined && !sessions.byCsrf.has(sent)),
  },
  {
    breaks: 'SESSION-CSRF',
    fault: "another session's CSRF token of the same user is accepted",
    proxy: csrfUnchecked((sent, sessions, token) => {
      const other = sent === undefined ? undefined : sessions.byCsrf.get(sent);
      return other !== undefined && sessions.csrf.get(other)?.sub === sessions.csrf.get(token)?.sub;
    }),
  },
  {
    breaks: 'SESSION-CSRF',
    fault: 'writes (PUT) are not checked for the CSRF token',
    proxy: csrfUnchecked((_sent, _sessions, _token, req) => req.method !== 'GET'),
  },
  // --- SESSION-LOOKALIKE-ORIGIN
  {
    breaks: 'SESSION-LOOKALIKE-ORIGIN',
    fault: "an Origin whose host contains the server's host counts as same-site",
    proxy: originRewritten((host, server) => host.includes(server)),
  },
  {
    breaks: 'SESSION-LOOKALIKE-ORIGIN',
    fault: "an Origin that starts with the server's origin counts as same-site (a prefix check)",
    proxy: originRewritten((host, server) => host.startsWith(server)),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'an invalid cookie beside a valid bearer is ignored: the bearer decides',
    grep: 'SESSION-COOKIE-INVALID',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        req.headers.authorization && cookiesOf(req).some(([, v]) => !traffic.issued.has(v))
          ? withCookie(req, undefined)
          : undefined,
    })),
  },
  {
    change: 'the bearer wins over the cookie',
    grep: 'SESSION-COOKIE-BEARER',
    proxy: { request: (req) => (req.headers.authorization && req.headers.cookie ? withCookie(req, undefined) : undefined) },
  },
  {
    change: 'a cookie and a bearer of two accounts are refused (401 CredentialsNotValid)',
    grep: 'SESSION-COOKIE-BEARER',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const cookie = sessionTokenOf(req, traffic);
        const bearer = bearerOf(req);
        return cookie && bearer && decode(cookie)?.claims.sub !== decode(bearer)?.claims.sub
          ? json(401, { detail: ['CredentialsNotValid', 'Authentication error: two identities in one request'] })
          : undefined;
      },
    })),
  },
  {
    change: 'logout clears the cookie with an Expires in 1970, a "deleted" value and no Max-Age',
    grep: 'SESSION-LOGOUT ',
    proxy: editSetCookie(isLogout, (line) =>
      line
        .replace(/^([^=]+)=[^;]*/, '$1=deleted')
        .replace(/;\s*expires=[^;]*/i, '')
        .replace(/;\s*Max-Age=0/i, '; Expires=Thu, 01 Jan 1970 00:00:00 GMT'),
    ),
  },
  {
    change: 'a cross-site session cookie with extra attributes (Partitioned, Priority=High)',
    grep: 'SESSION-CROSS-SITE|SESSION-CSRF|SESSION-LOOKALIKE',
    proxy: editSetCookie(isCrossSiteLogin, (line) => `${line}; Partitioned; Priority=High`),
  },
];

/** Proxies that make the server keep a SHOULD 0.98.0 misses; the requirement must then pass. */
export const fixes: FixCase[] = [
  {
    keeps: 'SESSION-LOGOUT-TOKEN',
    fix: 'logout revokes the token, as a cookie and as a bearer',
    grep: 'SESSION-LOGOUT ',
    proxy: revokesAtLogout({ cookie: true, bearer: true }),
  },
  {
    keeps: 'SESSION-LOGOUT-CROSS-SITE',
    fix: 'the cross-site logout clears the cookie with SameSite=None; Secure',
    grep: 'SESSION-CROSS-SITE',
    proxy: crossSiteLogoutClears(),
  },
];
