/**
 * The validating client: the suite's one Transport. Each answer it receives is matched to its OpenAPI
 * operation and checked (status documented, content type documented, body valid). A violation does
 * not stop the test: it is handed to `onViolations` (in a test: recorded against its OAS-*
 * requirement, see fixtures/contract.ts) and returned with the answer, so that the test goes on and
 * keeps its own verdict. Every exchange is kept, redacted, so that a failing test shows what was sent
 * and what came back. Rules that every answer of a kind must keep (core/answer-rules.ts; in the suite
 * ZenML's error contract) are applied to each answer too, counted per rule, and a breach goes to
 * `answerChecks.onBreaches`.
 *
 * A 429 is the server protecting itself: the client waits (Retry-After, else 5 s, then a whole minute,
 * the usual window, since a retry inside it counts again), and if the server still refuses after
 * RATE_LIMIT_PATIENCE_MS it throws RateLimited, which no check records, so the test is undecided
 * ("error"), never failed. A 429 is never held to the document either. Tests that study rate limiting
 * pass `no429Retry` and see every 429.
 */
import type { APIResponse } from '@playwright/test';
import type { Answer, AnswerRule, Breach } from '../core/answer-rules';
import type { ApiResponse, Credentials, Exchange, SendOptions, Transport } from '../core/http';
import { excerpt, redact, registerSecret } from '../core/redaction';
import type { Violation } from '../core/verdict';
import type { ResponseContract } from './response-contract';

export type ViolationHandler = (violations: Violation[], exchange: Exchange) => void | Promise<void>;
export type BreachHandler = (breaches: Breach[], exchange: Exchange) => void | Promise<void>;

/** Rules every answer of a kind must keep (core/answer-rules.ts), and what to do with a breach. */
export interface AnswerChecks {
  rules: readonly AnswerRule[];
  onBreaches: BreachHandler;
}

/** An answer received elsewhere, as `adopt` takes it. */
export interface RecordedAnswer {
  method: string;
  /** Path with query string, relative to BASE_URL. */
  path: string;
  status: number;
  /** Lower-cased names, as ApiResponse has them. */
  headers: Record<string, string>;
  text: string;
  requestHeaders?: Record<string, string>;
  requestBody?: string;
}

/** An answer with the violations the contract check found in it (empty when it holds). */
export type CheckedResponse<T = unknown> = ApiResponse<T> & { violations: Violation[] };

/** How long the client waits for a rate limit to lift before it gives up (ZenML's window: 60 s). */
export const RATE_LIMIT_PATIENCE_MS = 70_000;
const BACKOFF_MS = [5_000, 60_000];

/** The server kept answering 429 for longer than the client waits: nothing about the rule under test
 * could be decided. */
export class RateLimited extends Error {
  override name = 'RateLimited';
}

/** What the client reads of an answer (Playwright's APIResponse has it). */
export type HttpResponse = Pick<APIResponse, 'status' | 'headers' | 'headersArray' | 'text'>;

/** What the client needs of a request context: Playwright's APIRequestContext, or one bound to a
 * local address (contract/local-address.ts). */
export interface HttpContext {
  fetch(
    url: string,
    options: { method: string; headers: Record<string, string>; data?: string; maxRedirects: number; failOnStatusCode: boolean },
  ): Promise<HttpResponse>;
  clearCookies(): Promise<void>;
}

/** What a client (and its siblings) sent and spent: the benchmark reads it per test. */
export interface ClientStats {
  requests: number;
  /** Time spent waiting for the server, and in the contract check: the benchmark's floor and overhead. */
  requestMs: number;
  validateMs: number;
  /** Known deviations that excused something in the answers. */
  deviationsUsed: Set<string>;
  /** Per answer rule (its requirement): how many answers it applied to. */
  answersChecked: Map<string, number>;
}

/** What siblings of a client share with it (see `via` and `collecting`). */
interface ClientOptions {
  stats?: ClientStats;
  exchanges?: Exchange[];
  keepExchanges?: boolean;
  onWait?: (ms: number) => void;
  answerChecks?: AnswerChecks;
}

export class ApiClient implements Transport {
  readonly exchanges: Exchange[];
  readonly stats: ClientStats;
  private readonly keepExchanges: boolean;
  private readonly answerChecks?: AnswerChecks;

  /**
   * `contract`: the document to hold answers to; undefined before it is known (the preflight) or
   * where no test can carry a verdict (the sweeper). `onViolations`: what to do with a violation.
   */
  constructor(
    private readonly ctx: HttpContext,
    readonly baseURL: string,
    private readonly contract?: ResponseContract,
    private readonly onViolations: ViolationHandler = () => {},
    options: ClientOptions = {},
  ) {
    this.exchanges = options.exchanges ?? [];
    this.stats = options.stats ?? {
      requests: 0,
      requestMs: 0,
      validateMs: 0,
      deviationsUsed: new Set(),
      answersChecked: new Map(),
    };
    this.keepExchanges = options.keepExchanges ?? true;
    this.onWait = options.onWait ?? (() => {});
    this.answerChecks = options.answerChecks;
  }

  /** Told before each wait for a rate limit (a test extends its timeout by as much). */
  private readonly onWait: (ms: number) => void;

  /** Hand violations found elsewhere (by a sibling that only collects them) to this client's handler. */
  report(violations: Violation[], exchange: Exchange): void | Promise<void> {
    return this.onViolations(violations, exchange);
  }

  /** The same client on another context (connections from another local address): it records into
   * this client's exchanges, stats and handlers, so that what it sees counts in the same test. */
  via(ctx: HttpContext): ApiClient {
    return new ApiClient(ctx, this.baseURL, this.contract, this.onViolations, {
      stats: this.stats,
      exchanges: this.exchanges,
      onWait: this.onWait,
      answerChecks: this.answerChecks,
    });
  }

  /** A client on the same context and document that only returns violations with the answers (a
   * fuzz property decides what to do with them) and keeps no exchanges; it counts in these stats. The
   * answer rules are not what a property is about: their breaches still go to this client's handler. */
  collecting(ctx: HttpContext = this.ctx): ApiClient {
    return new ApiClient(ctx, this.baseURL, this.contract, undefined, {
      stats: this.stats,
      keepExchanges: false,
      onWait: this.onWait,
      answerChecks: this.answerChecks,
    });
  }

  async send<T = unknown>(method: string, path: string, options: SendOptions = {}): Promise<CheckedResponse<T>> {
    const headers: Record<string, string> = { ...authHeaders(options.auth), ...options.headers };
    let body: string | undefined;
    if (typeof options.form === 'string') {
      body = options.form;
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.form) {
      const fields = Object.entries(options.form).filter((e): e is [string, string] => e[1] !== undefined);
      body = new URLSearchParams(fields).toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.data !== undefined) {
      body = JSON.stringify(options.data);
      headers['Content-Type'] ??= 'application/json';
    }
    const url = new URL(this.baseURL + path);
    for (const [k, v] of Object.entries(options.params ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

    let response: HttpResponse;
    let waited = 0;
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      this.stats.requests += 1;
      response = await this.ctx.fetch(url.toString(), { method, headers, data: body, maxRedirects: 0, failOnStatusCode: false });
      if (response.status() !== 429 || options.no429Retry) break;
      if (waited >= RATE_LIMIT_PATIENCE_MS) {
        throw new RateLimited(
          `${method} ${url.pathname} still answered 429 after ${Math.round(waited / 1000)} s of waiting: the target's rate limit decided, not the rule under test`,
        );
      }
      // Respect the server's rate limit instead of hammering it (a retry inside its window counts again).
      const retryAfter = Number(response.headers()['retry-after']) * 1000;
      const wait = Math.min(
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)],
        RATE_LIMIT_PATIENCE_MS - waited,
      );
      waited += wait;
      this.onWait(wait);
      await new Promise((r) => setTimeout(r, wait));
    }
    const ms = performance.now() - started;
    this.stats.requestMs += ms;
    const text = await response.text();
    const responseHeaders: Record<string, string> = {};
    for (const { name, value } of response.headersArray()) {
      const key = name.toLowerCase();
      responseHeaders[key] =
        key in responseHeaders ? `${responseHeaders[key]}${key === 'set-cookie' ? '\n' : ', '}${value}` : value;
    }
    // The client never carries cookies from one request to the next: ZenML reads its session cookie
    // before the Authorization header, so a kept cookie would decide what a bearer test is about.
    if ('set-cookie' in responseHeaders) await this.ctx.clearCookies();
    return this.receive<T>(
      { method, url, headers, body },
      { status: response.status(), headers: responseHeaders, text },
      ms,
      options,
    );
  }

  /**
   * An answer another process received for this target (the global setup's admin login), checked
   * and recorded as if this client had received it, so that its contract check counts in a test.
   */
  adopt<T = unknown>(recorded: RecordedAnswer): Promise<CheckedResponse<T>> {
    const url = new URL(this.baseURL + recorded.path);
    return this.receive<T>(
      { method: recorded.method, url, headers: recorded.requestHeaders ?? {}, body: recorded.requestBody },
      recorded,
      0,
      {},
    );
  }

  private async receive<T>(
    req: { method: string; url: URL; headers: Record<string, string>; body?: string },
    res: { status: number; headers: Record<string, string>; text: string },
    ms: number,
    options: SendOptions,
  ): Promise<CheckedResponse<T>> {
    const parsed = parseJson(res.text);
    registerIssuedSecrets(parsed);
    const exchange: Exchange = {
      request: {
        method: req.method,
        origin: req.url.origin,
        url: redact(req.url.pathname + req.url.search),
        headers: redactHeaders(req.headers),
        body: req.body === undefined ? undefined : redact(req.body),
      },
      response: { status: res.status, headers: redactHeaders(res.headers), body: excerpt(res.text, 4000) },
      ms: Math.round(ms),
    };
    if (this.keepExchanges) this.exchanges.push(exchange);
    const violations = this.check(
      req.method,
      req.url.pathname,
      res.status,
      res.headers['content-type'],
      res.text,
      options,
      exchange,
    );
    const result: CheckedResponse<T> = {
      method: req.method,
      path: req.url.pathname,
      status: res.status,
      headers: res.headers,
      contentType: res.headers['content-type'],
      text: res.text,
      body: parsed as T,
      operation: exchange.operation,
      exchange,
      violations,
    };
    if (violations.length > 0) await this.onViolations(violations, exchange);
    if (this.answerChecks) await this.checkRules(this.answerChecks, req, res, parsed, exchange);
    return result;
  }

  /** The answer rules: cheap (a rule decides from the status and request line first), counted per rule. */
  private async checkRules(
    checks: AnswerChecks,
    req: { method: string; url: URL; headers: Record<string, string>; body?: string },
    res: { status: number; headers: Record<string, string>; text: string },
    body: unknown,
    exchange: Exchange,
  ): Promise<void> {
    const path = this.operationPath(req.url.pathname);
    const answer: Answer = {
      method: req.method.toUpperCase(),
      path,
      query: req.url.searchParams,
      requestHeaders: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
      requestBody: req.body,
      status: res.status,
      headers: res.headers,
      text: res.text,
      body,
      secured: () => {
        const op = this.contract?.index.match(req.method, path);
        return op ? this.contract!.index.isSecured(op) : undefined;
      },
    };
    const breaches: Breach[] = [];
    for (const rule of checks.rules) {
      if (!rule.applies(answer)) continue;
      this.stats.answersChecked.set(rule.requirement, (this.stats.answersChecked.get(rule.requirement) ?? 0) + 1);
      const message = rule.breach(answer);
      if (message !== undefined) breaches.push({ requirement: rule.requirement, message, status: res.status });
    }
    if (breaches.length > 0) await checks.onBreaches(breaches, exchange);
  }

  private check(
    method: string,
    pathname: string,
    status: number,
    contentType: string | undefined,
    text: string,
    options: SendOptions,
    exchange: Exchange,
  ): Violation[] {
    // A 429 is the server protecting itself, whichever operation met it: no contract failure of it.
    if (!this.contract || options.uncontracted !== undefined || status === 429) return [];
    const operationPath = this.operationPath(pathname);
    if (options.undeclared !== undefined && !this.contract.index.match(method, operationPath)) {
      exchange.operation = `${method} ${operationPath}`;
      if (status >= 400 && status < 500) return [];
      const message = `the document does not declare this operation, so only a 4xx refusal agrees with it, but the server answered ${status}`;
      return [{ requirement: 'OAS-OPERATION', operation: exchange.operation, status, message, value: text }];
    }
    const t0 = performance.now();
    const check = this.contract.check({ method, pathname: operationPath, status, contentType, text });
    this.stats.validateMs += performance.now() - t0;
    exchange.operation = check.operation?.key;
    check.deviationsUsed.forEach((d) => this.stats.deviationsUsed.add(d));
    return check.violations;
  }

  /** The path as the document knows it: BASE_URL may carry a prefix (a reverse proxy's root path). */
  private operationPath(pathname: string): string {
    const prefix = new URL(this.baseURL).pathname.replace(/\/+$/, '');
    return prefix && pathname.startsWith(prefix) ? pathname.slice(prefix.length) || '/' : pathname;
  }
}

function authHeaders(auth: SendOptions['auth']): Record<string, string> {
  const c: Credentials = typeof auth === 'string' ? { bearer: auth } : (auth ?? {});
  return {
    ...(c.bearer !== undefined ? { Authorization: `Bearer ${c.bearer}` } : {}),
    ...(c.cookie !== undefined ? { Cookie: c.cookie } : {}),
    ...(c.csrfToken !== undefined ? { 'X-CSRF-Token': c.csrfToken } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A token or key the server handed out is a secret from now on, wherever it shows up. */
function registerIssuedSecrets(parsed: unknown): void {
  if (parsed && typeof parsed === 'object') {
    const p = parsed as Record<string, unknown>;
    for (const k of ['access_token', 'refresh_token', 'csrf_token', 'device_code', 'user_code', 'activation_token'])
      if (typeof p[k] === 'string') registerSecret(p[k]);
    const inner = p.body as Record<string, unknown> | undefined;
    for (const k of ['key', 'activation_token']) if (typeof inner?.[k] === 'string') registerSecret(inner[k]);
  } else if (typeof parsed === 'string' && parsed.startsWith('eyJ')) {
    registerSecret(parsed);
  }
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [
      k,
      /^(authorization|cookie|set-cookie|x-csrf-token)$/i.test(k) ? redactHeaderValue(k, v) : redact(v),
    ]),
  );
}

function redactHeaderValue(name: string, value: string): string {
  // Keep what a reader needs (the scheme, the cookie name and attributes), drop the secret.
  if (/^authorization$/i.test(name))
    return value.replace(/^(\S+\s+)?.*$/s, (_m, scheme: string | undefined) => `${scheme ?? ''}[REDACTED]`);
  // Set-Cookie: only the value after the cookie name (attributes stay); Cookie: every value.
  if (/^set-cookie$/i.test(name))
    return value
      .split('\n')
      .map((line) => line.replace(/=([^;]*)/, '=[REDACTED]'))
      .join('\n');
  if (/^cookie$/i.test(name)) return value.replace(/=([^;]*)/g, '=[REDACTED]');
  return '[REDACTED]';
}
