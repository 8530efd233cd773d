/**
 * The credential lifecycle model: what the suite has made on the target (service accounts, keys and
 * their values, users and their passwords, devices, tokens), and the rules the catalogue names for
 * each, as one executable statement: given the model, which credentials must be accepted (and as
 * whom), which refused, and which the rules leave open ("either": a SHOULD the release may not keep,
 * or a moment too close to a deadline to call).
 *
 * Each expectation says which requirement decided it, so that a failure names the rule it broke. The
 * model knows nothing of HTTP: the commands (commands.ts) drive the target and keep the model.
 */
import { MINTED_KEEPS_SOURCE_SINCE, requirement, type RequirementId } from '../../core/catalogue';
import { compareVersions } from '../../core/version';

/** Seconds on the server's clock. */
export type ServerTime = number;

export interface Identity {
  /** The server's id of the user or service account. */
  id: string;
  /** The model's name for it ("sa1", "user2"). */
  label: string;
}

interface Entity extends Identity {
  name: string;
  active: boolean;
  deleted: boolean;
}

export interface ServiceAccountState extends Entity {
  kind: 'service account';
}

export interface KeyState {
  id: string;
  label: string;
  account: ServiceAccountState;
  name: string;
  active: boolean;
  deleted: boolean;
  /** The current generation: 1 at creation, +1 per rotation. */
  generation: number;
  /** The generation before the current one, while its retain period runs. */
  retained?: { generation: number; until: ServerTime };
  rotations: number;
}

export interface UserState extends Entity {
  kind: 'user';
  password: string;
  /** When the password last changed (undefined: never since creation). */
  passwordChangedAt?: ServerTime;
  /** When the user was last deactivated (undefined: never). */
  deactivatedAt?: ServerTime;
  /** The activation token of the latest deactivation through PUT …/deactivate, unused. */
  activationToken?: string;
}

export interface DeviceState {
  id: string;
  label: string;
  owner: UserState;
  locked: boolean;
  deleted: boolean;
  clientId: string;
  userCode: string;
}

/** Where a token's authority comes from: a key of some generation, a user's password, or a device. */
export type Source =
  /** The generations it may carry: the key's current one when it was issued, and that of the value
   * logged in with (a retained previous value), where the two differ. */
  | { kind: 'key'; key: KeyState; generations: number[] }
  | { kind: 'user'; user: UserState }
  | { kind: 'device'; device: DeviceState };

export interface TokenState {
  label: string;
  value: string;
  source: Source;
  /** When the first credential of its chain was issued (a login, a device poll): api_tokens minted
   * from a token inherit it, so that a rule about tokens "issued before" reaches them. */
  rootIssuedAt: ServerTime;
  /** exp, on the server's clock (undefined: no exp claim). */
  exp?: ServerTime;
  /** How it came to be, for the report ("login with key1 value 2", "api_token from token3"). */
  origin: string;
  /** Minted at api_token from another token. */
  minted?: boolean;
  /** Minted from a key-derived token: the generations that token carried. ZenML stamps the key's
   * current generation on the new token, so one minted from a retained previous generation outlives
   * it: the weaker rule of APIKEY-ROTATE-REVOKES-TOKENS, open here (the MUST judges what it carries). */
  mintedFrom?: number[];
}

export interface KeyValue {
  label: string;
  value: string;
  key: KeyState;
  generation: number;
}

export interface Password {
  label: string;
  value: string;
  user: UserState;
}

export type Credential =
  { kind: 'token'; token: TokenState } | { kind: 'key value'; keyValue: KeyValue } | { kind: 'password'; password: Password };

export type Expectation =
  | { verdict: 'accepted'; as: Identity }
  | { verdict: 'refused'; rule: RequirementId; because: string }
  | { verdict: 'either'; as: Identity; rule: RequirementId; because: string };

/** Tolerances around deadlines, in seconds: a check this close to one may go either way. */
export const MARGINS = {
  /** A retain period's end (the server compares its own clock, to the microsecond). */
  retain: 5,
  /** A password change or a deactivation against a token's iat (ZenML compares whole seconds). */
  issued: 2,
  /** exp: refused at the latest this long after it (RFC 7519 §4.1.4 leeway; ZenML's is 10 s). */
  leeway: 60,
} as const;

/** The release's rules where releases differ. */
export interface Rules {
  /** Key-derived tokens carry the key generation and die with it (APIKEY-TOKEN-GENERATION). */
  tokenGenerations: boolean;
  /** A raw key works as a bearer (APIKEY-BEARER). */
  rawKeyBearer: boolean;
  /** An api_token keeps the key generation of the token it is minted from (MINTED_KEEPS_SOURCE_SINCE). */
  mintedKeepsGeneration: boolean;
}

export function rulesFor(version: string): Rules {
  const offered = (id: RequirementId) => {
    const since = requirement(id).since;
    return since === undefined || compareVersions(version, since) >= 0;
  };
  return {
    tokenGenerations: offered('APIKEY-TOKEN-GENERATION'),
    rawKeyBearer: offered('APIKEY-BEARER'),
    mintedKeepsGeneration: compareVersions(version, MINTED_KEEPS_SOURCE_SINCE) >= 0,
  };
}

export class LifecycleModel {
  readonly accounts: ServiceAccountState[] = [];
  readonly keys: KeyState[] = [];
  readonly users: UserState[] = [];
  readonly devices: DeviceState[] = [];
  readonly tokens: TokenState[] = [];
  readonly keyValues: KeyValue[] = [];
  readonly passwords: Password[] = [];
  private readonly counters = new Map<string, number>();

  constructor(readonly rules: Rules) {}

  /** "sa1", "key2", "token7": the model's names, in the order things were made. */
  label(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${kind}${n}`;
  }

  credentials(): Credential[] {
    return [
      ...this.tokens.map((token) => ({ kind: 'token' as const, token })),
      ...this.keyValues.map((keyValue) => ({ kind: 'key value' as const, keyValue })),
      ...this.passwords.map((password) => ({ kind: 'password' as const, password })),
    ];
  }

  expectation(c: Credential, now: ServerTime): Expectation {
    if (c.kind === 'token') return tokenExpectation(c.token, now, this.rules);
    if (c.kind === 'key value') return keyValueExpectation(c.keyValue, now);
    return passwordExpectation(c.password);
  }
}

/** The strictest of several findings: a refusal wins over "either", "either" over acceptance. */
function combine(as: Identity, findings: Array<Exclude<Expectation, { verdict: 'accepted' }> | undefined>): Expectation {
  const refused = findings.find((f) => f?.verdict === 'refused');
  if (refused) return refused;
  const open = findings.find((f) => f?.verdict === 'either');
  return open ?? { verdict: 'accepted', as };
}

/** What every reading agrees on; where they differ, either. */
function agreed(as: Identity, readings: Array<Exclude<Expectation, { verdict: 'accepted' }> | undefined>) {
  const [first] = readings;
  if (readings.every((r) => r === undefined)) return undefined;
  if (readings.every((r) => r?.verdict === 'refused')) return first;
  const open = readings.find((r) => r !== undefined)!;
  return either(as, open.rule, `${open.because}, by one reading of the generation it carries`);
}

const refused = (rule: RequirementId, because: string) => ({ verdict: 'refused' as const, rule, because });
const either = (as: Identity, rule: RequirementId, because: string) => ({ verdict: 'either' as const, as, rule, because });

/** The rules of a service account and one of its keys, shared by its values and its tokens. */
function keyFindings(key: KeyState) {
  const sa = key.account;
  if (sa.deleted) return refused('APIKEY-DELETE', `${sa.label} was deleted (and ${key.label} with it)`);
  if (key.deleted) return refused('APIKEY-DELETE', `${key.label} was deleted`);
  if (!sa.active) return refused('APIKEY-DEACTIVATE', `${sa.label}, the account of ${key.label}, is deactivated`);
  if (!key.active) return refused('APIKEY-DEACTIVATE', `${key.label} is deactivated`);
  return undefined;
}

/** Generation `g` of the key at `now`: current, retained (or too close to the retain's end to call), or gone. */
function generationFinding(key: KeyState, g: number, now: ServerTime, rule: RequirementId, what: string) {
  if (g === key.generation) return undefined;
  const r = key.retained;
  if (r && g === r.generation) {
    if (now < r.until - MARGINS.retain) return undefined;
    if (now < r.until + MARGINS.retain) return either(key.account, rule, `${what} is at the end of its retain period`);
  }
  const why =
    g === key.generation - 1
      ? `${key.label} was rotated ${r ? 'and its retain period is over' : 'without a retain period'}`
      : `${key.label} was rotated ${key.generation - g} times since (only the previous generation is ever retained)`;
  return refused(rule, `${what} is generation ${g}; ${why}`);
}

export function keyValueExpectation(v: KeyValue, now: ServerTime): Expectation {
  const rule: RequirementId = v.generation === v.key.generation - 1 ? 'APIKEY-ROTATE-RETAIN' : 'APIKEY-ROTATE';
  return combine(v.key.account, [keyFindings(v.key), generationFinding(v.key, v.generation, now, rule, `${v.label}`)]);
}

export function passwordExpectation(p: Password): Expectation {
  const u = p.user;
  if (u.deleted) return refused('REVOKE-USER-DELETE', `${u.label} was deleted`);
  if (!u.active) return refused('REVOKE-USER-DEACTIVATE', `${u.label} is deactivated`);
  if (p.value !== u.password) return refused('REVOKE-PASSWORD-CHANGE', `${p.label} of ${u.label} was replaced`);
  return { verdict: 'accepted', as: u };
}

/** A user's rules for a token of theirs issued at `issuedAt` (a password token or a device's). */
function userTokenFindings(u: UserState, issuedAt: ServerTime, what: string) {
  if (u.deleted) return [refused('REVOKE-USER-DELETE', `${u.label}, whose ${what} it is, was deleted`)];
  if (!u.active) return [refused('REVOKE-USER-DEACTIVATE', `${u.label}, whose ${what} it is, is deactivated`)];
  return [
    // A SHOULD: ZenML 0.96.2 and later refuse such tokens, earlier releases keep them.
    u.passwordChangedAt !== undefined && issuedAt < u.passwordChangedAt + MARGINS.issued
      ? either(u, 'REVOKE-PASSWORD-TOKENS', `it was issued before ${u.label}'s password changed`)
      : undefined,
    // No rule says whether a reactivated user's earlier tokens work again.
    u.deactivatedAt !== undefined && issuedAt < u.deactivatedAt + MARGINS.issued
      ? either(u, 'REVOKE-USER-DEACTIVATE', `it was issued before ${u.label} was deactivated and reactivated`)
      : undefined,
  ];
}

export function tokenExpectation(t: TokenState, now: ServerTime, rules: Rules): Expectation {
  const expiry =
    t.exp === undefined
      ? undefined
      : now > t.exp + MARGINS.leeway
        ? refused('TOKEN-API-SHORT', `${t.label} expired at its exp`)
        : now > t.exp - MARGINS.issued
          ? either(identityOf(t.source), 'TOKEN-API-SHORT', `${t.label} is at or just past its exp (within the leeway)`)
          : undefined;
  const s = t.source;
  if (s.kind === 'key') {
    const what = `${t.label} (from ${s.key.label})`;
    const generations = rules.tokenGenerations && (!t.minted || rules.mintedKeepsGeneration);
    const generation = generations
      ? agreed(
          s.key.account,
          s.generations.map((g) => generationFinding(s.key, g, now, 'APIKEY-TOKEN-GENERATION', what)),
        )
      : s.generations.every((g) => g !== s.key.generation)
        ? either(
            s.key.account,
            'APIKEY-ROTATE-REVOKES-TOKENS',
            `${s.key.label} was rotated since (a SHOULD where the token carries no key generation)`,
          )
        : undefined;
    const parent =
      generations && t.mintedFrom
        ? agreed(
            s.key.account,
            t.mintedFrom.map((g) =>
              generationFinding(s.key, g, now, 'APIKEY-ROTATE-REVOKES-TOKENS', `the token it was minted from`),
            ),
          )
        : undefined;
    const outlived =
      parent?.verdict === 'refused'
        ? either(
            s.key.account,
            'APIKEY-ROTATE-REVOKES-TOKENS',
            `${what} outlives the token it was minted from: ${parent.because}`,
          )
        : undefined;
    return combine(s.key.account, [expiry, keyFindings(s.key), generation, outlived]);
  }
  if (s.kind === 'user') return combine(s.user, [expiry, ...userTokenFindings(s.user, t.rootIssuedAt, 'token')]);
  const d = s.device;
  const device = d.deleted
    ? refused('DEVICE-REVOKE', `${d.label} was deleted`)
    : d.owner.deleted
      ? refused('REVOKE-USER-DELETE', `${d.owner.label}, the owner of ${d.label}, was deleted`)
      : d.locked
        ? refused('DEVICE-REVOKE', `${d.label} is locked`)
        : undefined;
  return combine(d.owner, [expiry, device, ...userTokenFindings(d.owner, t.rootIssuedAt, 'device token')]);
}

export function identityOf(s: Source): Identity {
  return s.kind === 'key' ? s.key.account : s.kind === 'user' ? s.user : s.device.owner;
}

/** The expectation in words, for a step of the report. */
export function describeExpectation(e: Expectation): string {
  if (e.verdict === 'accepted') return `accepted as ${e.as.label}`;
  if (e.verdict === 'refused') return `refused (${e.rule}: ${e.because})`;
  return `accepted as ${e.as.label} or refused (${e.rule}: ${e.because})`;
}
