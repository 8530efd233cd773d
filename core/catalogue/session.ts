/**
 * Browser sessions: the dashboard's sign-in path. A password login sets a session cookie that
 * authenticates on its own; a cross-site login (the dashboard served from another site) also gets a
 * CSRF token that every request of that session must carry; logout clears the cookie.
 */
import { ZENML_API, type Requirement } from './sources';

const RFC6265BIS = 'RFC 6265bis (draft-ietf-httpbis-rfc6265bis)';
const OWASP_SESSIONS = 'OWASP Session Management Cheat Sheet';
const OWASP_CSRF = 'OWASP Cross-Site Request Forgery Prevention Cheat Sheet';

export const SESSION = {
  'SESSION-COOKIE': {
    level: 'MUST',
    area: 'sessions',
    title: 'The session cookie set by a password login authenticates on its own, as the user that logged in',
    source: `${ZENML_API}, login (the dashboard's session cookie); ${RFC6265BIS} §5.8.3`,
  },
  'SESSION-COOKIE-INVALID': {
    level: 'MUST',
    area: 'sessions',
    title:
      'A garbage, tampered or expired session cookie never lets a request through: alone it answers 401, beside a valid bearer it is refused or acts as the bearer only',
    source: `${OWASP_SESSIONS}, session ID validation; RFC 7519 §4.1.4`,
  },
  'SESSION-COOKIE-BEARER': {
    level: 'MUST',
    area: 'sessions',
    title:
      "When the session cookie and the bearer name two identities, the request acts as exactly one of them, with that identity's permissions only, or is refused",
    source: `${OWASP_SESSIONS}; OWASP API1:2023, API5:2023`,
  },
  'SESSION-LOGOUT': {
    level: 'MUST',
    area: 'sessions',
    title:
      'GET /api/v1/logout clears the session cookie: the same name, Path and Domain, expired (Max-Age=0 or an Expires in the past)',
    source: `${ZENML_API}, logout; ${RFC6265BIS} §5.7 (a cookie is replaced by name, domain and path; an expired one is removed)`,
  },
  'SESSION-LOGOUT-TOKEN': {
    level: 'SHOULD',
    area: 'sessions',
    title: "After logout the session's token stops working, as a cookie and as a bearer",
    source: `${OWASP_SESSIONS}, manual session expiration (logout invalidates the session on the server)`,
  },
  'SESSION-LOGOUT-CROSS-SITE': {
    level: 'SHOULD',
    area: 'sessions',
    title:
      'Logout of a cross-site session clears the cookie with SameSite=None; Secure, so that the browser holding it applies the clearing',
    source: `${RFC6265BIS} §5.7 (a SameSite=Lax or Strict cookie set by a cross-site request is ignored)`,
  },
  'SESSION-CROSS-SITE': {
    level: 'MUST',
    area: 'sessions',
    title: 'A login with the Origin of another site answers with a csrf_token and a SameSite=None; Secure session cookie',
    source: `${ZENML_API}, login (csrf_token); ${RFC6265BIS} §4.1.2.7, §5.6.7; ${OWASP_CSRF}, synchronizer token pattern`,
  },
  'SESSION-CSRF': {
    level: 'MUST',
    area: 'sessions',
    title:
      "Every request of a cross-site session (GET and PUT alike) needs its X-CSRF-Token: without it, with a garbage one or with another session's, it answers 401 and changes nothing",
    source: `${OWASP_CSRF}, synchronizer token pattern (the token is bound to the session)`,
  },
  'SESSION-LOOKALIKE-ORIGIN': {
    level: 'MUST',
    area: 'sessions',
    title:
      "An Origin that only looks like the server (its host name inside another site's name) counts as cross-site: csrf_token, SameSite=None; Secure cookie, CSRF required",
    source: `${RFC6265BIS} §5.2 (same-site is decided by the registrable domain); ${OWASP_CSRF}, verifying origin with standard headers`,
  },
} as const satisfies Record<string, Requirement>;
