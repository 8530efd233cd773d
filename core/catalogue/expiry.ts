/** Token lifetimes: api_token and login tokens. */
import { ZENML_TOKENS, type Requirement } from './sources';

export const EXPIRY = {
  'LOGIN-TOKEN-EXPIRES': {
    level: 'SHOULD',
    area: 'expiry',
    title: 'Login tokens expire (carry exp)',
    source: 'RFC 8725 §3.10 (limit lifetime); OWASP JWT Cheat Sheet',
  },
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
    title: "An API token carries no more permission than its caller (a service account's token cannot do what only an admin may)",
    source: `${ZENML_TOKENS}; OWASP API5:2023`,
  },
} as const satisfies Record<string, Requirement>;
