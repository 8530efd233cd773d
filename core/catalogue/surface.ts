/**
 * The secured surface: every operation the server's document declares needs credentials, except a
 * short, explicit list of public ones. Checked like Schemathesis' `ignored_auth` (a request without
 * and with invalid credentials must answer 401), on every operation, with four credentials.
 */
import type { Requirement } from './sources';

export const SURFACE = {
  'SURFACE-AUTH-REQUIRED': {
    level: 'MUST',
    area: 'surface',
    title:
      'Every operation the document declares, except the public ones, answers 401 without credentials, with a garbage token, an expired token and the token of a deleted identity (never 2xx, never 5xx)',
    source:
      'RFC 6750 §3.1; OWASP API2:2023 (broken authentication), API5:2023; Schemathesis ignored_auth check; ZenML docs, OSS API reference (security: OAuth2 bearer)',
  },
} as const satisfies Record<string, Requirement>;

/**
 * The operations that need no credentials, each with the reason. The sweep skips an operation only
 * when it is listed here and the target's document also declares it without a security requirement;
 * every other declared operation must answer 401 to a request without valid credentials. 13 of them
 * on ZenML 0.98.0 (268 operations, 255 secured); older releases declare a subset (and one more).
 */
export const PUBLIC_OPERATIONS: ReadonlyArray<{ operation: string; why: string }> = [
  { operation: 'GET /health', why: 'liveness probe for load balancers and orchestrators, answers "ok"' },
  { operation: 'GET /ready', why: 'readiness probe (0.85 and later), answers "ok" once the store is reachable' },
  { operation: 'GET /api/v1/info', why: 'server id, version and auth scheme: a client reads it before it can log in' },
  { operation: 'GET /api/v1/version', why: 'the server version, read by clients before logging in' },
  { operation: 'POST /api/v1/login', why: 'the token endpoint: it takes the credentials (RFC 6749 §3.2)' },
  { operation: 'GET /api/v1/logout', why: 'clears the session cookie; needs no valid session to do so' },
  {
    operation: 'POST /api/v1/device_authorization',
    why: 'starts the device flow before the user has authenticated (RFC 8628 §3.1)',
  },
  {
    operation: 'PUT /api/v1/activate',
    why: 'activates a fresh server (creates its first admin); refused with 403 once the server is active',
  },
  {
    operation: 'PUT /api/v1/users/{user_name_or_id}/activate',
    why: 'account activation: the activation token in the body is the credential',
  },
  {
    operation: 'GET /api/v1/artifact_versions/{artifact_version_id}/data',
    why: 'artifact download: authorized by the signed, short-lived download token in ?token= (0.85 and later)',
  },
  {
    operation: 'GET /api/v1/pipeline_snapshots/{snapshot_id}/code',
    why: 'code download: authorized by the signed download token in ?token= (0.93 and later)',
  },
  {
    operation: 'GET /api/v1/supported-events',
    why: 'the static list of event types webhooks can send (0.95 and later)',
  },
  {
    operation: 'POST /api/v1/webhooks/{webhook_type}/{webhook_id}/events',
    why: "webhook receiver: the sender authenticates with the webhook's signature header, not a bearer (0.96.4 and later)",
  },
  {
    operation: 'POST /api/v1/webhooks/{event_source_id}',
    why: 'the older webhook receiver (before 0.95), authenticated by its signature header like the newer one',
  },
];
