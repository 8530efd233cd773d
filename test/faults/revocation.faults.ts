/**
 * Faults for the revocation area: each requirement of specs/revocation.spec.ts must fail (a SHOULD:
 * give a finding) when a proxy breaks it. A revoked credential that keeps working is faked with the
 * server's own earlier answers to it (a real token, a real user), so the suite sees what a server that
 * forgot to revoke would send. revocation.test.ts runs them; the benchmark runs them too.
 */
import { editJson, json, pathOf, type Fault, type ProxiedRequest, type ProxiedResponse } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { bearerOf, copy, decode, formOf, isCurrentUser, isLogin, trafficFault, type Traffic } from './auth-proxy';

const USERS = '/api/v1/users';
const API_TOKEN = '/api/v1/api_token';
const USER_RECORD = /^\/api\/v1\/users\/([^/]+)$/;
const ACTIVATE = /^\/api\/v1\/users\/([^/]+)\/activate$/;
const DEACTIVATE = /^\/api\/v1\/users\/([^/]+)\/deactivate$/;

const isMint = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === API_TOKEN;

function jsonOf(buffer: Buffer): any {
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    return undefined;
  }
}

const withJson = (req: ProxiedRequest, body: unknown): ProxiedRequest => ({ ...req, body: Buffer.from(JSON.stringify(body)) });

/** A password change: PUT /current-user or PUT /users/{id} with a password in the body. */
function passwordChange(req: ProxiedRequest): Record<string, unknown> | undefined {
  if (req.method !== 'PUT' || !(pathOf(req) === '/api/v1/current-user' || USER_RECORD.test(pathOf(req)))) return undefined;
  const body = jsonOf(req.body);
  return body && typeof body === 'object' && 'password' in body ? (body as Record<string, unknown>) : undefined;
}

/** What the proxy learns about users from the traffic: passwords (from creation, changes and
 * activations), the passwords they replaced, activation tokens, and the last good login per name. */
class People {
  readonly password = new Map<string, string>();
  readonly replaced = new Map<string, Set<string>>();
  readonly nameOf = new Map<string, string>();
  readonly idOf = new Map<string, string>();
  readonly logins = new Map<string, ProxiedResponse>();
  readonly deleted = new Set<string>();
  /** Activation tokens per user id, oldest first; the last is the current one. */
  readonly activationTokens = new Map<string, string[]>();
  readonly deactivateAnswers = new Map<string, ProxiedResponse>();
  /** A successful activation answer per activation token used. */
  readonly usedTokens = new Map<string, ProxiedResponse>();

  /** The user a request acts on: the path's id, else the bearer's subject. */
  subjectOf(req: ProxiedRequest): string | undefined {
    const m = pathOf(req).match(USER_RECORD) ?? pathOf(req).match(ACTIVATE);
    const id = m?.[1] ?? decode(bearerOf(req))?.claims.sub;
    return typeof id === 'string' ? (this.idOf.get(id) ?? id) : undefined;
  }

  private setPassword(id: string, password: string): void {
    const old = this.password.get(id);
    if (old !== undefined && old !== password) this.replaced.set(id, (this.replaced.get(id) ?? new Set()).add(old));
    this.password.set(id, password);
  }

  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    const path = pathOf(req);
    const body = jsonOf(req.body);
    if (isLogin(req) && res.status === 200) {
      const name = formOf(req).get('username');
      if (name) this.logins.set(name, copy(res));
    }
    if (res.status !== 200) return;
    const answer = jsonOf(res.body);
    if (req.method === 'POST' && path === USERS && typeof body?.password === 'string' && answer?.id) {
      this.nameOf.set(answer.id, answer.name);
      this.idOf.set(answer.name, answer.id);
      this.password.set(answer.id, body.password);
    }
    const changed = passwordChange(req);
    const subject = this.subjectOf(req);
    if (changed && subject && typeof changed.password === 'string') this.setPassword(subject, changed.password);
    const deactivated = path.match(DEACTIVATE)?.[1];
    if (req.method === 'PUT' && deactivated && typeof answer?.body?.activation_token === 'string') {
      this.activationTokens.set(deactivated, [...(this.activationTokens.get(deactivated) ?? []), answer.body.activation_token]);
      this.deactivateAnswers.set(deactivated, copy(res));
    }
    const activated = path.match(ACTIVATE)?.[1];
    if (req.method === 'PUT' && activated) {
      if (typeof body?.password === 'string') this.setPassword(activated, body.password);
      if (typeof body?.activation_token === 'string') this.usedTokens.set(body.activation_token, copy(res));
    }
    const removed = req.method === 'DELETE' ? path.match(USER_RECORD)?.[1] : undefined;
    if (removed) this.deleted.add(removed);
  }
}

function peopleFault(make: (people: People) => Fault): Fault {
  const people = new People();
  const fault = make(people);
  return {
    request: fault.request,
    response: async (res, req) => {
      const out = (await fault.response?.(res, req)) ?? res;
      people.observe(res, req);
      return out;
    },
  };
}

type Where = 'login' | 'bearer' | 'mint';

/**
 * The server keeps accepting what it refuses for `reason`: a refused login gets that user's last good
 * login answer; a refused bearer on current-user its last good answer (never seen: the admin's,
 * dressed as the token's subject); a refused api_token request the last token minted with that bearer
 * (never seen: a real token of the same subject). `only` narrows the bearers it applies to.
 */
function keepsAccepting(reason: RegExp, on: Where[], only: (bearer: string, traffic: Traffic) => boolean = () => true): Fault {
  return trafficFault((traffic) => {
    const logins = new Map<string, ProxiedResponse>();
    const users = new Map<string, ProxiedResponse>();
    const mints = new Map<string, ProxiedResponse>();
    return {
      response: (res, req) => {
        const refused = res.status === 401 && reason.test(res.body.toString('utf8'));
        if (isLogin(req)) {
          const form = formOf(req);
          const key = `${form.get('username') ?? ''}\n${form.get('password') ?? ''}`;
          if (res.status === 200) logins.set(key, copy(res));
          return refused && on.includes('login') ? logins.get(key) : res;
        }
        const bearer = bearerOf(req) ?? '';
        if (!bearer || !only(bearer, traffic)) return res;
        const sub = decode(bearer)?.claims.sub;
        if (isCurrentUser(req)) {
          if (res.status === 200) users.set(bearer, copy(res));
          if (refused && on.includes('bearer'))
            return (
              users.get(bearer) ??
              (traffic.currentUser && typeof sub === 'string'
                ? editJson(traffic.currentUser, (b) => void (b.id = sub))
                : undefined)
            );
        } else if (isMint(req)) {
          if (res.status === 200) mints.set(bearer, copy(res));
          if (refused && on.includes('mint')) {
            const other = typeof sub === 'string' ? traffic.bySubject.get(sub) : undefined;
            return mints.get(bearer) ?? (other ? json(200, other) : undefined);
          }
        }
        return res;
      },
    };
  });
}

/** keepsAccepting for tokens minted at GET /api_token at least `min` steps away from a login (1: minted
 * from a login token, 2: minted from such an api_token). */
function mintedTokensOutlive(min: number): Fault {
  const generation = new Map<string, number>();
  const inner = keepsAccepting(/./, ['bearer', 'mint'], (bearer) => (generation.get(bearer) ?? 0) >= min);
  return {
    response: async (res, req) => {
      const minted = isMint(req) && res.status === 200 ? jsonOf(res.body) : undefined;
      if (typeof minted === 'string') generation.set(minted, (generation.get(bearerOf(req) ?? '') ?? 0) + 1);
      return inner.response!(res, req);
    },
  };
}

/** A password change whose old_password `breaks` (what was sent, the caller's real password) reaches
 * the server with the real one: the server accepts what it should refuse. */
function oldPasswordSupplied(breaks: (old: unknown, current: string) => boolean): Fault {
  return peopleFault((people) => ({
    request: (req) => {
      const change = passwordChange(req);
      const id = people.subjectOf(req);
      const current = id && people.password.get(id);
      if (!change || !current || !breaks(change.old_password, current)) return undefined;
      return withJson(req, { ...change, old_password: current });
    },
  }));
}

export const faults: FaultCase[] = [
  {
    breaks: 'REVOKE-PASSWORD-CHANGE',
    fault: 'a password change answers 200 but changes nothing',
    proxy: {
      request: (req) => {
        const change = passwordChange(req);
        if (!change) return undefined;
        const { password: _dropped, ...rest } = change;
        return withJson(req, rest);
      },
    },
  },
  {
    breaks: 'REVOKE-PASSWORD-CHANGE',
    fault: 'the old password still logs in after a change',
    proxy: peopleFault((people) => ({
      response: (res, req) => {
        if (!isLogin(req) || res.status !== 401) return res;
        const form = formOf(req);
        const id = people.idOf.get(form.get('username') ?? '');
        const old = id !== undefined && people.replaced.get(id)?.has(form.get('password') ?? '');
        return old ? people.logins.get(form.get('username')!) : res;
      },
    })),
  },
  {
    breaks: 'REVOKE-PASSWORD-TOKENS',
    fault: 'tokens issued before a password change stay valid',
    expect: 'finding',
    grep: 'REVOKE-PASSWORD-TOKENS',
    proxy: keepsAccepting(/issued before the user's password was changed/, ['bearer', 'mint']),
  },
  {
    breaks: 'REVOKE-PASSWORD-OLD-REQUIRED',
    fault: 'a wrong, empty or re-cased old_password is accepted',
    proxy: oldPasswordSupplied((old, current) => typeof old === 'string' && old !== current),
  },
  {
    breaks: 'REVOKE-PASSWORD-OLD-REQUIRED',
    fault: 'a missing or null old_password is accepted',
    proxy: oldPasswordSupplied((old) => typeof old !== 'string'),
  },
  {
    breaks: 'REVOKE-USER-DEACTIVATE',
    fault: 'a deactivated user still logs in with the right password',
    proxy: keepsAccepting(/user \S+ is not active/, ['login']),
  },
  {
    breaks: 'REVOKE-USER-DEACTIVATE',
    fault: "a deactivated user's tokens stay valid and still mint api_tokens",
    proxy: keepsAccepting(/account \S+ is not active/, ['bearer', 'mint']),
  },
  {
    breaks: 'REVOKE-USER-DEACTIVATE',
    fault: 'PUT /users/{id} ignores active false',
    grep: 'REVOKE-USER-DEACTIVATE deactivated by PUT /users/.id. with active false',
    proxy: {
      request: (req) => {
        const body = req.method === 'PUT' && USER_RECORD.test(pathOf(req)) ? jsonOf(req.body) : undefined;
        if (body?.active !== false) return undefined;
        const { active: _dropped, ...rest } = body as Record<string, unknown>;
        return withJson(req, rest);
      },
    },
  },
  {
    breaks: 'REVOKE-USER-ACTIVATE',
    fault: 'activation ignores the new password (the old one stays)',
    grep: 'REVOKE-USER-ACTIVATE',
    proxy: {
      request: (req) => {
        const body = req.method === 'PUT' && ACTIVATE.test(pathOf(req)) ? jsonOf(req.body) : undefined;
        if (typeof body?.password !== 'string') return undefined;
        const { password: _dropped, ...rest } = body as Record<string, unknown>;
        return withJson(req, rest);
      },
    },
  },
  {
    breaks: 'REVOKE-USER-ACTIVATE',
    fault: 'activation answers 200 but leaves the user inactive',
    grep: 'REVOKE-USER-ACTIVATE',
    proxy: peopleFault((people) => ({
      request: (req) => {
        const id = req.method === 'PUT' ? pathOf(req).match(ACTIVATE)?.[1] : undefined;
        const seen = id && people.deactivateAnswers.get(id);
        return seen ? editJson(copy(seen), (b) => void ((b.body.active = true), (b.body.activation_token = null))) : undefined;
      },
    })),
  },
  {
    breaks: 'REVOKE-ACTIVATION-TOKEN',
    fault: 'any activation token is accepted for a deactivated user',
    proxy: peopleFault((people) => ({
      request: (req) => {
        const id = req.method === 'PUT' ? pathOf(req).match(ACTIVATE)?.[1] : undefined;
        const body = id ? jsonOf(req.body) : undefined;
        const latest = id && people.activationTokens.get(id)?.at(-1);
        return latest && body && body.activation_token !== latest
          ? withJson(req, { ...body, activation_token: latest })
          : undefined;
      },
    })),
  },
  {
    breaks: 'REVOKE-ACTIVATION-TOKEN',
    fault: 'an earlier activation token stays valid after a new deactivation',
    proxy: peopleFault((people) => ({
      request: (req) => {
        const id = req.method === 'PUT' ? pathOf(req).match(ACTIVATE)?.[1] : undefined;
        const body = id ? jsonOf(req.body) : undefined;
        const issued = (id && people.activationTokens.get(id)) || [];
        const earlier = issued.slice(0, -1).includes(body?.activation_token);
        return earlier ? withJson(req, { ...body, activation_token: issued.at(-1) }) : undefined;
      },
    })),
  },
  {
    breaks: 'REVOKE-ACTIVATION-TOKEN',
    fault: 'a used activation token is accepted again',
    proxy: peopleFault((people) => ({
      response: (res, req) => {
        const body = req.method === 'PUT' && ACTIVATE.test(pathOf(req)) && res.status >= 400 ? jsonOf(req.body) : undefined;
        const earlier = typeof body?.activation_token === 'string' ? people.usedTokens.get(body.activation_token) : undefined;
        return earlier ?? res;
      },
    })),
  },
  {
    breaks: 'REVOKE-USER-DELETE',
    fault: "a deleted user's tokens stay valid and still mint api_tokens",
    proxy: keepsAccepting(/error retrieving token account/, ['bearer', 'mint']),
  },
  {
    breaks: 'REVOKE-USER-DELETE',
    fault: 'a deleted user still logs in',
    proxy: peopleFault((people) => ({
      response: (res, req) => {
        if (!isLogin(req) || res.status !== 401) return res;
        const name = formOf(req).get('username') ?? '';
        const id = people.idOf.get(name);
        return id !== undefined && people.deleted.has(id) ? (people.logins.get(name) ?? res) : res;
      },
    })),
  },
  {
    breaks: 'REVOKE-API-TOKEN',
    fault: 'api_tokens outlive the credential they were minted from',
    proxy: mintedTokensOutlive(1),
  },
  {
    breaks: 'REVOKE-API-TOKEN',
    fault: 'api_tokens minted from api_tokens outlive the credential (only the first generation is revoked)',
    proxy: mintedTokensOutlive(2),
  },
  {
    breaks: 'REVOKE-API-TOKEN',
    fault: "a deleted service account's tokens stay valid",
    grep: 'REVOKE-API-TOKEN once its service account is deleted',
    proxy: keepsAccepting(/error retrieving token account/, ['bearer', 'mint']),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'a refused password change answers 422 instead of 403',
    grep: 'REVOKE-PASSWORD-OLD-REQUIRED',
    proxy: {
      response: (res, req) => (passwordChange(req) && res.status === 403 ? { ...res, status: 422 } : res),
    },
  },
  {
    change: 'a used or wrong activation token is refused with 401 instead of 422',
    grep: 'REVOKE-ACTIVATION-TOKEN',
    proxy: {
      response: (res, req) =>
        req.method === 'PUT' && ACTIVATE.test(pathOf(req)) && res.status === 422 ? { ...res, status: 401 } : res,
    },
  },
];
