/**
 * Token lifetimes: API tokens from GET /api/v1/api_token (a bare JSON string, the JWT) last one hour
 * by default, as long as asked up to the server's maximum, act as their caller with no more rights,
 * and stop working once exp plus the server's leeway has passed; login tokens carry an exp.
 *
 * The expiry wait comes first in this file so that it is dispatched early and overlaps other tests.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import type { ApiResponse } from '../core/http';
import { excerpt } from '../core/redaction';
import type { ApiTokenParams, ZenmlApi } from '../zenml/api';
import { expect, expectCredentialRefused, req, should, test } from '../fixtures/test';

/** The documented lifetime of a generic API token when none is asked for. */
const DEFAULT_LIFETIME_S = 3600;
/** Long enough to use the token once, short enough to wait out. */
const SHORT_LIFETIME_S = 3;
/** Largest difference accepted between a lifetime asked for and exp - iat (exp is whole seconds). */
const LIFETIME_TOLERANCE_S = 2;
/** How long past exp the suite polls before calling a token still valid: RFC 7519 §4.1.4 allows
 * "a small leeway, usually no more than a few minutes"; ZenML's default is 10 s. */
const MAX_LEEWAY_S = 60;
const POLL_INTERVAL_MS = 1000;
/** Above the documented maximum lifetime of 7 days. */
const TOO_LONG_S = 8 * 24 * 3600;

interface IssuedToken {
  token: string;
  claims: JWTPayload;
  /** exp - iat, or exp - the answer's Date when the token carries no iat. */
  lifetime: number;
  /** Server clock minus local clock, in seconds (from iat or Date), to read exp on the server's clock. */
  skew: number;
}

async function apiToken(zenml: ZenmlApi, token: string, params: ApiTokenParams = {}): Promise<IssuedToken> {
  const sent = Date.now() / 1000;
  const res = await zenml.apiToken(token, params);
  const what = `GET /api/v1/api_token ${JSON.stringify(params)}`;
  expect(res).toHaveStatus(200, what);
  expect(typeof res.body, `${what}: the answer is a bare JSON string (the JWT), got ${excerpt(res.text, 100)}`).toBe('string');
  const issued = res.body;
  const claims = decodeJwt(issued);
  expect(claims.exp, `${what}: the token carries a numeric exp`).toEqual(expect.any(Number));
  const serverNow = claims.iat ?? Date.parse(res.headers.date ?? '') / 1000;
  const issuedAt = Number.isFinite(serverNow) ? serverNow : sent;
  return { token: issued, claims, lifetime: claims.exp! - issuedAt, skew: issuedAt - sent };
}

test(
  ...req(
    'TOKEN-API-SHORT',
    `a ${SHORT_LIFETIME_S}-second API token carries that exp, works at once, and is refused once exp plus the leeway has passed`,
  ),
  async ({ zenml, admin }, testInfo) => {
    const started = Date.now();
    const short = await apiToken(zenml, admin.token, { expires_in: SHORT_LIFETIME_S });
    expect(
      Math.abs(short.lifetime - SHORT_LIFETIME_S),
      `exp - iat must be the requested ${SHORT_LIFETIME_S} s (±${LIFETIME_TOLERANCE_S}), got ${short.lifetime.toFixed(1)} s`,
    ).toBeLessThanOrEqual(LIFETIME_TOLERANCE_S);
    const first = await zenml.currentUser.get(short.token);
    expect(first).toHaveStatus(200, 'the short-lived token right after issue');
    expect(first.body.id, 'the short-lived token acts as the admin that asked for it').toBe(admin.userId);

    // Poll until the first refusal, at most MAX_LEEWAY_S past exp (on the server's clock).
    const exp = short.claims.exp!;
    const serverNow = () => Date.now() / 1000 + short.skew;
    let lastAccepted = serverNow();
    let refusal: ApiResponse | undefined;
    while (serverNow() < exp + MAX_LEEWAY_S) {
      await new Promise((r) => setTimeout(r, POLL_INTERVAL_MS));
      const res = await zenml.currentUser.get(short.token);
      if (res.status !== 200) {
        refusal = res;
        break;
      }
      lastAccepted = serverNow();
    }
    const refusedAt = serverNow();
    expect(
      refusal,
      `the token was still accepted ${(lastAccepted - exp).toFixed(1)} s after its exp; expected a refusal within ${MAX_LEEWAY_S} s`,
    ).toBeDefined();
    expectCredentialRefused(refusal!, 'the expired token');
    expect(refusedAt, `the token was refused ${(exp - refusedAt).toFixed(1)} s before its exp`).toBeGreaterThanOrEqual(exp - 1);
    testInfo.annotations.push({
      type: 'leeway',
      description: `accepted until ${(lastAccepted - exp).toFixed(1)} s after exp, refused ${(refusedAt - exp).toFixed(1)} s after exp (the server's leeway lies between); the wait took ${((Date.now() - started) / 1000).toFixed(1)} s`,
    });
  },
);

test(
  ...req('TOKEN-API-DEFAULT', 'without parameters an API token lasts one hour, acts as the caller and is listed nowhere'),
  async ({ zenml, admin, contract }) => {
    const issued = await apiToken(zenml, admin.token);
    expect(
      Math.abs(issued.lifetime - DEFAULT_LIFETIME_S),
      `the default lifetime must be ${DEFAULT_LIFETIME_S} s (±${LIFETIME_TOLERANCE_S}), got ${issued.lifetime.toFixed(1)} s`,
    ).toBeLessThanOrEqual(LIFETIME_TOLERANCE_S);
    const me = await zenml.currentUser.get(issued.token);
    expect(me).toHaveStatus(200, 'current-user with the API token');
    expect([me.body.id, me.body.name], 'the API token acts as the admin that asked for it').toEqual([admin.userId, admin.name]);

    // Shown once: nothing the caller can read lists it afterwards.
    const reads: Array<[string, () => Promise<ApiResponse>]> = [
      ['current-user with the admin token', () => zenml.currentUser.get(admin.token)],
      ['current-user with the API token', () => zenml.currentUser.get(issued.token)],
    ];
    if (contract.index.has('get', '/api/v1/devices')) reads.push(['the devices list', () => zenml.devices.list(admin.token)]);
    for (const [what, read] of reads) {
      const res = await read();
      expect(res).toHaveStatus(200, what);
      expect(res.text.includes(issued.token), `${what} must not show the API token`).toBe(false);
    }
  },
);

test(
  ...req('TOKEN-API-MAX', 'a lifetime of 8 days, above the documented maximum of 7, is refused with a 4xx'),
  async ({ zenml, admin }) => {
    const res = await zenml.apiToken(admin.token, { expires_in: TOO_LONG_S });
    expect(res).toHaveStatus('4xx', `api_token with expires_in=${TOO_LONG_S}`);
    expect(res.text, 'a refused api_token request carries no token').not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  },
);

test(
  ...req(
    'TOKEN-API-PERMISSIONS',
    "a service account's API token acts as the service account and cannot create a user (403: admin-only on every release)",
    { writes: true },
  ),
  async ({ zenml, admin, serviceAccount, resources }) => {
    const issued = await apiToken(zenml, serviceAccount.session.token);
    const me = await zenml.currentUser.get(issued.token);
    expect(me).toHaveStatus(200, "current-user with the service account's API token");
    expect(me.body.id, 'the API token acts as the service account that asked for it').toBe(serviceAccount.account.id);
    expect([me.body.body.is_service_account, me.body.body.is_admin], 'is_service_account, is_admin').toEqual([true, false]);
    const create = await zenml.users.create(issued.token, {
      name: resources.name('user'),
      password: `Pw-${resources.name('pw')}`,
    });
    // A server that lets it happen has a user more: deleted with the rest.
    if (create.status === 200)
      resources.track('the user the API token created', () => zenml.users.delete(admin.token, create.body.id));
    expect(create).toHaveStatus(403, "creating a user with a service account's API token");
  },
);

test(
  ...req('LOGIN-TOKEN-EXPIRES', 'password and API-key login tokens carry an exp in the future'),
  async ({ admin, serviceAccount }) => {
    for (const [who, session] of [
      ['admin password login', admin],
      ['API key login', serviceAccount.session],
    ] as const) {
      const exp = decodeJwt(session.token).exp;
      should(
        typeof exp === 'number' && exp > Date.now() / 1000,
        'LOGIN-TOKEN-EXPIRES',
        exp === undefined
          ? `the ${who} token has no exp: it never expires`
          : `the ${who} token has exp ${exp}, not in the future`,
        session.response.exchange,
      );
    }
  },
);
