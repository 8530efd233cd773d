/** Property-based fuzzing of the inputs an attacker controls before being anyone. */
import { ZENML_TOKENS, type Requirement } from './sources';

export const FUZZ = {
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
