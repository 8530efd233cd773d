/**
 * The fuzz oracles and replay helpers without a server: what a generated request may mean
 * (fixtures/fuzz/*), and that the curl line sends the same bytes with secrets removed.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { apiTokenCases, apiTokenMeaning, apiTokenRequest } from '../../fixtures/fuzz/api-token';
import { authHeaderCases, authHeaderMeaning, authHeaderValue, type Identities } from '../../fixtures/fuzz/auth-header';
import { loginCases, loginMeaning, loginRequest, type FuzzUser, type LoginCase } from '../../fixtures/fuzz/login';
import { curlLine, shellWord, type FuzzRequest } from '../../fixtures/fuzz/replay';
import { REDACTED, registerSecret } from '../../fixtures/redaction';

const token = (sub: string) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI`;
const ids: Identities = { admin: { token: token('a'), userId: 'a' }, user: { token: token('b'), userId: 'b' } };
const user: FuzzUser = { username: 'zct-unit-user', userId: '115f9f6d-b489-4040-a188-7d36587f9bde', password: 'Pw-unit-secret' };
const query = (q: string): FuzzRequest => ({ method: 'GET', path: `/api/v1/api_token${q}`, headers: {} });

test('api_token: what a query may mean', () => {
  expect(apiTokenMeaning(query(''))).toEqual({ verdict: 'valid' });
  expect(apiTokenMeaning(query('?expires_in=600'))).toEqual({ verdict: 'valid', lifetime: 600 });
  expect(apiTokenMeaning(query('?expires_in=0&token_type=generic'))).toEqual({ verdict: 'valid' });
  expect(apiTokenMeaning(query('?expires_in=604801')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?expires_in=1.5')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?expires_in=')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?token_type=workload')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?token_type=GENERIC')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?schedule_id=00000000-0000-0000-0000-000000000000')).verdict).toBe('invalid');
  // A negative lifetime: refused, or a token that has already expired.
  expect(apiTokenMeaning(query('?expires_in=-5'))).toEqual({ verdict: 'either', lifetime: -5 });
  // Spellings a lenient integer parser reads (ZenML 0.98 does), as that integer.
  expect(apiTokenMeaning(query('?expires_in=%C2%A05'))).toEqual({ verdict: 'either', lifetime: 5 });
  expect(apiTokenMeaning(query('?expires_in=1.0'))).toEqual({ verdict: 'either', lifetime: 1 });
  // Repeated parameters: first-wins and last-wins disagree, so both answers are allowed.
  expect(apiTokenMeaning(query('?expires_in=abc&expires_in=5')).verdict).toBe('either');
  expect(apiTokenMeaning(query('?expires_in=5&expires_in=5'))).toEqual({ verdict: 'valid', lifetime: 5 });
});

test('Authorization: accepted only as "Bearer" (any case) and exactly a real token', () => {
  const m = (v: string) => authHeaderMeaning(v, ids);
  expect(m(`Bearer ${ids.admin.token}`)).toMatchObject({ accepts: 'admin', mustAccept: true });
  expect(m(`bearer  ${ids.user.token}`)).toMatchObject({ accepts: 'user', mustAccept: false });
  // The same signature bytes with their base64 padding written out.
  expect(m(`Bearer ${ids.admin.token}=`)).toMatchObject({ accepts: 'admin', mustAccept: false });
  for (const v of [`Basic ${ids.admin.token}`, ids.admin.token, `Bearer ${ids.admin.token}x`, `Bearer ${ids.admin.token}==`, `Bearer ${ids.admin.token} x`, 'Bearer']) {
    expect(m(v).accepts, v).toBeUndefined();
  }
});

test('login: only the fuzz user\'s exact credentials, by name or id in a UUID spelling, may log in', () => {
  const may = (fields: LoginCase['fields'], body: LoginCase['body'] = 'form') => {
    const c: LoginCase = { intent: 'other', fields, body };
    return loginMeaning(c, loginRequest(c, user), user).mayLogIn;
  };
  expect(may([['username', { real: 'username' }], ['password', { real: 'password' }]])).toBe(true);
  expect(may([['username', `{${user.userId.toUpperCase()}}`], ['password', { real: 'password' }]])).toBe(true);
  expect(may([['username', `urn:uuid:${user.userId}`], ['password', { real: 'password' }]])).toBe(true);
  expect(may([['username', `${user.userId} `], ['password', { real: 'password' }]])).toBe(false);
  expect(may([['username', { real: 'username', edit: { append: ' ' } }], ['password', { real: 'password' }]])).toBe(false);
  expect(may([['username', { real: 'username' }], ['password', { real: 'password', edit: { upper: true } }]])).toBe(false);
  expect(may([['grant_type', 'zenml-api-key'], ['username', { real: 'username' }], ['password', { real: 'password' }]])).toBe(false);
  // Either reading of a duplicated field.
  expect(may([['username', 'other'], ['username', { real: 'username' }], ['password', { real: 'password' }]])).toBe(true);
  // Unencoded, "&" ends the value: the server reads the exact name.
  expect(may([['username', { real: 'username', edit: { append: '&' } }], ['password', { real: 'password' }]], 'raw')).toBe(true);
});

test('login: a credential must not come back, unless the same text was also sent in another field', () => {
  const credentials = (fields: LoginCase['fields']) => {
    const c: LoginCase = { intent: 'other', fields, body: 'form' };
    return loginMeaning(c, loginRequest(c, user), user).credentials;
  };
  expect(credentials([['username', 'someone-else'], ['password', 'a-password']])).toEqual(['someone-else', 'a-password']);
  // "Unsupported grant type: <grant_type>" repeats the grant type, which here holds the password too.
  expect(credentials([['password', 'a-password'], ['grant_type', 'x-a-password']])).toEqual([]);
});

test('generated requests stay within what every server must read, and never name the admin', () => {
  for (const c of fc.sample(apiTokenCases, { seed: 1, numRuns: 500 })) expect(Buffer.byteLength(apiTokenRequest(c, ids.admin.token).path)).toBeLessThanOrEqual(7_000);
  for (const c of fc.sample(authHeaderCases, { seed: 1, numRuns: 500 })) expect(authHeaderValue(c, ids).length).toBeLessThan(8_000);
  for (const c of fc.sample(loginCases(['Admin']), { seed: 1, numRuns: 2000 })) {
    const names = new URLSearchParams(loginRequest(c, user).body).getAll('username');
    expect(names.map((n) => n.trim().toLowerCase()), JSON.stringify(c)).not.toContain('admin');
  }
});

test('the curl line sends the same bytes and no secret', () => {
  registerSecret(user.password);
  const request: FuzzRequest = { method: 'POST', path: '/api/v1/login', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `username=a%00b&x=\u0000é'%\\&password=${user.password}` };
  const line = curlLine('http://127.0.0.1:9', request);
  expect(line).not.toContain(user.password);
  expect(line).toContain(REDACTED);
  // The printf part writes the body byte for byte (NUL, UTF-8, quotes, percent, backslash).
  const printf = /^printf ('(?:[^']|'\\'')*')/.exec(line)![1]!;
  const bytes = execFileSync('bash', ['-c', `printf ${printf}`]);
  expect(bytes.equals(Buffer.from(request.body!.replace(user.password, REDACTED)))).toBe(true);
  expect(execFileSync('bash', ['-c', `printf %s ${shellWord("it's\ta \u00e9")}`]).toString()).toBe("it's\ta \u00e9");
});
