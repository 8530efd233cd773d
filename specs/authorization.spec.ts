/**
 * Authorization between identities (OWASP API Security Top 10 2023): two non-admin users and a
 * service account of the test try what only an admin, or only an object's owner, may do, and every
 * attempt is read back afterwards (as the admin, or as the owner where even the admin cannot see):
 * - function level (API5): changes to API keys, service accounts and other users;
 * - mass assignment (API3): admin-only fields in updates of one's own account;
 * - object level (API1): what ZenML scopes to one identity — private secrets (invisible even to an
 *   admin), user accounts (a non-admin sees only its own), cached idempotent answers — and the
 *   parent–child path of service accounts and their keys.
 * Devices are scoped to their owner too; their tests are in specs/device.spec.ts.
 * The many independent requests of each test run concurrently.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { ApiResponse } from '../core/http';
import { excerpt, registerSecret } from '../core/redaction';
import type { ZenmlApi } from '../zenml/api';
import { expect, req, should, test } from '../fixtures/test';

type Call = [what: string, send: () => Promise<ApiResponse>];

/** A refusal of an authenticated caller: 403, or 404 where the server hides the object. 401 refuses
 * too, but says the credentials are bad, which they are not (AUTHZ-FORBIDDEN-STATUS). */
const REFUSED = [401, 403, 404];

/** Send all calls at once; the answers in order. */
const sendAll = (calls: Call[]) => Promise.all(calls.map(async ([what, send]) => ({ what, res: await send() })));

function expectRefused(res: ApiResponse, what: string): void {
  expect(res).toHaveStatus(REFUSED, `${what} must be refused`);
  should(
    res.status !== 401,
    'AUTHZ-FORBIDDEN-STATUS',
    `${what}: an authenticated caller refused with 401 ${excerpt(res.text, 200)} (403 says "not allowed", 401 "who are you?")`,
    res.exchange,
  );
}

/** An answer's JSON as a comparable snapshot, without `volatile` properties. ZenML stamps a key's
 * last_login (and so its `updated`) on every request made with a token of that key. */
function state(res: ApiResponse, volatile: readonly string[] = ['last_login']): unknown {
  return JSON.parse(res.text, (k, v: unknown) => (volatile.includes(k) ? undefined : v));
}

type Read = [what: string, read: () => Promise<ApiResponse>, volatile?: readonly string[]];

async function snapshot(reads: Read[]): Promise<Record<string, unknown>> {
  const answers = await Promise.all(reads.map(async ([what, read, volatile]) => [what, await read(), volatile] as const));
  return Object.fromEntries(answers.map(([what, res, volatile]) => [what, { status: res.status, body: state(res, volatile) }]));
}

// --- function level (API5) -------------------------------------------------------------------------

/** Two callers that are not admins, both authenticated (a control): a refusal below is about
 * permission, not credentials. Their calls run at once; each must be refused, and the reads afterwards
 * equal the reads before. */
async function expectAdminOnly(
  zenml: ZenmlApi,
  callers: Array<{ who: string; token: string; calls: Call[] }>,
  read: () => Promise<Record<string, unknown>>,
): Promise<void> {
  for (const { who, token } of callers) expect(await zenml.currentUser.get(token)).toHaveStatus(200, `control: ${who}'s token`);
  const before = await read();
  const answers = await Promise.all(
    callers.map(async ({ who, calls }) => (await sendAll(calls)).map((answer) => ({ ...answer, who }))),
  );
  // A call the server carried out is the clearest evidence, so it is judged first: on a server that
  // allows them, the calls at once race each other and some of them fail with a 500 for that alone.
  const accepted = (res: ApiResponse) => (res.status < 300 ? 0 : 1);
  for (const { who, what, res } of answers.flat().sort((a, b) => accepted(a.res) - accepted(b.res))) {
    expectRefused(res, `${who} ${what}`);
    expect(res.text, `${who} ${what}: a refusal shows no key`).not.toMatch(/ZEN(PRO)?KEY_/);
  }
  expect(await read(), 'read back as the admin (or the owner), nothing the refused calls named has changed').toEqual(before);
}

const CHANGED = 'zct changed by a non-admin';

test(
  ...req(
    'AUTHZ-FUNCTION-KEYS',
    'a non-admin user and a service account are refused every change of API keys, service accounts and the secrets store; nothing changes',
    { writes: true, also: ['AUTHZ-FORBIDDEN-STATUS'] },
  ),
  async ({ zenml, admin, resources }) => {
    const [alice, caller, victim] = await Promise.all([
      resources.userSession(),
      resources.serviceAccountSession(),
      resources.serviceAccountWithKey(),
    ]);
    const callsOf = (token: string): Call[] => [
      ["rotating another service account's key", () => zenml.apiKeys.rotate(token, victim.key, 0)],
      ["changing another service account's key", () => zenml.apiKeys.update(token, victim.key, { description: CHANGED })],
      ["deactivating another service account's key", () => zenml.apiKeys.update(token, victim.key, { active: false })],
      ["renaming another service account's key", () => zenml.apiKeys.update(token, victim.key, { name: resources.name('key') })],
      ["deleting another service account's key", () => zenml.apiKeys.delete(token, victim.key)],
      ['changing another service account', () => zenml.serviceAccounts.update(token, victim.sa.id, { description: CHANGED })],
      ['deactivating another service account', () => zenml.serviceAccounts.update(token, victim.sa.id, { active: false })],
      ['deleting another service account', () => zenml.serviceAccounts.delete(token, victim.sa.id)],
      ['backing up all secrets', () => zenml.secretsOperations.backup(token)],
      ['restoring all secrets', () => zenml.secretsOperations.restore(token)],
    ];
    await expectAdminOnly(
      zenml,
      [
        { who: `non-admin user ${alice.name}`, token: alice.session.token, calls: callsOf(alice.session.token) },
        {
          who: `service account ${caller.sa.name}`,
          token: caller.session.token,
          // A service account is never an admin, not even of its own key and account.
          calls: [
            ...callsOf(caller.session.token),
            ['rotating its own key', () => zenml.apiKeys.rotate(caller.session.token, caller.key, 0)],
            ['deactivating its own key', () => zenml.apiKeys.update(caller.session.token, caller.key, { active: false })],
            ['deleting its own key', () => zenml.apiKeys.delete(caller.session.token, caller.key)],
            ['deactivating itself', () => zenml.serviceAccounts.update(caller.session.token, caller.sa.id, { active: false })],
            ['deleting itself', () => zenml.serviceAccounts.delete(caller.session.token, caller.sa.id)],
          ],
        },
      ],
      () =>
        snapshot([
          ['the other service account', () => zenml.serviceAccounts.get(admin.token, victim.sa.id)],
          ["the other service account's key", () => zenml.apiKeys.get(admin.token, victim.key, { hydrate: true })],
          ['the calling service account', () => zenml.serviceAccounts.get(admin.token, caller.sa.id)],
          // Its use stamps the caller's own key: last_login, and so updated.
          [
            "the calling service account's own key",
            () => zenml.apiKeys.get(admin.token, caller.key, { hydrate: true }),
            ['last_login', 'updated'],
          ],
        ]),
    );
  },
);

test(
  ...req(
    'AUTHZ-FUNCTION-USERS',
    'a non-admin user and a service account are refused creating users and changing, deactivating or deleting another user; nothing changes',
    { writes: true, also: ['AUTHZ-FORBIDDEN-STATUS'] },
  ),
  async ({ zenml, admin, resources }) => {
    const [alice, bob, caller] = await Promise.all([
      resources.userSession(),
      resources.userSession(),
      resources.serviceAccountSession(),
    ]);
    const newUser = resources.name('user');
    const callsOf = (token: string): Call[] => [
      ['creating a user', () => zenml.users.create(token, { name: newUser, password: `Pw-${randomUUID()}` })],
      ["changing another user's full name", () => zenml.users.update(token, bob.id, { full_name: CHANGED })],
      ['making another user an admin', () => zenml.users.update(token, bob.id, { is_admin: true })],
      ['deactivating another user by an update', () => zenml.users.update(token, bob.id, { active: false })],
      ['deactivating another user', () => zenml.users.deactivate(token, bob.id)],
      ['deleting another user', () => zenml.users.delete(token, bob.id)],
      [
        "setting another user's email",
        () => zenml.userAdministration.emailOptIn(token, bob.id, { email: 'zct@example.com', email_opted_in: true }),
      ],
    ];
    await expectAdminOnly(
      zenml,
      [
        { who: `non-admin user ${alice.name}`, token: alice.session.token, calls: callsOf(alice.session.token) },
        { who: `service account ${caller.sa.name}`, token: caller.session.token, calls: callsOf(caller.session.token) },
      ],
      // The admin does not see a user's email: bob reads his own account too.
      () =>
        snapshot([
          [`user ${bob.name}`, () => zenml.users.get(admin.token, bob.id)],
          [`user ${bob.name}, as themself`, () => zenml.currentUser.get(bob.session.token)],
          [`users named ${newUser}`, () => zenml.users.list(admin.token, { name: newUser })],
        ]),
    );
  },
);

// --- mass assignment (API3) ------------------------------------------------------------------------

/** The admin-only properties of UserUpdate (ZenML 0.98.0's document; users_endpoints.py excludes
 * them from what an account may set on itself). Each is sent alone, to both operations. */
const adminOnlyFields = (): Record<string, unknown> => ({
  is_admin: true,
  active: false,
  external_user_id: randomUUID(),
  oidc_claims: { sub: `zct-${randomUUID()}`, groups: ['admins'], is_admin: true },
  // Last: a stored activation token lets its holder reactivate (and reset) the account.
  activation_token: randomBytes(32).toString('hex'),
});

interface UserView {
  body: { is_admin: boolean; active: boolean };
  metadata?: { external_user_id?: string | null; oidc_claims?: unknown };
}
const adminView = (u: UserView) => ({
  is_admin: u.body.is_admin,
  active: u.body.active,
  external_user_id: u.metadata?.external_user_id ?? null,
  oidc_claims: u.metadata?.oidc_claims ?? {},
});

test(
  ...req(
    'AUTHZ-MASS-ASSIGNMENT',
    'a non-admin setting is_admin, active, activation_token, external_user_id or oidc_claims on their own account gains nothing',
    { writes: true },
  ),
  async ({ zenml, admin, resources }) => {
    const alice = await resources.userSession();
    const readBack = async (what: string) => {
      const res = await zenml.users.get(admin.token, alice.id);
      expect(res).toHaveStatus(200, `${what}: the admin reads the user back`);
      return adminView(res.body as unknown as UserView);
    };
    const before = await readBack('before');
    expect(before.is_admin, 'control: the user is not an admin').toBe(false);
    const token = alice.session.token;
    for (const [field, value] of Object.entries(adminOnlyFields())) {
      if (typeof value === 'string' && field === 'activation_token') registerSecret(value);
      const sends: Call[] = [
        ['PUT /current-user', () => zenml.currentUser.update(token, { [field]: value })],
        ['PUT /users/{own id}', () => zenml.users.update(token, alice.id, { [field]: value })],
      ];
      for (const [via, send] of sends) {
        const what = `${via} with ${field}=${JSON.stringify(value)}`;
        const res = await send();
        // Ignored (200, as current-user does) or refused (4xx, as users/{own id} does for is_admin and active).
        expect(
          res.status === 200 || (res.status >= 400 && res.status < 500),
          `${what}: answered ${res.status} ${excerpt(res.text, 200)}`,
        ).toBe(true);
        expect(await readBack(what), `${what}: read back as the admin, nothing changed`).toEqual(before);
        const me = await zenml.currentUser.get(token);
        expect(me).toHaveStatus(200, `${what}: the user's token still works`);
        expect(me.body.body.is_admin, `${what}: the user is still no admin`).toBe(false);
        if (field === 'activation_token') {
          // Not readable back (an admin sees null): a stored token would activate the account.
          const probe = await zenml.users.activate(alice.id, value as string, `Pw-${randomUUID()}`);
          expect(
            probe.status,
            `${what}: activating the account with the token sent must fail, got ${probe.status} ${excerpt(probe.text, 200)}`,
          ).not.toBe(200);
        }
      }
    }
  },
);

// --- object level (API1) ---------------------------------------------------------------------------

test(
  ...req(
    'AUTHZ-PRIVATE-SECRET',
    "another user, a service account and the admin cannot read, list, change or delete a user's private secret",
    { writes: true, also: ['AUTHZ-FORBIDDEN-STATUS'] },
  ),
  async ({ zenml, admin, resources, serviceAccount }) => {
    const [alice, bob] = await Promise.all([resources.userSession(), resources.userSession()]);
    const value = `zct-private-${randomBytes(12).toString('hex')}`;
    registerSecret(value);
    const secret = await resources.secret(alice.session.token, { private: true, values: { k: value } });
    const others: Array<[string, string]> = [
      [`user ${bob.name}`, bob.session.token],
      [`service account ${serviceAccount.account.name}`, serviceAccount.session.token],
      ['the admin', admin.token],
    ];
    const lists: Array<Record<string, string | number | boolean>> = [
      { sort_by: 'desc:created', size: 100 },
      { private: true, sort_by: 'desc:created', size: 100 },
      { name: secret.name },
      { id: secret.id },
      { user: alice.id },
      { scope_user: alice.id },
      { hydrate: true, name: secret.name },
    ];
    const answers = await Promise.all(
      others.map(async ([who, token]) => {
        const direct = await sendAll([
          ['reading it', () => zenml.secrets.get(token, secret.id)],
          ['changing its values', () => zenml.secrets.update(token, secret.id, { values: { k: 'zct-stolen' } })],
          ['making it public', () => zenml.secrets.update(token, secret.id, { private: false })],
          ['renaming it', () => zenml.secrets.update(token, secret.id, { name: resources.name('secret') })],
          ['deleting it', () => zenml.secrets.delete(token, secret.id)],
        ]);
        const listed = await sendAll(
          lists.map((params): Call => [`listing secrets ${JSON.stringify(params)}`, () => zenml.secrets.list(token, params)]),
        );
        return { who, direct, listed };
      }),
    );
    for (const { who, direct, listed } of answers) {
      for (const { what, res } of direct) {
        expectRefused(res, `${who} ${what} (a private secret of ${alice.name})`);
        expect(res.text.includes(value), `${who} ${what}: the answer shows the secret's value`).toBe(false);
      }
      for (const { what, res } of listed) {
        expect(res.status === 200 || (res.status >= 400 && res.status < 500), `${who} ${what}: answered ${res.status}`).toBe(
          true,
        );
        const ids = res.status === 200 ? ((res.body as { items?: Array<{ id: string }> }).items?.map((i) => i.id) ?? []) : [];
        expect(ids, `${who} ${what}: the list shows ${alice.name}'s private secret`).not.toContain(secret.id);
        expect(res.text.includes(value), `${who} ${what}: the answer shows the secret's value`).toBe(false);
      }
    }
    const mine = await zenml.secrets.get(alice.session.token, secret.id);
    expect(mine).toHaveStatus(200, 'the owner reads their private secret');
    expect(
      { name: mine.body.name, private: mine.body.body.private, values: mine.body.body.values },
      'the owner reads it unchanged',
    ).toEqual({ name: secret.name, private: true, values: { k: value } });
  },
);

test(
  ...req('AUTHZ-USER-ACCOUNTS', "a non-admin user and a service account cannot read another user's account", {
    writes: true,
    also: ['AUTHZ-FORBIDDEN-STATUS'],
  }),
  async ({ zenml, admin, resources, serviceAccount }) => {
    const [alice, bob] = await Promise.all([resources.userSession(), resources.user()]);
    const callers: Array<[string, string, string]> = [
      [`non-admin user ${alice.name}`, alice.session.token, alice.id],
      [`service account ${serviceAccount.account.name}`, serviceAccount.session.token, serviceAccount.account.id],
    ];
    const answers = await Promise.all(
      callers.map(async ([who, token, self]) => ({
        who,
        self,
        direct: await sendAll([
          [`reading user ${bob.name} by id`, () => zenml.users.get(token, bob.id)],
          [`reading user ${bob.name} by name`, () => zenml.users.get(token, bob.name)],
          ['reading the admin', () => zenml.users.get(token, admin.userId)],
        ]),
        listed: await sendAll([
          ['listing users', () => zenml.users.list(token, { sort_by: 'desc:created', size: 100 })],
          [`listing users named ${bob.name}`, () => zenml.users.list(token, { name: bob.name })],
          [`listing users with ${bob.name}'s id`, () => zenml.users.list(token, { id: bob.id })],
        ]),
      })),
    );
    for (const { who, self, direct, listed } of answers) {
      for (const { what, res } of direct) expectRefused(res, `${who} ${what}`);
      for (const { what, res } of listed) {
        expect(res).toHaveStatus(200, `${who} ${what}`);
        const others = (res.body as { items: Array<{ id: string; name: string }> }).items.filter((u) => u.id !== self);
        expect(
          others.map((u) => u.name),
          `${who} ${what}: the list shows other accounts`,
        ).toEqual([]);
      }
    }
  },
);

test(
  ...req(
    'AUTHZ-IDEMPOTENCY',
    "another user, a service account and the admin reusing a user's Idempotency-Key do not receive that user's answer",
    { writes: true },
  ),
  async ({ zenml, admin, resources }, testInfo) => {
    const [alice, bob, sa] = await Promise.all([
      resources.userSession(),
      resources.userSession(),
      resources.serviceAccountSession(),
    ]);
    const idempotencyKey = randomUUID();
    const headers = { 'Idempotency-Key': idempotencyKey };
    const value = `zct-private-${randomBytes(12).toString('hex')}`;
    registerSecret(value);
    const secret = await resources.secret(alice.session.token, { private: true, values: { k: value } }, { headers });
    // Does the server replay at all? The owner's own repeat tells (the same request: no second secret either way).
    const repeat = await zenml.secrets.create(
      alice.session.token,
      { name: secret.name, private: true, values: { k: value } },
      { headers },
    );
    testInfo.annotations.push({
      type: 'idempotency',
      description:
        repeat.status === 200 && repeat.body?.id === secret.id
          ? "the server replays the owner's answer for a repeated Idempotency-Key"
          : `the server does not replay (the owner's repeat answered ${repeat.status}): no identity can receive another's answer`,
    });
    const others: Array<[string, string]> = [
      [`user ${bob.name}`, bob.session.token],
      [`service account ${sa.sa.name}`, sa.session.token],
      ['the admin', admin.token],
    ];
    const answers = await Promise.all(
      others.map(async ([who, token]) => {
        const name = resources.name('secret');
        const res = await zenml.secrets.create(token, { name, private: true, values: { k: 'zct-not-a-replay' } }, { headers });
        // What this request created belongs to its caller, who deletes it.
        if (res.status === 200 && typeof res.body?.id === 'string' && res.body.id !== secret.id)
          resources.ownedSecret(token, { id: res.body.id, name });
        return { who, res };
      }),
    );
    for (const { who, res } of answers) {
      const what = `${who} creating a secret with ${alice.name}'s Idempotency-Key`;
      expect(
        res.status === 200 || (res.status >= 400 && res.status < 500),
        `${what}: answered ${res.status} ${excerpt(res.text, 200)}`,
      ).toBe(true);
      expect(res.status === 200 ? res.body?.id : undefined, `${what}: the answer is ${alice.name}'s cached one`).not.toBe(
        secret.id,
      );
      expect(res.text.includes(value), `${what}: the answer shows ${alice.name}'s private value`).toBe(false);
    }
  },
);

test(
  ...req(
    'AUTHZ-KEY-HIERARCHY',
    "a key addressed under another service account's path is not found for reads and changes, and stays as it was",
    { writes: true },
  ),
  async ({ zenml, admin, resources }) => {
    const [owner, other] = await Promise.all([resources.serviceAccountWithKey(), resources.serviceAccount()]);
    const read = async () => {
      const res = await zenml.apiKeys.get(admin.token, owner.key, { hydrate: true });
      expect(res).toHaveStatus(200, 'the admin reads the key under its own service account');
      return state(res);
    };
    const before = await read();
    // By id and by name, as the admin: nothing but the path stands in the way.
    const refs = [
      { by: 'id', ref: { id: owner.key.id, serviceAccountId: other.id } },
      { by: 'name', ref: { id: owner.key.name, serviceAccountId: other.id } },
    ];
    const answers = await sendAll(
      refs.flatMap(({ by, ref }): Call[] => [
        [`reading it by ${by}`, () => zenml.apiKeys.get(admin.token, ref)],
        [`changing it by ${by}`, () => zenml.apiKeys.update(admin.token, ref, { description: 'zct changed under another path' })],
        [`deactivating it by ${by}`, () => zenml.apiKeys.update(admin.token, ref, { active: false })],
        [`rotating it by ${by}`, () => zenml.apiKeys.rotate(admin.token, ref, 0)],
        [`deleting it by ${by}`, () => zenml.apiKeys.delete(admin.token, ref)],
      ]),
    );
    for (const { what, res } of answers) {
      expect(res).toHaveStatus(404, `the admin ${what} under service account ${other.name}, which does not own it`);
      expect(res.text, `${what}: the answer shows no key`).not.toMatch(/ZEN(PRO)?KEY_/);
    }
    expect(await read(), 'read back under its own service account, the key is unchanged').toEqual(before);
    const login = await zenml.login.apiKey(owner.key.value);
    expect(login).toHaveStatus(200, 'the key still logs in (not rotated, deactivated or deleted)');
  },
);
