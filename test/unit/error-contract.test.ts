/**
 * ZenML's error contract as rules on single answers (zenml/error-contract.ts): which answers each rule
 * speaks about, and which it lets pass, decided without a server.
 */
import { expect, test } from '@playwright/test';
import type { Answer } from '../../core/answer-rules';
import { ERROR_CONTRACT, isDevicePoll, readableMessage } from '../../zenml/error-contract';

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const CLIENT_ID = '2b52a0f4-1c7e-4d8e-9a6b-0f3c2d1e4b5a';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function answer(a: Partial<Omit<Answer, 'secured'>> & { secured?: boolean; url?: string }): Answer {
  const url = new URL(`http://x${a.url ?? '/api/v1/current-user'}`);
  const text = a.text ?? (a.body === undefined ? '' : JSON.stringify(a.body));
  return {
    method: 'GET',
    path: url.pathname,
    query: url.searchParams,
    requestHeaders: {},
    status: 200,
    headers: {},
    ...a,
    body: a.body,
    text,
    secured: () => a.secured,
  };
}

/** What each rule says of an answer: undefined (does not apply), 'ok', or the breach. */
function verdicts(a: Answer): Record<string, string | undefined> {
  return Object.fromEntries(
    ERROR_CONTRACT.map((r) => [r.requirement, r.applies(a) ? (r.breach(a) === undefined ? 'ok' : 'breach') : undefined]),
  );
}

const bearer = { authorization: 'Bearer garbage' };
const login = (form: string, status: number, body: unknown, text?: string) =>
  answer({ method: 'POST', url: '/api/v1/login', requestHeaders: FORM, requestBody: form, status, body, text });

test.describe('ERR-SIGN-IN-AGAIN', () => {
  test('a 401 to a request with a bearer or a cookie must name CredentialsNotValid or carry a challenge', () => {
    const cnv = { detail: ['CredentialsNotValid', 'Authentication error: error decoding access token'] };
    expect(verdicts(answer({ requestHeaders: bearer, status: 401, body: cnv }))['ERR-SIGN-IN-AGAIN']).toBe('ok');
    expect(verdicts(answer({ requestHeaders: { cookie: 'a=b' }, status: 401, body: cnv }))['ERR-SIGN-IN-AGAIN']).toBe('ok');
    // ZenML's "Not authenticated" for a wrong scheme: the challenge makes the client sign in again.
    const challenged = answer({
      requestHeaders: { authorization: 'Basic x' },
      status: 401,
      body: { detail: 'Not authenticated' },
      headers: { 'www-authenticate': 'Bearer' },
    });
    expect(verdicts(challenged)['ERR-SIGN-IN-AGAIN']).toBe('ok');
    for (const body of [{ detail: 'Invalid token' }, { detail: ['IllegalOperationError', 'no'] }, {}, undefined])
      expect(verdicts(answer({ requestHeaders: bearer, status: 401, body }))['ERR-SIGN-IN-AGAIN'], JSON.stringify(body)).toBe(
        'breach',
      );
    // A bare array is the detail too, as the client reads it.
    expect(
      verdicts(answer({ requestHeaders: bearer, status: 401, body: ['CredentialsNotValid', 'x'] }))['ERR-SIGN-IN-AGAIN'],
    ).toBe('ok');
  });
  test('it speaks of 401s with credentials only: not other statuses, not the token endpoint, not a valid credential refused a permission', () => {
    expect(verdicts(answer({ requestHeaders: bearer, status: 403, body: {} }))['ERR-SIGN-IN-AGAIN']).toBeUndefined();
    expect(verdicts(answer({ status: 401, body: {} }))['ERR-SIGN-IN-AGAIN']).toBeUndefined();
    expect(verdicts(login('username=a&password=b', 401, {}))['ERR-SIGN-IN-AGAIN']).toBeUndefined();
    const scope = { detail: ['AuthorizationException', 'Unable to scope API token to pipeline run 1.'] };
    const workload = answer({
      url: '/api/v1/api_token?token_type=workload&pipeline_run_id=1',
      requestHeaders: bearer,
      status: 401,
      body: scope,
    });
    expect(verdicts(workload)['ERR-SIGN-IN-AGAIN']).toBeUndefined();
    // ZenML's "valid but not allowed" anywhere (another user's email opt-in): the bearer tests hold
    // deliberately invalid credentials to the rule by name (fixtures/refusals.ts).
    const optIn = answer({
      method: 'PUT',
      url: '/api/v1/users/1/email-opt-in',
      requestHeaders: bearer,
      status: 401,
      body: { detail: ['AuthorizationException', 'Users can not opt in on behalf of another user.'] },
    });
    expect(verdicts(optIn)['ERR-SIGN-IN-AGAIN']).toBeUndefined();
  });
});

test.describe('ERR-MISSING-CHALLENGE', () => {
  test('a 401 without credentials on a secured operation carries a Bearer challenge', () => {
    const v = (headers: Record<string, string>, secured = true) =>
      verdicts(answer({ status: 401, body: { detail: 'Not authenticated' }, headers, secured }))['ERR-MISSING-CHALLENGE'];
    expect(v({ 'www-authenticate': 'Bearer' })).toBe('ok');
    expect(v({ 'www-authenticate': 'bearer realm="zenml", error="invalid_token"' })).toBe('ok');
    expect(v({ 'www-authenticate': 'Basic realm="zenml", Bearer' })).toBe('ok');
    expect(v({})).toBe('breach');
    expect(v({ 'www-authenticate': 'Basic realm="zenml"' })).toBe('breach');
    expect(v({ 'www-authenticate': 'Bearerish' })).toBe('breach');
    // Public operations (activation, download tokens) carry their own credentials: not this rule's.
    expect(v({}, false)).toBeUndefined();
  });
});

test.describe('ERR-LOGIN-DETAIL', () => {
  test('a refused login is a 4xx whose body a client can show a message from', () => {
    const v = (status: number, body: unknown, text?: string) =>
      verdicts(login('username=a&password=b', status, body, text))['ERR-LOGIN-DETAIL'];
    expect(v(401, { detail: ['CredentialsNotValid', 'Authentication error: invalid username or password'] })).toBe('ok');
    expect(v(400, { detail: 'Invalid request: username is required.' })).toBe('ok');
    expect(v(422, ['ValueError', 'password exceeds maximum allowed size'])).toBe('ok');
    expect(v(422, { detail: [{ loc: ['body'], msg: 'Field required', type: 'missing' }] })).toBe('ok');
    expect(v(400, { error: 'unsupported_grant_type', error_description: 'no' })).toBe('ok');
    expect(v(401, {})).toBe('breach');
    expect(v(401, { detail: ['CredentialsNotValid'] })).toBe('breach');
    expect(v(401, { detail: '  ' })).toBe('breach');
    expect(v(400, undefined, '<html>400</html>')).toBe('breach');
    // A crash is judged by the test that provoked it, where a known deviation may excuse it.
    expect(v(500, { detail: 'Internal Server Error' })).toBeUndefined();
    expect(v(200, { access_token: 'x' })).toBeUndefined();
  });
});

test.describe('ERR-DEVICE-BODY', () => {
  const poll = `grant_type=${encodeURIComponent(DEVICE)}&client_id=${CLIENT_ID}&device_code=abc123`;
  test('a device-code poll is one of the shape the ZenML client sends', () => {
    expect(isDevicePoll({ requestHeaders: FORM, requestBody: poll })).toBe(true);
    expect(isDevicePoll({ requestHeaders: FORM, requestBody: `${poll}&extra=1` })).toBe(false);
    expect(isDevicePoll({ requestHeaders: FORM, requestBody: poll.replace(CLIENT_ID, 'not-a-uuid') })).toBe(false);
    expect(isDevicePoll({ requestHeaders: FORM, requestBody: poll.replace('abc123', '') })).toBe(false);
    expect(isDevicePoll({ requestHeaders: { 'content-type': 'application/json' }, requestBody: poll })).toBe(false);
  });
  test('a refused poll is an RFC 6749 §5.2 body the ZenML client can take; other refused logins are login errors', () => {
    const v = (status: number, body: unknown) => verdicts(login(poll, status, body));
    expect(v(400, { error: 'authorization_pending', error_description: 'pending', error_uri: null })).toMatchObject({
      'ERR-DEVICE-BODY': 'ok',
      'ERR-LOGIN-DETAIL': undefined,
    });
    expect(v(400, { error: 'invalid_client' })['ERR-DEVICE-BODY']).toBe('ok');
    for (const body of [
      { detail: 'Invalid request' },
      { error: { code: 'x' } },
      { error: 'bad "quote"' },
      { error: 'invalid_client', message: 'x' },
      { error: 'invalid_client', error_description: 3 },
      ['invalid_client'],
    ])
      expect(v(400, body)['ERR-DEVICE-BODY'], JSON.stringify(body)).toBe('breach');
    // Rate limiting is not the grant's answer.
    expect(v(429, { detail: 'Minute request limit exceeded.' })['ERR-DEVICE-BODY']).toBeUndefined();
    // A malformed device request (no device code) is a login error: a readable detail will do.
    expect(
      verdicts(login(`grant_type=${encodeURIComponent(DEVICE)}`, 400, { detail: 'device code and client ID are required.' })),
    ).toMatchObject({
      'ERR-DEVICE-BODY': undefined,
      'ERR-LOGIN-DETAIL': 'ok',
    });
  });
});

test('readableMessage reads the detail as the ZenML client does', () => {
  expect(readableMessage({ detail: ['CredentialsNotValid', 'a', 'b'] })).toBe('CredentialsNotValid: a: b');
  expect(readableMessage({ detail: 'x' })).toBe('x');
  expect(readableMessage(['ValueError', 'y'])).toBe('ValueError: y');
  expect(readableMessage({ detail: null })).toBeUndefined();
  expect(readableMessage('text')).toBeUndefined();
});
