/**
 * The requirement catalogue: the single list of what a ZenML-compatible server is checked for.
 * Every test names one of these IDs; reports, JUnit properties and the conformance matrix all use it.
 *
 * MUST: what ZenML clients rely on; a failure fails the run.
 * SHOULD: hardening from the RFCs and OWASP that the reference server may not meet; reported as a
 * finding (CONFORMANCE_STRICT=1 makes findings fail the run).
 */
export type Level = 'MUST' | 'SHOULD';

export interface Requirement {
  level: Level;
  title: string;
  source: string;
  /** Capability group: the spec file that checks it and the row group of the matrix. */
  area: 'openapi' | 'login' | 'bearer' | 'expiry' | 'api-keys' | 'fuzz';
}

const ZENML_API = 'ZenML docs, OSS API reference';
const ZENML_KEYS = 'ZenML docs, service accounts and API keys';
const ZENML_TOKENS = 'ZenML docs, API tokens';

export const REQUIREMENTS = {
  // --- the server's own OpenAPI document, and the public endpoints -----------------------------
  'OAS-DOC': {
    level: 'MUST',
    area: 'openapi',
    title: '/openapi.json is served, is a valid OpenAPI 3.x document and declares the login and current-user operations',
    source: `${ZENML_API}; OpenAPI 3.1.0`,
  },
  'OAS-DOCS-UI': {
    level: 'SHOULD',
    area: 'openapi',
    title: '/docs (Swagger UI) and /redoc are served as HTML that load /openapi.json',
    source: 'FastAPI defaults, as ZenML serves them',
  },
  'OAS-OPERATION': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every operation a client uses is declared in the OpenAPI document',
    source: 'OpenAPI 3.1.0 §4.8.8 Paths Object',
  },
  'OAS-STATUS': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response status is documented for its operation',
    source: 'OpenAPI 3.1.0 §4.8.16 Responses Object',
  },
  'OAS-CONTENT-TYPE': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response content type is documented for its status',
    source: 'OpenAPI 3.1.0 §4.8.17 Response Object',
  },
  'OAS-SCHEMA': {
    level: 'MUST',
    area: 'openapi',
    title: 'Every response body validates against the documented schema',
    source: 'OpenAPI 3.1.0 §4.8.24 Schema Object; JSON Schema 2020-12',
  },
  'SRV-HEALTH': {
    level: 'MUST',
    area: 'openapi',
    title: 'GET /health answers 200 without authentication',
    source: `${ZENML_API}, health`,
  },
  'SRV-INFO': {
    level: 'MUST',
    area: 'openapi',
    title: 'GET /api/v1/info is public and describes the server (id, version, auth scheme)',
    source: `${ZENML_API}, server info`,
  },
  'USER-CURRENT': {
    level: 'MUST',
    area: 'bearer',
    title: 'GET /api/v1/current-user with a valid token returns the identity that logged in',
    source: `${ZENML_API}, current-user`,
  },

  // --- login --------------------------------------------------------------------------------
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
  'LOGIN-TOKEN-EXPIRES': {
    level: 'SHOULD',
    area: 'expiry',
    title: 'Login tokens expire (carry exp)',
    source: 'RFC 8725 §3.10 (limit lifetime); OWASP JWT Cheat Sheet',
  },

  // --- bearer validation ----------------------------------------------------------------------
  'BEARER-VALID': {
    level: 'MUST',
    area: 'bearer',
    title: 'A valid bearer token is accepted as exactly its own identity (a service-account token is not the admin)',
    source: 'RFC 6750 §2.1; OWASP API1/API5:2023',
  },
  'BEARER-MISSING': {
    level: 'MUST',
    area: 'bearer',
    title: 'A protected operation without credentials answers 401',
    source: 'RFC 6750 §3.1; OWASP API2:2023',
  },
  'BEARER-MALFORMED': {
    level: 'MUST',
    area: 'bearer',
    title: 'A wrong scheme, an empty, garbage, truncated or tampered token answers 401, never 5xx',
    source: 'RFC 6750 §3.1; RFC 7515 §5.2',
  },
  'BEARER-ALG-NONE': {
    level: 'MUST',
    area: 'bearer',
    title: 'Unsigned tokens (alg none, any case) are refused with 401',
    source: 'RFC 8725 §3.1, §3.2; CVE-2015-2951',
  },
  'BEARER-WRONG-KEY': {
    level: 'MUST',
    area: 'bearer',
    title: 'Tokens signed with a wrong or empty key, another HMAC algorithm or an embedded public key are refused with 401',
    source: 'RFC 8725 §3.1, §3.2; CVE-2018-0114; CVE-2019-20933',
  },
  'BEARER-SCHEME-CASE': {
    level: 'SHOULD',
    area: 'bearer',
    title: 'The Bearer scheme name is matched case-insensitively',
    source: 'RFC 7235 §2.1; RFC 6750 §2.1',
  },
  'BEARER-OWS': {
    level: 'SHOULD',
    area: 'bearer',
    title: 'Whitespace around the Authorization value, and several spaces after the scheme, do not change the credential',
    source: 'RFC 9110 §5.5 (field values exclude surrounding whitespace); RFC 6750 §2.1 (Bearer 1*SP b64token)',
  },
  'BEARER-WWW-AUTHENTICATE': {
    level: 'SHOULD',
    area: 'bearer',
    title: 'A 401 to a bearer request carries WWW-Authenticate: Bearer',
    source: 'RFC 6750 §3',
  },
  'BEARER-CLAIMS': {
    level: 'MUST',
    area: 'bearer',
    title:
      'Correctly signed tokens with an expired exp, a wrong or missing aud or iss, or a missing, malformed or deleted sub are refused with 401',
    source: 'RFC 7519 §4.1; RFC 8725 §3.8, §3.9',
  },

  // --- token expiry ---------------------------------------------------------------------------
  'TOKEN-API-DEFAULT': {
    level: 'MUST',
    area: 'expiry',
    title: 'GET /api/v1/api_token returns a token that lasts one hour by default and acts as the caller',
    source: `${ZENML_TOKENS}`,
  },
  'TOKEN-API-SHORT': {
    level: 'MUST',
    area: 'expiry',
    title: 'A short-lived API token carries the requested exp, works, and is refused once exp plus the leeway has passed',
    source: `${ZENML_TOKENS}; RFC 7519 §4.1.4`,
  },
  'TOKEN-API-MAX': {
    level: 'MUST',
    area: 'expiry',
    title: 'An API token lifetime above the server maximum is refused with a 4xx',
    source: `${ZENML_TOKENS}`,
  },
  'TOKEN-API-PERMISSIONS': {
    level: 'MUST',
    area: 'expiry',
    title: "An API token carries no more permission than its caller (a service account's token is no admin)",
    source: `${ZENML_TOKENS}; OWASP API5:2023`,
  },

  // --- service accounts, API keys and rotation ------------------------------------------------
  'APIKEY-SHOWN-ONCE': {
    level: 'MUST',
    area: 'api-keys',
    title: 'An API key (ZENKEY_…) is shown by create and rotate only, never by get or list',
    source: `${ZENML_KEYS}`,
  },
  'APIKEY-LAST-LOGIN': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Logging in with an API key sets its last_login',
    source: `${ZENML_KEYS}`,
  },
  'APIKEY-ROTATE': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Rotating with retain period 0 refuses the old key at once and accepts the new one',
    source: `${ZENML_KEYS}, rotate`,
  },
  'APIKEY-ROTATE-RETAIN': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Within a retain period both keys work; rotating again keeps only the immediately previous key',
    source: `${ZENML_KEYS}, rotate --retain`,
  },
  'APIKEY-TOKEN-GENERATION': {
    level: 'MUST',
    area: 'api-keys',
    title: "Tokens from an older key generation follow the server version's rule",
    source: `${ZENML_KEYS}; zenml-io/zenml#5025`,
  },
  'APIKEY-DEACTIVATE': {
    level: 'MUST',
    area: 'api-keys',
    title:
      'A deactivated key, or a key of a deactivated service account, and tokens derived from it are refused; reactivation restores them',
    source: `${ZENML_KEYS}`,
  },
  'APIKEY-DELETE': {
    level: 'MUST',
    area: 'api-keys',
    title: 'A deleted key and tokens derived from it are refused for good',
    source: `${ZENML_KEYS}`,
  },
  'APIKEY-ADMIN-ONLY': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Only an admin can create service accounts and API keys (403 otherwise)',
    source: `${ZENML_KEYS}; OWASP API5:2023`,
  },
  'APIKEY-BEARER': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Where offered, the raw API key works as a bearer and is refused once rotated out, deactivated or deleted',
    source: `${ZENML_KEYS}, programmatic access; zenml-io/zenml#4116`,
  },
  'APIKEY-DOC-CURL': {
    level: 'SHOULD',
    area: 'api-keys',
    title: 'The documented curl login (-d "password=<KEY>", not URL-encoded) works for keys containing + or /',
    source: `${ZENML_KEYS}, curl example`,
  },

  // --- fuzzing --------------------------------------------------------------------------------
  'FUZZ-LOGIN': {
    level: 'MUST',
    area: 'fuzz',
    title: 'Any login form: no 5xx, no token without the real credentials, nothing echoed, rejections as documented',
    source: 'OWASP API2:2023; RFC 6749 §5.2',
  },
  'FUZZ-AUTH-HEADER': {
    level: 'MUST',
    area: 'fuzz',
    title: 'Any Authorization header: no 5xx, never accepted unless it is a real token',
    source: 'RFC 6750 §3.1; RFC 8725',
  },
  'FUZZ-API-TOKEN': {
    level: 'MUST',
    area: 'fuzz',
    title: 'Any api_token query: no 5xx, a token only for valid parameters, rejections as documented',
    source: `${ZENML_TOKENS}`,
  },
} as const satisfies Record<string, Requirement>;

export type RequirementId = keyof typeof REQUIREMENTS;

export function requirement(id: RequirementId): Requirement & { id: RequirementId } {
  return { id, ...REQUIREMENTS[id] };
}

export function isRequirementId(id: string): id is RequirementId {
  return Object.hasOwn(REQUIREMENTS, id);
}
