/**
 * What a request and its answer look like to everything above the transport: the ZenML API layer
 * builds requests of this shape, the validating client (contract/client.ts) sends them, and the
 * exchange, redacted, is what reports show.
 */

/** How the caller authenticates a request; every field is optional, and none is sent by default. */
export interface Credentials {
  /** Sent as `Authorization: Bearer <token>`. */
  bearer?: string;
  /** A session cookie, `name=value`, as a browser would send it. */
  cookie?: string;
  /** Sent as `X-CSRF-Token` (ZenML's cross-site session check). */
  csrfToken?: string;
}

/** A bearer token, or credentials in any combination. */
export type Auth = string | Credentials;

export interface SendOptions {
  auth?: Auth;
  /** Sent as given, after (and so over) what `auth` sets. */
  headers?: Record<string, string>;
  params?: Record<string, string | number | boolean | undefined>;
  /** application/x-www-form-urlencoded, properly encoded; a string is sent as it is. */
  form?: Record<string, string | undefined> | string;
  /** JSON body. */
  data?: unknown;
  /** Skip the contract check: only for what is not an API operation (/docs, /redoc), says why. */
  uncontracted?: string;
  /** The request is deliberately outside the document (e.g. a method the path does not declare), sent
   * to check that it is refused; says why. If the document lacks the operation, only a 4xx answer
   * agrees with it; if the document declares the operation after all, it is checked as usual. */
  undeclared?: string;
  /** Do not wait and retry on 429 (for tests that study rate limiting itself). */
  no429Retry?: boolean;
}

/** The redacted record of one request and its answer, as reports and curl lines show it. */
export interface Exchange {
  /** `origin`: scheme, host and port of the target (no user info); `url`: path and query. */
  request: { method: string; origin?: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string };
  operation?: string;
  ms: number;
}

export interface ApiResponse<T = unknown> {
  method: string;
  path: string;
  status: number;
  /** Lower-cased header names; repeated headers joined with ", " (set-cookie with "\n"). */
  headers: Record<string, string>;
  contentType?: string;
  text: string;
  /** The parsed JSON body (typed as the operation's success answer), or undefined when not JSON. */
  body: T;
  /** "POST /api/v1/login", as the OpenAPI document names the operation. */
  operation?: string;
  /** This exchange, redacted. */
  exchange: Exchange;
}

/** Sends requests; the validating client is the one implementation the suite uses. */
export interface Transport {
  send<T = unknown>(method: string, path: string, options?: SendOptions): Promise<ApiResponse<T>>;
}
