/**
 * Faults for workload tokens: each requirement of specs/workload.spec.ts must fail when a proxy breaks
 * it. They are real: the proxy changes what GET /api/v1/api_token is asked (drops a scope, or the
 * token type) or with which token, and the server mints what a broken server would.
 * workload.test.ts runs them.
 */
import { copy, bearerOf, decode, trafficFault, withBearer } from './auth-proxy';
import { json, pathOf, type Fault, type ProxiedRequest, type ProxiedResponse } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';

const API_TOKEN = '/api/v1/api_token';
const SCOPES = ['pipeline_run_id', 'schedule_id', 'deployment_id'] as const;

const isApiToken = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === API_TOKEN;
const queryOf = (req: ProxiedRequest) => new URL(req.url, 'http://proxy').searchParams;
const scopesOf = (q: URLSearchParams) => SCOPES.filter((s) => q.has(s));
const isWorkload = (q: URLSearchParams) => q.get('token_type') === 'workload';

function withQuery(req: ProxiedRequest, q: URLSearchParams): ProxiedRequest {
  const query = q.toString();
  return { ...req, url: `${API_TOKEN}${query ? `?${query}` : ''}` };
}

/** The runs and schedules the server created (the answers to POST /runs and POST /schedules). */
function existing(): { ids: Set<string>; observe: (res: ProxiedResponse, req: ProxiedRequest) => void } {
  const ids = new Set<string>();
  return {
    ids,
    observe: (res, req) => {
      if (req.method !== 'POST' || res.status !== 200 || !/^\/api\/v1\/(runs|schedules)$/.test(pathOf(req))) return;
      try {
        const b = JSON.parse(res.body.toString('utf8'));
        const id = Array.isArray(b) ? b[0]?.id : b?.id;
        if (typeof id === 'string') ids.add(id);
      } catch {
        /* not JSON */
      }
    },
  };
}

/** api_token requests `when` says are sent as a plain generic request (type and scopes dropped). */
function mintedUnscoped(when: (q: URLSearchParams, known: Set<string>) => boolean): Fault {
  const known = existing();
  return {
    request: (req) => {
      if (!isApiToken(req)) return undefined;
      const q = queryOf(req);
      if (!when(q, known.ids)) return undefined;
      for (const k of ['token_type', ...SCOPES]) q.delete(k);
      return withQuery(req, q);
    },
    response: (res, req) => void known.observe(res, req),
  };
}

/** The scope claims of the bearer, and whether it expires (a generic token does; a workload one not). */
function bearerScope(req: ProxiedRequest): { scope?: Record<string, unknown>; expires: boolean } {
  const claims = decode(bearerOf(req))?.claims;
  const scope = claims && SCOPES.some((s) => claims[s]) ? Object.fromEntries(SCOPES.map((s) => [s, claims[s]])) : undefined;
  return { scope, expires: typeof claims?.exp === 'number' };
}

/** A scoped token asking for a workload token of another run or schedule gets it: the request goes
 * on with the admin's unscoped token. `which` picks the bearers (workload or exchanged) and scopes. */
function rescopeAllowed(which: (bearer: { expires: boolean }, scope: (typeof SCOPES)[number]) => boolean): Fault {
  return trafficFault((traffic) => ({
    request: (req) => {
      if (!isApiToken(req) || !traffic.adminToken) return undefined;
      const q = queryOf(req);
      const bearer = bearerScope(req);
      const other = scopesOf(q).find((s) => bearer.scope?.[s] && bearer.scope[s] !== q.get(s));
      return isWorkload(q) && other && which(bearer, other) ? withBearer(req, traffic.adminToken) : undefined;
    },
  }));
}

/** Tokens scoped to a schedule (those `which` picks) keep working once it is inactive: the refusal is
 * replaced by the admin's current-user answer (the suite's workload tokens are the admin's). */
function scheduleTokensOutliveSchedule(which: (bearer: { expires: boolean }) => boolean): Fault {
  return trafficFault((traffic) => ({
    response: (res, req) => {
      const bearer = bearerScope(req);
      return req.method === 'GET' &&
        pathOf(req) === '/api/v1/current-user' &&
        res.status === 401 &&
        bearer.scope?.schedule_id &&
        which(bearer) &&
        traffic.currentUser
        ? copy(traffic.currentUser)
        : res;
    },
  }));
}

export const faults: FaultCase[] = [
  {
    breaks: 'WORKLOAD-SCOPE-REQUIRED',
    fault: 'a workload token without a scope is minted (as a generic one)',
    proxy: mintedUnscoped((q) => isWorkload(q) && scopesOf(q).length === 0),
  },
  {
    breaks: 'WORKLOAD-SCOPE-REQUIRED',
    fault: 'a workload token for a run, schedule or deployment that does not exist is minted (unscoped)',
    proxy: mintedUnscoped(
      (q, known) => isWorkload(q) && scopesOf(q).length > 0 && scopesOf(q).every((s) => !known.has(q.get(s)!)),
    ),
  },
  {
    breaks: 'WORKLOAD-GENERIC-UNSCOPED',
    fault: 'a generic request with a scope is minted as a generic token (the scope dropped)',
    proxy: mintedUnscoped((q) => !isWorkload(q) && scopesOf(q).length > 0),
  },
  {
    breaks: 'WORKLOAD-GENERIC-UNSCOPED',
    fault: 'a generic request naming an existing run or schedule is minted as a workload token for it',
    grep: 'WORKLOAD-',
    proxy: (() => {
      const known = existing();
      return {
        request: (req) => {
          if (!isApiToken(req)) return undefined;
          const q = queryOf(req);
          if (isWorkload(q) || !scopesOf(q).some((s) => known.ids.has(q.get(s)!))) return undefined;
          q.set('token_type', 'workload');
          return withQuery(req, q);
        },
        response: (res, req) => void known.observe(res, req),
      };
    })(),
  },
  {
    breaks: 'WORKLOAD-SCOPE-KEPT',
    fault: 'a generic token minted from a workload token is unscoped (minted with the admin’s own token)',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const q = queryOf(req);
        return isApiToken(req) && !isWorkload(q) && scopesOf(q).length === 0 && bearerScope(req).scope && traffic.adminToken
          ? withBearer(req, traffic.adminToken)
          : undefined;
      },
    })),
  },
  {
    breaks: 'WORKLOAD-SCOPE-KEPT',
    fault: 'an exchanged token keeps the scope claim, but the server lets it re-scope',
    proxy: rescopeAllowed((bearer) => bearer.expires),
  },
  {
    breaks: 'WORKLOAD-SCOPE-KEPT',
    fault: 'an exchanged token outlives its deactivated schedule (the workload token itself ends)',
    proxy: scheduleTokensOutliveSchedule((bearer) => bearer.expires),
  },
  {
    breaks: 'WORKLOAD-NO-RESCOPE',
    fault: 'a workload token may mint a token for another run or schedule',
    proxy: rescopeAllowed((bearer) => !bearer.expires),
  },
  {
    breaks: 'WORKLOAD-NO-RESCOPE',
    fault: "only a schedule's workload token may mint one for another schedule",
    proxy: rescopeAllowed((bearer, scope) => !bearer.expires && scope === 'schedule_id'),
  },
];

export const benign: BenignCase[] = [
  {
    change: "the server keeps a schedule's workload tokens after the schedule is deactivated (older releases): the test says so",
    grep: 'WORKLOAD-SCOPE-KEPT',
    proxy: scheduleTokensOutliveSchedule(() => true),
  },
  {
    change: "scope errors answered 422 with FastAPI's validation body instead of 400",
    grep: 'WORKLOAD-SCOPE-REQUIRED|WORKLOAD-GENERIC-UNSCOPED',
    proxy: {
      response: (res, req) =>
        isApiToken(req) && res.status === 400
          ? json(422, { detail: [{ loc: ['query', 'token_type'], msg: 'a workload token needs a scope', type: 'value_error' }] })
          : res,
    },
  },
];
