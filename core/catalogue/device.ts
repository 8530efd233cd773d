/**
 * The OAuth 2.0 device authorization grant (RFC 8628) as `zenml login <url>` uses it: the CLI starts
 * it, the person approves the device in the dashboard with the user code, the CLI polls for its token;
 * the person sees, locks, unlocks and deletes the device afterwards.
 */
import type { Requirement } from './sources';

/** `zenml login`, authorized devices and `zenml authorized-device lock`. */
const ZENML_DEVICES = 'ZenML docs, connect in with your user (interactive): zenml login, authorized devices';
/** What the CLI reads from the answers (zenml/login/web_login.py). */
const ZENML_CLI = 'ZenML CLI web login (zenml/login/web_login.py)';

export const DEVICE = {
  'DEVICE-AUTHORIZATION': {
    level: 'MUST',
    area: 'device',
    title:
      'POST /api/v1/device_authorization with a client_id answers 200 with a device_code, a different user_code, a verification_uri, a verification_uri_complete naming the device and the user code, and positive integer expires_in and interval',
    source: `RFC 8628 §3.1, §3.2; ${ZENML_DEVICES}; ${ZENML_CLI}`,
  },
  'DEVICE-PENDING': {
    level: 'MUST',
    area: 'device',
    title: 'Before the user approves, a poll with the device code answers 400 authorization_pending (or slow_down) and no token',
    source: `RFC 8628 §3.4, §3.5; ${ZENML_CLI}`,
  },
  'DEVICE-ERROR-BODY': {
    level: 'MUST',
    area: 'device',
    title:
      'Device-grant errors of the token endpoint are RFC 6749 §5.2 answers: 400 (401 for invalid_client), a JSON object with an error code and optional error_description and error_uri, no token',
    source: `RFC 6749 §5.2; RFC 8628 §3.5; ${ZENML_CLI} (OAuthError)`,
  },
  'DEVICE-APPROVE': {
    level: 'MUST',
    area: 'device',
    title:
      'The user sees the pending device with its user code and approves it (PUT /devices/{id}/verify); the next poll returns a bearer token that acts as the approving user, a wrong device code gets none, and the device is listed for its owner',
    source: `RFC 8628 §3.3, §3.5; ${ZENML_DEVICES}`,
  },
  'DEVICE-SINGLE-USE': {
    level: 'MUST',
    area: 'device',
    title: 'A device code gives one token: polling with it again after the token was issued gives none',
    source: 'RFC 8628 §3.5 (the authorization session has concluded); RFC 6749 §4.1.2 and §10.5 (one-time codes), by analogy',
  },
  'DEVICE-LOCK-ATTEMPTS': {
    level: 'MUST',
    area: 'device',
    title:
      "Wrong user codes lock the device no later than the server's limit (ZenML: 3): a wrong code never approves it, and once locked the right user code is refused and no poll gives a token",
    source: `RFC 8628 §5.1 (user code brute forcing); ${ZENML_DEVICES}; ZenML server setting max_failed_device_auth_attempts`,
  },
  'DEVICE-OWNER-ONLY': {
    level: 'MUST',
    area: 'device',
    title:
      "Another user can neither see nor change a user's device: GET, PUT and DELETE answer 403 or 404, verifying it is refused, no other list shows it (pending or approved), and it stays as it was",
    source: `OWASP API1:2023 (broken object level authorization); ${ZENML_DEVICES}`,
  },
  'DEVICE-REVOKE': {
    level: 'MUST',
    area: 'device',
    title:
      'Locking a device stops its tokens and the api_tokens minted from them, unlocking restores them, and deleting the device stops them for good',
    source: `${ZENML_DEVICES} (zenml authorized-device lock); OWASP ASVS 3.3 (session termination)`,
  },
  'DEVICE-TOKEN-EXPIRES': {
    level: 'SHOULD',
    area: 'device',
    title:
      'A device token expires: it carries an exp in the future (ZenML documents 24-hour tokens, 30 days for trusted devices)',
    source: `${ZENML_DEVICES}; RFC 8725 §3.10; OWASP JWT Cheat Sheet`,
  },
  'DEVICE-VERIFICATION-URI': {
    level: 'SHOULD',
    area: 'device',
    title: 'verification_uri and verification_uri_complete are absolute http(s) URLs without an empty path segment',
    source: 'RFC 8628 §3.2, §3.3.1',
  },
  'DEVICE-SLOW-DOWN': {
    level: 'SHOULD',
    area: 'device',
    title:
      'A client polling faster than the interval is answered slow_down, and a client polling at the interval is never answered 429',
    source: `RFC 8628 §3.5; ${ZENML_CLI} (adds 5 s on slow_down, stops on any other status)`,
  },
  'DEVICE-CLIENT-ID-REUSE': {
    level: 'SHOULD',
    area: 'device',
    title:
      "An unauthenticated device authorization request that reuses an authorized device's client_id does not end that device's tokens",
    source: 'RFC 8628 §5.2 (a client_id is no credential); OWASP API2:2023; OWASP ASVS 3.3',
  },
} as const satisfies Record<string, Requirement>;
