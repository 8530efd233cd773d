/**
 * One run of the lifecycle property: the model, the target it drives, and the log of what happened,
 * which a failure prints as readable steps with redacted curl lines.
 *
 * After every step every credential the model knows is tried (a token on GET /current-user, a key
 * value or a password by logging in with it) and held to the model's expectation: accepted as exactly
 * the identity the model names, or refused with 401 or 403.
 */
import { decodeJwt } from 'jose';
import { curlFor } from '../../core/curl';
import type { ApiResponse } from '../../core/http';
import { excerpt } from '../../core/redaction';
import type { ZenmlApi } from '../../zenml/api';
import { FuzzViolation } from '../property';
import {
  describeExpectation,
  LifecycleModel,
  type Credential,
  type Expectation,
  type ServerTime,
  type TokenState,
  type UserState,
} from './model';

/** What the property needs of the target beyond the API layer. */
export interface LifecycleDriver {
  /** The API layer, validating every answer against the target's document. */
  zenml: ZenmlApi;
  /** The API layer for one login attempt: on a loopback target each from a client address of its
   * own, so that a per-client login limit does not decide the property. */
  loginClient(): ZenmlApi;
  admin: string;
  /** A run-prefixed name. */
  name(kind: string): string;
  /** Delete this when the run ends. */
  track(what: string, cleanup: () => Promise<ApiResponse>): void;
  /** Register a secret for redaction. */
  secret(value: string): string;
  serverNow(): ServerTime;
}

interface Step {
  text: string;
  lines: string[];
}

/** Credentials tried at once after a step: the server's own work (bcrypt) is serial anyway. */
const CONCURRENCY = 4;

export class World {
  readonly steps: Step[] = [];
  requests = 0;

  constructor(
    readonly model: LifecycleModel,
    readonly driver: LifecycleDriver,
  ) {}

  get zenml(): ZenmlApi {
    return this.driver.zenml;
  }

  now(): ServerTime {
    return this.driver.serverNow();
  }

  /** Start a step of the log. */
  begin(text: string): void {
    this.steps.push({ text, lines: [] });
  }

  /** Note an exchange of the current step (its status and curl line). */
  note(what: string, res: ApiResponse): void {
    this.requests += 1;
    this.steps.at(-1)?.lines.push(`${what} → ${res.status}`, `    ${curlFor(res.exchange)}`);
  }

  /** The step's own operation answered other than the rules say. */
  fail(what: string, res: ApiResponse | undefined, expected: string): never {
    throw this.violation(
      `${what}: expected ${expected}, got ${res ? `${res.status} ${excerpt(res.text, 200)}` : 'no answer'}`,
      res,
    );
  }

  violation(message: string, res?: ApiResponse): FuzzViolation {
    const steps = this.steps.map((s, i) => [`  ${i + 1}. ${s.text}`, ...s.lines.map((l) => `     ${l}`)].join('\n'));
    const curl = res ? `\nReproduce the failing request (after the steps above): ${curlFor(res.exchange)}` : '';
    return new FuzzViolation(
      'LIFECYCLE-MODEL',
      `after ${this.steps.length} step(s): ${message}${curl}\nSteps:\n${steps.join('\n')}`,
    );
  }

  /** Expect the operation answered 200; its body otherwise. */
  ok<T>(what: string, res: ApiResponse<T>): T {
    this.note(what, res);
    if (res.status !== 200) this.fail(what, res, '200');
    return res.body;
  }

  addToken(value: string, token: Omit<TokenState, 'label' | 'value' | 'exp'>): TokenState {
    this.driver.secret(value);
    const claims = decodeJwt(value);
    const t: TokenState = {
      label: this.model.label('token'),
      value,
      exp: typeof claims.exp === 'number' ? claims.exp : undefined,
      ...token,
    };
    this.model.tokens.push(t);
    return t;
  }

  /** A token of the user that the model calls valid now, or a fresh login with their password. */
  async ownToken(user: UserState): Promise<string> {
    const now = this.now();
    const live = this.model.tokens.find(
      (t) =>
        t.source.kind === 'user' &&
        t.source.user === user &&
        this.model.expectation({ kind: 'token', token: t }, now).verdict === 'accepted',
    );
    if (live) return live.value;
    const res = await this.driver.loginClient().login.password(user.name, user.password);
    const value = this.tokenOf(`log in as ${user.label} with their password`, res);
    return this.addToken(value, { source: { kind: 'user', user }, rootIssuedAt: now, origin: `login as ${user.label}` }).value;
  }

  /** Expect a login answered 200 with a token; the token. */
  tokenOf(what: string, res: ApiResponse<{ access_token?: string }>): string {
    const token = this.ok(what, res)?.access_token;
    if (typeof token !== 'string') this.fail(what, res, 'a token in access_token');
    return token;
  }

  /** Try every credential the model knows and hold each to its expectation. */
  async verifyAll(): Promise<void> {
    const credentials = this.model.credentials();
    const mismatches: Array<{ message: string; res: ApiResponse }> = [];
    let next = 0;
    const worker = async () => {
      while (next < credentials.length) {
        const c = credentials[next++];
        const expected = this.model.expectation(c, this.now());
        const { res, actingAs } = await this.present(c);
        this.requests += 1;
        const wrong = mismatch(expected, res, actingAs);
        if (wrong)
          mismatches.push({ message: `${describeCredential(c)}: expected ${describeExpectation(expected)}, ${wrong}`, res });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    this.steps
      .at(-1)
      ?.lines.push(
        `tried ${credentials.length} credential(s): ${mismatches.length ? `${mismatches.length} answered against the rules` : 'all as the rules say'}`,
      );
    if (mismatches.length) {
      const [first, ...more] = mismatches;
      throw this.violation(
        `${first.message}${more.length ? `\n  and ${more.length} more: ${more.map((m) => m.message).join('\n  ')}` : ''}`,
        first.res,
      );
    }
  }

  /** Present a credential: a token as the bearer of GET /current-user, a key value or password by logging in. */
  async present(c: Credential): Promise<{ res: ApiResponse; actingAs?: string }> {
    if (c.kind === 'token') {
      const res = await this.zenml.currentUser.get(c.token.value);
      return { res, actingAs: res.status === 200 ? res.body?.id : undefined };
    }
    const login = this.driver.loginClient().login;
    const res =
      c.kind === 'key value'
        ? await login.apiKey(c.keyValue.value)
        : await login.password(c.password.user.name, c.password.value);
    return { res, actingAs: res.status === 200 ? subjectOf(res.body?.access_token) : undefined };
  }
}

function subjectOf(token: unknown): string | undefined {
  try {
    return typeof token === 'string' ? decodeJwt(token).sub : undefined;
  } catch {
    return undefined;
  }
}

/** How the answer breaks the expectation, or undefined. A refusal is 401 or 403. */
export function mismatch(e: Expectation, res: ApiResponse, actingAs: string | undefined): string | undefined {
  const refusedNow = res.status === 401 || res.status === 403;
  const got = `got ${res.status}${actingAs ? ` acting as ${actingAs}` : ''} ${excerpt(res.text, 160)}`;
  if (res.status === 200) {
    if (e.verdict === 'refused') return `but it was accepted: ${got}`;
    if (actingAs !== e.as.id) return `but it acted as another identity: ${got} (${e.as.label} is ${e.as.id})`;
    return undefined;
  }
  if (refusedNow) return e.verdict === 'accepted' ? `but it was refused: ${got}` : undefined;
  return `but the answer is neither an acceptance nor a refusal: ${got}`;
}

export function describeCredential(c: Credential): string {
  if (c.kind === 'token') return `${c.token.label} (${c.token.origin})`;
  if (c.kind === 'key value')
    return `log in with ${c.keyValue.label} (${c.keyValue.key.label} generation ${c.keyValue.generation})`;
  return `log in as ${c.password.user.label} with ${c.password.label}`;
}
