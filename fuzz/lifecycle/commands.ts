/**
 * The lifecycle operations as fast-check commands. Each picks what it acts on from the model by an
 * index (so that shrinking keeps sequences meaningful), does the operation as ZenML's clients do,
 * holds the operation's own answer to the rules, updates the model, and then has every credential
 * the model knows tried (World.verifyAll).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import type { ApiResponse } from '../../core/http';
import { deviceIdOf } from '../../zenml/api';
import type { TokenResponse } from '../../zenml/models';
import { codesOf, pollDevice } from '../../zenml/device-flow';
import {
  MARGINS,
  type Credential,
  type DeviceState,
  type KeyState,
  type KeyValue,
  type ServiceAccountState,
  type TokenState,
  type UserState,
} from './model';
import { describeCredential, mismatch, type World } from './world';

/** Bounds on what one run makes, which bound the credentials tried after each step. */
export const LIMITS = { accounts: 2, keys: 3, rotations: 3, users: 2, devices: 2, tokens: 8 } as const;

const pick = <T>(items: T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);
const live = <T extends { deleted: boolean }>(items: T[]) => items.filter((x) => !x.deleted);
const onOff = (active: boolean) => (active ? 'reactivate' : 'deactivate');

abstract class LifecycleCommand implements fc.AsyncCommand<World, World> {
  abstract toString(): string;
  protected abstract applies(w: World): boolean;
  protected abstract act(w: World): Promise<void>;

  check(w: Readonly<World>): boolean {
    return this.applies(w);
  }

  async run(_model: World, w: World): Promise<void> {
    await this.act(w);
    await w.verifyAll();
  }
}

// --- service accounts and keys -----------------------------------------------------------------------

export async function createServiceAccount(w: World): Promise<ServiceAccountState> {
  const name = w.driver.name('sa');
  const label = w.model.label('sa');
  w.begin(`create service account ${label}`);
  const body = w.ok(`create ${label}`, await w.zenml.serviceAccounts.create(w.driver.admin, { name, active: true }));
  const sa: ServiceAccountState = { kind: 'service account', id: body.id, label, name, active: true, deleted: false };
  w.driver.track(`service account ${name}`, () => w.zenml.serviceAccounts.delete(w.driver.admin, sa.id));
  w.model.accounts.push(sa);
  return sa;
}

export async function createKey(w: World, sa: ServiceAccountState): Promise<KeyState> {
  const name = w.driver.name('key');
  const label = w.model.label('key');
  w.begin(`create API key ${label} of ${sa.label}`);
  const res = await w.zenml.apiKeys.create(w.driver.admin, sa.id, { name });
  const body = w.ok(`create ${label}`, res);
  const value = body?.body?.key;
  if (typeof value !== 'string') w.fail(`create ${label}`, res, 'the new key in body.key');
  const key: KeyState = { id: body.id, label, account: sa, name, active: true, deleted: false, generation: 1, rotations: 0 };
  w.driver.track(`API key ${name}`, () => w.zenml.apiKeys.delete(w.driver.admin, { id: key.id, serviceAccountId: sa.id }));
  w.model.keys.push(key);
  addKeyValue(w, key, value);
  return key;
}

function addKeyValue(w: World, key: KeyState, value: string): KeyValue {
  const v: KeyValue = {
    label: `${key.label}.v${key.generation}`,
    value: w.driver.secret(value),
    key,
    generation: key.generation,
  };
  w.model.keyValues.push(v);
  return v;
}

const keyRef = (k: KeyState) => ({ id: k.id, serviceAccountId: k.account.id });
const usableKeys = (w: World) => w.model.keys.filter((k) => !k.deleted && !k.account.deleted);

class CreateServiceAccount extends LifecycleCommand {
  toString = () => 'create a service account with a key';
  protected applies = (w: World) => live(w.model.accounts).length < LIMITS.accounts;
  protected async act(w: World) {
    await createKey(w, await createServiceAccount(w));
  }
}

class CreateKey extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `create a key (account #${this.n})`;
  protected applies = (w: World) => live(w.model.accounts).length > 0 && usableKeys(w).length < LIMITS.keys;
  protected async act(w: World) {
    await createKey(w, pick(live(w.model.accounts), this.n)!);
  }
}

class RotateKey extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly retainMinutes: number,
  ) {
    super();
  }
  toString = () => `rotate a key (key #${this.n}) with retain period ${this.retainMinutes} min`;
  private keys = (w: World) => usableKeys(w).filter((k) => k.rotations < LIMITS.rotations);
  protected applies = (w: World) => this.keys(w).length > 0;
  protected async act(w: World) {
    const key = pick(this.keys(w), this.n)!;
    w.begin(
      `rotate ${key.label} ${this.retainMinutes > 0 ? `keeping the previous value ${this.retainMinutes} min` : 'with retain period 0'}`,
    );
    const res = await w.zenml.apiKeys.rotate(w.driver.admin, keyRef(key), this.retainMinutes);
    w.note(`rotate ${key.label}`, res);
    // Rotating a deactivated key is no client's need: no rule says whether it is allowed.
    const inactive = !key.active || !key.account.active;
    if (inactive && res.status >= 400 && res.status < 500) return;
    const value = res.status === 200 ? res.body?.body?.key : undefined;
    if (typeof value !== 'string') w.fail(`rotate ${key.label}`, res, '200 with the new key in body.key');
    key.retained = this.retainMinutes > 0 ? { generation: key.generation, until: w.now() + this.retainMinutes * 60 } : undefined;
    key.generation += 1;
    key.rotations += 1;
    addKeyValue(w, key, value);
  }
}

class SetKeyActive extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly active: boolean,
  ) {
    super();
  }
  toString = () => `${onOff(this.active)} a key (key #${this.n})`;
  private keys = (w: World) => usableKeys(w).filter((k) => k.active !== this.active);
  protected applies = (w: World) => this.keys(w).length > 0;
  protected async act(w: World) {
    const key = pick(this.keys(w), this.n)!;
    w.begin(`${onOff(this.active)} ${key.label}`);
    w.ok(
      `${onOff(this.active)} ${key.label}`,
      await w.zenml.apiKeys.update(w.driver.admin, keyRef(key), { active: this.active }),
    );
    key.active = this.active;
  }
}

class DeleteKey extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `delete a key (key #${this.n})`;
  protected applies = (w: World) => usableKeys(w).length > 0;
  protected async act(w: World) {
    const key = pick(usableKeys(w), this.n)!;
    w.begin(`delete ${key.label}`);
    w.ok(`delete ${key.label}`, await w.zenml.apiKeys.delete(w.driver.admin, keyRef(key)));
    key.deleted = true;
  }
}

class SetAccountActive extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly active: boolean,
  ) {
    super();
  }
  toString = () => `${onOff(this.active)} a service account (account #${this.n})`;
  private accounts = (w: World) => live(w.model.accounts).filter((a) => a.active !== this.active);
  protected applies = (w: World) => this.accounts(w).length > 0;
  protected async act(w: World) {
    const sa = pick(this.accounts(w), this.n)!;
    w.begin(`${onOff(this.active)} service account ${sa.label}`);
    w.ok(
      `${onOff(this.active)} ${sa.label}`,
      await w.zenml.serviceAccounts.update(w.driver.admin, sa.id, { active: this.active }),
    );
    sa.active = this.active;
  }
}

class DeleteAccount extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `delete a service account (account #${this.n})`;
  protected applies = (w: World) => live(w.model.accounts).length > 0;
  protected async act(w: World) {
    const sa = pick(live(w.model.accounts), this.n)!;
    w.begin(`delete service account ${sa.label} (and its keys)`);
    w.ok(`delete ${sa.label}`, await w.zenml.serviceAccounts.delete(w.driver.admin, sa.id));
    sa.deleted = true;
    for (const k of w.model.keys) if (k.account === sa) k.deleted = true;
  }
}

// --- users --------------------------------------------------------------------------------------------

const newPassword = () => `Pw-${randomBytes(12).toString('base64url')}`;

export async function createUser(w: World): Promise<UserState> {
  const name = w.driver.name('user');
  const label = w.model.label('user');
  const password = w.driver.secret(newPassword());
  w.begin(`create user ${label}`);
  const body = w.ok(
    `create ${label}`,
    await w.zenml.users.create(w.driver.admin, { name, password, is_admin: false, active: true }),
  );
  // The user's devices go with the user (ZenML deletes them together), so only the user is tracked.
  const user: UserState = { kind: 'user', id: body.id, label, name, password, active: true, deleted: false };
  w.driver.track(`user ${name}`, () => w.zenml.users.delete(w.driver.admin, user.id));
  w.model.users.push(user);
  w.model.passwords.push({ label: `${label}.p1`, value: password, user });
  return user;
}

const activeUsers = (w: World) => live(w.model.users).filter((u) => u.active);

function setPassword(w: World, user: UserState, password: string): void {
  user.password = password;
  user.passwordChangedAt = w.now();
  w.model.passwords.push({
    label: `${user.label}.p${w.model.passwords.filter((p) => p.user === user).length + 1}`,
    value: password,
    user,
  });
}

class CreateUser extends LifecycleCommand {
  toString = () => 'create a user';
  protected applies = (w: World) => live(w.model.users).length < LIMITS.users;
  protected async act(w: World) {
    await createUser(w);
  }
}

class ChangePassword extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly route: 'current-user' | 'user',
  ) {
    super();
  }
  toString = () =>
    `change a user's password (user #${this.n}, via ${this.route === 'user' ? 'PUT /users/{id}' : 'PUT /current-user'})`;
  protected applies = (w: World) => activeUsers(w).length > 0;
  protected async act(w: World) {
    const user = pick(activeUsers(w), this.n)!;
    w.begin(`${user.label} changes their password (${this.route === 'user' ? 'PUT /users/{own id}' : 'PUT /current-user'})`);
    const token = await w.ownToken(user);
    const password = w.driver.secret(newPassword());
    const res =
      this.route === 'user'
        ? await w.zenml.users.changePassword(token, user.id, password, user.password)
        : await w.zenml.currentUser.changePassword(token, password, user.password);
    w.ok(`change the password of ${user.label}`, res);
    setPassword(w, user, password);
  }
}

/** Deactivate an active user (PUT …/deactivate, which gives an activation token, or PUT /users/{id}
 * with active false), or reactivate an inactive one (the activation flow with a new password, where
 * there is an unused activation token, or PUT /users/{id} with active true). */
class SetUserActive extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly active: boolean,
    readonly byRecord: boolean,
  ) {
    super();
  }
  toString = () => `${onOff(this.active)} a user (user #${this.n}${this.byRecord ? ', through PUT /users/{id}' : ''})`;
  private users = (w: World) => live(w.model.users).filter((u) => u.active !== this.active);
  protected applies = (w: World) => this.users(w).length > 0;
  protected async act(w: World) {
    const user = pick(this.users(w), this.n)!;
    if (this.active) await this.reactivate(w, user);
    else await this.deactivate(w, user);
  }

  private async deactivate(w: World, user: UserState) {
    w.begin(`deactivate ${user.label} (${this.byRecord ? 'PUT /users/{id} active false' : 'PUT /users/{id}/deactivate'})`);
    if (this.byRecord) {
      w.ok(`deactivate ${user.label}`, await w.zenml.users.update(w.driver.admin, user.id, { active: false }));
    } else {
      const res = await w.zenml.users.deactivate(w.driver.admin, user.id);
      const token = w.ok(`deactivate ${user.label}`, res)?.body?.activation_token;
      if (typeof token !== 'string' || token === '') w.fail(`deactivate ${user.label}`, res, 'an activation token');
      user.activationToken = w.driver.secret(token);
    }
    user.active = false;
    user.deactivatedAt = w.now();
  }

  private async reactivate(w: World, user: UserState) {
    const token = this.byRecord ? undefined : user.activationToken;
    if (token !== undefined) {
      w.begin(`reactivate ${user.label} with the activation token and a new password`);
      const password = w.driver.secret(newPassword());
      w.ok(`activate ${user.label}`, await w.zenml.users.activate(user.id, token, password));
      setPassword(w, user, password);
    } else {
      w.begin(`reactivate ${user.label} (PUT /users/{id} active true)`);
      w.ok(`reactivate ${user.label}`, await w.zenml.users.update(w.driver.admin, user.id, { active: true }));
    }
    user.activationToken = undefined;
    user.active = true;
  }
}

class DeleteUser extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `delete a user (user #${this.n})`;
  protected applies = (w: World) => live(w.model.users).length > 0;
  protected async act(w: World) {
    const user = pick(live(w.model.users), this.n)!;
    w.begin(`delete ${user.label} (and their devices)`);
    w.ok(`delete ${user.label}`, await w.zenml.users.delete(w.driver.admin, user.id));
    user.deleted = true;
    for (const d of w.model.devices) if (d.owner === user) d.deleted = true;
  }
}

// --- logins and tokens ----------------------------------------------------------------------------

const logins = (w: World): Array<Exclude<Credential, { kind: 'token' }>> => [
  ...w.model.keyValues.map((keyValue) => ({ kind: 'key value' as const, keyValue })),
  ...w.model.passwords.map((password) => ({ kind: 'password' as const, password })),
];

class Login extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `log in with a key value or password ever issued (#${this.n})`;
  protected applies = (w: World) => w.model.tokens.length < LIMITS.tokens && logins(w).length > 0;
  protected async act(w: World) {
    const c = pick(logins(w), this.n)!;
    const now = w.now();
    const expected = w.model.expectation(c, now);
    w.begin(describeCredential(c));
    const { res, actingAs } = await w.present(c);
    w.note('log in', res);
    const wrong = mismatch(expected, res, actingAs);
    if (wrong) throw w.violation(`${describeCredential(c)}: ${wrong}`, res);
    if (res.status !== 200) return;
    const token = w.tokenOf('log in', res as ApiResponse<TokenResponse>);
    if (c.kind === 'key value') {
      const { key, generation } = c.keyValue;
      const generations = [...new Set([key.generation, generation])];
      w.addToken(token, {
        source: { kind: 'key', key, generations },
        rootIssuedAt: now,
        origin: `login with ${c.keyValue.label}`,
      });
    } else {
      const user = c.password.user;
      w.addToken(token, { source: { kind: 'user', user }, rootIssuedAt: now, origin: `login as ${user.label}` });
    }
  }
}

const LIFETIMES = [undefined, 3, 30, 600] as const;

class MintApiToken extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly lifetime: (typeof LIFETIMES)[number],
  ) {
    super();
  }
  toString = () => `mint an api_token (token #${this.n}${this.lifetime ? `, expires_in ${this.lifetime}` : ''})`;
  protected applies = (w: World) => w.model.tokens.length > 0 && w.model.tokens.length < LIMITS.tokens;
  protected async act(w: World) {
    const parent: TokenState = pick(w.model.tokens, this.n)!;
    const now = w.now();
    const expected = w.model.expectation({ kind: 'token', token: parent }, now);
    w.begin(`mint an api_token with ${parent.label}${this.lifetime ? ` (expires_in ${this.lifetime} s)` : ''}`);
    const res = await w.zenml.apiToken(parent.value, this.lifetime ? { expires_in: this.lifetime } : {});
    w.note('GET /api_token', res);
    const token = res.status === 200 && typeof res.body === 'string' ? res.body : undefined;
    const claims = token ? safeClaims(token) : undefined;
    const wrong = mismatch(expected, res, claims?.sub);
    if (wrong)
      throw w.violation(`minting an api_token with ${parent.label}: expected it ${describe(expected.verdict)}, ${wrong}`, res);
    if (res.status !== 200) return;
    if (!token || !claims) w.fail('GET /api_token', res, 'a JWT');
    const latest = now + (this.lifetime ?? 3600) + MARGINS.retain;
    if (typeof claims.exp === 'number' && (claims.exp <= now || claims.exp > latest))
      w.fail(
        'GET /api_token',
        res,
        `a token that expires within ${this.lifetime ?? 3600} s, not one with exp ${claims.exp - now} s from now`,
      );
    const from = parent.source;
    w.addToken(token, {
      // From 0.96.4 the api_token carries the key's generation as it is now, not the parent's.
      source:
        from.kind === 'key' && w.model.rules.mintedKeepsGeneration
          ? { kind: 'key', key: from.key, generations: [from.key.generation] }
          : from,
      mintedFrom: from.kind === 'key' ? from.generations : undefined,
      rootIssuedAt: parent.rootIssuedAt,
      minted: true,
      origin: `api_token from ${parent.label}${this.lifetime ? ` for ${this.lifetime} s` : ''}`,
    });
  }
}

const describe = (v: string) => (v === 'accepted' ? 'minted' : v === 'refused' ? 'refused' : 'minted or refused');

function safeClaims(token: string): { sub?: string; exp?: number } | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

class KeyAsBearer extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `present a key value as a bearer (#${this.n})`;
  protected applies = (w: World) => w.model.rules.rawKeyBearer && w.model.keyValues.length > 0;
  protected async act(w: World) {
    const v = pick(w.model.keyValues, this.n)!;
    const expected = w.model.expectation({ kind: 'key value', keyValue: v }, w.now());
    w.begin(`GET /current-user with ${v.label} as the bearer (APIKEY-BEARER)`);
    const res = await w.zenml.currentUser.get(v.value);
    w.note('GET /current-user', res);
    const wrong = mismatch(expected, res, res.status === 200 ? res.body?.id : undefined);
    if (wrong) throw w.violation(`${v.label} as a bearer: ${wrong}`, res);
  }
}

// --- devices ------------------------------------------------------------------------------------------

const usableDevices = (w: World) => w.model.devices.filter((d) => !d.deleted && d.owner.active && !d.owner.deleted);

class CreateDevice extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `authorize a device for a user (user #${this.n})`;
  protected applies = (w: World) =>
    activeUsers(w).length > 0 && live(w.model.devices).length < LIMITS.devices && w.model.tokens.length < LIMITS.tokens;
  protected async act(w: World) {
    const owner = pick(activeUsers(w), this.n)!;
    const label = w.model.label('device');
    w.begin(`${owner.label} authorizes device ${label} (device flow)`);
    const ownerToken = await w.ownToken(owner);
    const clientId = randomUUID();
    const start = await w.zenml.deviceAuthorization(clientId);
    const id = deviceIdOf(w.ok('POST /device_authorization', start));
    if (!id) w.fail('POST /device_authorization', start, 'a device id in verification_uri_complete');
    const codes = codesOf(clientId, start);
    w.driver.secret(codes.deviceCode);
    w.ok(`${owner.label} verifies ${label}`, await w.zenml.devices.verify(ownerToken, id, codes.userCode));
    const token = w.tokenOf(`poll for the token of ${label}`, await pollDevice(w.zenml, codes));
    const device: DeviceState = { id, label, owner, locked: false, deleted: false, clientId, userCode: codes.userCode };
    w.model.devices.push(device);
    w.addToken(token, { source: { kind: 'device', device }, rootIssuedAt: w.now(), origin: `the token of ${label}` });
  }
}

class SetDeviceLocked extends LifecycleCommand {
  constructor(
    readonly n: number,
    readonly locked: boolean,
  ) {
    super();
  }
  toString = () => `${this.locked ? 'lock' : 'unlock'} a device (device #${this.n})`;
  private devices = (w: World) => usableDevices(w).filter((d) => d.locked !== this.locked);
  protected applies = (w: World) => this.devices(w).length > 0;
  protected async act(w: World) {
    const d = pick(this.devices(w), this.n)!;
    w.begin(`${d.owner.label} ${this.locked ? 'locks' : 'unlocks'} ${d.label}`);
    const token = await w.ownToken(d.owner);
    w.ok(`${this.locked ? 'lock' : 'unlock'} ${d.label}`, await w.zenml.devices.update(token, d.id, { locked: this.locked }));
    d.locked = this.locked;
  }
}

class DeleteDevice extends LifecycleCommand {
  constructor(readonly n: number) {
    super();
  }
  toString = () => `delete a device (device #${this.n})`;
  protected applies = (w: World) => usableDevices(w).length > 0;
  protected async act(w: World) {
    const d = pick(usableDevices(w), this.n)!;
    w.begin(`${d.owner.label} deletes ${d.label}`);
    const token = await w.ownToken(d.owner);
    w.ok(`delete ${d.label}`, await w.zenml.devices.delete(token, d.id));
    d.deleted = true;
  }
}

// --- the command set ----------------------------------------------------------------------------------

const n = fc.nat({ max: 15 });
const bool = fc.boolean();

/** The command families; LIFECYCLE_FOCUS (comma-separated) runs some of them only. */
export const FAMILIES = ['keys', 'accounts', 'users', 'tokens', 'devices'] as const;
export type Family = (typeof FAMILIES)[number];

/**
 * The commands, weighted toward what changes whether credentials work (rotations, deactivations,
 * deletions, logins) over what only adds things. Rotations keep the previous value for 0 (twice as
 * likely), 1, 5 or 60 minutes: the retain periods end after the run, or at once. `focus`: the
 * families to draw from (a focused run reaches long sequences of one kind sooner).
 */
export function lifecycleCommands(focus: readonly Family[] = FAMILIES): Array<fc.Arbitrary<LifecycleCommand>> {
  const weighted: Array<[Family, number, fc.Arbitrary<LifecycleCommand>]> = [
    ['accounts', 1, fc.constant(new CreateServiceAccount())],
    ['keys', 1, n.map((i) => new CreateKey(i))],
    ['keys', 4, fc.tuple(n, fc.constantFrom(0, 0, 1, 5, 60)).map(([i, r]) => new RotateKey(i, r))],
    ['keys', 2, n.map((i) => new SetKeyActive(i, false))],
    ['keys', 1, n.map((i) => new SetKeyActive(i, true))],
    ['keys', 1, n.map((i) => new DeleteKey(i))],
    ['accounts', 1, n.map((i) => new SetAccountActive(i, false))],
    ['accounts', 1, n.map((i) => new SetAccountActive(i, true))],
    ['accounts', 1, n.map((i) => new DeleteAccount(i))],
    ['users', 1, fc.constant(new CreateUser())],
    [
      'users',
      2,
      fc.tuple(n, fc.constantFrom('current-user' as const, 'user' as const)).map(([i, r]) => new ChangePassword(i, r)),
    ],
    ['users', 2, fc.tuple(n, bool).map(([i, byRecord]) => new SetUserActive(i, false, byRecord))],
    ['users', 1, fc.tuple(n, bool).map(([i, byRecord]) => new SetUserActive(i, true, byRecord))],
    ['users', 1, n.map((i) => new DeleteUser(i))],
    ['tokens', 3, n.map((i) => new Login(i))],
    ['tokens', 2, fc.tuple(n, fc.constantFrom(...LIFETIMES)).map(([i, l]) => new MintApiToken(i, l))],
    ['tokens', 1, n.map((i) => new KeyAsBearer(i))],
    ['devices', 2, n.map((i) => new CreateDevice(i))],
    ['devices', 1, n.map((i) => new SetDeviceLocked(i, true))],
    ['devices', 1, n.map((i) => new SetDeviceLocked(i, false))],
    ['devices', 1, n.map((i) => new DeleteDevice(i))],
  ];
  // fc.commands picks among its arbitraries uniformly: a weight is that many copies.
  return weighted
    .filter(([family]) => focus.includes(family))
    .flatMap(([, weight, arb]) => Array.from({ length: weight }, () => arb));
}

/** LIFECYCLE_FOCUS as families; an unknown name is an error that says which exist. */
export function focusFromEnv(value = process.env.LIFECYCLE_FOCUS ?? ''): Family[] {
  const named = value
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = named.filter((f) => !(FAMILIES as readonly string[]).includes(f));
  if (unknown.length) throw new Error(`LIFECYCLE_FOCUS names ${unknown.join(', ')}; the families are ${FAMILIES.join(', ')}`);
  return named.length ? (named as Family[]) : [...FAMILIES];
}
