/**
 * Faults for the secured surface: each breaks "401 without valid credentials" on one operation out of
 * the ~255 the sweep covers, in one of the ways a server can (served as someone, a crash, a 403, an
 * operation quietly made public), or makes a 401 undocumented. surface.test.ts runs them.
 */
import { editJson, json, pathOf, withHeader, type ProxiedRequest } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { bearerOf, decode, trafficFault, withBearer } from './auth-proxy';

/** The operation the faults break: a list without path parameters, so the admin's answer is a 200. */
const STACKS = '/api/v1/stacks';
const isStacks = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === STACKS;
const isDoc = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === '/openapi.json';

export const faults: FaultCase[] = [
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: 'GET /api/v1/stacks without credentials is served as the admin',
    grep: 'SURFACE-AUTH-REQUIRED.*without credentials',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        isStacks(req) && !req.headers.authorization && traffic.adminToken ? withBearer(req, traffic.adminToken) : undefined,
    })),
  },
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: 'a garbage token on DELETE /api/v1/stacks/{stack_id} crashes the server (500)',
    grep: 'SURFACE-AUTH-REQUIRED.*garbage',
    proxy: {
      request: (req) =>
        req.method === 'DELETE' && /^\/api\/v1\/stacks\/[^/]+$/.test(pathOf(req)) && bearerOf(req) && !decode(bearerOf(req))
          ? json(500, { detail: ['RuntimeError', 'An unexpected error occurred.'] })
          : undefined,
    },
  },
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: 'an expired token is accepted on GET /api/v1/stacks (served with the genuine token of its subject)',
    grep: 'SURFACE-AUTH-REQUIRED.*expired',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const exp = decode(bearerOf(req))?.claims.exp;
        return isStacks(req) && typeof exp === 'number' && exp < Date.now() / 1000
          ? withBearer(req, traffic.genuineFor(bearerOf(req)))
          : undefined;
      },
    })),
  },
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: "a deleted user's token is accepted on GET /api/v1/stacks (served as the admin)",
    grep: 'SURFACE-AUTH-REQUIRED.*deleted',
    proxy: trafficFault((traffic) => {
      const deleted = new Set<string>();
      return {
        request: (req) => {
          const sub = decode(bearerOf(req))?.claims.sub;
          return isStacks(req) && typeof sub === 'string' && deleted.has(sub) ? withBearer(req, traffic.adminToken) : undefined;
        },
        response: (res, req) => {
          const m = /^\/api\/v1\/users\/([^/]+)$/.exec(pathOf(req));
          if (req.method === 'DELETE' && m && res.status === 200) deleted.add(m[1]);
          return res;
        },
      };
    }),
  },
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: 'GET /api/v1/stacks answers 403 instead of 401 to requests without credentials',
    grep: 'SURFACE-AUTH-REQUIRED.*without credentials',
    proxy: {
      request: (req) => (isStacks(req) && !req.headers.authorization ? json(403, { detail: 'Not authenticated' }) : undefined),
    },
  },
  {
    breaks: 'SURFACE-AUTH-REQUIRED',
    fault: 'GET /api/v1/stacks is made public: the document drops its security requirement and the server serves it',
    grep: 'SURFACE-AUTH-REQUIRED.*without credentials',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        isStacks(req) && !req.headers.authorization && traffic.adminToken ? withBearer(req, traffic.adminToken) : undefined,
      response: (res, req) => (isDoc(req) ? editJson(res, (d) => void delete d.paths[STACKS].get.security) : res),
    })),
  },
  {
    breaks: 'OAS-STATUS',
    fault: 'the document does not list 401 for GET /api/v1/stacks (the sweep holds every 401 to the document)',
    grep: 'SURFACE-AUTH-REQUIRED.*without credentials',
    proxy: {
      response: (res, req) => (isDoc(req) ? editJson(res, (d) => void delete d.paths[STACKS].get.responses['401']) : res),
    },
  },
];

export const benign: BenignCase[] = [
  {
    change: 'RFC 6750 401 answers everywhere: WWW-Authenticate with error="invalid_token" and an error body',
    grep: 'SURFACE-AUTH-REQUIRED',
    proxy: {
      response: (res) =>
        res.status === 401
          ? withHeader(
              json(401, { detail: 'Not authenticated', error: 'invalid_token' }),
              'www-authenticate',
              'Bearer realm="zenml", error="invalid_token"',
            )
          : res,
    },
  },
];
