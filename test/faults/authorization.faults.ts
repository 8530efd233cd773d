/**
 * Faults for authorization between identities: each requirement of specs/authorization.spec.ts must
 * fail (the SHOULD: give a finding) when a proxy breaks it. Most faults are real: the proxy passes a
 * caller's request on with the admin's (or the owner's) genuine token, so the server really makes the
 * change; where no token could make the server do it (fields it never stores from an update), the
 * proxy fakes the answers a broken server would give. authorization.test.ts runs them.
 */
import { copy, bearerOf, decode, trafficFault, withBearer, type Traffic } from './auth-proxy';
import { editJson, json, pathOf, type Fault, type ProxiedRequest, type ProxiedResponse } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';

const FAULTED = 'x-zct-fault';
const KEY_PATH = /^\/api\/v1\/service_accounts\/([^/]+)\/api_keys\/([^/]+)(\/rotate)?$/;
const USER_PATH = /^\/api\/v1\/users\/([^/]+)$/;

function jsonOf(buffer: Buffer): any {
  try {
    return JSON.parse(buffer.toString('utf8') || 'null');
  } catch {
    return undefined;
  }
}

const subOf = (req: ProxiedRequest) => decode(bearerOf(req))?.claims.sub as string | undefined;
const isAdminCaller = (req: ProxiedRequest, traffic: Traffic) => subOf(req) === decode(traffic.adminToken)?.claims.sub;
/** A caller that is not the admin (a user or a service account). */
const nonAdmin = (req: ProxiedRequest, traffic: Traffic) => bearerOf(req) !== undefined && !isAdminCaller(req, traffic);

/** The admin's token in place of a non-admin caller's, where `when` says; marked for the response hook. */
function asAdmin(when: (req: ProxiedRequest) => boolean, answer?: (res: ProxiedResponse) => ProxiedResponse): Fault {
  return trafficFault((traffic) => ({
    request: (req) => {
      if (!traffic.adminToken || !nonAdmin(req, traffic) || !when(req)) return undefined;
      const sent = withBearer(req, traffic.adminToken);
      return { ...sent, headers: { ...sent.headers, [FAULTED]: '1' } };
    },
    response: (res, req) => (answer && req.headers[FAULTED] ? answer(res) : res),
  }));
}

const is = (method: string, path: RegExp) => (req: ProxiedRequest) => req.method === method && path.test(pathOf(req));

/** Private secrets and who made them: the bearer of the POST that created each. */
class SecretOwners {
  readonly owner = new Map<string, string>();
  readonly byName = new Map<string, string>();
  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    if (req.method !== 'POST' || pathOf(req) !== '/api/v1/secrets' || res.status !== 200) return;
    const b = jsonOf(res.body);
    const bearer = bearerOf(req);
    if (b?.body?.private && bearer && !this.owner.has(b.id)) {
      this.owner.set(b.id, bearer);
      this.byName.set(b.name, b.id);
    }
  }
  /** The owner's token for the secret a request names (by path, or by a name= or id= filter). */
  ownerFor(req: ProxiedRequest): string | undefined {
    const path = pathOf(req);
    const m = /^\/api\/v1\/secrets\/([^/]+)$/.exec(path);
    if (m) return this.owner.get(m[1]);
    if (path !== '/api/v1/secrets') return undefined;
    const q = new URL(req.url, 'http://x').searchParams;
    const id = q.get('id') ?? this.byName.get(q.get('name') ?? '');
    return id ? this.owner.get(id) : undefined;
  }
}

/** Requests on someone's private secret are sent with the owner's token (`methods`, by callers not
 * the owner). */
function privateSecretsOpen(methods: string[]): Fault {
  const owners = new SecretOwners();
  return {
    request: (req) => {
      const owner = methods.includes(req.method) ? owners.ownerFor(req) : undefined;
      return owner && bearerOf(req) && bearerOf(req) !== owner ? withBearer(req, owner) : undefined;
    },
    response: (res, req) => void owners.observe(res, req),
  };
}

/** What the test sent for a field on its own account (PUT /current-user or /users/{own id}), by user. */
function sentOwnField(field: string, req: ProxiedRequest): { user: string; value: unknown } | undefined {
  const user = subOf(req);
  const path = pathOf(req);
  const own = path === '/api/v1/current-user' || USER_PATH.exec(path)?.[1] === user;
  const value = jsonOf(req.body)?.[field];
  return req.method === 'PUT' && own && user && value !== undefined ? { user, value } : undefined;
}

/** The server stores `field` from a user's update of their own account (shown in the admin's reads). */
function storesOwnField(field: 'external_user_id' | 'oidc_claims'): Fault {
  const stored = new Map<string, unknown>();
  return {
    request: (req) => {
      const sent = sentOwnField(field, req);
      if (sent) stored.set(sent.user, sent.value);
      return undefined;
    },
    response: (res, req) => {
      const id = USER_PATH.exec(pathOf(req))?.[1];
      return req.method === 'GET' && res.status === 200 && id && stored.has(id)
        ? editJson(res, (b) => void (b.metadata[field] = stored.get(id)))
        : res;
    },
  };
}

/** The server stores an activation token a user sets on their own account: activating with it works. */
function storesOwnActivationToken(): Fault {
  const planted = new Map<string, string>();
  const users = new Map<string, ProxiedResponse>();
  return {
    request: (req) => {
      const sent = sentOwnField('activation_token', req);
      if (sent && typeof sent.value === 'string') planted.set(sent.user, sent.value);
      const m = /^\/api\/v1\/users\/([^/]+)\/activate$/.exec(pathOf(req));
      if (req.method === 'PUT' && m && planted.get(m[1]) === jsonOf(req.body)?.activation_token && users.has(m[1]))
        return copy(users.get(m[1])!);
      return undefined;
    },
    response: (res, req) => {
      const id = USER_PATH.exec(pathOf(req))?.[1];
      if (req.method === 'GET' && res.status === 200 && id) users.set(id, copy(res));
      return res;
    },
  };
}

/** A cache in front of the server that replays a POST's answer to whoever sends its Idempotency-Key. */
function idempotencyCacheForAll(): Fault {
  const cache = new Map<string, ProxiedResponse>();
  return {
    request: (req) => {
      const key = req.headers['idempotency-key'];
      return req.method === 'POST' && typeof key === 'string' && cache.has(key) ? copy(cache.get(key)!) : undefined;
    },
    response: (res, req) => {
      const key = req.headers['idempotency-key'];
      if (req.method === 'POST' && typeof key === 'string' && res.status === 200 && !cache.has(key)) cache.set(key, copy(res));
      return res;
    },
  };
}

/** Keys are found under any service account's path: the proxy puts the owner's id into the path. */
function keysUnderAnyAccount(methods: string[]): Fault {
  const ownerOf = new Map<string, string>();
  return {
    request: (req) => {
      const m = KEY_PATH.exec(pathOf(req));
      const owner = m && methods.includes(req.method) ? ownerOf.get(decodeURIComponent(m[2])) : undefined;
      if (!m || !owner || owner === m[1]) return undefined;
      const query = req.url.slice(pathOf(req).length);
      return { ...req, url: `/api/v1/service_accounts/${owner}/api_keys/${m[2]}${m[3] ?? ''}${query}` };
    },
    response: (res, req) => {
      const m = /^\/api\/v1\/service_accounts\/([^/]+)\/api_keys$/.exec(pathOf(req));
      if (req.method === 'POST' && m && res.status === 200) {
        const b = jsonOf(res.body);
        ownerOf.set(b.id, m[1]);
        ownerOf.set(b.name, m[1]);
      }
      return res;
    },
  };
}

const refusal = (res: ProxiedResponse) =>
  json(403, { detail: ['IllegalOperationError', 'Only admin users can perform this operation without RBAC enabled.'] }, [
    ...res.headers.filter(([k]) => !/^content-type$/i.test(k)),
  ]);

export const faults: FaultCase[] = [
  {
    breaks: 'AUTHZ-FUNCTION-KEYS',
    fault: "a non-admin's key rotation goes through as the admin",
    proxy: asAdmin(is('PUT', /^\/api\/v1\/service_accounts\/[^/]+\/api_keys\/[^/]+\/rotate$/)),
  },
  {
    breaks: 'AUTHZ-FUNCTION-KEYS',
    fault: "a service account's change of a key goes through as the admin (users are refused)",
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        traffic.adminToken && decode(bearerOf(req))?.claims.api_key_id && is('PUT', /\/api_keys\/[^/]+$/)(req)
          ? withBearer(req, traffic.adminToken)
          : undefined,
    })),
  },
  {
    breaks: 'AUTHZ-FUNCTION-KEYS',
    fault: "a non-admin's change of another service account is applied and still answered 403",
    proxy: asAdmin(
      (req) => is('PUT', /^\/api\/v1\/service_accounts\/[^/]+$/)(req) && jsonOf(req.body)?.description !== undefined,
      refusal,
    ),
  },
  {
    breaks: 'AUTHZ-FUNCTION-USERS',
    fault: "a non-admin's deactivation of another user goes through as the admin",
    proxy: asAdmin(is('PUT', /^\/api\/v1\/users\/[^/]+\/deactivate$/)),
  },
  {
    breaks: 'AUTHZ-FUNCTION-USERS',
    fault: 'a non-admin may make another user an admin: the server applies it and still answers 403',
    proxy: asAdmin((req) => is('PUT', USER_PATH)(req) && jsonOf(req.body)?.is_admin === true, refusal),
  },
  {
    breaks: 'AUTHZ-FORBIDDEN-STATUS',
    fault: "a non-admin's key rotation is refused with 401 instead of 403",
    grep: 'AUTHZ-FUNCTION-KEYS',
    expect: 'finding',
    proxy: {
      response: (res, req) =>
        res.status === 403 && is('PUT', /\/rotate$/)(req)
          ? json(401, { detail: ['AuthorizationException', 'Only admin users can rotate API keys.'] })
          : res,
    },
  },
  {
    breaks: 'AUTHZ-MASS-ASSIGNMENT',
    fault: 'PUT /current-user applies is_admin (as an admin update of that user)',
    proxy: trafficFault((traffic) => ({
      request: (req) => {
        const sub = subOf(req);
        if (!traffic.adminToken || !sub || req.method !== 'PUT' || pathOf(req) !== '/api/v1/current-user') return undefined;
        if (jsonOf(req.body)?.is_admin !== true || isAdminCaller(req, traffic)) return undefined;
        return { ...withBearer(req, traffic.adminToken), url: `/api/v1/users/${sub}` };
      },
    })),
  },
  {
    breaks: 'AUTHZ-MASS-ASSIGNMENT',
    fault: 'PUT /users/{own id} applies active (as an admin update of that user)',
    proxy: trafficFault((traffic) => ({
      request: (req) =>
        traffic.adminToken &&
        !isAdminCaller(req, traffic) &&
        sentOwnField('active', req) &&
        pathOf(req) !== '/api/v1/current-user'
          ? withBearer(req, traffic.adminToken)
          : undefined,
    })),
  },
  {
    breaks: 'AUTHZ-MASS-ASSIGNMENT',
    fault: 'an own update stores external_user_id',
    proxy: storesOwnField('external_user_id'),
  },
  {
    breaks: 'AUTHZ-MASS-ASSIGNMENT',
    fault: 'an own update stores oidc_claims',
    proxy: storesOwnField('oidc_claims'),
  },
  {
    breaks: 'AUTHZ-MASS-ASSIGNMENT',
    fault: 'an own update stores activation_token, which then activates the account',
    proxy: storesOwnActivationToken(),
  },
  {
    breaks: 'AUTHZ-PRIVATE-SECRET',
    fault: "another identity's read of a private secret is served with the owner's token",
    proxy: privateSecretsOpen(['GET']),
  },
  {
    breaks: 'AUTHZ-PRIVATE-SECRET',
    fault: 'lists filtered by name or id show other users their private secrets (reads by id stay refused)',
    proxy: (() => {
      const open = privateSecretsOpen(['GET']);
      return { ...open, request: (req) => (pathOf(req) === '/api/v1/secrets' ? open.request!(req) : undefined) };
    })(),
  },
  {
    breaks: 'AUTHZ-PRIVATE-SECRET',
    fault: "another identity may change or delete a private secret (the owner's token is used)",
    proxy: privateSecretsOpen(['PUT', 'DELETE']),
  },
  {
    breaks: 'AUTHZ-USER-ACCOUNTS',
    fault: "a non-admin's read of another user is served as the admin",
    proxy: asAdmin((req) => is('GET', USER_PATH)(req)),
  },
  {
    breaks: 'AUTHZ-USER-ACCOUNTS',
    fault: 'a non-admin listing users sees every account',
    proxy: asAdmin(is('GET', /^\/api\/v1\/users$/)),
  },
  {
    breaks: 'AUTHZ-IDEMPOTENCY',
    fault: "a cache replays a POST's answer to anyone who sends its Idempotency-Key",
    proxy: idempotencyCacheForAll(),
  },
  {
    breaks: 'AUTHZ-KEY-HIERARCHY',
    fault: "a key is found under any service account's path",
    proxy: keysUnderAnyAccount(['GET', 'PUT', 'DELETE']),
  },
  {
    breaks: 'AUTHZ-KEY-HIERARCHY',
    fault: "only rotation finds a key under another service account's path",
    proxy: (() => {
      const open = keysUnderAnyAccount(['PUT']);
      return { ...open, request: (req) => (pathOf(req).endsWith('/rotate') ? open.request!(req) : undefined) };
    })(),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'refusals of user and service-account administration answered 404 (the object hidden) where 404 is documented',
    grep: 'AUTHZ-FUNCTION-',
    proxy: {
      response: (res, req) =>
        res.status === 403 &&
        ['PUT', 'DELETE'].includes(req.method) &&
        /^\/api\/v1\/(users\/[^/]+(\/deactivate)?|service_accounts\/[^/]+)$/.test(pathOf(req))
          ? json(404, { detail: ['KeyError', 'Not found.'] })
          : res,
    },
  },
  {
    change: 'admin-only fields in an update of one’s own account refused with 422 (a strict request model)',
    grep: 'AUTHZ-MASS-ASSIGNMENT',
    proxy: {
      request: (req) => {
        const body = jsonOf(req.body);
        const fields = ['is_admin', 'active', 'activation_token', 'external_user_id', 'oidc_claims'];
        return req.method === 'PUT' &&
          /^\/api\/v1\/(current-user|users\/[^/]+)$/.test(pathOf(req)) &&
          body &&
          fields.some((f) => f in body)
          ? json(422, { detail: ['ValueError', 'Extra inputs are not permitted'] })
          : undefined;
      },
    },
  },
  {
    change: "another identity's requests on a private secret answered 403 instead of 404",
    grep: 'AUTHZ-PRIVATE-SECRET',
    proxy: {
      response: (res, req) =>
        res.status === 404 &&
        /^\/api\/v1\/secrets\/[^/]+$/.test(pathOf(req)) &&
        /not owned by the current user/.test(res.body.toString('utf8'))
          ? json(403, { detail: ['IllegalOperationError', 'This secret is private.'] })
          : res,
    },
  },
];
