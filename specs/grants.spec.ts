/**
 * Explicit grants: the ZenML Python client sends grant_type=password and grant_type=zenml-api-key
 * (zen_stores/rest_zen_store.py), where the docs' curl examples leave grant_type out. Both spellings
 * must be the same login; a grant_type the server does not know must not log in at all, whatever
 * credentials come with it. And a refused device-code poll, the one error answer of the token endpoint
 * the rest of the suite does not provoke, so that ZenML's error contract (ERR-*, checked on every
 * answer by zenml/error-contract.ts) sees one.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sessionCookieOf, setCookies, type SetCookie } from '../core/cookies';
import type { ApiResponse } from '../core/http';
import { claimsOf } from '../core/jwt';
import { excerpt } from '../core/redaction';
import type { TargetConfig } from '../core/target';
import type { TokenResponse } from '../zenml/models';
import { expect, req, test } from '../fixtures/test';

const JWT_SHAPE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./;
/** expires_in and Max-Age of two logins a moment apart may differ by rounding. */
const LIFETIME_SKEW_S = 5;
/** Claims whose values differ between any two logins. */
const PER_TOKEN_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);
/** Cookie attributes whose values count down with the token's lifetime. */
const LIFETIME_ATTRIBUTES = new Set(['max-age', 'expires']);

function sessionCookie(res: ApiResponse<TokenResponse>, target: TargetConfig): SetCookie | undefined {
  return sessionCookieOf(setCookies(res), { token: res.body?.access_token, name: `zenml-server-${target.server.id}` });
}

/** The explicit login answers as the implicit one did: the same kind of token for the same identity. */
function expectSameLogin(
  implicit: ApiResponse<TokenResponse>,
  explicit: ApiResponse<TokenResponse>,
  target: TargetConfig,
  what: string,
): void {
  expect(implicit).toHaveStatus(200, `${what}, implicit (no grant_type)`);
  expect(explicit).toHaveStatus(200, `${what}, explicit grant_type`);
  const [i, e] = [implicit.body, explicit.body];
  expect(typeof e.access_token, `${what}: the explicit grant answers with an access_token`).toBe('string');
  expect(e.token_type?.toLowerCase(), `${what}: token_type`).toBe(i.token_type?.toLowerCase());
  const [ic, ec] = [claimsOf(i.access_token!), claimsOf(e.access_token!)];
  expect(ec.sub, `${what}: the explicit grant's token is the same identity (sub)`).toBe(ic.sub);
  expect(Object.keys(ec).sort(), `${what}: the explicit grant's token carries the same claims`).toEqual(Object.keys(ic).sort());
  for (const k of Object.keys(ic).filter((k) => !PER_TOKEN_CLAIMS.has(k)))
    expect(ec[k], `${what}: claim ${k} of the explicit grant's token`).toEqual(ic[k]);
  const lifetimes = [i.expires_in, e.expires_in];
  if (lifetimes.some((l) => typeof l === 'number'))
    expect(
      lifetimes.every((l) => typeof l === 'number') && Math.abs(lifetimes[0] - lifetimes[1]) <= LIFETIME_SKEW_S,
      `${what}: expires_in ${String(e.expires_in)}, the implicit form's ${String(i.expires_in)}`,
    ).toBe(true);
  expect(typeof e.csrf_token === 'string', `${what}: a csrf_token where the implicit form has one, and only there`).toBe(
    typeof i.csrf_token === 'string',
  );
  const [icookie, ecookie] = [sessionCookie(implicit, target), sessionCookie(explicit, target)];
  expect(
    ecookie === undefined,
    `${what}: a session cookie exactly where the implicit form sets one; explicit: ${excerpt(explicit.headers['set-cookie'] ?? '(none)')}`,
  ).toBe(icookie === undefined);
  if (icookie && ecookie) {
    expect(ecookie.name, `${what}: the session cookie's name`).toBe(icookie.name);
    const attributes = (c: SetCookie) =>
      [...c.attributes]
        .filter(([k]) => !LIFETIME_ATTRIBUTES.has(k))
        .map(([k, v]) => `${k}=${v.toLowerCase()}`)
        .sort();
    expect(attributes(ecookie), `${what}: the session cookie's attributes`).toEqual(attributes(icookie));
    expect([...ecookie.attributes.keys()].sort(), `${what}: the session cookie's attribute names`).toEqual(
      [...icookie.attributes.keys()].sort(),
    );
  }
}

test(
  ...req('GRANT-PASSWORD-EXPLICIT', 'grant_type=password is the same login as the implicit password form, for a user', {
    writes: true,
  }),
  async ({ zenml, resources, target }) => {
    const user = await resources.user();
    const [implicit, explicit] = await Promise.all([
      zenml.login.password(user.name, user.password),
      zenml.login.password(user.name, user.password, { grantType: true }),
    ]);
    expectSameLogin(implicit, explicit, target, 'password login');
    const me = await zenml.currentUser.get(explicit.body.access_token);
    expect(me).toHaveStatus(200, "current-user with the explicit grant's token");
    expect(me.body.id, 'the explicit grant logs in as the user').toBe(user.id);
  },
);

test(
  ...req('GRANT-APIKEY-EXPLICIT', 'grant_type=zenml-api-key is the same login as the API key alone in password'),
  async ({ zenml, serviceAccount, target }) => {
    const explicit = await zenml.login.apiKey(serviceAccount.key.value, { grantType: true });
    expectSameLogin(serviceAccount.session.response, explicit, target, 'API-key login');
    const me = await zenml.currentUser.get(explicit.body.access_token);
    expect(me).toHaveStatus(200, "current-user with the explicit grant's token");
    expect(me.body.id, 'the explicit grant logs in as the service account').toBe(serviceAccount.account.id);
  },
);

test(
  ...req(
    'GRANT-UNKNOWN',
    'unknown grant types are refused with a 4xx and no token, with a good password and with a good API key',
    {
      writes: true,
    },
  ),
  async ({ zenml, resources, serviceAccount, target }) => {
    const user = await resources.user();
    const key = serviceAccount.key.value;
    const made = `zct-unknown-grant-${randomBytes(4).toString('hex')}`;
    // RFC 6749 grants ZenML does not offer, a JWT-bearer assertion grant, one nobody has, and ZenML's
    // own external grant where the server does not use the external scheme.
    const grants = [
      'client_credentials',
      'refresh_token',
      'authorization_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
      made,
      ...(target.server.authScheme.toUpperCase() === 'EXTERNAL' ? [] : ['zenml-external']),
    ];
    const cases: Array<[string, Record<string, string>]> = [
      ...grants.map((g): [string, Record<string, string>] => [
        `grant_type=${g} with the user's good password`,
        { grant_type: g, username: user.name, password: user.password },
      ]),
      [`grant_type=client_credentials with a good API key`, { grant_type: 'client_credentials', password: key }],
      [
        `grant_type=client_credentials with a good API key as client_secret`,
        { grant_type: 'client_credentials', client_secret: key },
      ],
      [`grant_type=${made} with a good API key`, { grant_type: made, password: key }],
    ];
    const answers = await Promise.all(cases.map(([, form]) => zenml.login.form(form)));
    for (const [i, res] of answers.entries()) {
      const what = cases[i][0];
      expect(res).toHaveStatus('4xx', what);
      expect(res.body?.access_token === undefined, `${what}: no access_token, got ${excerpt(res.text)}`).toBe(true);
      expect(JWT_SHAPE.test(res.text), `${what}: no token in the body, got ${excerpt(res.text)}`).toBe(false);
      expect(JWT_SHAPE.test(res.headers['set-cookie'] ?? ''), `${what}: no token cookie`).toBe(false);
    }
  },
);

test(
  ...req(
    'ERR-DEVICE-BODY',
    'a device-code poll for a device the server never authorized is refused (4xx, no token), with an RFC 6749 §5.2 body',
  ),
  async ({ zenml }) => {
    // The body is held to the rule by the validating client (zenml/error-contract.ts), as every refused
    // device-code poll of the run is; this test makes sure the run has one.
    const res = await zenml.login.device(randomUUID(), randomBytes(32).toString('hex'));
    expect(res).toHaveStatus('4xx', 'a device-code poll for an unknown client id and device code');
    expect(JWT_SHAPE.test(res.text), `no token in the body, got ${excerpt(res.text)}`).toBe(false);
  },
);
