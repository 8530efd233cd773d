/**
 * Checks that the target can be tested at all before a single test runs. Each way it can be
 * unusable (unreachable, not a ZenML server, an invalid OpenAPI document, refused credentials) is
 * one TargetUnusable error with one sentence for the person running the suite; the global setup
 * turns it into exit code 2 instead of fifty red tests. The admin login it makes is the run's one
 * admin login: it is handed to the workers (fixtures/sessions.ts).
 */
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { version as swaggerParserVersion } from '@apidevtools/swagger-parser/package.json';
import type { ApiResponse } from '../core/http';
import { excerpt } from '../core/redaction';
import type { ServerFacts } from '../core/target';
import type { OpenApiDocument } from '../contract/operations';
import type { AdminHandOver } from '../fixtures/sessions';
import { PATHS, type ZenmlApi } from '../zenml/api';

export class TargetUnusable extends Error {
  override name = 'TargetUnusable';
}

export interface PreflightResult {
  server: ServerFacts;
  document: OpenApiDocument;
  /** How long the document took to fetch and validate, for the benchmark. */
  documentMs: number;
  /** The admin's login, for the workers; undefined without admin credentials. */
  admin?: AdminHandOver;
}

const VALIDATOR = `swagger-parser@${swaggerParserVersion}`;

/** A request that cannot reach the target is a one-line TargetUnusable. */
async function reach<T>(url: string, call: () => Promise<ApiResponse<T>>): Promise<ApiResponse<T>> {
  try {
    return await call();
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? String(e);
    const why = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN|Timeout/i.exec(message)?.[0] ?? message;
    throw new TargetUnusable(`cannot reach ${url} (${why}). Is BASE_URL right and the server running?`);
  }
}

/**
 * Validation of a large document takes seconds; its result depends only on the document's bytes and
 * the validator, so a document validated once is remembered (by digest) in the temp folder.
 */
async function validateDocument(baseURL: string, document: OpenApiDocument, text: string): Promise<void> {
  const digest = createHash('sha256').update(text).update(VALIDATOR).digest('hex');
  const marker = path.join(tmpdir(), 'zenml-conformance-validated-documents', digest);
  if (existsSync(marker)) return;
  try {
    // validate() dereferences in place: give it a copy and keep the document as served.
    await SwaggerParser.validate(structuredClone(document) as never);
  } catch (e) {
    throw new TargetUnusable(
      `the OpenAPI document at ${baseURL}/openapi.json is not valid: ${excerpt((e as Error).message, 500)}`,
    );
  }
  mkdirSync(path.dirname(marker), { recursive: true });
  writeFileSync(marker, '');
}

export async function preflight(
  zenml: ZenmlApi,
  baseURL: string,
  credentials: { username?: string; password?: string; apiKey?: string },
): Promise<PreflightResult> {
  const infoRes = await reach(`${baseURL}${PATHS.info}`, () => zenml.server.info());
  const info = infoRes.body as unknown as Record<string, unknown> | undefined;
  if (
    infoRes.status !== 200 ||
    typeof info !== 'object' ||
    info === null ||
    typeof info.version !== 'string' ||
    typeof info.auth_scheme !== 'string'
  ) {
    throw new TargetUnusable(
      `${baseURL} does not look like a ZenML server: GET /api/v1/info answered ${infoRes.status} ${excerpt(infoRes.text, 200)} (expected the ServerModel JSON with version and auth_scheme)`,
    );
  }
  const server: ServerFacts = {
    id: String(info.id),
    version: info.version,
    authScheme: info.auth_scheme,
    name: typeof info.name === 'string' ? info.name : undefined,
  };
  if (server.authScheme !== 'OAUTH2_PASSWORD_BEARER') {
    throw new TargetUnusable(
      `${baseURL} runs ZenML ${server.version} with auth scheme ${server.authScheme}; this suite tests the OAUTH2_PASSWORD_BEARER scheme that ZenML OSS servers use by default`,
    );
  }

  const t0 = performance.now();
  const docRes = await reach(`${baseURL}${PATHS.openapi}`, () => zenml.server.openapi());
  const document = docRes.body as unknown as OpenApiDocument | undefined;
  if (docRes.status !== 200 || typeof document !== 'object' || document === null || typeof document.openapi !== 'string') {
    throw new TargetUnusable(
      `GET ${baseURL}/openapi.json answered ${docRes.status} ${excerpt(docRes.text, 200)}; the suite needs the server's OpenAPI document`,
    );
  }
  await validateDocument(baseURL, document, docRes.text);
  const documentMs = performance.now() - t0;

  const refused = (who: string, res: ApiResponse): never => {
    const body = excerpt(res.text, 200);
    if (res.status === 401 || res.status === 403) {
      throw new TargetUnusable(
        `the credentials were refused: login ${who} answered ${res.status} ${body}. Check ZENML_USERNAME/ZENML_PASSWORD or ZENML_API_KEY`,
      );
    }
    throw new TargetUnusable(`login ${who} answered ${res.status} ${body}; the suite cannot log in`);
  };
  let admin: AdminHandOver | undefined;
  if (credentials.username) {
    const who = `as ${credentials.username}`;
    const login = await reach(`${baseURL}${PATHS.login}`, () =>
      zenml.login.password(credentials.username!, credentials.password ?? ''),
    );
    const token = login.status === 200 ? login.body?.access_token : undefined;
    if (typeof token !== 'string') return refused(who, login);
    const me = await reach(`${baseURL}${PATHS.currentUser}`, () => zenml.currentUser.get(token));
    // The login worked; a token that then does not identify the user is the server breaking its own
    // login (LOGIN-PASSWORD, BEARER-VALID), which the tests are there to report, not a setup problem.
    const identified = me.status >= 200 && me.status < 300 && typeof me.body?.id === 'string';
    if (!identified)
      console.warn(
        `zenml-conformance: the login ${who} answered 200, but current-user with its token answered ${me.status} ${excerpt(me.text, 200)}; the tests will say what is broken`,
      );
    admin = {
      login: {
        method: 'POST',
        path: PATHS.login,
        status: login.status,
        headers: login.headers,
        text: login.text,
        requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
        requestBody: '(the admin login of the global setup)',
      },
      userId: identified ? me.body.id : (subjectOf(token) ?? ''),
      name: identified ? me.body.name : credentials.username,
    };
  }
  if (credentials.apiKey) {
    const login = await reach(`${baseURL}${PATHS.login}`, () => zenml.login.apiKey(credentials.apiKey!));
    if (login.status !== 200) refused('with ZENML_API_KEY', login);
  }
  return { server, document, documentMs, admin };
}

function subjectOf(token: string): string | undefined {
  try {
    return decodeJwt(token).sub;
  } catch {
    return undefined;
  }
}
