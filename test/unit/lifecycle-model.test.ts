/** The lifecycle model's rules, without a server: what it calls live, refused and open. */
import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { NAME_EDGES, paramsCases, paramsRequest, type Own } from '../../fuzz/lifecycle/params';
import {
  keyValueExpectation,
  passwordExpectation,
  rulesFor,
  tokenExpectation,
  type KeyState,
  type ServiceAccountState,
  type TokenState,
  type UserState,
} from '../../fuzz/lifecycle/model';

const NOW = 1_000_000;
const sa = (): ServiceAccountState => ({
  kind: 'service account',
  id: 'sa-id',
  label: 'sa1',
  name: 'sa',
  active: true,
  deleted: false,
});
const key = (over: Partial<KeyState> = {}): KeyState => ({
  id: 'k',
  label: 'key1',
  account: sa(),
  name: 'k',
  active: true,
  deleted: false,
  generation: 1,
  rotations: 0,
  ...over,
});
const user = (over: Partial<UserState> = {}): UserState => ({
  kind: 'user',
  id: 'u-id',
  label: 'user1',
  name: 'u',
  password: 'p2',
  active: true,
  deleted: false,
  ...over,
});
const token = (source: TokenState['source'], over: Partial<TokenState> = {}): TokenState => ({
  label: 'token1',
  value: 'x',
  source,
  rootIssuedAt: NOW - 100,
  origin: 'login',
  ...over,
});
const GENERATIONS = rulesFor('0.98.0');
const BEFORE_GENERATIONS = rulesFor('0.93.3');

test('a key value: the current generation logs in, the previous only within its retain period, older ones never', () => {
  const k = key({ generation: 3, retained: { generation: 2, until: NOW + 600 } });
  expect(keyValueExpectation({ label: 'v3', value: '', key: k, generation: 3 }, NOW)).toMatchObject({ verdict: 'accepted' });
  expect(keyValueExpectation({ label: 'v2', value: '', key: k, generation: 2 }, NOW)).toMatchObject({ verdict: 'accepted' });
  expect(keyValueExpectation({ label: 'v1', value: '', key: k, generation: 1 }, NOW)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-ROTATE',
  });
  // At the retain period's end the rules do not say which side of it a request falls on.
  expect(keyValueExpectation({ label: 'v2', value: '', key: k, generation: 2 }, NOW + 600)).toMatchObject({ verdict: 'either' });
  expect(keyValueExpectation({ label: 'v2', value: '', key: k, generation: 2 }, NOW + 700)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-ROTATE-RETAIN',
  });
});

test('deactivation refuses every value and token of a key (or of its account); reactivation restores them', () => {
  const k = key({ active: false });
  expect(keyValueExpectation({ label: 'v1', value: '', key: k, generation: 1 }, NOW)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-DEACTIVATE',
  });
  k.active = true;
  k.account.active = false;
  expect(tokenExpectation(token({ kind: 'key', key: k, generations: [1] }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-DEACTIVATE',
  });
  k.account.active = true;
  expect(tokenExpectation(token({ kind: 'key', key: k, generations: [1] }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'accepted',
    as: { id: 'sa-id' },
  });
  k.deleted = true;
  expect(tokenExpectation(token({ kind: 'key', key: k, generations: [1] }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-DELETE',
  });
});

test('key-derived tokens die with their generation from 0.96.2 on; before, a rotation leaves them open (a SHOULD)', () => {
  const k = key({ generation: 2 });
  const t = token({ kind: 'key', key: k, generations: [1] });
  expect(tokenExpectation(t, NOW, GENERATIONS)).toMatchObject({ verdict: 'refused', rule: 'APIKEY-TOKEN-GENERATION' });
  expect(tokenExpectation(t, NOW, BEFORE_GENERATIONS)).toMatchObject({ verdict: 'either', rule: 'APIKEY-ROTATE-REVOKES-TOKENS' });
  // A token from a retained value may carry either generation: the readings differ, so either.
  const r = key({ generation: 3, retained: { generation: 2, until: NOW + 600 } });
  expect(tokenExpectation(token({ kind: 'key', key: r, generations: [3, 2] }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'accepted',
  });
  r.generation = 4;
  r.retained = { generation: 3, until: NOW + 600 };
  expect(tokenExpectation(token({ kind: 'key', key: r, generations: [3, 2] }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'either',
  });
});

test('api_tokens minted from key tokens keep the generation from 0.96.4; before, a rotation leaves them open, a deactivation does not', () => {
  const k = key({ generation: 2 });
  const minted = token({ kind: 'key', key: k, generations: [1] }, { minted: true });
  expect(tokenExpectation(minted, NOW, GENERATIONS)).toMatchObject({ verdict: 'refused', rule: 'APIKEY-TOKEN-GENERATION' });
  const early = rulesFor('0.96.2');
  expect(tokenExpectation(minted, NOW, early)).toMatchObject({ verdict: 'either', rule: 'APIKEY-ROTATE-REVOKES-TOKENS' });
  // The login token itself carries the generation on that release.
  expect(tokenExpectation({ ...minted, minted: false }, NOW, early)).toMatchObject({
    verdict: 'refused',
    rule: 'APIKEY-TOKEN-GENERATION',
  });
  // Revocation is no weaker rule: a deactivated key's api_tokens are refused on every release.
  const off = token({ kind: 'key', key: key({ active: false }), generations: [1] }, { minted: true });
  expect(tokenExpectation(off, NOW, early)).toMatchObject({ verdict: 'refused', rule: 'APIKEY-DEACTIVATE' });
});

test('an api_token carries the generation of the key when it was minted; one minted from a retained older token may outlive it (a SHOULD)', () => {
  const k = key({ generation: 3, retained: { generation: 2, until: NOW + 600 } });
  // Minted at generation 2 from a token of generation 1 (then retained), now two rotations on.
  const minted = token({ kind: 'key', key: k, generations: [2] }, { minted: true, mintedFrom: [1] });
  expect(tokenExpectation(minted, NOW, GENERATIONS)).toMatchObject({ verdict: 'either', rule: 'APIKEY-ROTATE-REVOKES-TOKENS' });
  // Its own generation out: refused, whatever it was minted from.
  k.generation = 4;
  k.retained = { generation: 3, until: NOW + 600 };
  expect(tokenExpectation(minted, NOW, GENERATIONS)).toMatchObject({ verdict: 'refused', rule: 'APIKEY-TOKEN-GENERATION' });
});

test("a user's passwords and tokens: the current password only; tokens end with deactivation and deletion", () => {
  const u = user();
  expect(passwordExpectation({ label: 'p2', value: 'p2', user: u })).toMatchObject({ verdict: 'accepted' });
  expect(passwordExpectation({ label: 'p1', value: 'p1', user: u })).toMatchObject({
    verdict: 'refused',
    rule: 'REVOKE-PASSWORD-CHANGE',
  });
  u.passwordChangedAt = NOW - 50;
  // Issued before the change: ZenML 0.96.2 and later refuse it, older releases keep it (a SHOULD).
  expect(tokenExpectation(token({ kind: 'user', user: u }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'either',
    rule: 'REVOKE-PASSWORD-TOKENS',
  });
  expect(tokenExpectation(token({ kind: 'user', user: u }, { rootIssuedAt: NOW - 10 }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'accepted',
  });
  u.active = false;
  expect(tokenExpectation(token({ kind: 'user', user: u }, { rootIssuedAt: NOW - 10 }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'refused',
    rule: 'REVOKE-USER-DEACTIVATE',
  });
  expect(passwordExpectation({ label: 'p2', value: 'p2', user: u })).toMatchObject({ verdict: 'refused' });
});

test('a device token: locked or deleted refused, unlocked accepted as its owner; an expired api_token refused', () => {
  const owner = user();
  const device = { id: 'd', label: 'device1', owner, locked: true, deleted: false, clientId: 'c', userCode: 'u' };
  expect(tokenExpectation(token({ kind: 'device', device }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'refused',
    rule: 'DEVICE-REVOKE',
  });
  device.locked = false;
  expect(tokenExpectation(token({ kind: 'device', device }), NOW, GENERATIONS)).toMatchObject({
    verdict: 'accepted',
    as: { id: 'u-id' },
  });
  const short = token({ kind: 'device', device }, { exp: NOW - 100 });
  expect(tokenExpectation(short, NOW, GENERATIONS)).toMatchObject({ verdict: 'refused', rule: 'TOKEN-API-SHORT' });
  expect(tokenExpectation({ ...short, exp: NOW }, NOW, GENERATIONS)).toMatchObject({ verdict: 'either' });
});

test('every fuzzed lifecycle request stays on the operation it is for: no id normalises into another path', () => {
  const own: Own = { accountId: randomUUID(), keyId: randomUUID(), prefix: 'zct-unit' };
  fc.assert(
    fc.property(paramsCases(own), (c) => {
      const sent = paramsRequest(c, own).path.split('?')[0];
      const resolved = new URL(sent, 'http://zenml.test').pathname;
      // A dot segment ('..', also '%2e%2e') takes one away; percent-encoding by the parser does not.
      expect(resolved.split('/').length, `${sent} resolves to ${resolved}`).toBe(sent.split('/').length);
    }),
    { numRuns: 300 },
  );
  // The odd names are rare in a sample; each is checked on its own.
  for (const id of NAME_EDGES)
    expect(new URL(`/api/v1/users/${id}`, 'http://zenml.test').pathname.split('/').length, `the id ${id}`).toBe(5);
});
