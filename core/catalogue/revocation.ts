/**
 * Revocation: people's credentials (password change, deactivation and the activation flow, deletion)
 * and every token derived from a credential, down to api_tokens minted from api_tokens. Each rule is
 * a security property: it holds on every release, except where an older release's rule is merely
 * weaker, which is a SHOULD (REVOKE-PASSWORD-TOKENS, as APIKEY-ROTATE-REVOKES-TOKENS).
 */
import { ZENML_API, ZENML_KEYS, ZENML_TOKENS, type Requirement } from './sources';

const ASVS = 'OWASP ASVS 4.0.3';

export const REVOCATION = {
  'REVOKE-PASSWORD-CHANGE': {
    level: 'MUST',
    area: 'revocation',
    title:
      'After a password change with the current password (PUT /current-user, or PUT /users/{own id}) the new password logs in and acts as the user, and the old one is refused',
    source: `${ZENML_API}, PUT /current-user and PUT /users/{id}; ${ASVS} V2.1.5`,
  },
  'REVOKE-PASSWORD-TOKENS': {
    level: 'SHOULD',
    area: 'revocation',
    title:
      'Tokens issued before a password change (the one that made the change, other logins, api_tokens minted from them) are refused afterwards',
    source: `${ASVS} V3.3.3 (sessions end on a password change); ZenML 0.96.2 (auth.py: "issued before the user's password was changed"); older releases keep such tokens`,
  },
  'REVOKE-PASSWORD-OLD-REQUIRED': {
    level: 'MUST',
    area: 'revocation',
    title:
      'A password change with a wrong, empty, re-cased, null or missing old_password is refused with a 4xx and changes nothing (the old password and the caller’s token still work, the new password does not)',
    source: `${ASVS} V2.1.6 (a password change needs the current password); ${ZENML_API}, PUT /current-user`,
  },
  'REVOKE-USER-DEACTIVATE': {
    level: 'MUST',
    area: 'revocation',
    title:
      'A deactivated user (PUT /users/{id}/deactivate, or PUT /users/{id} with active false) cannot log in with the right password, their tokens are refused and no api_token is minted from them',
    source: `${ZENML_API}, users deactivate; ${ASVS} V3.3`,
  },
  'REVOKE-USER-ACTIVATE': {
    level: 'MUST',
    area: 'revocation',
    title:
      'The activation token and a new password (PUT /users/{id}/activate, no authentication) reactivate the user: the new password logs in and acts as the user, the old one is refused',
    source: `${ZENML_API}, users activate`,
  },
  'REVOKE-ACTIVATION-TOKEN': {
    level: 'MUST',
    area: 'revocation',
    title:
      "An activation token works once, for its own user, and only the latest one issued: a wrong, altered, empty, another user's, superseded or used token is refused with a 4xx and changes nothing",
    source: `${ZENML_API}, users activate; ${ASVS} V2.5.2 (reset tokens are single use)`,
  },
  'REVOKE-USER-DELETE': {
    level: 'MUST',
    area: 'revocation',
    title: 'A deleted user cannot log in and their tokens are refused, also once a new user takes the same name and password',
    source: `${ZENML_API}, users delete; ${ASVS} V3.3`,
  },
  'REVOKE-API-TOKEN': {
    level: 'MUST',
    area: 'revocation',
    title:
      'A login token, the api_tokens minted from it and the api_tokens minted from those stop when the API key, service account or user they came from is deactivated or deleted',
    source: `${ZENML_TOKENS}; ${ZENML_KEYS}; ${ASVS} V3.3`,
  },
} as const satisfies Record<string, Requirement>;
