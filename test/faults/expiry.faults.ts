/**
 * Faults for the expiry area: each requirement of specs/expiry.spec.ts must fail (a SHOULD: give a
 * finding) when a proxy breaks it. expiry.test.ts runs them; the benchmark runs them too.
 */
import { editJson, json, pathOf, type Fault, type ProxiedRequest } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { bearerOf, decode, isCurrentUser, isLogin, trafficFault, withBearer } from './auth-proxy';

const API_TOKEN = '/api/v1/api_token';
const isApiToken = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === API_TOKEN;

/** The request with its query parameters changed. */
function withQuery(req: ProxiedRequest, edit: (q: URLSearchParams) => void): ProxiedRequest {
  const [path, query] = req.url.split('?');
  const q = new URLSearchParams(query ?? '');
  edit(q);
  return { ...req, url: `${path}?${q.toString()}` };
}

const expOf = (token: string | undefined) => decode(token)?.claims.exp as number | undefined;
const expired = (token: string | undefined) => (expOf(token) ?? Infinity) < Date.now() / 1000;
/** A token of the service account (its login token, or an API token exchanged with it). */
const isServiceAccountToken = (token: string | undefined) => decode(token)?.claims.api_key_id !== undefined;

/** The server issues login tokens without exp: the client gets the token without that claim (the
 * signature is left as it is), and the proxy swaps it back for the genuine one on the way in. */
function loginTokensWithoutExp(): Fault {
  const genuine = new Map<string, string>();
  return {
    request: (req) => {
      const token = bearerOf(req);
      return token && genuine.has(token) ? withBearer(req, genuine.get(token)) : undefined;
    },
    response: (res, req) =>
      isLogin(req) && res.status === 200
        ? editJson(res, (b) => {
            const [header, , signature] = String(b.access_token).split('.');
            const { exp: _dropped, ...claims } = decode(b.access_token)!.claims;
            const fake = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
            genuine.set(fake, b.access_token);
            b.access_token = fake;
            b.expires_in = null;
          })
        : res,
  };
}

export const faults: FaultCase[] = [
  {
    breaks: 'TOKEN-API-DEFAULT',
    fault: 'api_token without parameters issues a 2-hour token',
    proxy: {
      request: (req) =>
        isApiToken(req) && !/[?&]expires_in=/.test(req.url) ? withQuery(req, (q) => q.set('expires_in', '7200')) : undefined,
    },
  },
  {
    breaks: 'TOKEN-API-DEFAULT',
    fault: 'current-user lists the API tokens issued to the caller',
    proxy: trafficFault((traffic) => ({
      response: (res, req) =>
        isCurrentUser(req) && res.status === 200
          ? editJson(
              res,
              (b) =>
                void (b.resources = {
                  ...b.resources,
                  api_tokens: [...traffic.issued].filter((t) => decode(t)?.claims.sub === b.id),
                }),
            )
          : res,
    })),
  },
  {
    breaks: 'TOKEN-API-SHORT',
    fault: 'api_token ignores expires_in',
    proxy: { request: (req) => (isApiToken(req) ? withQuery(req, (q) => q.delete('expires_in')) : undefined) },
  },
  {
    breaks: 'TOKEN-API-SHORT',
    fault: 'an expired API token keeps working (the proxy swaps it for the admin login token)',
    proxy: trafficFault((traffic) => ({
      request: (req) => (isCurrentUser(req) && expired(bearerOf(req)) ? withBearer(req, traffic.adminToken) : undefined),
    })),
  },
  {
    breaks: 'TOKEN-API-SHORT',
    fault: 'a short-lived API token is refused from the start',
    proxy: {
      request: (req) => {
        const claims = decode(bearerOf(req))?.claims;
        return isCurrentUser(req) && claims && (claims.exp as number) - (claims.iat as number) < 60
          ? json(401, { detail: ['AuthorizationException', 'Authentication error: token revoked'] })
          : undefined;
      },
    },
  },
  {
    breaks: 'TOKEN-API-MAX',
    fault: 'a lifetime above the maximum is silently capped to 7 days',
    proxy: {
      request: (req) =>
        isApiToken(req) && Number(new URLSearchParams(req.url.split('?')[1]).get('expires_in')) > 604800
          ? withQuery(req, (q) => q.set('expires_in', '604800'))
          : undefined,
    },
  },
  {
    breaks: 'TOKEN-API-PERMISSIONS',
    fault: "a service account's API token is issued for the admin",
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        isApiToken(req) && isServiceAccountToken(bearerOf(req)) ? withBearer(req, traffic.adminToken) : undefined,
    })),
  },
  {
    breaks: 'TOKEN-API-PERMISSIONS',
    fault: "a service account's API token may create users",
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        req.method === 'POST' && pathOf(req) === '/api/v1/users' && isServiceAccountToken(bearerOf(req))
          ? withBearer(req, traffic.adminToken)
          : undefined,
    })),
  },
  {
    breaks: 'LOGIN-TOKEN-EXPIRES',
    fault: 'login tokens carry no exp',
    expect: 'finding',
    proxy: loginTokensWithoutExp(),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'expired tokens are refused with no leeway at all',
    grep: 'TOKEN-API-SHORT',
    proxy: {
      request: (req) =>
        isCurrentUser(req) && expired(bearerOf(req))
          ? // CredentialsNotValid, as any refused token must be (ERR-SIGN-IN-AGAIN).
            json(401, { detail: ['CredentialsNotValid', 'Authentication error: Signature has expired.'] })
          : undefined,
    },
  },
];
