/**
 * Login (POST /api/v1/login, an OAuth2 token endpoint with a form body): the password and API-key
 * grants, and every way a login must be refused. The successful logins examined are the ones the
 * run already made (the admin's in the global setup, the service account's per worker), so that no
 * test pays bcrypt twice.
 */
import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { setCookies } from '../core/cookies';
import type { ApiResponse } from '../core/http';
import { claimsOf } from '../core/jwt';
import { excerpt } from '../core/redaction';
import { withOtherSecret } from '../zenml/api-key';
import type { ZenmlApi } from '../zenml/api';
import type { TokenResponse } from '../zenml/models';
import { expect, req, should, test } from '../fixtures/test';

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
/**
 * How far exp may differ from issue time + expires_in. With an iat claim: whole-second rounding and
 * processing time. Without one the issue time is the answer's Date header, which a busy server may
 * write seconds late (uvicorn refreshes it once a second, on its event loop): there, 1 % of the
 * lifetime, still far below anything that would make a client renew too late.
 */
const EXPIRY_SKEW_S = 5;
const DATE_SKEW_FRACTION = 0.01;

/** A wrong password nobody uses, so that finding it in an answer can only mean it was echoed. */
const distinctive = (kind: string) => `zct-${kind}-${randomBytes(12).toString('base64url')}`;

function expectWellFormedJwt(token: unknown, what: string): asserts token is string {
  expect(typeof token, `${what}: access_token is a string`).toBe('string');
  const segments = (token as string).split('.');
  expect(segments.length, `${what}: a JWS compact token has 3 segments, got ${segments.length}`).toBe(3);
  // Booleans, not values: a failed expect prints what it received, and this is a live token.
  for (const [i, s] of segments.entries())
    expect(/^[A-Za-z0-9_-]+$/.test(s), `${what}: segment ${i + 1} is non-empty base64url`).toBe(true);
  const header = decodeProtectedHeader(token as string);
  expect(
    typeof header.alg === 'string' && header.alg.toLowerCase() !== 'none',
    `${what}: header alg names a signing algorithm, got ${String(header.alg)}`,
  ).toBe(true);
  // RFC 7519 §5.1 "JWT"; RFC 9068 access tokens say "at+jwt".
  if (header.typ !== undefined) expect(String(header.typ), `${what}: header typ`).toMatch(/^(JWT|(application\/)?at\+jwt)$/i);
  expect(() => claimsOf(token as string), `${what}: the payload decodes to a JSON claims set`).not.toThrow();
}

/** A refused login: no 5xx, the expected status, no token anywhere, and none of the submitted
 * credentials repeated in the answer. */
function expectLoginRefused(res: ApiResponse<TokenResponse>, what: string, status: 401 | '4xx', sent: string[]): void {
  expect(res).toHaveStatus(status === 401 ? 401 : '4xx', what);
  expect(res.body?.access_token === undefined, `${what}: expected no access_token, got ${excerpt(res.text)}`).toBe(true);
  expect(JWT_SHAPE.test(res.text), `${what}: expected no token in the body, got ${excerpt(res.text)}`).toBe(false);
  expect(JWT_SHAPE.test(res.headers['set-cookie'] ?? ''), `${what}: a refused login sets no token cookie`).toBe(false);
  expectNoEcho(res, what, sent);
}

function expectNoEcho(res: ApiResponse, what: string, sent: string[]): void {
  const places: Array<[string, string]> = [
    ...Object.entries(res.headers).map(([k, v]): [string, string] => [`header ${k}`, v]),
    ['body', res.text],
  ];
  for (const value of sent) {
    const spellings = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
    const where = places.find(([, text]) => spellings.some((s) => text.includes(s)));
    expect
      .about('LOGIN-NO-ECHO')(
        where === undefined,
        `${what}: the ${where?.[0]} repeats a submitted credential (${value.length} chars): ${where ? excerpt(where[1]) : ''}`,
      )
      .toBe(true);
  }
}

/** expires_in must describe the token's own lifetime (exp − iat, or exp − the answer's Date). */
function expectExpiresInAgrees(res: ApiResponse<TokenResponse>, what: string): void {
  const body = res.body;
  const claims = claimsOf(body.access_token!);
  if (body.expires_in === null || body.expires_in === undefined) return; // RFC 6749 §5.1: only RECOMMENDED
  expect(body.expires_in, `${what}: expires_in is a positive number of seconds`).toBeGreaterThan(0);
  expect(claims.exp, `${what}: expires_in is ${body.expires_in} but the token carries no exp`).toEqual(expect.any(Number));
  const issued = claims.iat ?? Date.parse(res.headers.date ?? '') / 1000;
  expect(Number.isFinite(issued), `${what}: neither an iat claim nor a Date header says when the token was issued`).toBe(true);
  const lifetime = claims.exp! - issued;
  const skew = claims.iat !== undefined ? EXPIRY_SKEW_S : Math.max(EXPIRY_SKEW_S, body.expires_in * DATE_SKEW_FRACTION);
  expect(
    Math.abs(lifetime - body.expires_in),
    `${what}: expires_in ${body.expires_in} s, but exp − ${claims.iat !== undefined ? 'iat' : 'Date'} is ${lifetime.toFixed(1)} s (allowed: ±${skew} s)`,
  ).toBeLessThanOrEqual(skew);
}

function cacheControl(res: ApiResponse): string[] {
  return (res.headers['cache-control'] ?? '').split(',').map((d) => d.trim().toLowerCase());
}

// --- the password grant ----------------------------------------------------------------------------

test(
  ...req('LOGIN-PASSWORD', 'the admin password grant returns 200, a well-formed JWT for the admin and token_type bearer'),
  async ({ admin }) => {
    const res = admin.response;
    expect(res).toHaveStatus(200, 'admin login');
    expectWellFormedJwt(res.body.access_token, 'admin login');
    // RFC 6749 §5.1: the token type is case-insensitive.
    expect(
      res.body.token_type?.toLowerCase(),
      `admin login: token_type is bearer (any case), got ${JSON.stringify(res.body.token_type)}`,
    ).toBe('bearer');
    expect(
      claimsOf(res.body.access_token).sub,
      'admin login: the token subject is the admin that logged in (current-user id)',
    ).toBe(admin.userId);
    if (typeof res.body.refresh_token === 'string')
      expect(res.body.refresh_token !== res.body.access_token, 'a refresh_token is not the access token again').toBe(true);
  },
);

test(
  ...req('LOGIN-EXPIRES-IN', 'expires_in agrees with the exp claim for the password and API-key grants'),
  async ({ admin, serviceAccount }) => {
    expectExpiresInAgrees(admin.response, 'admin password login');
    expectExpiresInAgrees(serviceAccount.session.response, 'API-key login');
  },
);

test(
  ...req('LOGIN-COOKIE', 'a session cookie set at login is HttpOnly and SameSite Lax or Strict (Secure on https)'),
  async ({ admin, target }) => {
    const res = admin.response;
    const all = setCookies(res);
    // The session cookie is the one carrying the token; a server may name it as it likes.
    const session = all.some((c) => c.value === res.body.access_token)
      ? all.filter((c) => c.value === res.body.access_token)
      : all;
    test.info().annotations.push({
      type: 'cookie',
      description: session.length ? session.map((c) => `${c.name}; ${c.attributeText}`).join(' | ') : 'no cookie set at login',
    });
    for (const c of session) {
      const sameSite = c.attributes.get('samesite')?.toLowerCase();
      should(c.attributes.has('httponly'), 'LOGIN-COOKIE', `the login cookie ${c.name} is not HttpOnly`, res.exchange);
      should(
        sameSite === 'lax' || sameSite === 'strict',
        'LOGIN-COOKIE',
        `the login cookie ${c.name} has SameSite=${sameSite ?? '(none)'}, expected Lax or Strict`,
        res.exchange,
      );
      if (target.baseURL.startsWith('https:'))
        should(
          c.attributes.has('secure'),
          'LOGIN-COOKIE',
          `the login cookie ${c.name} is not Secure on an https target`,
          res.exchange,
        );
    }
  },
);

test(
  ...req('LOGIN-NO-STORE', 'token responses (password and API-key grants) carry Cache-Control: no-store'),
  async ({ admin, serviceAccount }) => {
    for (const [what, res] of [
      ['admin password login', admin.response],
      ['API-key login', serviceAccount.session.response],
    ] as const) {
      should(
        cacheControl(res).includes('no-store'),
        'LOGIN-NO-STORE',
        `${what}: Cache-Control is ${JSON.stringify(res.headers['cache-control'] ?? null)}`,
        res.exchange,
      );
    }
  },
);

// --- the API-key grant -----------------------------------------------------------------------------

test(
  ...req('LOGIN-APIKEY', 'an API key alone in password logs in as its service account, without a cookie'),
  async ({ zenml, serviceAccount }) => {
    const res = serviceAccount.session.response;
    expect(res).toHaveStatus(200, 'API-key login');
    expectWellFormedJwt(res.body.access_token, 'API-key login');
    expect(res.body.token_type?.toLowerCase(), `API-key login: token_type, got ${JSON.stringify(res.body.token_type)}`).toBe(
      'bearer',
    );
    expect(
      res.headers['set-cookie'] === undefined,
      `API-key login: no Set-Cookie (a service account has no browser session), got ${excerpt(res.headers['set-cookie'] ?? '')}`,
    ).toBe(true);
    const me = await zenml.currentUser.get(res.body.access_token);
    expect(me).toHaveStatus(200, 'current-user with the API-key token');
    expect(me.body.id, 'current-user is the service account the key belongs to').toBe(serviceAccount.account.id);
    expect(me.body.name, 'current-user name').toBe(serviceAccount.account.name);
    expect(me.body.body.is_service_account, 'is_service_account').toBe(true);
    expect(me.body.body.is_admin, 'a service account is no admin').toBe(false);
  },
);

// --- refused logins --------------------------------------------------------------------------------

test(
  ...req('LOGIN-BAD-CREDENTIALS', 'a wrong password for the admin is refused with 401', { also: ['LOGIN-NO-ECHO'] }),
  async ({ zenml, admin }) => {
    // One attempt only: a target with login rate limiting counts failures per client.
    const password = distinctive('wrong-password');
    expectLoginRefused(await zenml.login.password(admin.name, password), 'wrong admin password', 401, [password]);
  },
);

test(
  ...req('LOGIN-BAD-CREDENTIALS', 'an unknown user is refused with 401', { also: ['LOGIN-NO-ECHO'] }),
  async ({ zenml, target }) => {
    const password = distinctive('unknown-user-password');
    expectLoginRefused(
      await zenml.login.password(`${target.runId}-nobody-${randomBytes(4).toString('hex')}`, password),
      'unknown user',
      401,
      [password],
    );
  },
);

test(
  ...req('LOGIN-BAD-CREDENTIALS', 'an API key with the right id but a wrong secret is refused with 401', {
    also: ['LOGIN-NO-ECHO'],
  }),
  async ({ zenml, serviceAccount }) => {
    const forged = withOtherSecret(serviceAccount.key.value, (n) => randomBytes(n).toString('hex').slice(0, n));
    test.skip(!forged, "the API key is not in ZenML's ZENKEY_<base64 JSON> format, so no same-id variant can be made");
    expectLoginRefused(await zenml.login.apiKey(forged!), 'API key with a wrong secret', 401, [forged!]);
  },
);

test(
  ...req('LOGIN-BAD-CREDENTIALS', 'a malformed API key is refused with 401', { also: ['LOGIN-NO-ECHO'] }),
  async ({ zenml }) => {
    const key = `ZENKEY_${distinctive('malformed-key')}`;
    expectLoginRefused(await zenml.login.apiKey(key), 'malformed API key', 401, [key]);
  },
);

// Real credentials where the request is otherwise wrong: a refusal then shows the request was refused,
// not the credentials.
const badRequests: Array<{
  name: string;
  credentials: boolean;
  send: (zenml: ZenmlApi, creds: { username: string; password: string }) => Promise<ApiResponse<TokenResponse>>;
}> = [
  { name: 'an empty form', credentials: false, send: (zenml) => zenml.login.form('') },
  {
    name: 'an unsupported grant_type with the real credentials',
    credentials: true,
    send: (zenml, creds) => zenml.login.form({ grant_type: 'zct-unsupported-grant', ...creds }),
  },
  {
    name: 'a JSON body with the real credentials instead of a form',
    credentials: true,
    send: (zenml, creds) => zenml.login.json(creds),
  },
  { name: 'GET instead of POST', credentials: false, send: (zenml) => zenml.login.get() },
];

for (const c of badRequests) {
  test(
    ...req('LOGIN-BAD-REQUEST', `${c.name} is refused with a 4xx and no token`, { also: ['LOGIN-NO-ECHO'] }),
    async ({ zenml, admin, target }) => {
      const creds = { username: admin.name, password: target.password ?? '' };
      expectLoginRefused(await c.send(zenml, creds), c.name, '4xx', c.credentials && creds.password ? [creds.password] : []);
    },
  );
}

test(
  ...req('LOGIN-QUERY-CREDENTIALS', 'credentials in the query string do not log in (POST and GET, password and API key)', {
    also: ['LOGIN-NO-ECHO'],
    writes: true,
  }),
  async ({ zenml, resources, serviceAccount }) => {
    // A throwaway user: credentials in a URL end up in access logs, so never the admin's.
    const user = await resources.user();
    const creds = { username: user.name, password: user.password };
    expectLoginRefused(await zenml.login.form('', { params: creds }), 'POST with username and password in the query', '4xx', [
      user.password,
    ]);
    expectLoginRefused(await zenml.login.get(creds), 'GET with username and password in the query', '4xx', [user.password]);
    expectLoginRefused(
      await zenml.login.form('', { params: { password: serviceAccount.key.value } }),
      'POST with the API key in the query',
      '4xx',
      [serviceAccount.key.value],
    );
    // The control: the same credentials in the form do log in, so the refusals above were about the query.
    expect(await zenml.login.password(user.name, user.password)).toHaveStatus(200, 'the same credentials in the form');
  },
);

test(
  ...req('LOGIN-NO-ECHO', 'unusual passwords and keys (markup, quotes, non-ASCII, percent signs) are not echoed'),
  async ({ zenml, target }) => {
    const core = distinctive('echo');
    const odd = `${core}<b>"'%25%00é漢`;
    // Looking for the plain core catches an echo however the rest was escaped.
    expectLoginRefused(
      await zenml.login.password(`${target.runId}-nobody-${randomBytes(4).toString('hex')}`, odd),
      'unknown user with an unusual password',
      401,
      [core],
    );
    expectLoginRefused(await zenml.login.apiKey(odd), 'an unusual value as API key', 401, [core]);
  },
);
