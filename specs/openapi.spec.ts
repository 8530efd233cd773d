/**
 * The server's own contract: the OpenAPI document, the pages that show it, and the public endpoints.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { decodeJwt } from 'jose';
import { excerpt } from '../core/redaction';
import { PATHS } from '../zenml/api';
import { expect, req, should, test } from '../fixtures/test';

test(
  ...req('OAS-DOC', '/openapi.json is a valid OpenAPI 3.x document with the login and current-user operations'),
  async ({ zenml, contract, target }) => {
    const res = await zenml.server.openapi();
    expect(res).toHaveStatus(200, 'GET /openapi.json');
    expect(res.contentType, 'GET /openapi.json content type').toMatch(/^application\/json/);
    expect(res.body?.openapi, 'the openapi field').toMatch(/^3\.\d+\.\d+$/);
    // The preflight validated the document it fetched (or the run would have ended with exit code 2);
    // the same document needs no second validation, a changed one does.
    const validated = JSON.parse(readFileSync(target.openapiFile, 'utf8')) as unknown;
    if (!isDeepStrictEqual(res.body, validated)) {
      await expect(
        SwaggerParser.validate(structuredClone(res.body) as never),
        'the document changed since the preflight: validation against the OpenAPI schema',
      ).resolves.toBeTruthy();
    }
    for (const [method, path] of [
      ['post', PATHS.login],
      ['get', PATHS.currentUser],
      ['get', PATHS.apiToken],
    ] as const) {
      expect(contract.index.has(method, path), `${method.toUpperCase()} ${path} is declared`).toBe(true);
    }
  },
);

for (const [page, marker] of [
  ['/docs', /swagger-ui/i],
  ['/redoc', /redoc/i],
] as const) {
  test(...req('OAS-DOCS-UI', `${page} is HTML that loads /openapi.json`), async ({ zenml }) => {
    const res = await zenml.server.page(page);
    should(res.status === 200, 'OAS-DOCS-UI', `GET ${page} answered ${res.status}`, res.exchange);
    if (res.status !== 200) return;
    should(/^text\/html/.test(res.contentType ?? ''), 'OAS-DOCS-UI', `GET ${page} content type ${res.contentType}`, res.exchange);
    should(
      marker.test(res.text) && res.text.includes(PATHS.openapi),
      'OAS-DOCS-UI',
      `GET ${page} does not load ${marker} with /openapi.json: ${excerpt(res.text, 200)}`,
      res.exchange,
    );
  });
}

test(...req('SRV-HEALTH', 'GET /health answers 200 without authentication'), async ({ zenml }) => {
  expect(await zenml.server.health()).toHaveStatus(200, 'GET /health');
});

test(
  ...req('SRV-INFO', 'GET /api/v1/info is public and names the server id, version and auth scheme'),
  async ({ zenml, target }) => {
    const res = await zenml.server.info();
    expect(res).toHaveStatus(200, 'GET /api/v1/info without a token');
    expect(res.body.id, 'info.id').toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.version, 'info.version').toBe(target.server.version);
    expect(res.body.auth_scheme, 'info.auth_scheme').toBe('OAUTH2_PASSWORD_BEARER');
  },
);

test(...req('USER-CURRENT', 'current-user with the admin token returns the admin'), async ({ zenml, admin, target }) => {
  const res = await zenml.currentUser.get(admin.token);
  expect(res).toHaveStatus(200, 'GET /api/v1/current-user');
  expect(res.body.name, 'the user that logged in').toBe(target.username);
  expect(res.body.id, 'current-user id equals the token subject').toBe(decodeJwt(admin.token).sub);
  expect(res.body.body.is_service_account, 'is_service_account').toBe(false);
});
