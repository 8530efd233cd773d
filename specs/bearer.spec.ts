/**
 * Bearer validation on a protected operation (GET /api/v1/current-user): the right identity for a
 * valid token, 401 for everything else. Forged tokens are built from a real token of this run
 * (fixtures/jwt-forge.ts), so that each differs from an accepted token only in what is attacked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiResponse, Auth } from '../core/http';
import {
  algOf,
  claimsOf,
  embeddedJwkSigned,
  HMAC_ALGS,
  hmacSigned,
  randomKey,
  tamperedPayload,
  tamperedSignature,
  truncated,
  unsigned,
  type Claims,
} from '../core/jwt';
import { excerpt } from '../core/redaction';
import { PATHS, type Extra, type ZenmlApi } from '../zenml/api';
import type { Session } from '../fixtures/sessions';
import { expect, expectCredentialRefused, req, should, test } from '../fixtures/test';

/** `Authorization: <value>` exactly as given (a bearer `auth` always writes "Bearer "). */
const authorization = (value: string): Extra => ({ headers: { Authorization: value } });

/** How a case presents its credential: a bearer token, or a whole Authorization header. */
type Presented = { auth: Auth } | { extra: Extra };

const currentUser = (zenml: ZenmlApi, p: Presented) =>
  'auth' in p ? zenml.currentUser.get(p.auth) : zenml.currentUser.get(undefined, p.extra);

async function expectBearerRefused(zenml: ZenmlApi, p: Presented, what: string): Promise<ApiResponse> {
  const res = await currentUser(zenml, p);
  expectCredentialRefused(res, what);
  return res;
}

function hasBearerChallenge(res: ApiResponse): boolean {
  return /^\s*bearer\b/i.test(res.headers['www-authenticate'] ?? '');
}

// --- valid tokens ----------------------------------------------------------------------------------

test(...req('BEARER-VALID', 'the admin token is accepted as the admin'), async ({ zenml, admin, target }) => {
  const res = await zenml.currentUser.get(admin.token);
  expect(res).toHaveStatus(200, 'current-user with the admin token');
  const me = res.body;
  expect(me.name, 'the user that logged in').toBe(target.username);
  expect(me.id, 'current-user id is the token subject').toBe(claimsOf(admin.token).sub);
  expect(me.body.is_service_account, 'is_service_account').toBe(false);
});

test(
  ...req('BEARER-VALID', 'a service-account token is that service account, not the admin'),
  async ({ zenml, admin, serviceAccount }) => {
    const res = await zenml.currentUser.get(serviceAccount.session.token);
    expect(res).toHaveStatus(200, 'current-user with the service-account token');
    const me = res.body;
    expect(me.id, 'current-user is the service account').toBe(serviceAccount.account.id);
    expect(me.id, 'current-user is not the admin').not.toBe(admin.userId);
    expect(me.name, 'current-user name').toBe(serviceAccount.account.name);
    expect(me.body.is_service_account, 'is_service_account').toBe(true);
    expect(me.body.is_admin, 'a service account is no admin').toBe(false);
  },
);

test(...req('BEARER-SCHEME-CASE', 'the scheme name is matched case-insensitively (bearer, BEARER)'), async ({ zenml, admin }) => {
  for (const scheme of ['bearer', 'BEARER']) {
    const res = await zenml.currentUser.get(undefined, authorization(`${scheme} ${admin.token}`));
    should(
      res.status === 200,
      'BEARER-SCHEME-CASE',
      `"${scheme} <admin token>" answered ${res.status} ${excerpt(res.text)}`,
      res.exchange,
    );
  }
});

test(
  ...req('BEARER-OWS', 'whitespace around the value and two spaces after the scheme leave the token as it is'),
  async ({ zenml, admin }) => {
    const variants: Array<[string, string]> = [
      ['a trailing space', `Bearer ${admin.token} `],
      ['a leading space', ` Bearer ${admin.token}`],
      ['two spaces after the scheme', `Bearer  ${admin.token}`],
    ];
    for (const [what, value] of variants) {
      const res = await zenml.currentUser.get(undefined, authorization(value));
      should(
        res.status === 200 && res.body.id === admin.userId,
        'BEARER-OWS',
        `"Bearer <admin token>" with ${what} answered ${res.status} ${excerpt(res.text)}`,
        res.exchange,
      );
    }
  },
);

// --- no or malformed credentials -------------------------------------------------------------------

test(
  ...req('BEARER-MISSING', 'protected operations without credentials answer 401 with a Bearer challenge', {
    also: ['BEARER-WWW-AUTHENTICATE'],
  }),
  async ({ zenml }) => {
    const calls: Array<[string, () => Promise<ApiResponse>]> = [
      [PATHS.currentUser, () => zenml.currentUser.get()],
      [PATHS.users, () => zenml.users.list({})],
      [PATHS.serviceAccounts, () => zenml.serviceAccounts.list({})],
      [PATHS.apiToken, () => zenml.apiToken({})],
    ];
    for (const [path, call] of calls) {
      const res = await call();
      expect(res).toHaveStatus(401, `GET ${path} without credentials`);
      should(
        hasBearerChallenge(res),
        'BEARER-WWW-AUTHENTICATE',
        `GET ${path} without credentials: 401 with WWW-Authenticate ${JSON.stringify(res.headers['www-authenticate'] ?? null)}`,
        res.exchange,
      );
    }
  },
);

test(
  ...req('BEARER-WWW-AUTHENTICATE', 'a 401 for an invalid bearer token carries WWW-Authenticate: Bearer'),
  async ({ zenml }) => {
    const res = await expectBearerRefused(zenml, { auth: `zct-invalid-${randomBytes(8).toString('hex')}` }, 'an invalid token');
    should(
      hasBearerChallenge(res),
      'BEARER-WWW-AUTHENTICATE',
      `401 for an invalid token with WWW-Authenticate ${JSON.stringify(res.headers['www-authenticate'] ?? null)} (RFC 6750 §3: error="invalid_token")`,
      res.exchange,
    );
  },
);

/** Each case builds its credential from the worker's real tokens. */
const malformed: Array<{ name: string; present: (admin: Session, sa: Session) => Presented }> = [
  { name: 'the real token under the Basic scheme', present: (admin) => ({ extra: authorization(`Basic ${admin.token}`) }) },
  { name: 'the real token under the Token scheme', present: (admin) => ({ extra: authorization(`Token ${admin.token}`) }) },
  { name: 'the real token without a scheme', present: (admin) => ({ extra: authorization(admin.token) }) },
  { name: 'an empty token', present: () => ({ extra: authorization('Bearer ') }) },
  { name: 'a garbage token', present: () => ({ auth: `zct-garbage-${randomBytes(8).toString('hex')}` }) },
  { name: 'a truncated token', present: (admin) => ({ auth: truncated(admin.token) }) },
  { name: 'a tampered signature', present: (admin) => ({ auth: tamperedSignature(admin.token) }) },
  // The escalation attempt: a service account's token claiming the admin, its signature kept.
  {
    name: "a service account's token with sub changed to the admin, signature kept",
    present: (admin, sa) => ({ auth: tamperedPayload(sa.token, (c) => ({ ...c, sub: admin.userId })) }),
  },
];

for (const c of malformed) {
  test(...req('BEARER-MALFORMED', `${c.name} answers 401`), async ({ zenml, admin, serviceAccount }) => {
    await expectBearerRefused(zenml, c.present(admin, serviceAccount.session), c.name);
  });
}

// --- forged signatures -----------------------------------------------------------------------------

for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
  test(
    ...req('BEARER-ALG-NONE', `the admin's claims with alg "${alg}" and an empty signature answer 401`),
    async ({ zenml, admin }) => {
      await expectBearerRefused(zenml, { auth: unsigned(admin.token, alg) }, `alg ${alg}`);
    },
  );
}

const wrongKeys: Array<{ name: string; token: (real: string) => string | Promise<string> }> = [
  { name: 'the real algorithm with a random key', token: (real) => hmacSigned(real, randomKey()) },
  { name: 'the real algorithm with an empty key (CVE-2019-20933)', token: (real) => hmacSigned(real, '') },
  {
    name: 'RS256 with the public key embedded in a jwk header (CVE-2018-0114)',
    token: (real) => embeddedJwkSigned(real, 'RS256'),
  },
  { name: 'ES256 with the public key embedded in a jwk header', token: (real) => embeddedJwkSigned(real, 'ES256') },
];

for (const c of wrongKeys) {
  test(...req('BEARER-WRONG-KEY', `the admin's claims signed with ${c.name} answer 401`), async ({ zenml, admin }) => {
    await expectBearerRefused(zenml, { auth: await c.token(admin.token) }, c.name);
  });
}

test(
  ...req(
    'BEARER-WRONG-KEY',
    "the admin's claims under the other HMAC algorithms answer 401 (signed with the server's secret when known)",
  ),
  async ({ zenml, admin, target }) => {
    // With the server's secret this checks the algorithm allow-list (RFC 8725 §3.1); without it, still a wrong key.
    for (const alg of HMAC_ALGS.filter((a) => a !== algOf(admin.token))) {
      await expectBearerRefused(
        zenml,
        { auth: hmacSigned(admin.token, target.jwtSecret ?? randomKey(), { alg }) },
        `${alg}${target.jwtSecret ? " with the server's secret" : ' with a random key'}`,
      );
    }
  },
);

// --- claims, with the server's signing secret (white-box) ------------------------------------------

const NO_SECRET = "needs the server's JWT signing secret to sign tokens with chosen claims: set ZENML_JWT_SECRET";

/** The real claims with a fresh token id: re-signing them unchanged would give back the very token
 * the server issued (HMAC is deterministic), which proves nothing about tokens it did not issue. */
const fresh = (c: Claims): Claims => ({ ...c, jti: randomUUID() });

/** A token we sign with the server's secret must be accepted as `expected`; only then does the
 * refusal of the same token with one claim changed show that the claim was checked. */
async function expectClaimRefused(
  zenml: ZenmlApi,
  real: string,
  secret: string,
  expected: string,
  edit: (c: Claims) => Claims,
  what: string,
): Promise<void> {
  const base = fresh(claimsOf(real));
  const control = await zenml.currentUser.get(hmacSigned(real, secret, { edit: () => base }));
  expect(control).toHaveStatus(
    200,
    "control: a token signed with the server's secret and the real claims (new jti) must be accepted, or the refusal below proves nothing",
  );
  expect(control.body.id, 'control: the identity of the unchanged claims').toBe(expected);
  await expectBearerRefused(zenml, { auth: hmacSigned(real, secret, { edit: () => edit({ ...base }) }) }, what);
}

const without = (claim: string) => (c: Claims) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== claim)) as Claims;
const now = () => Math.floor(Date.now() / 1000);

const claimCases: Array<{ name: string; edit: (c: Claims) => Claims }> = [
  // Far beyond any leeway; only exp changes (iat stays), so nothing else can be the reason.
  { name: 'exp an hour in the past', edit: (c) => ({ ...c, exp: now() - 3600 }) },
  { name: 'aud of another server', edit: (c) => ({ ...c, aud: randomUUID() }) },
  { name: 'no aud', edit: without('aud') },
  { name: 'iss of another issuer', edit: (c) => ({ ...c, iss: randomUUID() }) },
  { name: 'no iss', edit: without('iss') },
  { name: 'no sub', edit: without('sub') },
  { name: 'a sub that is not a UUID', edit: (c) => ({ ...c, sub: 'admin' }) },
  { name: 'the sub of an account that does not exist', edit: (c) => ({ ...c, sub: randomUUID() }) },
];

for (const c of claimCases) {
  test(...req('BEARER-CLAIMS', `a correctly signed token with ${c.name} answers 401`), async ({ zenml, admin, target }) => {
    test.skip(!target.jwtSecret, NO_SECRET);
    await expectClaimRefused(zenml, admin.token, target.jwtSecret!, admin.userId, c.edit, c.name);
  });
}

test(
  ...req('BEARER-CLAIMS', 'a correctly signed token for a deleted service account answers 401', { writes: true }),
  async ({ zenml, admin, resources, target }) => {
    test.skip(!target.jwtSecret, NO_SECRET);
    const account = await resources.serviceAccount();
    const token = hmacSigned(admin.token, target.jwtSecret!, { edit: (c) => ({ ...fresh(c), sub: account.id }) });
    const before = await zenml.currentUser.get(token);
    expect(before).toHaveStatus(200, 'control: while the service account exists a token for it must be accepted');
    expect(before.body.id, 'control: the token is the service account').toBe(account.id);
    await resources.deleteServiceAccount(account);
    await expectBearerRefused(zenml, { auth: token }, 'a token for the deleted service account');
  },
);
