/**
 * Revocation: a person's credentials stop working when they should (a password change, deactivation,
 * deletion), the activation flow restores an account once and only with its own token, and every token
 * derived from a credential (the login token, the api_tokens minted from it, the api_tokens minted
 * from those) stops with that credential. Every test makes its own run-prefixed users and service
 * accounts through `resources`; the admin's password is never touched.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiResponse } from '../core/http';
import { claimsOf, hmacSigned, type Claims } from '../core/jwt';
import { excerpt } from '../core/redaction';
import type { RequirementId } from '../core/req';
import type { ZenmlApi } from '../zenml/api';
import type { TokenResponse } from '../zenml/models';
import { SetupFailed, type Resources, type User } from '../fixtures/resources';
import { expect, expectTokenRefused, req, should, test } from '../fixtures/test';

/** Who a credential should act as. */
interface Identity {
  id: string;
  name: string;
}

const JWT_SHAPE = /eyJ[\w-]+\.[\w-]+\./;

/** The token acts as `who` (GET /current-user). */
async function expectActsAs(zenml: ZenmlApi, token: string, who: Identity, what: string, about?: RequirementId) {
  const check = about ? expect.about(about) : expect;
  const res = await zenml.currentUser.get(token);
  check(res).toHaveStatus(200, what);
  check(res.body.id, `${what}: current-user must be ${who.name}, got ${excerpt(res.text, 200)}`).toBe(who.id);
}

/** A login refused: 401 and no token in the answer. */
function expectLoginRefused(res: ApiResponse<TokenResponse>, what: string, about?: RequirementId): void {
  const check = about ? expect.about(about) : expect;
  check(res).toHaveStatus(401, what);
  check(JWT_SHAPE.test(res.text), `${what}: a refused login carries no token, got ${excerpt(res.text, 200)}`).toBe(false);
}

/** A login that works and whose token acts as `who`; returns the token. */
async function expectLogsIn(zenml: ZenmlApi, user: User, who: Identity, what: string, about?: RequirementId): Promise<string> {
  const check = about ? expect.about(about) : expect;
  const res = await zenml.login.password(user.name, user.password);
  check(res).toHaveStatus(200, what);
  const token = res.body.access_token ?? '';
  await expectActsAs(zenml, token, who, `${what}: its token`, about);
  return token;
}

/** An api_token minted from `token`, as setup: a refusal here is no verdict about revocation. */
async function mint(zenml: ZenmlApi, token: string, what: string): Promise<string> {
  const res = await zenml.apiToken(token);
  if (res.status !== 200 || typeof res.body !== 'string')
    throw new SetupFailed(`setup: GET /api_token with ${what} answered ${res.status} ${excerpt(res.text, 200)}`);
  return res.body;
}

/** A refused GET /api_token: a 4xx and no token. */
async function expectNoMint(zenml: ZenmlApi, token: string, what: string): Promise<void> {
  const res = await zenml.apiToken(token);
  expect(res).toHaveStatus('4xx', `GET /api_token with ${what}`);
  expect(JWT_SHAPE.test(res.text), `GET /api_token with ${what}: no token in the answer`).toBe(false);
}

/** A setup step through the API that must work for the test to mean anything. */
function setupOk(res: ApiResponse, what: string): void {
  if (res.status !== 200) throw new SetupFailed(`setup: ${what} answered ${res.status} ${excerpt(res.text, 200)}`);
}

/** White-box: a token for the account of `real` that we sign now with the server's secret, with a
 * fresh jti and no iat (a signed iat older than the account would be refused for that reason alone).
 * Accepted while the account is active, it shows that a refusal afterwards comes from the account's
 * state, not from which tokens the server handed out. Undefined (and said so) when even the active
 * account's signed token is refused: then it proves nothing. */
async function signedNow(zenml: ZenmlApi, real: string, secret: string, who: Identity): Promise<string | undefined> {
  const { iat: _iat, ...claims } = claimsOf(real);
  const edit = (): Claims => ({
    ...claims,
    jti: randomUUID(),
    ...(claims.exp ? { exp: Math.floor(Date.now() / 1000) + 3600 } : {}),
  });
  const token = hmacSigned(real, secret, { edit });
  const res = await zenml.currentUser.get(token);
  if (res.status === 200 && res.body.id === who.id) return token;
  test.info().annotations.push({
    type: 'white-box',
    description: `not checked: a token signed with the server's secret (no iat) for the active account answered ${res.status}`,
  });
  return undefined;
}

const swapCase = (s: string) => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');

// --- password changes --------------------------------------------------------------------------------

/** The two ways a user changes their own password. */
const changeRoutes: Array<{
  name: string;
  change: (zenml: ZenmlApi, user: User, token: string, password: string, old?: string | null) => Promise<ApiResponse>;
}> = [
  {
    name: 'PUT /current-user',
    change: (zenml, _user, token, password, old) => zenml.currentUser.changePassword(token, password, old),
  },
  {
    name: 'PUT /users/{own id}',
    change: (zenml, user, token, password, old) => zenml.users.changePassword(token, user.id, password, old),
  },
];

for (const route of changeRoutes) {
  test(
    ...req('REVOKE-PASSWORD-CHANGE', `via ${route.name}: the new password logs in and acts as the user, the old one is refused`, {
      writes: true,
    }),
    async ({ zenml, resources }) => {
      const user = await resources.userSession();
      const changed = { ...user, password: resources.newPassword() };
      const res = await route.change(zenml, user, user.session.token, changed.password, user.password);
      expect(res).toHaveStatus(200, `changing the password via ${route.name} with the current password`);
      await expectLogsIn(zenml, changed, user, 'login with the new password');
      expectLoginRefused(await zenml.login.password(user.name, user.password), 'login with the old password after the change');
    },
  );
}

test(
  ...req(
    'REVOKE-PASSWORD-TOKENS',
    'tokens from before a password change (the one that made it, another login, api_tokens) are refused; via both routes',
    { also: ['REVOKE-PASSWORD-CHANGE'], writes: true },
  ),
  async ({ zenml, resources }) => {
    let user: User = await resources.user();
    for (const route of changeRoutes) {
      // The token that makes the change, another session's token, and api_tokens minted before it.
      const token = await expectLogsIn(zenml, user, user, 'login before the change', 'REVOKE-PASSWORD-CHANGE');
      const other = await expectLogsIn(zenml, user, user, 'a second login before the change', 'REVOKE-PASSWORD-CHANGE');
      const minted = await mint(zenml, token, 'the token of the first login');
      const mintedTwice = await mint(zenml, minted, 'that api_token');
      const changed = { ...user, password: resources.newPassword() };
      setupOk(await route.change(zenml, user, token, changed.password, user.password), `changing the password via ${route.name}`);
      for (const [what, bearer] of [
        ['the token that made the change', token],
        ["another login's token", other],
        ['an api_token minted before the change', minted],
        ['an api_token minted from that api_token', mintedTwice],
      ] as const) {
        const res = await zenml.currentUser.get(bearer);
        should(
          res.status === 401,
          'REVOKE-PASSWORD-TOKENS',
          `${what} still answers ${res.status} after a password change via ${route.name} (expected 401)`,
          res.exchange,
        );
      }
      const mintAfter = await zenml.apiToken(other);
      should(
        mintAfter.status >= 400 && mintAfter.status < 500,
        'REVOKE-PASSWORD-TOKENS',
        `GET /api_token with a token from before the password change answered ${mintAfter.status} (expected a 4xx)`,
        mintAfter.exchange,
      );
      // A token issued after the change works at once (the check must not refuse it for being too close).
      await expectLogsIn(zenml, changed, user, `login right after the change via ${route.name}`, 'REVOKE-PASSWORD-CHANGE');
      user = changed;
    }
  },
);

test(
  ...req(
    'REVOKE-PASSWORD-OLD-REQUIRED',
    'a change with a wrong, empty, re-cased, null or missing old_password is refused with a 4xx and changes nothing',
    { writes: true },
  ),
  async ({ zenml, resources }) => {
    const user = await resources.userSession();
    const attempted = resources.newPassword();
    const wrong = `zct-wrong-${randomBytes(9).toString('base64url')}`;
    // Every way the current password can be wrong, on the first route; the second one gets the two
    // main ones (each wrong value costs the server a bcrypt check and counts against its limiter).
    const attempts: Array<[(typeof changeRoutes)[number], string, string | null | undefined]> = [
      [changeRoutes[0], 'a wrong old_password', wrong],
      [changeRoutes[0], 'an empty old_password', ''],
      [changeRoutes[0], 'the old password in swapped case', swapCase(user.password)],
      [changeRoutes[0], 'old_password null', null],
      [changeRoutes[0], 'no old_password', undefined],
      [changeRoutes[1], 'a wrong old_password', wrong],
      [changeRoutes[1], 'no old_password', undefined],
    ];
    for (const [route, what, old] of attempts) {
      const res = await route.change(zenml, user, user.session.token, attempted, old);
      expect(res).toHaveStatus('4xx', `a password change via ${route.name} with ${what}`);
    }
    // Nothing changed: the caller's token, the old password; and the attempted one does not log in.
    await expectActsAs(zenml, user.session.token, user, "the caller's token after the refused changes");
    await expectLogsIn(zenml, user, user, 'login with the old password after the refused changes');
    expectLoginRefused(await zenml.login.password(user.name, attempted), 'login with the password of the refused changes');
  },
);

// --- deactivation, activation, deletion -------------------------------------------------------------

// The deactivation is what the requirement is about, so its own answer is judged: a server whose
// deactivation fails (ZenML 0.90 to 0.93 answer 500 on …/deactivate) fails it, not the setup.
const deactivations: Array<{ name: string; send: (zenml: ZenmlApi, admin: string, user: User) => Promise<ApiResponse> }> = [
  { name: 'PUT /users/{id}/deactivate', send: (zenml, admin, user) => zenml.users.deactivate(admin, user.id) },
  {
    name: 'PUT /users/{id} with active false',
    send: (zenml, admin, user) => zenml.users.update(admin, user.id, { active: false }),
  },
];

for (const d of deactivations) {
  test(
    ...req(
      'REVOKE-USER-DEACTIVATE',
      `deactivated by ${d.name}: the right password is refused, the user's token too, and no api_token is minted with it`,
      { writes: true },
    ),
    async ({ zenml, admin, resources, target }) => {
      const user = await resources.userSession();
      const signed = target.jwtSecret && (await signedNow(zenml, user.session.token, target.jwtSecret, user));
      expect(await d.send(zenml, admin.token, user)).toHaveStatus(200, `the admin deactivating the user with ${d.name}`);
      expectLoginRefused(await zenml.login.password(user.name, user.password), 'login with the right password once deactivated');
      await expectTokenRefused(zenml, user.session.token, "the user's token once deactivated");
      await expectNoMint(zenml, user.session.token, "the deactivated user's token");
      if (signed) await expectTokenRefused(zenml, signed, 'a token signed now for the deactivated user (white-box)');
    },
  );
}

test(
  ...req(
    'REVOKE-USER-ACTIVATE',
    'the activation token and a new password, without authentication, reactivate the user; the old password is refused',
    { also: ['REVOKE-PASSWORD-TOKENS'], writes: true },
  ),
  async ({ zenml, admin, resources }) => {
    const user = await resources.userSession();
    const activationToken = await resources.deactivateUser(user);
    const activated = { ...user, password: resources.newPassword() };
    const res = await zenml.users.activate(user.id, activationToken, activated.password);
    expect(res).toHaveStatus(200, 'PUT /users/{id}/activate with the activation token and a new password, no authentication');
    expect(res.body.body?.active, `the activation answer shows the user active, got ${excerpt(res.text, 200)}`).toBe(true);
    const read = await zenml.users.get(admin.token, user.id);
    expect(read).toHaveStatus(200, 'the admin reads the user');
    expect(read.body.body.active, 'the user is active again').toBe(true);
    await expectLogsIn(zenml, activated, user, 'login with the new password');
    expectLoginRefused(
      await zenml.login.password(user.name, user.password),
      'login with the password from before the deactivation',
    );
    // Activation set a new password: a token from before is one issued before a password change.
    const old = await zenml.currentUser.get(user.session.token);
    should(
      old.status === 401,
      'REVOKE-PASSWORD-TOKENS',
      `a token from before the deactivation answers ${old.status} after activation with a new password (expected 401)`,
      old.exchange,
    );
  },
);

test(
  ...req(
    'REVOKE-ACTIVATION-TOKEN',
    "a wrong, altered, empty, another user's, superseded or used activation token is refused with a 4xx and changes nothing",
    { also: ['REVOKE-USER-ACTIVATE'], writes: true },
  ),
  async ({ zenml, admin, resources }) => {
    const [user, other] = await Promise.all([resources.user(), resources.user()]);
    const superseded = await resources.deactivateUser(user);
    // Deactivating again issues a new token: the first one must be dead from then on.
    const [latest, othersToken] = await Promise.all([resources.deactivateUser(user), resources.deactivateUser(other)]);
    if (latest === superseded) throw new SetupFailed('setup: a second deactivation gave the same activation token');
    const attempted = resources.newPassword();
    const changedChar = (s: string, i: number) => `${s.slice(0, i)}${s[i] === 'a' ? 'b' : 'a'}${s.slice(i + 1)}`;
    const wrongTokens: Array<[string, string]> = [
      ['the token with its last character changed', changedChar(latest, latest.length - 1)],
      ['the token without its last character', latest.slice(0, -1)],
      ['the token with a character appended', `${latest}0`],
      ['an empty token', ''],
      ["another user's activation token", othersToken],
      ['the token of an earlier deactivation (superseded)', superseded],
    ];
    if (swapCase(latest) !== latest) wrongTokens.push(['the token in swapped case', swapCase(latest)]);
    for (const [what, token] of wrongTokens) {
      const res = await zenml.users.activate(user.id, token, attempted);
      expect(res).toHaveStatus('4xx', `activation with ${what}`);
    }
    const still = await zenml.users.get(admin.token, user.id);
    expect(still).toHaveStatus(200, 'the admin reads the user');
    expect(still.body.body.active, 'after the refused activations the user is still inactive').toBe(false);

    const activated = { ...user, password: resources.newPassword() };
    expect
      .about('REVOKE-USER-ACTIVATE')(await zenml.users.activate(user.id, latest, activated.password))
      .toHaveStatus(200, 'control: activation with the latest token');
    const reuse = await zenml.users.activate(user.id, latest, attempted);
    expect(reuse).toHaveStatus('4xx', 'a second activation with the same (used) token');
    await expectLogsIn(zenml, activated, user, 'login with the password of the real activation, after the reuse');
    expectLoginRefused(await zenml.login.password(user.name, attempted), 'login with the password of the refused activations');
  },
);

test(
  ...req(
    'REVOKE-USER-DELETE',
    "a deleted user's login and token are refused, also once a new user has the same name and password",
    { writes: true },
  ),
  async ({ zenml, resources, target }) => {
    const user = await resources.userSession();
    const signed = target.jwtSecret && (await signedNow(zenml, user.session.token, target.jwtSecret, user));
    await resources.deleteUser(user);
    await expectTokenRefused(zenml, user.session.token, "the deleted user's token");
    await expectNoMint(zenml, user.session.token, "the deleted user's token");
    expectLoginRefused(await zenml.login.password(user.name, user.password), 'login as the deleted user');
    if (signed) await expectTokenRefused(zenml, signed, 'a token signed now for the deleted user (white-box)');

    const again = await resources.recreateUser(user);
    // The same name and password log in again, as the new account, not the old one.
    await expectLogsIn(zenml, again, again, 'login as the new user with the same name and password');
    await expectTokenRefused(zenml, user.session.token, "the deleted user's token once a new user has the same name");
  },
);

// --- tokens derived from a credential ---------------------------------------------------------------

interface Origin {
  /** The identity and a login token of it. */
  who: Identity;
  token: string;
}

const fromKey = async (zenml: ZenmlApi, resources: Resources) => {
  const { sa, key } = await resources.serviceAccountWithKey();
  const res = await zenml.login.apiKey(key.value);
  if (res.status !== 200 || !res.body.access_token)
    throw new SetupFailed(`setup: login with a new API key answered ${res.status} ${excerpt(res.text, 200)}`);
  return { origin: { who: sa, token: res.body.access_token }, sa, key };
};

const fromUser = async (resources: Resources) => {
  const user = await resources.userSession();
  return { origin: { who: user, token: user.session.token }, user };
};

const revocations: Array<{
  event: string;
  /** SHOULD of a weaker older rule instead of the MUST, where the release history says so. */
  finding?: RequirementId;
  run: (zenml: ZenmlApi, resources: Resources) => Promise<{ origin: Origin; revoke: () => Promise<unknown> }>;
}> = [
  {
    event: 'its API key is deactivated',
    run: async (zenml, resources) => {
      const { origin, key } = await fromKey(zenml, resources);
      return { origin, revoke: () => resources.setKeyActive(key, false) };
    },
  },
  {
    event: 'its API key is deleted',
    run: async (zenml, resources) => {
      const { origin, key } = await fromKey(zenml, resources);
      return { origin, revoke: () => resources.deleteKey(key) };
    },
  },
  {
    event: 'its service account is deactivated',
    run: async (zenml, resources) => {
      const { origin, sa } = await fromKey(zenml, resources);
      return { origin, revoke: () => resources.setServiceAccountActive(sa, false) };
    },
  },
  {
    event: 'its service account is deleted',
    run: async (zenml, resources) => {
      const { origin, sa } = await fromKey(zenml, resources);
      return {
        origin,
        // The account alone: its key goes with it (deleting the key first would be another event).
        revoke: () => resources.deleteServiceAccount(sa),
      };
    },
  },
  {
    event: 'its user is deactivated (PUT /users/{id}/deactivate)',
    run: async (_zenml, resources) => {
      const { origin, user } = await fromUser(resources);
      return { origin, revoke: () => resources.deactivateUser(user) };
    },
  },
  {
    event: 'its user is deactivated (PUT /users/{id} with active false)',
    run: async (_zenml, resources) => {
      const { origin, user } = await fromUser(resources);
      return { origin, revoke: () => resources.setUserActive(user, false) };
    },
  },
  {
    event: 'its user is deleted',
    run: async (_zenml, resources) => {
      const { origin, user } = await fromUser(resources);
      return { origin, revoke: () => resources.deleteUser(user) };
    },
  },
  {
    // Servers before key generations (0.96.2) keep tokens of a rotated-out key: the weaker rule of
    // APIKEY-ROTATE-REVOKES-TOKENS, a finding there (APIKEY-TOKEN-GENERATION holds the MUST).
    event: 'its API key is rotated out (retain period 0)',
    finding: 'APIKEY-ROTATE-REVOKES-TOKENS',
    run: async (zenml, resources) => {
      const { origin, key } = await fromKey(zenml, resources);
      return { origin, revoke: () => resources.rotateKey(key, 0) };
    },
  },
];

for (const r of revocations) {
  test(
    ...req(
      r.finding ?? 'REVOKE-API-TOKEN',
      `once ${r.event}: its login token, an api_token minted from it and one minted from that are refused, and none is minted`,
      { writes: true },
    ),
    async ({ zenml, resources }) => {
      const { origin, revoke } = await r.run(zenml, resources);
      const minted = await mint(zenml, origin.token, 'the login token');
      const mintedTwice = await mint(zenml, minted, 'an api_token');
      const chain: Array<[string, string]> = [
        ['the login token', origin.token],
        ['an api_token minted from it', minted],
        ['an api_token minted from that api_token', mintedTwice],
      ];
      // Each works before: a refusal afterwards is then the revocation's doing.
      for (const [what, token] of chain) {
        const res = await zenml.currentUser.get(token);
        if (res.status !== 200 || res.body.id !== origin.who.id)
          throw new SetupFailed(`setup: ${what} answered ${res.status} ${excerpt(res.text, 200)} before the revocation`);
      }
      await revoke();
      for (const [what, token] of chain) {
        if (r.finding) {
          const res = await zenml.currentUser.get(token);
          should(res.status === 401, r.finding, `${what} still answers ${res.status} once ${r.event}`, res.exchange);
        } else {
          await expectTokenRefused(zenml, token, `${what}, once ${r.event}`);
        }
      }
      if (r.finding) {
        const res = await zenml.apiToken(mintedTwice);
        should(
          res.status >= 400 && res.status < 500,
          r.finding,
          `GET /api_token with a token of the rotated-out key answered ${res.status}`,
          res.exchange,
        );
      } else {
        await expectNoMint(zenml, mintedTwice, `an api_token, once ${r.event}`);
      }
    },
  );
}
