/**
 * Faults for the API-key area: each requirement of specs/api-keys.spec.ts must fail (a SHOULD: give
 * a finding) when a proxy breaks it. api-keys.test.ts runs them; the benchmark runs them too.
 */
import { editJson, json, pathOf, type Fault, type ProxiedRequest, type ProxiedResponse } from '../harness/fault-proxy';
import type { BenignCase, FaultCase } from '../harness/fault-cases';
import { bearerOf, copy, decode, formOf, isCurrentUser, isLogin, trafficFault, withBearer } from './auth-proxy';

const KEY_ANSWER = /^\/api\/v1\/service_accounts\/[^/]+\/api_keys(\/[^/]+\/rotate)?$/;
const KEY_READ = /^\/api\/v1\/service_accounts\/[^/]+\/api_keys(\/[^/]+)?$/;
const SERVICE_ACCOUNTS = '/api/v1/service_accounts';

function bodyOf(res: ProxiedResponse): any {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The key id and plaintext value of a create (POST …/api_keys) or rotate (PUT …/rotate) answer. */
function keyAnswer(res: ProxiedResponse, req: ProxiedRequest): { id: string; key: string } | undefined {
  if (res.status !== 200 || req.method === 'GET' || !KEY_ANSWER.test(pathOf(req))) return undefined;
  const b = bodyOf(res);
  return typeof b?.body?.key === 'string' ? { id: b.id, key: b.body.key } : undefined;
}

/** Every key value the server handed out: the current one per key, and the rotated-out ones. */
class KeyLedger {
  readonly current = new Map<string, string>();
  /** Rotated-out value → key id. */
  readonly retired = new Map<string, string>();

  /** Service account id → the current value of its latest key. */
  readonly ofAccount = new Map<string, string>();

  observe(res: ProxiedResponse, req: ProxiedRequest): void {
    const answer = keyAnswer(res, req);
    if (!answer) return;
    const old = this.current.get(answer.id);
    if (old) this.retired.set(old, answer.id);
    this.current.set(answer.id, answer.key);
    const account = pathOf(req).match(/^\/api\/v1\/service_accounts\/([^/]+)\//)?.[1];
    if (account) this.ofAccount.set(account, answer.key);
  }
}

/** The login form's password, or the bearer, replaced where `swap` gives another value. */
function swapCredential(req: ProxiedRequest, swap: (value: string) => string | undefined): ProxiedRequest | undefined {
  if (isLogin(req)) {
    const form = formOf(req);
    const other = swap(form.get('password') ?? '');
    if (other === undefined) return undefined;
    form.set('password', other);
    return { ...req, body: Buffer.from(form.toString()) };
  }
  const bearer = bearerOf(req);
  const other = bearer && swap(bearer);
  return other ? withBearer(req, other) : undefined;
}

/** Rotated-out keys keep working: the proxy puts the key's current value in their place. */
function rotatedOutKeysAccepted(): Fault {
  const ledger = new KeyLedger();
  return {
    request: (req) =>
      swapCredential(req, (v) => (ledger.retired.has(v) ? ledger.current.get(ledger.retired.get(v)!) : undefined)),
    response: (res, req) => void ledger.observe(res, req),
  };
}

/** Reads of keys show their current plaintext value. */
function keyReadsShowKey(where: 'one' | 'list'): Fault {
  const ledger = new KeyLedger();
  const fill = (item: any) => void (item.body.key = ledger.current.get(item.id) ?? null);
  return {
    response: (res, req) => {
      ledger.observe(res, req);
      const m = req.method === 'GET' && res.status === 200 ? pathOf(req).match(KEY_READ) : null;
      if (!m || (where === 'one') !== Boolean(m[1])) return res;
      return editJson(res, (b) => void (where === 'one' ? fill(b) : b.items.forEach(fill)));
    },
  };
}

/** The server accepts what it refuses for `reason`: a refused key login gets that key's last good
 * login answer, a refused bearer the last good current-user answer for it (or, never seen, the
 * admin's dressed up as the token's subject). */
function ignoresRefusal(reason: RegExp, on: Array<'login' | 'bearer'>): Fault {
  return trafficFault((traffic) => {
    const logins = new Map<string, ProxiedResponse>();
    const users = new Map<string, ProxiedResponse>();
    return {
      response: (res, req) => {
        const refused = res.status === 401 && reason.test(res.body.toString('utf8'));
        if (isLogin(req)) {
          const key = formOf(req).get('password') ?? '';
          if (res.status === 200) logins.set(key, copy(res));
          if (refused && on.includes('login')) return logins.get(key);
        } else if (isCurrentUser(req)) {
          const bearer = bearerOf(req) ?? '';
          if (res.status === 200) users.set(bearer, copy(res));
          const sub = decode(bearer)?.claims.sub;
          if (refused && on.includes('bearer'))
            return (
              users.get(bearer) ??
              (traffic.currentUser && sub ? editJson(traffic.currentUser, (b) => void (b.id = sub)) : undefined)
            );
        }
        return res;
      },
    };
  });
}

/** Callers that are not the admin may create: the proxy sends their request with the admin's token. */
function nonAdminMayCreate(path: RegExp): Fault {
  return trafficFault((traffic) => ({
    request: (req) => {
      const admin = decode(traffic.adminToken)?.claims.sub;
      return req.method === 'POST' && path.test(pathOf(req)) && decode(bearerOf(req))?.claims.sub !== admin
        ? withBearer(req, traffic.adminToken)
        : undefined;
    },
  }));
}

/** Keys as a server whose keys contain + and / hands them out: the client sees "ZENKEY_+/…", the
 * proxy passes the genuine key on. `tolerant` also takes the unencoded form, where + became a space. */
function keysWithPlusAndSlash(tolerant: boolean): Fault {
  const genuine = new Map<string, string>();
  return {
    request: (req) => swapCredential(req, (v) => genuine.get(v)),
    response: (res, req) => {
      const answer = keyAnswer(res, req);
      if (!answer) return res;
      const fake = answer.key.replace(/^(ZEN(?:PRO)?KEY_)/, '$1+/');
      genuine.set(fake, answer.key);
      if (tolerant) genuine.set(fake.replace(/\+/g, ' '), answer.key);
      return editJson(res, (b) => void (b.body.key = fake));
    },
  };
}

/** A presented key as the server would read it: the prefix stripped, base64 decoded leniently, JSON
 * parsed (undefined when it is not a JSON object), and the decoded text. */
function decodeKey(value: string): { fields?: Record<string, unknown>; text: string } {
  const text = Buffer.from(value.replace(/^ZENKEY_/, ''), 'base64').toString('utf8');
  try {
    const fields = JSON.parse(text) as unknown;
    return {
      fields: fields && typeof fields === 'object' && !Array.isArray(fields) ? (fields as Record<string, unknown>) : undefined,
      text,
    };
  } catch {
    return { text };
  }
}

/** The key presented at login (an API-key login: no username) or as a bearer, if it looks like one. */
function presentedKey(req: ProxiedRequest, on: Array<'login' | 'bearer'>): string | undefined {
  if (isLogin(req)) {
    const form = formOf(req);
    return on.includes('login') && !form.has('username') ? (form.get('password') ?? undefined) : undefined;
  }
  const bearer = bearerOf(req);
  return on.includes('bearer') && bearer && !decode(bearer) ? bearer : undefined;
}

interface Presented {
  /** The decoded fields of the presented key. */
  fields: Record<string, unknown>;
  /** The real key its id names, if the proxy has seen it: its value and parts. */
  real?: { value: string; id: string; key: string };
  /** Every real key the proxy has seen. */
  known: Array<{ value: string; id: string; key: string }>;
}

/** The server accepts a key it should refuse: where `accept` names a real key value for a presented
 * key that is not exactly a real one, the request reaches the server with that real key instead. */
function acceptsKey(
  on: Array<'login' | 'bearer'>,
  accept: (p: Presented, raw: string, ledger: KeyLedger) => string | undefined,
): Fault {
  const ledger = new KeyLedger();
  const partsOf = (value: string) => {
    const { fields } = decodeKey(value);
    return { value, id: String(fields?.id), key: String(fields?.key) };
  };
  return {
    request: (req) => {
      const raw = presentedKey(req, on);
      if (raw === undefined || [...ledger.current.values()].includes(raw)) return undefined;
      const { fields } = decodeKey(raw);
      if (!fields) return undefined;
      const known = [...ledger.current.values()].map(partsOf);
      const value = accept({ fields, real: known.find((k) => k.id === fields.id), known }, raw, ledger);
      return value === undefined ? undefined : swapCredential(req, () => value);
    },
    response: (res, req) => void ledger.observe(res, req),
  };
}

/** acceptsKey for a presented string secret that `same` calls equal to the real key's secret. */
const secretCompare = (on: Array<'login' | 'bearer'>, same: (given: string, real: string) => boolean) =>
  acceptsKey(on, ({ fields, real }) =>
    real && typeof fields.key === 'string' && fields.key !== real.key && same(fields.key, real.key) ? real.value : undefined,
  );

/** Answers itself, with `answer()`, a presented key that decodes to a real key's id and secret but is
 * not byte for byte that key (a re-encoding of it). */
function reencodedAnswer(answer: () => ProxiedResponse): Fault {
  const ledger = new KeyLedger();
  return {
    request: (req) => {
      const raw = presentedKey(req, ['login', 'bearer']);
      if (raw === undefined || [...ledger.current.values()].includes(raw)) return undefined;
      const { fields } = decodeKey(raw);
      const real = [...ledger.current.values()].map((v) => decodeKey(v).fields).find((k) => k?.id === fields?.id);
      return real && fields && fields.key === real.key ? answer() : undefined;
    },
    response: (res, req) => void ledger.observe(res, req),
  };
}

export const faults: FaultCase[] = [
  {
    breaks: 'APIKEY-SHOWN-ONCE',
    fault: 'getting a key shows its value',
    proxy: keyReadsShowKey('one'),
  },
  {
    breaks: 'APIKEY-SHOWN-ONCE',
    fault: 'listing keys shows their values',
    proxy: keyReadsShowKey('list'),
  },
  {
    breaks: 'APIKEY-SHOWN-ONCE',
    fault: 'the rotate answer has no key (body.key null)',
    proxy: {
      response: (res, req) =>
        keyAnswer(res, req) && pathOf(req).endsWith('/rotate') ? editJson(res, (b) => void (b.body.key = null)) : res,
    },
  },
  {
    breaks: 'APIKEY-LAST-LOGIN',
    fault: 'last_login stays null after a key login',
    proxy: {
      response: (res, req) =>
        req.method === 'GET' && res.status === 200 && /\/api_keys\/[^/]+$/.test(pathOf(req))
          ? editJson(res, (b) => void (b.metadata.last_login = null))
          : res,
    },
  },
  {
    breaks: 'APIKEY-ROTATE',
    fault: 'the old key is still accepted after a rotation with retain period 0',
    grep: 'APIKEY-ROTATE ',
    proxy: rotatedOutKeysAccepted(),
  },
  {
    breaks: 'APIKEY-ROTATE-RETAIN',
    fault: 'every earlier key stays valid, not only the previous one',
    proxy: rotatedOutKeysAccepted(),
  },
  {
    breaks: 'APIKEY-ROTATE-RETAIN',
    fault: 'the retain period is ignored (rotations always use 0)',
    proxy: {
      request: (req) =>
        req.method === 'PUT' && pathOf(req).endsWith('/rotate')
          ? { ...req, body: Buffer.from(JSON.stringify({ retain_period_minutes: 0 })) }
          : undefined,
    },
  },
  {
    breaks: 'APIKEY-TOKEN-GENERATION',
    fault: 'tokens of a rotated-out key generation stay valid',
    proxy: ignoresRefusal(/generation that is no longer valid/, ['bearer']),
  },
  {
    breaks: 'APIKEY-DEACTIVATE',
    fault: 'a deactivated key still logs in',
    proxy: ignoresRefusal(/is not active/, ['login']),
  },
  {
    breaks: 'APIKEY-DEACTIVATE',
    fault: 'tokens of a deactivated key or service account stay valid',
    proxy: ignoresRefusal(/is not active/, ['bearer']),
  },
  {
    breaks: 'APIKEY-DEACTIVATE',
    fault: 'deactivating a service account has no effect',
    proxy: {
      request: (req) =>
        req.method === 'PUT' &&
        /^\/api\/v1\/service_accounts\/[^/]+$/.test(pathOf(req)) &&
        JSON.parse(req.body.toString('utf8') || '{}').active === false
          ? { ...req, body: Buffer.from('{}') }
          : undefined,
    },
  },
  {
    breaks: 'APIKEY-DELETE',
    fault: 'a deleted key still logs in',
    proxy: ignoresRefusal(/error retrieving API key/, ['login']),
  },
  {
    breaks: 'APIKEY-DELETE',
    fault: 'tokens of a deleted key stay valid',
    proxy: ignoresRefusal(/error retrieving API key/, ['bearer']),
  },
  {
    breaks: 'APIKEY-ADMIN-ONLY',
    fault: 'a non-admin may create service accounts (200 instead of 403)',
    proxy: nonAdminMayCreate(new RegExp(`^${SERVICE_ACCOUNTS}$`)),
  },
  {
    breaks: 'APIKEY-ADMIN-ONLY',
    fault: 'a non-admin may create API keys (200 instead of 403)',
    proxy: nonAdminMayCreate(/\/api_keys$/),
  },
  {
    breaks: 'APIKEY-BEARER',
    fault: 'a rotated-out key still works as a bearer',
    proxy: rotatedOutKeysAccepted(),
  },
  {
    breaks: 'APIKEY-BEARER',
    fault: 'a deactivated key still works as a bearer',
    proxy: ignoresRefusal(/is not active/, ['bearer']),
  },
  {
    breaks: 'APIKEY-BEARER',
    fault: 'a deleted key still works as a bearer',
    proxy: ignoresRefusal(/error retrieving API key/, ['bearer']),
  },
  {
    breaks: 'APIKEY-DOC-CURL',
    fault: 'keys contain + and /, and the unencoded curl login turns + into a space',
    expect: 'finding',
    proxy: keysWithPlusAndSlash(false),
  },
  {
    breaks: 'APIKEY-ROTATE-REVOKES-TOKENS',
    fault: 'tokens of a rotated-out key stay valid (as before key generations)',
    expect: 'finding',
    proxy: ignoresRefusal(/generation that is no longer valid/, ['bearer']),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'the login does not check the secret of a known key id',
    grep: 'APIKEY-FORGED .*at login',
    proxy: acceptsKey(['login'], ({ real }) => real?.value),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'a raw key as a bearer is not checked beyond its id',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: acceptsKey(['bearer'], ({ real }) => real?.value),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'secrets are compared case-insensitively',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: secretCompare(['login', 'bearer'], (given, real) => given.toLowerCase() === real.toLowerCase()),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'a prefix of the secret (cut or empty) is accepted',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: secretCompare(['login', 'bearer'], (given, real) => real.startsWith(given)),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'a secret with characters appended is accepted (only the real length is compared)',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: secretCompare(['login', 'bearer'], (given, real) => given.startsWith(real)),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'whitespace around the secret is trimmed',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: secretCompare(['login', 'bearer'], (given, real) => given.trim() === real),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'the last character of the secret is not compared',
    grep: 'APIKEY-FORGED .*at login',
    proxy: secretCompare(
      ['login', 'bearer'],
      (given, real) => given.length === real.length && given.slice(0, -1) === real.slice(0, -1),
    ),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: "the key id is not checked: any real key's secret logs in (as that key)",
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: acceptsKey(
      ['login', 'bearer'],
      ({ fields, known }) => known.find((k) => k.key === fields.key && k.id !== fields.id)?.value,
    ),
  },
  {
    breaks: 'APIKEY-FORGED',
    fault: 'a secret that is not a string (null, a number, an array) is accepted',
    grep: 'APIKEY-FORGED .*as a bearer',
    proxy: acceptsKey(['login', 'bearer'], ({ fields, real }) => (typeof fields.key !== 'string' ? real?.value : undefined)),
  },
  {
    breaks: 'APIKEY-KEY-VARIANTS',
    fault: "extra fields choose the account a key acts as (service_account_id names another account's key)",
    proxy: acceptsKey(['login', 'bearer'], ({ fields, real }, _raw, ledger) => {
      const account = typeof fields.service_account_id === 'string' ? ledger.ofAccount.get(fields.service_account_id) : undefined;
      return real && fields.key === real.key ? account : undefined;
    }),
  },
  {
    breaks: 'APIKEY-KEY-VARIANTS',
    fault: 'with two id fields the secret is checked against the last and the account taken from the first',
    grep: 'APIKEY-KEY-VARIANTS .*logs in',
    proxy: acceptsKey(['login', 'bearer'], ({ fields, real, known }, raw) => {
      const ids = [...decodeKey(raw).text.matchAll(/"id"\s*:\s*"([^"]+)"/g)].map((m) => m[1]);
      const first = ids.length > 1 ? known.find((k) => k.id === ids[0]) : undefined;
      return real && fields.key === real.key && first && first.id !== real.id ? first.value : undefined;
    }),
  },
  {
    breaks: 'APIKEY-KEY-VARIANTS',
    fault: 'a re-encoded real key crashes the server (500)',
    grep: 'APIKEY-KEY-VARIANTS .*as a bearer',
    proxy: reencodedAnswer(() => json(500, { detail: 'Internal Server Error' })),
  },
];

export const benign: BenignCase[] = [
  {
    change: 'keys contain + and /, and the server also takes them unencoded',
    grep: 'APIKEY-DOC-CURL|APIKEY-ROTATE |APIKEY-DELETE',
    proxy: keysWithPlusAndSlash(true),
  },
  {
    change: 'the server does not take a raw API key as a bearer (the bearer test skips)',
    grep: 'APIKEY-BEARER|APIKEY-LAST-LOGIN',
    proxy: {
      request: (req) =>
        /^ZEN(PRO)?KEY_/.test(bearerOf(req) ?? '')
          ? json(401, {
              // CredentialsNotValid, as any refused token must be (ERR-SIGN-IN-AGAIN).
              detail: [
                'CredentialsNotValid',
                'Authentication error: error decoding access token: Invalid JWT token: Not enough segments.',
              ],
            })
          : undefined,
    },
  },
  {
    change: 'a strict server refuses every re-encoding of a real key with 401',
    grep: 'APIKEY-KEY-VARIANTS|APIKEY-FORGED',
    proxy: reencodedAnswer(() => json(401, { detail: ['CredentialsNotValid', 'Authentication error: error decoding API key'] })),
  },
  {
    change: 'a secret bcrypt cannot take (NUL byte, over 4096 bytes) is refused with 401, no 422 or 500',
    grep: 'APIKEY-FORGED',
    proxy: {
      response: (res, req) => {
        const raw = presentedKey(req, ['login', 'bearer']);
        const key = raw === undefined ? undefined : decodeKey(raw).fields?.key;
        const unhashable = typeof key === 'string' && (key.includes('\u0000') || Buffer.byteLength(key) > 4096);
        return unhashable && (res.status === 422 || res.status === 500)
          ? json(401, { detail: ['CredentialsNotValid', 'Authentication error: could not verify key value'] })
          : res;
      },
    },
  },
];
