/**
 * Explicit grants, as the ZenML Python client sends them (grant_type=password, grant_type=zenml-api-key),
 * unknown grants, and the error contract ZenML clients depend on: which answers make a client sign in
 * again, and which error bodies it can read. The ERR-* rules are checked by the validating client on
 * every answer of their kind the suite receives (zenml/error-contract.ts), not only by tests of their own.
 */
import { ZENML_API, ZENML_KEYS, type Requirement } from './sources';

/** The ZenML Python client's reading of an error answer. */
const ZENML_CLIENT = 'ZenML client: zen_server/exceptions.py exception_from_response, zen_stores/rest_zen_store.py _request';

export const GRANTS = {
  'GRANT-PASSWORD-EXPLICIT': {
    level: 'MUST',
    area: 'grants',
    title:
      'grant_type=password logs in as the implicit password form does: the same identity, the same token shape (claims, token_type, expires_in, cookie)',
    source: `${ZENML_API}, login; RFC 6749 §4.3.2`,
  },
  'GRANT-APIKEY-EXPLICIT': {
    level: 'MUST',
    area: 'grants',
    title:
      'grant_type=zenml-api-key logs in as the implicit API-key form does: the same service account, the same token shape, no cookie',
    source: `${ZENML_KEYS}; ZenML client (zen_stores/rest_zen_store.py sends grant_type=zenml-api-key)`,
  },
  'GRANT-UNKNOWN': {
    level: 'MUST',
    area: 'grants',
    title: 'An unknown grant_type is refused with a 4xx and no token, even with good credentials (a password or an API key)',
    source: 'RFC 6749 §5.2 (unsupported_grant_type)',
  },
  'ERR-SIGN-IN-AGAIN': {
    level: 'MUST',
    area: 'grants',
    title:
      'A 401 to a request that carried credentials (an invalid, expired, revoked or rotated-out token) tells the client to sign in again: detail[0] is CredentialsNotValid, or a WWW-Authenticate challenge',
    source: `${ZENML_CLIENT} (a 401 re-authenticates only as CredentialsNotValid); RFC 6750 §3.1`,
  },
  'ERR-MISSING-CHALLENGE': {
    level: 'MUST',
    area: 'grants',
    title: 'A 401 to a request without credentials on a secured operation carries WWW-Authenticate: Bearer',
    source: `RFC 6750 §3; ${ZENML_CLIENT} (a client's first, unauthenticated request signs in on this challenge)`,
  },
  'ERR-LOGIN-DETAIL': {
    level: 'MUST',
    area: 'grants',
    title: 'A refused login (other than a device-code poll) is a 4xx with a readable detail: a message the client can show',
    source: `${ZENML_CLIENT}; RFC 6749 §5.2`,
  },
  'ERR-DEVICE-BODY': {
    level: 'MUST',
    area: 'grants',
    title:
      'A refused device-code poll is an RFC 6749 §5.2 body: an ASCII error code, optional error_description and error_uri, and no field the ZenML client cannot take',
    source: 'RFC 6749 §5.2; RFC 8628 §3.5; ZenML client (login/web_login.py reads the body as OAuthError(**body))',
  },
} as const satisfies Record<string, Requirement>;
