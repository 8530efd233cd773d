/**
 * The numbers and ids of the lifecycle operations, fuzzed (LIFECYCLE-PARAMS):
 * - rotate's retain_period_minutes: integers to ±2^80 and past Python's timedelta, non-integers,
 *   numeric strings, other JSON types. Never a 5xx; a number that is no integer, or no number, is
 *   refused; a rotation the server accepts leaves a key that logs in with its new value.
 * - api_token's expires_in: integers to ±2^80. Never a 5xx; a token issued has not already expired.
 * - the ids in the key and service-account paths: the run's own ids in other spellings (the server
 *   may act on them or refuse them), and ids that name nothing (random UUIDs, run-prefixed names,
 *   traversal, long and odd strings), which must be refused. Never a 5xx.
 * Safety on a real server: what a case can change is the run's own service account and key (a
 * rotation); ids that name nothing are only read, and deleted only where they are random UUIDs or
 * run-prefixed names, which nothing else on the server can be called.
 */
import fc from 'fast-check';
import { fuzzValue, oneof } from '../text';
import type { FuzzRequest } from '../replay';
import { PATHS } from '../../zenml/api';
import { GENERIC_TOKEN_MAX_LIFETIME } from '../api-token';

export type ParamsCase =
  | { op: 'rotate'; retain: string }
  | { op: 'api-token'; expiresIn: string }
  | { op: 'own-id'; resource: 'key' | 'account'; method: 'GET' | 'PUT'; spelling: Spelling }
  | { op: 'no-such-id'; resource: 'key' | 'account' | 'user' | 'device'; method: 'GET' | 'PUT' | 'DELETE'; id: string };

/** The run's own ids, which a case spells. */
export interface Own {
  accountId: string;
  keyId: string;
  /** The run prefix, for names that cannot be anyone else's. */
  prefix: string;
}

type Spelling = 'upper' | 'no-dashes' | 'braces' | 'urn' | 'space' | 'percent-dash';

export function spell(id: string, s: Spelling): string {
  switch (s) {
    case 'upper':
      return id.toUpperCase();
    case 'no-dashes':
      return id.replace(/-/g, '');
    case 'braces':
      return `{${id}}`;
    case 'urn':
      return `urn:uuid:${id}`;
    case 'space':
      return ` ${id}`;
    case 'percent-dash':
      return id.replace(/-/g, '%2D');
  }
}

/** Integer edges of the types a server may convert to, and of Python's timedelta (±999 999 999 days,
 * in minutes and in seconds) and datetime (year 1 to 9999 from now, in seconds). */
const INTEGER_EDGES = [
  '0',
  '1',
  '-1',
  '60',
  '10080',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '1439999998560',
  '1440000000000',
  '86399999999999',
  '86400000000000',
  '-64000000000',
  '250000000000',
];

const integers = oneof(
  { weight: 2, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...INTEGER_EDGES) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String) },
);

/** JSON values for retain_period_minutes, as the text of the body. */
const retainValues = oneof(
  { weight: 4, arbitrary: integers },
  {
    weight: 2,
    arbitrary: fc.constantFrom('1.5', '-0.5', '1e400', '1.0', '1e3', '"5"', '"abc"', '""', 'null', 'true', '[]', '{}', '[5]'),
  },
  { weight: 1, arbitrary: fuzzValue.map((v) => JSON.stringify(v)) },
);

/** Name-like ids that name nothing. No dot segments, percent-encoded ones included ('%2e%2e' is '..'
 * to a URL parser), and no blanks: a client normalises those away into another operation's path. */
export const NAME_EDGES = ['0', '-1', 'null', 'undefined', '%00', 'me', 'current', '%2F', "'", '*', '%25'];

/** An id that names nothing: a fresh UUID, a run-prefixed name, or (only to read) an odd string. */
const noSuchId = (own: Own, reading: boolean): fc.Arbitrary<string> =>
  oneof(
    { weight: 3, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{1,12}$/).map((h) => `${own.prefix}-nothing-${h}`) },
    { weight: 1, arbitrary: fc.constant(`${own.prefix}-${'x'.repeat(4000)}`) },
    ...(reading
      ? [
          { weight: 1, arbitrary: fc.constantFrom(...NAME_EDGES) },
          // Run-prefixed, so that no generated string is by chance the name of someone real.
          { weight: 1, arbitrary: fuzzValue.map((v) => `${own.prefix}-${encodeURIComponent(v)}`) },
        ]
      : []),
  );

export function paramsCases(own: Own): fc.Arbitrary<ParamsCase> {
  const spelling = fc.constantFrom<Spelling>('upper', 'no-dashes', 'braces', 'urn', 'space', 'percent-dash');
  return oneof(
    { weight: 2, arbitrary: retainValues.map((retain) => ({ op: 'rotate' as const, retain })) },
    { weight: 3, arbitrary: integers.map((expiresIn) => ({ op: 'api-token' as const, expiresIn })) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('own-id' as const),
        resource: fc.constantFrom('key' as const, 'account' as const),
        method: fc.constantFrom('GET' as const, 'PUT' as const),
        spelling,
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          resource: fc.constantFrom('key' as const, 'account' as const, 'user' as const, 'device' as const),
          method: fc.constantFrom('GET' as const, 'PUT' as const, 'DELETE' as const),
        })
        .chain(({ resource, method }) =>
          noSuchId(own, method === 'GET').map((id) => ({ op: 'no-such-id' as const, resource, method, id })),
        ),
    },
  );
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function pathFor(resource: 'key' | 'account' | 'user' | 'device', id: string, own: Own): string {
  if (resource === 'key') return `${PATHS.apiKeys(own.accountId)}/${id}`;
  if (resource === 'account') return `${PATHS.serviceAccounts}/${id}`;
  if (resource === 'user') return `${PATHS.users}/${id}`;
  return `${PATHS.devices}/${id}`;
}

/** The request a case stands for (without the Authorization header: the property adds the admin's). */
export function paramsRequest(c: ParamsCase, own: Own): FuzzRequest {
  switch (c.op) {
    case 'rotate':
      return {
        method: 'PUT',
        path: `${PATHS.apiKey(own.accountId, own.keyId)}/rotate`,
        headers: JSON_HEADERS,
        body: `{"retain_period_minutes":${c.retain}}`,
      };
    case 'api-token':
      return { method: 'GET', path: `${PATHS.apiToken}?expires_in=${encodeURIComponent(c.expiresIn)}`, headers: {} };
    case 'own-id': {
      const id = spell(c.resource === 'key' ? own.keyId : own.accountId, c.spelling);
      return write(c.method, pathFor(c.resource, id.replace(/ /g, '%20'), own), c.resource);
    }
    case 'no-such-id':
      return write(c.method, pathFor(c.resource, c.id, own), c.resource);
  }
}

/** A harmless change where the method writes: a description (accounts, keys), a full name, a lock. */
function write(method: 'GET' | 'PUT' | 'DELETE', path: string, resource: 'key' | 'account' | 'user' | 'device'): FuzzRequest {
  if (method !== 'PUT') return { method, path, headers: {} };
  const body =
    resource === 'user' ? { full_name: 'zct' } : resource === 'device' ? { locked: false } : { description: 'zenml-conformance' };
  return { method, path, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** What the rules say of a retain period given as this JSON text. */
export function retainMeaning(retain: string): 'integer' | 'maybe' | 'invalid' {
  let value: unknown;
  try {
    value = JSON.parse(retain);
  } catch {
    return 'invalid';
  }
  if (typeof value === 'number') return /^-?\d+$/.test(retain.trim()) ? 'integer' : Number.isInteger(value) ? 'maybe' : 'invalid';
  // A numeric string or a boolean may be read as the number (lax parsing, as pydantic does), or refused.
  if ((typeof value === 'string' && /^-?\d+$/.test(value)) || typeof value === 'boolean') return 'maybe';
  return 'invalid';
}

/** The latest exp a token may carry for this expires_in: the lifetime asked for, or the default hour. */
export function latestExp(expiresIn: string, issuedAt: number): number {
  const n = Number(expiresIn);
  const lifetime = Number.isSafeInteger(n) && n > 0 ? Math.min(n, GENERIC_TOKEN_MAX_LIFETIME) : 3600;
  return issuedAt + lifetime;
}
