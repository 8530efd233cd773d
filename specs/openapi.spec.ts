/**
 * The server's own contract: the OpenAPI document, the pages that show it, and the public endpoints.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { decodeJwt } from 'jose';
import { expect, req, should, test } from '../fixtures/test';
import { excerpt } from '../fixtures/redaction';

test(...req('OAS-DOC', '/openapi.json is a valid OpenAPI 3.x document with the login and current-user operations'), async ({ api, contract }) => {
  // The document describes the API; it is not an operation of itself.
  const res = await api.get('/openapi.json', { uncontracted: 'the document itself' });
  expect(res.status, `GET /openapi.json: expected 200, got ${res.status} ${excerpt(res.text, 200)}`).toBe(200);
  expect(res.contentType, 'GET /openapi.json content type').toMatch(/^application\/json/);
  const doc = res.body as { openapi?: string };
  expect(doc?.openapi, 'the openapi field').toMatch(/^3\.\d+\.\d+$/);
  await expect(SwaggerParser.validate(structuredClone(doc) as never), 'validation against the OpenAPI schema').resolves.toBeTruthy();
  for (const [method, path] of [['post', '/api/v1/login'], ['get', '/api/v1/current-user'], ['get', '/api/v1/api_token']] as const) {
    expect(contract.index.has(method, path), `${method.toUpperCase()} ${path} is declared`).toBe(true);
  }
});

for (const [page, marker] of [['/docs', /swagger-ui/i], ['/redoc', /redoc/i]] as const) {
  test(...req('OAS-DOCS-UI', `${page} is HTML that loads /openapi.json`), async ({ api }) => {
    const res = await api.get(page, { uncontracted: 'an HTML page, not an API operation' });
    should(res.status === 200, 'OAS-DOCS-UI', `GET ${page} answered ${res.status}`);
    if (res.status !== 200) return;
    should(/^text\/html/.test(res.contentType ?? ''), 'OAS-DOCS-UI', `GET ${page} content type ${res.contentType}`);
    should(marker.test(res.text) && res.text.includes('/openapi.json'), 'OAS-DOCS-UI', `GET ${page} does not load ${marker} with /openapi.json: ${excerpt(res.text, 200)}`);
  });
}

test(...req('SRV-HEALTH', 'GET /health answers 200 without authentication'), async ({ api }) => {
  const res = await api.get('/health');
  expect(res.status, `GET /health: expected 200, got ${res.status} ${excerpt(res.text, 200)}`).toBe(200);
});

test(...req('SRV-INFO', 'GET /api/v1/info is public and names the server id, version and auth scheme'), async ({ api, target }) => {
  const res = await api.get('/api/v1/info');
  expect(res.status, `GET /api/v1/info without a token: expected 200, got ${res.status} ${excerpt(res.text, 200)}`).toBe(200);
  const info = res.body as { id: string; version: string; auth_scheme: string };
  expect(info.id, 'info.id').toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(info.version, 'info.version').toBe(target.server.version);
  expect(info.auth_scheme, 'info.auth_scheme').toBe('OAUTH2_PASSWORD_BEARER');
});

test(...req('USER-CURRENT', 'current-user with the admin token returns the admin'), async ({ api, admin, target }) => {
  const res = await api.get('/api/v1/current-user', { token: admin.token });
  expect(res.status, `GET /api/v1/current-user: expected 200, got ${res.status} ${excerpt(res.text, 200)}`).toBe(200);
  const me = res.body as { id: string; name: string; body: { is_admin: boolean; is_service_account: boolean } };
  expect(me.name, 'the user that logged in').toBe(target.username);
  expect(me.id, 'current-user id equals the token subject').toBe(decodeJwt(admin.token).sub);
  expect(me.body.is_service_account, 'is_service_account').toBe(false);
});
