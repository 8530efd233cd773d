/**
 * fixtures/redaction.ts on the shapes in which secrets turn up in reports: known values, tokens, API
 * keys, headers, forms, JSON (also JSON inside a JSON string), URLs with user info, variable dumps.
 */
import { expect, test } from '@playwright/test';
import { redact, registerSecret } from '../../core/redaction';

// Deliberately fake test vectors: the JWT's signature is the text "signature-signature-signature" and the key's
// id and secret are made up; neither was ever valid on any server.
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
const KEY = 'ZENKEY_eyJpZCI6IjE3MTJjZDUwIiwia2V5IjoiNTg1MjBkNmE3YWY5In0=';

const cases: Array<[string, string, string]> = [
  ['a JWT anywhere', `token was ${JWT}.`, 'token was [REDACTED].'],
  ['an API key, also URL-encoded', `password=${encodeURIComponent(KEY)}&x=1`, 'password=[REDACTED]&x=1'],
  ['an API key in a step URL', `127.0.0.1:1/api/v1/login?password=${KEY}`, '127.0.0.1:1/api/v1/login?password=[REDACTED]'],
  [
    'an Authorization header in a curl line',
    `curl -H 'Authorization: Bearer abc.def'`,
    `curl -H 'Authorization: Bearer [REDACTED]'`,
  ],
  [
    'a cookie value, keeping its name',
    'set-cookie: zenml-server-1=abcdef; HttpOnly',
    'set-cookie: zenml-server-1=[REDACTED]; HttpOnly',
  ],
  [
    'form fields',
    'username=admin&password=hunter22&grant_type=password',
    'username=admin&password=[REDACTED]&grant_type=password',
  ],
  [
    'JSON fields',
    '{"name":"u","password":"p\\"w","token":"t0k3n","token_type":"bearer"}',
    '{"name":"u","password":"[REDACTED]","token":"[REDACTED]","token_type":"bearer"}',
  ],
  [
    'JSON inside a JSON string',
    '{"body":"{\\"name\\":\\"u\\",\\"password\\":\\"Pw-1x\\"}"}',
    '{"body":"{\\"name\\":\\"u\\",\\"password\\":\\"[REDACTED]\\"}"}',
  ],
  [
    'user info in a URL',
    'cannot reach https://admin:s3cr3t@zenml.example.com/api/v1/info',
    'cannot reach https://[REDACTED]@zenml.example.com/api/v1/info',
  ],
  [
    'credential variables in a dump',
    "export ZENML_PASSWORD='abc123' ZENML_SERVER_JWT_SECRET_KEY=xyz",
    "export ZENML_PASSWORD='[REDACTED]' ZENML_SERVER_JWT_SECRET_KEY=[REDACTED]",
  ],
];

for (const [what, input, expected] of cases) {
  test(`redacts ${what}`, () => {
    expect(redact(input)).toBe(expected);
  });
}

test('leaves what is not a secret alone', () => {
  for (const text of [
    'GET http://127.0.0.1:8080/api/v1/current-user → 200',
    'needs ZENML_JWT_SECRET: set it to enable the white-box tests',
    'expected 401, got 200 {"detail":"ok","token_type":"bearer","expires_in":3600}',
    'An API key (ZENKEY_…) is shown by create and rotate only',
  ]) {
    expect(redact(text)).toBe(text);
  }
});

test('a registered secret is removed wherever it appears, also URL-encoded', () => {
  registerSecret('s3cret+/value');
  expect(redact('x s3cret+/value y s3cret%2B%2Fvalue')).toBe('x [REDACTED] y [REDACTED]');
});
