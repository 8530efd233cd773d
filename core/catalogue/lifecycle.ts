/**
 * The credential lifecycle as a whole: a model-based property (fast-check commands) runs random
 * sequences of lifecycle operations and, after each, holds every credential it knows to the rules the
 * other areas name one by one (APIKEY-*, REVOKE-*, DEVICE-REVOKE, TOKEN-API-SHORT). Hand-written
 * tests check the orderings someone thought of; this checks the others. Its parameters are fuzzed too.
 */
import { ZENML_KEYS, ZENML_TOKENS, type Requirement } from './sources';

export const LIFECYCLE = {
  'LIFECYCLE-MODEL': {
    level: 'MUST',
    area: 'lifecycle',
    title:
      'After any sequence of lifecycle operations (accounts, users and keys created, rotated, deactivated, reactivated and deleted; passwords changed; logins; api_tokens; devices locked, unlocked and deleted) exactly the credentials the rules call live are accepted, each as its own identity, and all others are refused',
    source: `The catalogue's lifecycle rules (APIKEY-ROTATE, APIKEY-ROTATE-RETAIN, APIKEY-TOKEN-GENERATION, APIKEY-DEACTIVATE, APIKEY-DELETE, REVOKE-PASSWORD-CHANGE, REVOKE-USER-DEACTIVATE, REVOKE-USER-ACTIVATE, REVOKE-USER-DELETE, REVOKE-API-TOKEN, DEVICE-REVOKE, TOKEN-API-SHORT), in every order; ${ZENML_KEYS}`,
  },
  'LIFECYCLE-PARAMS': {
    level: 'MUST',
    area: 'lifecycle',
    title:
      "The lifecycle operations' numbers and ids (rotate's retain period, api_token's lifetime, the ids in their paths) never answer 5xx, never leave a key that cannot log in, and never issue a token that has already expired",
    source: `${ZENML_KEYS}, rotate --retain; ${ZENML_TOKENS}; RFC 7519 §4.1.4; OWASP API8:2023 (security misconfiguration: unhandled input)`,
  },
} as const satisfies Record<string, Requirement>;
