/**
 * Authorization between identities (OWASP API Security Top 10 2023): what one identity may do to
 * another's objects (API1), to the properties of its own account (API3), and which functions are an
 * admin's (API5). On a ZenML OSS server without RBAC (the default), admin-only means: every change to
 * service accounts and API keys, and every administration of another user account.
 */
import { ZENML_API, ZENML_KEYS, type Requirement } from './sources';

const OWASP = 'OWASP API Security Top 10 2023';

export const AUTHORIZATION = {
  'AUTHZ-FUNCTION-USERS': {
    level: 'MUST',
    area: 'authorization',
    title:
      'A non-admin user and a service account cannot create users, nor update, deactivate, delete or set the email of another user (refused; read back, nothing changed)',
    source: `${OWASP} API5 (broken function level authorization); ${ZENML_API}, users`,
  },
  'AUTHZ-FUNCTION-KEYS': {
    level: 'MUST',
    area: 'authorization',
    title:
      'A non-admin user and a service account cannot rotate, update, deactivate or delete API keys (a service account not even its own), update or delete service accounts, or back up or restore the secrets store (refused; read back as admin, nothing changed)',
    source: `${OWASP} API5; ${ZENML_KEYS}`,
    // A security property, so no `since`: before 0.96.0 any authenticated user could rotate (and
    // receive) another service account's key, deactivate or delete it (measured on 0.80.2), and this
    // fails there, while APIKEY-ADMIN-ONLY (creating accounts and keys) is a feature of 0.96.0.
  },
  'AUTHZ-MASS-ASSIGNMENT': {
    level: 'MUST',
    area: 'authorization',
    title:
      'A non-admin updating their own account (current-user or users/{own id}) gains nothing from admin-only fields: is_admin, active, activation_token, external_user_id and oidc_claims are refused or ignored',
    source: `${OWASP} API3 (broken object property level authorization, mass assignment); ${ZENML_API}, UserUpdate`,
  },
  'AUTHZ-PRIVATE-SECRET': {
    level: 'MUST',
    area: 'authorization',
    title:
      "A user's private secret cannot be read, listed, changed or deleted by another user, a service account or an admin; the owner still reads it unchanged",
    source: `${OWASP} API1 (broken object level authorization); ZenML docs, secrets (private secrets)`,
  },
  'AUTHZ-USER-ACCOUNTS': {
    level: 'MUST',
    area: 'authorization',
    title: "A non-admin user or a service account cannot read another user's account, and lists show it no other user",
    source: `${OWASP} API1; ${ZENML_API}, users`,
  },
  'AUTHZ-IDEMPOTENCY': {
    level: 'MUST',
    area: 'authorization',
    title:
      "An Idempotency-Key replays the cached answer only to the identity that sent the request: another identity reusing it never receives the owner's answer",
    source: `${OWASP} API1; IETF draft-ietf-httpapi-idempotency-key-header (a key a client generates for its own retries); zenml request deduplication (zen_server/request_management.py)`,
  },
  'AUTHZ-KEY-HIERARCHY': {
    level: 'MUST',
    area: 'authorization',
    title:
      "An API key addressed under another service account's path (by id or by name) is not found (404), for reads and changes alike, and stays as it was",
    source: `${OWASP} API1; ${ZENML_KEYS}`,
  },
  'AUTHZ-FORBIDDEN-STATUS': {
    level: 'SHOULD',
    area: 'authorization',
    title:
      'An authenticated caller refused for lack of permission is answered 403 (or 404 to hide the object), not 401, which tells a client its credentials are bad',
    source: 'RFC 9110 §15.5.2 (401), §15.5.4 (403); RFC 6750 §3.1 (insufficient_scope is 403)',
  },
} as const satisfies Record<string, Requirement>;
