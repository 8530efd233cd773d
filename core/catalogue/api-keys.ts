/** Service accounts, API keys and rotation. */
import { ZENML_KEYS, type Requirement } from './sources';

/** The first release whose api_token keeps the key (api_key_id, key_gen) and device scope of the
 * token it is minted from ("Keep the original API key and device token scopes", 0.96.4): before, such
 * an api_token is a plain token of the account, which outlives a rotation (the weaker rule of
 * APIKEY-ROTATE-REVOKES-TOKENS, a finding) and a deactivation (REVOKE-API-TOKEN, a failure). */
export const MINTED_KEEPS_SOURCE_SINCE = '0.96.4';

export const API_KEYS = {
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
    title:
      'Key-derived tokens (and, since 0.96.4, api_tokens minted from them) carry the key generation: the current one is valid, the previous one only within its retain period, older ones never',
    source: `${ZENML_KEYS}; zenml-io/zenml#5025; ZenML 0.96.4 (api_token keeps the source token's key scope)`,
    since: '0.96.2',
  },
  'APIKEY-ROTATE-REVOKES-TOKENS': {
    level: 'SHOULD',
    area: 'api-keys',
    title: 'Tokens issued from a key, and api_tokens minted from them, stop working once the key is rotated out',
    source: `${ZENML_KEYS}; OWASP ASVS 3.3 (session termination); zenml-io/zenml#5025`,
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
    since: '0.96.0',
  },
  'APIKEY-BEARER': {
    level: 'MUST',
    area: 'api-keys',
    title: 'Where offered, the raw API key works as a bearer and is refused once rotated out, deactivated or deleted',
    source: `${ZENML_KEYS}, programmatic access; zenml-io/zenml#4116`,
    since: '0.91.1',
  },
  'APIKEY-DOC-CURL': {
    level: 'SHOULD',
    area: 'api-keys',
    title: 'The documented curl login (-d "password=<KEY>", not URL-encoded) works for keys containing + or /',
    source: `${ZENML_KEYS}, curl example`,
  },
  'APIKEY-FORGED': {
    level: 'MUST',
    area: 'api-keys',
    title:
      "A key forged from a real key (its secret emptied, cut, changed, re-cased, extended, padded, of another key or not a string; or the real secret under another key's, another account's or a made-up id) is refused with 401, at login and as a bearer",
    source: `${ZENML_KEYS} (key format ZENKEY_ + base64 JSON {id, key}); OWASP API2:2023`,
  },
  'APIKEY-KEY-VARIANTS': {
    level: 'MUST',
    area: 'api-keys',
    title:
      "A real key's id and secret in another encoding (JSON reordered, extra or duplicate fields naming other accounts, id spelling, base64 padding, alphabet, whitespace, prefix) act as the key's own service account or are refused with a 4xx, never 5xx",
    source: `${ZENML_KEYS} (key format); RFC 8259 §4 (duplicate names); OWASP API2:2023`,
  },
} as const satisfies Record<string, Requirement>;
