/**
 * The error contract ZenML clients depend on, as rules the validating client applies to every answer
 * it receives (core/answer-rules.ts):
 *
 * - ERR-SIGN-IN-AGAIN: a 401 to a request that carried credentials (a bearer, a session cookie) makes
 *   the client sign in again. The ZenML client turns a 401 into CredentialsNotValid, and only then
 *   re-authenticates, when detail[0] is "CredentialsNotValid" or the answer has a WWW-Authenticate
 *   header (zen_server/exceptions.py exception_from_response; zen_stores/rest_zen_store.py _request).
 *   Every 401 the suite provokes with a bad credential (garbage, alg none, expired, revoked, rotated
 *   out, a missing CSRF token) is such an answer: exactly what a client meets. Not the token endpoint
 *   (its refusals are login errors, below), and not an AuthorizationException: ZenML's "valid but not
 *   allowed" (a workload api_token asked for another scope, another user's email opt-in, a raw key at
 *   api_token), where signing in again would not help; that such refusals are 401 rather than 403 is
 *   AUTHZ-FORBIDDEN-STATUS's concern. Every invalid credential of every release measured answers
 *   CredentialsNotValid, and the bearer tests hold each deliberately invalid one to this rule by name.
 * - ERR-MISSING-CHALLENGE: a 401 to a request without credentials, on an operation the document
 *   secures, carries the Bearer challenge (RFC 6750 §3): the client's first request goes out
 *   unauthenticated and signs in on it.
 * - ERR-LOGIN-DETAIL: a refused login (4xx) has a body the client can show a message from. A 5xx is
 *   a crash, which the test or property that provoked it judges (where known deviations may excuse it).
 * - ERR-DEVICE-BODY: a refused device-code poll of the shape the ZenML client sends is an RFC 6749
 *   §5.2 body, which the client reads as OAuthError(**body) (login/web_login.py).
 */
import type { Answer, AnswerRule } from '../core/answer-rules';
import { excerpt } from '../core/redaction';
import { GRANT, PATHS } from './api';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A device code as a client holds it: printable ASCII, of a sane length. */
const DEVICE_CODE = /^[\x21-\x7e]{1,1024}$/;
/** RFC 6749 §5.2: error = 1*( %x20-21 / %x23-5B / %x5D-7E ). */
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;
/** The keywords ZenML's OAuthError takes (RFC 6749 §5.2's three, and its own status_code). */
const OAUTH_ERROR_KEYS = new Set(['error', 'error_description', 'error_uri', 'status_code']);
const BEARER_CHALLENGE = /(?:^|,)\s*bearer(?:[\s,]|$)/i;

/** What a ZenML client reads as the error detail: body.detail of an object, or a bare array. */
function detailOf(body: unknown): unknown {
  if (Array.isArray(body)) return body;
  return body && typeof body === 'object' ? (body as { detail?: unknown }).detail : undefined;
}

/** The message a client can show for an error answer, or undefined when the body offers none. Read
 * as the ZenML client does (a string detail; a list of the exception name and its arguments), plus
 * FastAPI's validation list and an RFC 6749 §5.2 body, which carry a message too. */
export function readableMessage(body: unknown): string | undefined {
  const detail = detailOf(body);
  if (typeof detail === 'string') return detail.trim() || undefined;
  if (Array.isArray(detail)) {
    if (typeof detail[0] === 'string') {
      const message = detail
        .slice(1)
        .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
        .join(': ')
        .trim();
      return message ? `${detail[0]}: ${message}` : undefined;
    }
    const msgs = detail.map((d) => (d && typeof d === 'object' ? (d as { msg?: unknown }).msg : undefined));
    return detail.length > 0 && msgs.every((m) => typeof m === 'string' && m.trim()) ? msgs.join('; ') : undefined;
  }
  if (detail === undefined && body && typeof body === 'object') {
    const { error, error_description } = body as { error?: unknown; error_description?: unknown };
    if (typeof error === 'string' && error.trim())
      return typeof error_description === 'string' && error_description.trim() ? `${error}: ${error_description}` : error;
  }
  return undefined;
}

/** Whether a ZenML client takes this 401 as CredentialsNotValid, and so signs in again. */
export function tellsToSignInAgain(answer: Pick<Answer, 'body' | 'headers'>): boolean {
  const detail = detailOf(answer.body);
  return (
    (Array.isArray(detail) && detail[0] === 'CredentialsNotValid') || (answer.headers['www-authenticate'] ?? '').trim() !== ''
  );
}

const carriesCredentials = (a: Answer) => 'authorization' in a.requestHeaders || 'cookie' in a.requestHeaders;
const isLogin = (a: Answer) => a.method === 'POST' && a.path === PATHS.login;

/** A device-code poll of the shape the ZenML client sends (RFC 8628 §3.4): exactly grant_type,
 * client_id (a UUID, as ZenML issues them) and device_code, in a form. */
export function isDevicePoll(a: Pick<Answer, 'requestHeaders' | 'requestBody'>): boolean {
  if (!a.requestBody || !/application\/x-www-form-urlencoded/i.test(a.requestHeaders['content-type'] ?? '')) return false;
  const form = new URLSearchParams(a.requestBody);
  const keys = [...form.keys()];
  return (
    keys.length === 3 &&
    new Set(keys).size === 3 &&
    form.get('grant_type') === GRANT.deviceCode &&
    UUID.test(form.get('client_id') ?? '') &&
    DEVICE_CODE.test(form.get('device_code') ?? '')
  );
}

/** ZenML's refusal of a valid credential for what it asks (AuthorizationException), not of the credential. */
const refusedPermission = (a: Answer) => (detailOf(a.body) as unknown[] | undefined)?.[0] === 'AuthorizationException';

const shown = (a: Answer) => excerpt(a.text, 200);

export const ERROR_CONTRACT: readonly AnswerRule[] = [
  {
    requirement: 'ERR-SIGN-IN-AGAIN',
    applies: (a) => a.status === 401 && carriesCredentials(a) && !isLogin(a) && !refusedPermission(a),
    breach: (a) => {
      if (tellsToSignInAgain(a)) return undefined;
      const detail = detailOf(a.body);
      const name = Array.isArray(detail) ? JSON.stringify(detail[0]) : typeof detail === 'string' ? 'a plain string' : 'absent';
      return `a 401 to a request with credentials neither names CredentialsNotValid (detail[0] is ${name}) nor carries WWW-Authenticate, so a ZenML client does not sign in again: ${shown(a)}`;
    },
  },
  {
    requirement: 'ERR-MISSING-CHALLENGE',
    applies: (a) => a.status === 401 && !carriesCredentials(a) && a.secured() === true,
    breach: (a) =>
      BEARER_CHALLENGE.test(a.headers['www-authenticate'] ?? '')
        ? undefined
        : `a 401 without credentials carries WWW-Authenticate ${JSON.stringify(a.headers['www-authenticate'] ?? null)}, not a Bearer challenge (RFC 6750 §3): ${shown(a)}`,
  },
  {
    requirement: 'ERR-LOGIN-DETAIL',
    applies: (a) => a.status >= 400 && a.status < 500 && isLogin(a) && !isDevicePoll(a),
    breach: (a) => {
      return readableMessage(a.body) === undefined
        ? `a refused login (${a.status}) has no detail a client can show (a string, or [exception, message]): ${shown(a)}`
        : undefined;
    },
  },
  {
    requirement: 'ERR-DEVICE-BODY',
    applies: (a) => a.status >= 400 && a.status < 500 && a.status !== 429 && isLogin(a) && isDevicePoll(a),
    breach: (a) => {
      const b = a.body;
      if (!b || typeof b !== 'object' || Array.isArray(b)) return `a refused device-code poll is not a JSON object: ${shown(a)}`;
      const body = b as Record<string, unknown>;
      if (typeof body.error !== 'string' || !ERROR_CODE.test(body.error))
        return `a refused device-code poll has no RFC 6749 §5.2 error code (error is ${JSON.stringify(body.error ?? null)}): ${shown(a)}`;
      for (const k of ['error_description', 'error_uri'])
        if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string')
          return `a refused device-code poll has a ${k} that is not a string: ${shown(a)}`;
      const extra = Object.keys(body).filter((k) => !OAUTH_ERROR_KEYS.has(k));
      return extra.length > 0
        ? `a refused device-code poll carries ${extra.join(', ')}, which the ZenML client cannot read (it builds OAuthError(**body)): ${shown(a)}`
        : undefined;
    },
  },
];
