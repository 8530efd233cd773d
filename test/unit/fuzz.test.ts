/**
 * The fuzz oracles and replay helpers without a server: what a generated request may mean
 * (fixtures/fuzz/*), and that the curl line sends the same bytes with secrets removed.
 */
import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { apiTokenCases, apiTokenMeaning, apiTokenRequest } from '../../fuzz/api-token';
import { authHeaderCases, authHeaderMeaning, authHeaderValue, type Identities } from '../../fuzz/auth-header';
import { loginCases, loginMeaning, loginRequest, MUST_ACCEPT_LOGIN_BYTES, type FuzzUser, type LoginCase } from '../../fuzz/login';
import { curlLine, shellWord, type FuzzRequest } from '../../fuzz/replay';
import { REDACTED, registerSecret } from '../../core/redaction';

const token = (sub: string) =>
  `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXI`;
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
  // Another spelling of the enum: a server may read it strictly or not.
  expect(apiTokenMeaning(query('?token_type=GENERIC')).verdict).toBe('either');
  expect(apiTokenMeaning(query('?token_type=GENERIC&expires_in=604801')).verdict).toBe('invalid');
  expect(apiTokenMeaning(query('?schedule_id=00000000-0000-0000-0000-000000000000')).verdict).toBe('invalid');
  // A negative lifetime: refused, or a token that has already expired.
  expect(apiTokenMeaning(query('?expires_in=-5'))).toEqual({ verdict: 'either', lifetime: -5 });
  // Spellings a lenient integer parser reads (ZenML 0.98 does), as that integer.
  expect(apiTokenMeaning(query('?expires_in=%C2%A05'))).toEqual({ verdict: 'either', lifetime: 5 });
  expect(apiTokenMeaning(query('?expires_in=1.0'))).toEqual({ verdict: 'either', lifetime: 1 });
  // Repeated parameters: first-wins and last-wins disagree, so both answers are allowed.
  expect(apiTokenMeaning(query('?expires_in=abc&expires_in=5')).verdict).toBe('either');
  // A parameter "MUST NOT be included more than once": a server may refuse the repetition.
  expect(apiTokenMeaning(query('?expires_in=5&expires_in=5'))).toEqual({ verdict: 'either', lifetime: 5 });
  // Non-canonical integers and unknown parameters may be refused; invalid stays invalid.
  expect(apiTokenMeaning(query('?expires_in=%2B5'))).toEqual({ verdict: 'either', lifetime: 5 });
  expect(apiTokenMeaning(query('?expires_in=007'))).toEqual({ verdict: 'either', lifetime: 7 });
  expect(apiTokenMeaning(query('?expires_in=5&zct=1'))).toEqual({ verdict: 'either', lifetime: 5 });
  expect(apiTokenMeaning(query('?token_type=workload&zct=1')).verdict).toBe('invalid');
});

test('Authorization: accepted only as "Bearer" (any case) and exactly a real token', () => {
  const m = (v: string) => authHeaderMeaning(v, ids);
  expect(m(`Bearer ${ids.admin.token}`)).toMatchObject({ accepts: 'admin', mustAccept: true });
  expect(m(`bearer  ${ids.user.token}`)).toMatchObject({ accepts: 'user', mustAccept: false });
  // Whitespace around the field value (RFC 9110 §5.5): a server may accept it, and need not.
  // Python's str.strip() also removes Unicode whitespace (NBSP, NEL) around the credential.
  for (const v of [
    `Bearer ${ids.admin.token} `,
    ` Bearer ${ids.admin.token}`,
    `Bearer\t${ids.admin.token}`,
    `Bearer ${ids.admin.token}\t`,
    `Bearer ${ids.admin.token}\u00a0`,
    `Bearer \u0085${ids.admin.token}`,
  ]) {
    expect(m(v), JSON.stringify(v)).toMatchObject({ accepts: 'admin', mustAccept: false });
  }
  // The same signature bytes with their base64 padding written out, or junk a lenient decoder drops.
  expect(m(`Bearer ${ids.admin.token}=`)).toMatchObject({ accepts: 'admin', mustAccept: false });
  for (const junk of ['==', '= x', ' :', ' {', '\t!']) expect(m(`Bearer ${ids.admin.token}${junk}`).accepts, junk).toBe('admin');
  for (const v of [
    `Basic ${ids.admin.token}`,
    ids.admin.token,
    `Bearer ${ids.admin.token}x`,
    `Bearer ${ids.admin.token} x`,
    `Bearer ${ids.admin.token}.x`,
    'Bearer',
    `Bearer ${ids.admin.token.slice(0, 20)} ${ids.admin.token.slice(20)}`,
  ]) {
    expect(m(v).accepts, v).toBeUndefined();
  }
});

test("login: only the fuzz user's name or id and password may log in, compared as the RFCs and NIST allow", () => {
  const may = (fields: LoginCase['fields'], body: LoginCase['body'] = 'form') => {
    const c: LoginCase = { intent: 'other', fields, body };
    return loginMeaning(c, loginRequest(c, user), user).mayLogIn;
  };
  const password: LoginCase['fields'][number] = ['password', { real: 'password' }];
  expect(may([['username', { real: 'username' }], password])).toBe(true);
  // The id in any UUID spelling (RFC 9562 §4: case-insensitive), the name in any case (RFC 8265 §3.3),
  // NFKC forms and surrounding whitespace.
  expect(may([['username', `{${user.userId.toUpperCase()}}`], password])).toBe(true);
  expect(may([['username', { real: 'userId', edit: { upper: true } }], password])).toBe(true);
  expect(may([['username', `urn:uuid:${user.userId}`], password])).toBe(true);
  expect(may([['username', `${user.userId} `], password])).toBe(true);
  expect(may([['username', { real: 'username', edit: { upper: true } }], password])).toBe(true);
  expect(may([['username', { real: 'username', edit: { append: '\u3000' } }], password])).toBe(true);
  // Anything else about the name is another name.
  expect(may([['username', { real: 'username', edit: { cut: 1 } }], password])).toBe(false);
  expect(may([['username', { real: 'username', edit: { append: "'--" } }], password])).toBe(false);
  expect(may([['username', { real: 'username', edit: { append: '\u0000' } }], password])).toBe(false);
  expect(may([['username', { real: 'userId', edit: { cut: 1 } }], password])).toBe(false);
  // The password: NIST SP 800-63B-4 allows normalising and trimming it, nothing else.
  expect(
    may([
      ['username', { real: 'username' }],
      ['password', { real: 'password', edit: { append: ' ' } }],
    ]),
  ).toBe(true);
  expect(
    may([
      ['username', { real: 'username' }],
      ['password', { real: 'password', edit: { upper: true } }],
    ]),
  ).toBe(false);
  expect(
    may([
      ['username', { real: 'username' }],
      ['password', { real: 'password', edit: { cut: 1 } }],
    ]),
  ).toBe(false);
  expect(
    may([
      ['username', { real: 'username' }],
      ['password', { real: 'password', edit: { append: '\u0000' } }],
    ]),
  ).toBe(false);
  // The grant: absent, "password" in any case, or empty (RFC 6749 §3.2: an empty value is omitted).
  expect(may([['grant_type', ''], ['username', { real: 'username' }], password])).toBe(true);
  expect(may([['grant_type', 'PASSWORD'], ['username', { real: 'username' }], password])).toBe(true);
  expect(may([['grant_type', 'zenml-api-key'], ['username', { real: 'username' }], password])).toBe(false);
  expect(may([['grant_type', 'client_credentials'], ['username', { real: 'username' }], password])).toBe(false);
  // Either reading of a duplicated field, and an empty duplicate read as omitted.
  expect(may([['username', 'other'], ['username', { real: 'username' }], password])).toBe(true);
  expect(may([['username', { real: 'username' }], password, ['password', '']])).toBe(true);
  // Unencoded, "&" ends the value: the server reads the exact name.
  expect(may([['username', { real: 'username', edit: { append: '&' } }], password], 'raw')).toBe(true);
});

test('login: the real login that must succeed stays within what every server accepts', () => {
  const cases = fc.sample(loginCases(['admin'], user), { seed: 7, numRuns: 5000 }).filter((c) => c.intent === 'real');
  expect(cases.length).toBeGreaterThan(500);
  for (const c of cases) {
    const request = loginRequest(c, user);
    expect(Buffer.byteLength(request.body!), JSON.stringify(c).slice(0, 300)).toBeLessThanOrEqual(MUST_ACCEPT_LOGIN_BYTES);
    const form = new URLSearchParams(request.body);
    expect([form.getAll('username'), form.getAll('password')]).toEqual([[user.username], [user.password]]);
    // Only fields a token endpoint must ignore besides the credentials (RFC 6749 §3.2).
    const others = [...form.keys()].filter((k) => k !== 'username' && k !== 'password' && k !== 'grant_type');
    for (const k of others)
      expect(/^(scope|client_secret|code|audience|resource|refresh_token|client_id|device_code)$/i.test(k.trim()), k).toBe(false);
    expect(loginMeaning(c, request, user)).toMatchObject({ mustLogIn: true, mayLogIn: true });
  }
});

test('login: a credential must not come back, unless the same text was also sent in another field', () => {
  const credentials = (fields: LoginCase['fields']) => {
    const c: LoginCase = { intent: 'other', fields, body: 'form' };
    return loginMeaning(c, loginRequest(c, user), user).credentials;
  };
  expect(
    credentials([
      ['username', 'someone-else'],
      ['password', 'a-password'],
    ]),
  ).toEqual(['someone-else', 'a-password']);
  // "Unsupported grant type: <grant_type>" repeats the grant type, which here holds the password too.
  expect(
    credentials([
      ['password', 'a-password'],
      ['grant_type', 'x-a-password'],
    ]),
  ).toEqual([]);
});

test('generated requests stay within what every server must read, and never name the admin', () => {
  for (const c of fc.sample(apiTokenCases, { seed: 1, numRuns: 500 }))
    expect(Buffer.byteLength(apiTokenRequest(c, ids.admin.token).path)).toBeLessThanOrEqual(7_000);
  for (const c of fc.sample(authHeaderCases, { seed: 1, numRuns: 500 }))
    expect(authHeaderValue(c, ids).length).toBeLessThan(8_000);
  for (const c of fc.sample(loginCases(['Admin'], user), { seed: 1, numRuns: 2000 })) {
    const names = new URLSearchParams(loginRequest(c, user).body).getAll('username');
    expect(
      names.map((n) => n.trim().toLowerCase()),
      JSON.stringify(c),
    ).not.toContain('admin');
  }
});

test('the curl line sends the same bytes and no secret: secrets are shell variables the reader sets', () => {
  registerSecret(user.password);
  const token = `${ids.admin.token}`;
  registerSecret(token);
  const request: FuzzRequest = {
    method: 'POST',
    path: '/api/v1/login',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${token}` },
    body: `username=a%00b&x=\u0000é'%\\&password=${user.password}`,
  };
  const line = curlLine('http://127.0.0.1:9', request);
  expect(line).not.toContain(user.password);
  expect(line).not.toContain(token);
  expect(line).not.toContain(REDACTED);
  expect(line).toContain(`-H 'Authorization: Bearer '"\${TOKEN}"''`);
  // The printf part writes the body byte for byte (NUL, UTF-8, quotes, percent, backslash), the
  // password from $PASSWORD.
  const printf = /^printf (.*?) \| curl /.exec(line)![1];
  const bytes = execFileSync('bash', ['-c', `printf ${printf}`], { env: { ...process.env, PASSWORD: user.password } });
  expect(bytes.equals(Buffer.from(request.body!))).toBe(true);
  expect(execFileSync('bash', ['-c', `printf %s ${shellWord("it's\ta \u00e9")}`]).toString()).toBe("it's\ta \u00e9");
});
