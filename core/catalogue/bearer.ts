/** Bearer validation: the right identity for a valid token, 401 for everything else. */
import { ZENML_API, type Requirement } from './sources';

export const BEARER = {
  'USER-CURRENT': {
    level: 'MUST',
    area: 'bearer',
    title: 'GET /api/v1/current-user with a valid token returns the identity that logged in',
    source: `${ZENML_API}, current-user`,
  },
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
} as const satisfies Record<string, Requirement>;
