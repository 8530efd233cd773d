/**
 * Faults for the device authorization grant: each requirement of specs/device.spec.ts must fail (a
 * SHOULD: give a finding) when a proxy breaks it. The proxy learns the devices from the traffic it
 * carries (authorization answers, approvals, polls, logins), so it needs no credentials of its own.
 *
 * ZenML 0.98.0 already misses the four SHOULDs, so their faults start from `conforming()`: a proxy
 * that makes the server meet them (slow_down on fast polls, device tokens with exp, absolute
 * verification URIs, a client_id reuse that leaves the device alone), and break one part again.
 * device.test.ts proves that `conforming()` alone gets pass for all four, so a finding under one of
 * these faults is the fault's doing. device.test.ts runs them; the benchmark runs them too.
 */
import { randomUUID } from 'node:crypto';
import {
  editJson,
  json,
  pathOf,
  withHeader,
  type Fault,
  type ProxiedRequest,
  type ProxiedResponse,
} from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { bearerOf, copy, decode, formOf, isCurrentUser, isLogin, trafficFault, withBearer, type Traffic } from './auth-proxy';

const DEVICE_AUTHORIZATION = '/api/v1/device_authorization';
const DEVICES = '/api/v1/devices';
const API_TOKEN = '/api/v1/api_token';
const DEVICE = /^\/api\/v1\/devices\/([^/]+)$/;
const VERIFY = /^\/api\/v1\/devices\/([^/]+)\/verify$/;

const isAuthorization = (req: ProxiedRequest) => req.method === 'POST' && pathOf(req) === DEVICE_AUTHORIZATION;
const isPoll = (req: ProxiedRequest) => isLogin(req) && formOf(req).has('device_code');
const isApiToken = (req: ProxiedRequest) => req.method === 'GET' && pathOf(req) === API_TOKEN;
const deviceOf = (req: ProxiedRequest) => pathOf(req).match(DEVICE)?.[1];
const verifiedOf = (req: ProxiedRequest) => (req.method === 'PUT' ? pathOf(req).match(VERIFY)?.[1] : undefined);

function bodyOf(x: { body: Buffer }): any {
  try {
    return JSON.parse(x.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function withJsonBody(req: ProxiedRequest, body: unknown): ProxiedRequest {
  return { ...req, body: Buffer.from(JSON.stringify(body)) };
}

function withForm(req: ProxiedRequest, form: URLSearchParams): ProxiedRequest {
  return { ...req, body: Buffer.from(form.toString()) };
}

function withQuery(req: ProxiedRequest, edit: (q: URLSearchParams) => void): ProxiedRequest {
  const [path, query] = req.url.split('?');
  const q = new URLSearchParams(query ?? '');
  edit(q);
  return { ...req, url: `${path}?${q.toString()}` };
}

const pollError = (res: ProxiedResponse, req: ProxiedRequest, error?: string) =>
  isPoll(req) && res.status === 400 && (error === undefined || bodyOf(res)?.error === error);

const oauthError = (error: string, description: string) => json(400, { error, error_description: description, error_uri: null });

interface KnownDevice {
  id?: string;
  clientId: string;
  deviceCode: string;
  userCode: string;
  interval: number;
  owner?: string;
}

/** What the proxy learned about devices from the traffic. */
class DeviceLedger {
  readonly byId = new Map<string, KnownDevice>();
  readonly byClient = new Map<string, KnownDevice>();
  /** Password-login tokens by subject: the owner's own credentials, which a device lock cannot end. */
  readonly passwordTokens = new Map<string, string>();
  /** client_id of every device whose token was issued (active). */
  readonly active = new Set<string>();
  /** Device token → client_id. */
  readonly tokenDevice = new Map<string, string>();
  /** api_token minted with a device token → the device's client_id. */
  readonly minted = new Map<string, string>();
  /** Last device body seen for an id (GET, verify). */
  readonly bodies = new Map<string, any>();

  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    const b = bodyOf(res);
    if (res.status !== 200 || b === undefined) return;
    if (isAuthorization(req)) {
      const clientId = new URLSearchParams(req.body.toString('utf8')).get('client_id') ?? '';
      const id = new URL(String(b.verification_uri_complete), 'http://x.invalid').searchParams.get('device_id') ?? undefined;
      const known: KnownDevice = {
        id,
        clientId,
        deviceCode: b.device_code,
        userCode: b.user_code,
        interval: Number(b.interval) || 5,
        owner: id ? this.byId.get(id)?.owner : undefined,
      };
      if (id) this.byId.set(id, known);
      this.byClient.set(clientId, known);
      this.active.delete(clientId);
    } else if (isLogin(req)) {
      const form = formOf(req);
      const sub = decode(b.access_token)?.claims.sub;
      if (form.has('username') && typeof sub === 'string') this.passwordTokens.set(sub, b.access_token);
      if (form.has('device_code')) {
        this.active.add(form.get('client_id') ?? '');
        this.tokenDevice.set(b.access_token, form.get('client_id') ?? '');
      }
    } else if (isApiToken(req) && typeof b === 'string') {
      const client = this.tokenDevice.get(bearerOf(req) ?? '');
      if (client !== undefined) this.minted.set(b, client);
    } else if (b?.body?.client_id !== undefined && typeof b.id === 'string') {
      this.bodies.set(b.id, b);
      const known = this.byId.get(b.id);
      if (known && typeof b.body.user_id === 'string') known.owner = b.body.user_id;
    }
  }

  /** The device a request addresses (by path), when it has an owner other than the bearer's subject. */
  strangerOn(req: ProxiedRequest): { device: KnownDevice; ownerToken: string } | undefined {
    const id = deviceOf(req) ?? pathOf(req).match(VERIFY)?.[1];
    const device = id ? this.byId.get(id) : undefined;
    const sub = decode(bearerOf(req))?.claims.sub;
    if (!device?.owner || !sub || sub === device.owner) return undefined;
    const ownerToken = this.passwordTokens.get(device.owner);
    return ownerToken ? { device, ownerToken } : undefined;
  }
}

/** A fault that sees the device traffic (and the general traffic of auth-proxy.ts). */
function deviceFault(make: (ledger: DeviceLedger, traffic: Traffic) => Fault): Fault {
  const ledger = new DeviceLedger();
  return trafficFault((traffic) => {
    const fault = make(ledger, traffic);
    return {
      request: fault.request,
      response: async (res, req) => {
        const out = (await fault.response?.(res, req)) ?? res;
        // Learn from what the server said, not from what the fault made of it.
        ledger.observe(res, req);
        return out;
      },
    };
  });
}

// --- answers and polls --------------------------------------------------------------------------------

/** The device authorization answer, edited. */
const editAuthorization = (edit: (b: any) => void): Fault => ({
  response: (res, req) => (isAuthorization(req) && res.status === 200 ? editJson(res, (b) => void edit(b)) : res),
});

/** Pending polls, answered otherwise. */
const pendingPollAnswered = (answer: (traffic: Traffic, res: ProxiedResponse) => ProxiedResponse | undefined): Fault =>
  trafficFault((traffic) => ({
    response: (res, req) => (pollError(res, req, 'authorization_pending') ? (answer(traffic, res) ?? res) : res),
  }));

/** The admin's login answer, as a token a device poll must never give. */
const adminLoginAnswer = (traffic: Traffic) => (traffic.adminLogin ? copy(traffic.adminLogin) : undefined);

/** Every device-grant error answer, edited. */
const editPollErrors = (edit: (res: ProxiedResponse) => ProxiedResponse): Fault => ({
  response: (res, req) => (pollError(res, req) ? edit(res) : res),
});

/** The user code the client sees is the device code; the proxy maps it back wherever it is sent. */
function userCodeIsDeviceCode(): Fault {
  const genuine = new Map<string, string>();
  return {
    request: (req) => {
      const id = verifiedOf(req);
      if (id) {
        const b = bodyOf(req);
        if (b && genuine.has(b.user_code)) return withJsonBody(req, { ...b, user_code: genuine.get(b.user_code) });
      }
      const code = new URLSearchParams(req.url.split('?')[1] ?? '').get('user_code');
      if (code && genuine.has(code)) return withQuery(req, (q) => q.set('user_code', genuine.get(code)!));
      return undefined;
    },
    response: (res, req) =>
      isAuthorization(req) && res.status === 200
        ? editJson(res, (b) => {
            genuine.set(b.device_code, b.user_code);
            b.verification_uri_complete = String(b.verification_uri_complete).replace(b.user_code, b.device_code);
            b.user_code = b.device_code;
          })
        : res,
  };
}

// --- approving ----------------------------------------------------------------------------------------

/** A poll with a wrong device code for a known client_id is sent with the right one. */
const wrongDeviceCodeAccepted = (): Fault =>
  deviceFault((ledger) => ({
    request: (req) => {
      if (!isPoll(req)) return undefined;
      const form = formOf(req);
      const known = ledger.byClient.get(form.get('client_id') ?? '');
      if (!known || form.get('device_code') === known.deviceCode) return undefined;
      form.set('device_code', known.deviceCode);
      return withForm(req, form);
    },
  }));

/** The first approval of each device answers 200 but never reaches the server. */
const approvalIgnored = (): Fault =>
  deviceFault((ledger) => {
    const ignored = new Set<string>();
    return {
      request: (req) => {
        const id = verifiedOf(req);
        const body = id ? ledger.bodies.get(id) : undefined;
        if (!id || ignored.has(id) || !body) return undefined;
        ignored.add(id);
        return json(200, { ...body, body: { ...body.body, status: 'verified' } });
      },
    };
  });

/** A poll for a device in the given state answers 200 with the admin's login. */
const pollOfStateGetsAdminToken = (state: RegExp): Fault =>
  trafficFault((traffic) => ({
    response: (res, req) =>
      pollError(res, req) && state.test(String(bodyOf(res)?.error_description)) ? (adminLoginAnswer(traffic) ?? res) : res,
  }));

// --- other users --------------------------------------------------------------------------------------

type Operation = 'GET' | 'PUT' | 'DELETE' | 'VERIFY';

/** Another user's requests on a user's device are served as if the owner sent them; `hide`: the
 * stranger is told 404 all the same (the change is made, the answer denies it). */
const strangerActsAsOwner = (operations: Operation[], hide = false): Fault =>
  deviceFault((ledger) => {
    const swapped = new WeakSet<ProxiedRequest>();
    return {
      request: (req) => {
        const op: Operation | undefined = verifiedOf(req)
          ? 'VERIFY'
          : deviceOf(req) && ['GET', 'PUT', 'DELETE'].includes(req.method)
            ? (req.method as Operation)
            : undefined;
        const stranger = op && operations.includes(op) ? ledger.strangerOn(req) : undefined;
        if (!stranger) return undefined;
        const out = withBearer(req, stranger.ownerToken);
        swapped.add(out);
        return out;
      },
      response: (res, req) =>
        hide && swapped.has(req) && res.status === 200
          ? json(404, { detail: ['KeyError', `'Unable to get device with ID ${deviceOf(req)}: No device with this ID found.'`] })
          : res,
    };
  });

/** Another user's device list shows the devices of others the proxy has seen approved. */
const listShowsOthersDevices = (): Fault =>
  deviceFault((ledger) => ({
    response: (res, req) => {
      if (req.method !== 'GET' || pathOf(req) !== DEVICES || res.status !== 200) return res;
      const sub = decode(bearerOf(req))?.claims.sub;
      const others = [...ledger.bodies.values()].filter((d) => d.body?.user_id && d.body.user_id !== sub);
      return others.length ? editJson(res, (b) => void b.items.push(...others)) : res;
    },
  }));

// --- revoking -----------------------------------------------------------------------------------------

/** Current-user refusals for `reason` get the last good answer for the same bearer; `only`: just for
 * the bearers it selects. */
const refusalIgnored = (reason: RegExp, only: (ledger: DeviceLedger, bearer: string) => boolean = () => true): Fault =>
  deviceFault((ledger, traffic) => {
    const good = new Map<string, ProxiedResponse>();
    return {
      response: (res, req) => {
        if (!isCurrentUser(req)) return res;
        const bearer = bearerOf(req) ?? '';
        if (res.status === 200) good.set(bearer, copy(res));
        if (res.status !== 401 || !reason.test(res.body.toString('utf8')) || !only(ledger, bearer)) return res;
        // Never seen accepted: someone's answer, dressed up as the token's subject.
        const sub = decode(bearer)?.claims.sub;
        return good.get(bearer) ?? (traffic.currentUser && sub ? editJson(traffic.currentUser, (b) => void (b.id = sub)) : res);
      },
    };
  });

/** Whether a bearer was minted at api_token from a device token. */
const mintedFromDevice = (ledger: DeviceLedger, bearer: string) => ledger.minted.has(bearer);

/** PUT /devices/{id} with this `locked` value does nothing (the body is emptied). */
const lockIgnored = (locked: boolean): Fault => ({
  request: (req) => (req.method === 'PUT' && deviceOf(req) && bodyOf(req)?.locked === locked ? withJsonBody(req, {}) : undefined),
});

/** api_token refused for a locked device's token answers with the last token minted for it. */
const mintingFromLockedDevice = (): Fault => {
  const minted = new Map<string, ProxiedResponse>();
  return {
    response: (res, req) => {
      if (!isApiToken(req)) return res;
      const bearer = bearerOf(req) ?? '';
      if (res.status === 200) minted.set(bearer, copy(res));
      return res.status === 401 && /is not active/.test(res.body.toString('utf8')) ? (minted.get(bearer) ?? res) : res;
    },
  };
};

// --- the SHOULDs: a server that meets them, and one part broken again ----------------------------------

interface ConformingOptions {
  /** Polls closer than the interval to the previous one get slow_down. */
  slowDown?: boolean;
  /** Device tokens carry exp, as seconds from now (negative: already past). */
  expIn?: number | false;
  /** verification_uri and verification_uri_complete absolute (with `//` between host and path: a base
   * URL ending in /); `relativeComplete` leaves verification_uri_complete as it is. */
  absolute?: 'yes' | 'double-slash' | 'relative-complete' | false;
  /** A device authorization reusing an active device's client_id starts a new device instead. */
  reuse?: 'new-device' | 'new-device-but-api-tokens-end' | false;
  /** Answer 429 to the poll right after a slow_down (the client slowed down as told). */
  tooManyAfterSlowDown?: boolean;
  /** Answer 429 instead of slow_down. */
  tooManyForSlowDown?: boolean;
}

const DAY_S = 24 * 3600;

function conforming(options: ConformingOptions = {}): Fault {
  const o: Required<ConformingOptions> = {
    slowDown: true,
    expIn: DAY_S,
    absolute: 'yes',
    reuse: 'new-device',
    tooManyAfterSlowDown: false,
    tooManyForSlowDown: false,
    ...options,
  };
  return deviceFault((ledger) => {
    /** Fake device token (with exp) → the genuine one. */
    const genuine = new Map<string, string>();
    /** device_code → when it was last polled, and whether that poll got slow_down. */
    const polled = new Map<string, { at: number; slowedDown: boolean }>();
    /** The client_id the client knows → the one the server knows (a reuse that started a new device). */
    const moved = new Map<string, string>();
    /** client_id of devices whose reuse ends the api_tokens minted from them. */
    const reused = new Set<string>();
    return {
      request: (req) => {
        const token = bearerOf(req);
        if (token && genuine.has(token)) req = withBearer(req, genuine.get(token));
        if (o.reuse === 'new-device-but-api-tokens-end' && isCurrentUser(req) && reused.has(ledger.minted.get(token ?? '') ?? ''))
          return json(401, { detail: ['CredentialsNotValid', 'Authentication error: device is not active'] });
        if (isAuthorization(req) && o.reuse) {
          const form = new URLSearchParams(req.body.toString('utf8'));
          const clientId = form.get('client_id') ?? '';
          if (ledger.active.has(clientId)) {
            const fresh = randomUUID();
            moved.set(clientId, fresh);
            reused.add(clientId);
            form.set('client_id', fresh);
            return withForm(req, form);
          }
        }
        if (isPoll(req)) {
          const form = formOf(req);
          const code = form.get('device_code') ?? '';
          const clientId = form.get('client_id') ?? '';
          const fresh = moved.get(clientId);
          if (fresh && ledger.byClient.get(fresh)?.deviceCode === code) {
            form.set('client_id', fresh);
            req = withForm(req, form);
          }
          const known = ledger.byClient.get(formOf(req).get('client_id') ?? '');
          const last = polled.get(code);
          const now = Date.now();
          const tooSoon = last !== undefined && now - last.at < (known?.interval ?? 5) * 1000;
          polled.set(code, { at: now, slowedDown: o.slowDown && tooSoon });
          if (o.slowDown && tooSoon)
            return o.tooManyForSlowDown
              ? json(429, { detail: 'Minute request limit exceeded.' })
              : oauthError('slow_down', 'Polling too fast: add 5 seconds to the interval.');
          if (o.tooManyAfterSlowDown && last?.slowedDown) return json(429, { detail: 'Minute request limit exceeded.' });
        }
        return req;
      },
      response: (res, req) => {
        // It documents the 429 its rate limiter may answer (ZenML 0.98.0 does not), so that a 429 is a
        // matter of when it is sent, not of the document.
        if (req.method === 'GET' && pathOf(req) === '/openapi.json' && res.status === 200)
          return editJson(res, (doc) => {
            const login = doc?.paths?.['/api/v1/login']?.post;
            if (login?.responses)
              login.responses['429'] = {
                description: 'Too Many Requests',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorModel' } } },
              };
          });
        if (isAuthorization(req) && res.status === 200 && o.absolute) {
          const origin = `http://${String(req.headers.host)}`;
          const join = (uri: string) =>
            /^https?:/.test(uri)
              ? uri
              : `${origin}${o.absolute === 'double-slash' ? '/' : ''}${uri.startsWith('/') ? '' : '/'}${uri}`;
          return editJson(res, (b) => {
            b.verification_uri = join(String(b.verification_uri));
            if (o.absolute !== 'relative-complete') b.verification_uri_complete = join(String(b.verification_uri_complete));
          });
        }
        if (isPoll(req) && res.status === 200 && o.expIn !== false) {
          const expIn = o.expIn;
          return editJson(res, (b) => {
            const [head, , signature] = String(b.access_token).split('.');
            const claims = { ...decode(b.access_token)!.claims, exp: Math.floor(Date.now() / 1000) + expIn };
            const fake = `${head}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
            // Requests with the fake go on with the genuine token, which the ledger learns from the server.
            genuine.set(fake, b.access_token);
            b.access_token = fake;
            b.expires_in = expIn > 0 ? expIn : b.expires_in;
          });
        }
        return res;
      },
    };
  });
}

/** Conforming, but the first poll of every device says slow_down: still a pending answer. */
const benignSlowDownFirst = (): Fault => ({
  response: (res, req) =>
    pollError(res, req, 'authorization_pending')
      ? editJson(res, (b) => {
          b.error = 'slow_down';
        })
      : res,
});

const GREP = {
  start: 'DEVICE-AUTHORIZATION',
  approve: 'DEVICE-APPROVE',
  lock: 'DEVICE-LOCK-ATTEMPTS',
  owner: 'DEVICE-OWNER-ONLY',
  revoke: 'DEVICE-REVOKE',
  slow: 'DEVICE-SLOW-DOWN',
  reuse: 'DEVICE-CLIENT-ID-REUSE',
};

export const faults: FaultCase[] = [
  // DEVICE-AUTHORIZATION
  {
    breaks: 'DEVICE-AUTHORIZATION',
    fault: 'verification_uri_complete lacks the user code',
    proxy: editAuthorization((b) => {
      b.verification_uri_complete = String(b.verification_uri_complete).replace(/&?user_code=[^&]*/, '');
    }),
  },
  {
    breaks: 'DEVICE-AUTHORIZATION',
    fault: 'the user code is the device code (whoever sees the screen can poll)',
    proxy: userCodeIsDeviceCode(),
  },
  {
    breaks: 'DEVICE-AUTHORIZATION',
    fault: 'the answer has no interval',
    proxy: editAuthorization((b) => void delete b.interval),
  },
  {
    breaks: 'DEVICE-AUTHORIZATION',
    fault: 'expires_in is 0',
    proxy: editAuthorization((b) => void (b.expires_in = 0)),
  },
  // DEVICE-PENDING
  {
    breaks: 'DEVICE-PENDING',
    fault: 'a poll before the approval gets a token',
    grep: GREP.start,
    proxy: pendingPollAnswered(adminLoginAnswer),
  },
  {
    breaks: 'DEVICE-PENDING',
    fault: 'a poll before the approval says invalid_grant (the CLI gives up)',
    grep: GREP.start,
    proxy: pendingPollAnswered((_, res) => editJson(res, (b) => void (b.error = 'invalid_grant'))),
  },
  {
    breaks: 'DEVICE-PENDING',
    fault: 'a poll before the approval answers 401',
    grep: GREP.start,
    proxy: pendingPollAnswered((_, res) => ({ ...res, status: 401 })),
  },
  // DEVICE-ERROR-BODY
  {
    breaks: 'DEVICE-ERROR-BODY',
    fault: 'device-grant errors are {"detail": …} bodies, not RFC 6749 §5.2',
    grep: GREP.approve,
    proxy: editPollErrors((res) => editJson(res, (b) => ({ detail: b.error_description }))),
  },
  {
    breaks: 'DEVICE-ERROR-BODY',
    fault: 'device-grant errors are text/plain',
    grep: GREP.approve,
    proxy: editPollErrors((res) => withHeader(res, 'content-type', 'text/plain; charset=utf-8')),
  },
  {
    breaks: 'DEVICE-ERROR-BODY',
    fault: 'the poll for a deleted device answers 403',
    grep: GREP.revoke,
    proxy: { response: (res, req) => (pollError(res, req, 'invalid_client') ? { ...res, status: 403 } : res) },
  },
  // DEVICE-APPROVE
  {
    breaks: 'DEVICE-APPROVE',
    fault: 'the token after the approval acts as the admin',
    proxy: trafficFault((traffic) => ({
      response: (res, req) =>
        isPoll(req) && res.status === 200 && traffic.adminToken
          ? editJson(res, (b) => void (b.access_token = traffic.adminToken))
          : res,
    })),
  },
  {
    breaks: 'DEVICE-APPROVE',
    fault: 'a wrong device code gets the token',
    proxy: wrongDeviceCodeAccepted(),
  },
  {
    breaks: 'DEVICE-APPROVE',
    fault: 'the approval answers 200 but is not applied',
    proxy: approvalIgnored(),
  },
  {
    breaks: 'DEVICE-APPROVE',
    fault: 'the dashboard cannot read the pending device with its user code (404)',
    proxy: {
      response: (res, req) =>
        req.method === 'GET' && deviceOf(req) && /[?&]user_code=/.test(req.url) && res.status === 200
          ? json(404, { detail: ['KeyError', 'No device with this ID found.'] })
          : res,
    },
  },
  // DEVICE-SINGLE-USE
  {
    breaks: 'DEVICE-SINGLE-USE',
    fault: 'a second poll with the same device code gets the token again',
    grep: GREP.approve,
    proxy: (() => {
      const issued = new Map<string, ProxiedResponse>();
      return {
        response: (res: ProxiedResponse, req: ProxiedRequest) => {
          if (!isPoll(req)) return res;
          const key = `${formOf(req).get('client_id')} ${formOf(req).get('device_code')}`;
          if (res.status === 200) issued.set(key, copy(res));
          return res.status === 400 && issued.has(key) ? copy(issued.get(key)!) : res;
        },
      };
    })(),
  },
  // DEVICE-LOCK-ATTEMPTS
  {
    breaks: 'DEVICE-LOCK-ATTEMPTS',
    fault: 'wrong user codes are refused but never counted (the device never locks)',
    proxy: deviceFault((ledger) => ({
      request: (req) => {
        const id = verifiedOf(req);
        const known = id ? ledger.byId.get(id) : undefined;
        return known && bodyOf(req)?.user_code !== known.userCode
          ? json(400, { detail: ['ValueError', 'Invalid request: invalid user code.'] })
          : undefined;
      },
    })),
  },
  {
    breaks: 'DEVICE-LOCK-ATTEMPTS',
    fault: 'a wrong user code approves the device',
    proxy: deviceFault((ledger) => ({
      request: (req) => {
        const id = verifiedOf(req);
        const known = id ? ledger.byId.get(id) : undefined;
        const b = bodyOf(req);
        return known && b && b.user_code !== known.userCode ? withJsonBody(req, { ...b, user_code: known.userCode }) : undefined;
      },
    })),
  },
  {
    breaks: 'DEVICE-LOCK-ATTEMPTS',
    fault: 'a poll for the locked device gets a token',
    proxy: pollOfStateGetsAdminToken(/is locked/),
  },
  // DEVICE-OWNER-ONLY
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: "another user can read a user's device",
    proxy: strangerActsAsOwner(['GET']),
  },
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: "another user can lock a user's device",
    proxy: strangerActsAsOwner(['PUT']),
  },
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: "another user can delete a user's device",
    proxy: strangerActsAsOwner(['DELETE']),
  },
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: "another user's lock answers 404 but is applied",
    proxy: strangerActsAsOwner(['PUT'], true),
  },
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: "another user's device list shows other users' devices",
    proxy: listShowsOthersDevices(),
  },
  {
    breaks: 'DEVICE-OWNER-ONLY',
    fault: 'another user can approve a re-authorized device with its new user code (takeover)',
    grep: GREP.reuse,
    proxy: strangerActsAsOwner(['VERIFY']),
  },
  // DEVICE-REVOKE
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'the token of a locked device stays valid',
    proxy: refusalIgnored(/device [^ ]+ is not active/),
  },
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'an api_token minted from a locked device token stays valid',
    proxy: refusalIgnored(/device [^ ]+ is not active/, mintedFromDevice),
  },
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'a deleted device and its tokens stay valid',
    proxy: refusalIgnored(/error retrieving token device/),
  },
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'locking a device does nothing',
    proxy: lockIgnored(true),
  },
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'unlocking a device does nothing (its tokens stay refused)',
    proxy: lockIgnored(false),
  },
  {
    breaks: 'DEVICE-REVOKE',
    fault: 'a locked device token can still mint api_tokens',
    proxy: mintingFromLockedDevice(),
  },
  // DEVICE-TOKEN-EXPIRES (from a server that meets the SHOULDs)
  {
    breaks: 'DEVICE-TOKEN-EXPIRES',
    fault: 'device tokens carry no exp',
    expect: 'finding',
    grep: GREP.approve,
    proxy: conforming({ expIn: false }),
  },
  {
    breaks: 'DEVICE-TOKEN-EXPIRES',
    fault: "a device token's exp is already past",
    expect: 'finding',
    grep: GREP.approve,
    proxy: conforming({ expIn: -DAY_S }),
  },
  // DEVICE-VERIFICATION-URI
  {
    breaks: 'DEVICE-VERIFICATION-URI',
    fault: 'verification_uri_complete is relative',
    expect: 'finding',
    grep: GREP.start,
    proxy: conforming({ absolute: 'relative-complete' }),
  },
  {
    breaks: 'DEVICE-VERIFICATION-URI',
    fault: 'the verification URIs have // after the host (a server URL ending in /)',
    expect: 'finding',
    grep: GREP.start,
    proxy: conforming({ absolute: 'double-slash' }),
  },
  // DEVICE-SLOW-DOWN
  {
    breaks: 'DEVICE-SLOW-DOWN',
    fault: 'polling faster than the interval is answered authorization_pending',
    expect: 'finding',
    grep: GREP.slow,
    proxy: conforming({ slowDown: false }),
  },
  {
    breaks: 'DEVICE-SLOW-DOWN',
    fault: 'polling faster than the interval is answered 429, not slow_down',
    expect: 'finding',
    grep: GREP.slow,
    proxy: conforming({ tooManyForSlowDown: true }),
  },
  {
    breaks: 'DEVICE-SLOW-DOWN',
    fault: 'a client that slowed down as told is answered 429',
    expect: 'finding',
    grep: GREP.slow,
    proxy: conforming({ tooManyAfterSlowDown: true }),
  },
  // DEVICE-CLIENT-ID-REUSE
  {
    breaks: 'DEVICE-CLIENT-ID-REUSE',
    fault: "reusing the client_id resets the device and ends its tokens (ZenML's behaviour)",
    expect: 'finding',
    grep: GREP.reuse,
    proxy: conforming({ reuse: false }),
  },
  {
    breaks: 'DEVICE-CLIENT-ID-REUSE',
    fault: 'reusing the client_id ends the api_tokens minted from the device token',
    expect: 'finding',
    grep: GREP.reuse,
    proxy: conforming({ reuse: 'new-device-but-api-tokens-end' }),
  },
];

/** A server that meets every SHOULD of the area (device.test.ts: all four pass through it). */
export const meetsTheShoulds = { grep: Object.values(GREP).join('|'), proxy: conforming };

export const benign: BenignCase[] = [
  {
    change: 'device-grant errors omit error_description and error_uri instead of sending null',
    grep: `${GREP.start}|${GREP.approve}|${GREP.lock}|${GREP.revoke}`,
    proxy: editPollErrors((res) => editJson(res, (b) => ({ error: b.error }))),
  },
  {
    change: 'a poll before the approval says slow_down (a variant of authorization_pending)',
    grep: GREP.start,
    proxy: benignSlowDownFirst(),
  },
  {
    change: 'the poll for a deleted device answers 401 invalid_client (RFC 6749 §5.2 allows it)',
    grep: GREP.revoke,
    proxy: { response: (res, req) => (pollError(res, req, 'invalid_client') ? { ...res, status: 401 } : res) },
  },
];
