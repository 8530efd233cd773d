/** Login: the password and API-key grants, and every way a login must be refused. */
import { ZENML_API, ZENML_KEYS, type Requirement } from './sources';

export const LOGIN = {
  'LOGIN-PASSWORD': {
    level: 'MUST',
    area: 'login',
    title: 'The password grant returns 200 with a well-formed JWT access_token and token_type bearer',
    source: `${ZENML_API}, login; RFC 6749 §4.3, §5.1`,
  },
  'LOGIN-EXPIRES-IN': {
    level: 'MUST',
    area: 'login',
    title: 'expires_in of a login response agrees with the exp claim of its token',
    source: 'RFC 6749 §5.1; RFC 7519 §4.1.4',
  },
  'LOGIN-COOKIE': {
    level: 'SHOULD',
    area: 'login',
    title: 'A session cookie set at login is HttpOnly and SameSite',
    source: 'OWASP Session Management Cheat Sheet; RFC 6265bis',
  },
  'LOGIN-APIKEY': {
    level: 'MUST',
    area: 'login',
    title: 'An API key alone in password (URL-encoded) logs in as its service account, without a cookie',
    source: `${ZENML_KEYS}, log in with an API key`,
  },
  'LOGIN-BAD-CREDENTIALS': {
    level: 'MUST',
    area: 'login',
    title: 'A wrong password or an unknown user is refused with 401 and no token',
    source: 'RFC 6749 §5.2; OWASP API2:2023',
  },
  'LOGIN-BAD-REQUEST': {
    level: 'MUST',
    area: 'login',
    title: 'An empty form, an unsupported grant_type, a JSON body or a GET is refused with a 4xx, no token and no 5xx',
    source: 'RFC 6749 §3.2, §5.2',
  },
  'LOGIN-QUERY-CREDENTIALS': {
    level: 'MUST',
    area: 'login',
    title: 'Credentials in the query string do not log in',
    source: 'RFC 6749 §3.2 (token endpoint MUST use POST); OWASP API2:2023',
  },
  'LOGIN-NO-ECHO': {
    level: 'MUST',
    area: 'login',
    title: 'Login errors never echo the submitted credentials',
    source: 'OWASP API2:2023; OWASP Logging Cheat Sheet',
  },
  'LOGIN-NO-STORE': {
    level: 'SHOULD',
    area: 'login',
    title: 'Token responses carry Cache-Control: no-store',
    source: 'RFC 6749 §5.1',
  },
} as const satisfies Record<string, Requirement>;
