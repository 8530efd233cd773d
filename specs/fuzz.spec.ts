/**
 * Property-based fuzzing (fast-check) of the three inputs an attacker controls before being
 * anyone: the login form, the Authorization header and the api_token query. Every generated request
 * goes through the validating client, so each answer is also held to the OpenAPI document; on top
 * of that, every answer must be: no 5xx, a token only for the real credentials (and then for exactly
 * that identity), no submitted credential or token echoed back, a refusal as a 4xx. A failure names
 * the seed, the path, the shrunk case and a curl line (see fixtures/fuzz/property.ts to replay).
 *
 * Real-credential cases use a dedicated non-admin user (created, so those two tests are @writes), so
 * the admin account is never locked out; generated usernames never name the admin.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { excerpt, registerSecret } from '../core/redaction';
import { fuzz, holds, notEchoed, refused } from '../fuzz/property';
import { loginCases, loginMeaning, loginRequest, type FuzzUser } from '../fuzz/login';
import { authHeaderCases, authHeaderMeaning, authHeaderRequest, type Identities } from '../fuzz/auth-header';
import { apiTokenCases, apiTokenMeaning, apiTokenRequest, GENERIC_TOKEN_MAX_LIFETIME } from '../fuzz/api-token';
import { PATHS } from '../zenml/api';
import { req, test } from '../fixtures/test';

function claimsOf(token: unknown): JWTPayload | undefined {
  try {
    return typeof token === 'string' ? decodeJwt(token) : undefined;
  } catch {
    return undefined;
  }
}

test(
  ...req('FUZZ-LOGIN', 'any login form: no 5xx, a token only for the real credentials, nothing echoed, refusals as documented', {
    writes: true,
  }),
  async ({ api, resources, target }) => {
    const created = await resources.user();
    registerSecret(created.password);
    const user: FuzzUser = { username: created.name, userId: created.id, password: created.password };
    await fuzz(api, target, {
      id: 'FUZZ-LOGIN',
      arbitrary: loginCases([target.username!], user),
      clientPerCase: true,
      numRuns: 40,
      request: (c) => loginRequest(c, user),
      check: (c, res, request) => {
        const meaning = loginMeaning(c, request, user);
        notEchoed(
          'FUZZ-LOGIN',
          res,
          meaning.credentials.map((v) => ['credential', v]),
        );
        if (res.status === 200) {
          holds(
            meaning.mayLogIn,
            'FUZZ-LOGIN',
            () => `a token for credentials that are not the fuzz user's: ${excerpt(res.text, 200)}`,
          );
          const claims = claimsOf((res.body as { access_token?: unknown }).access_token);
          holds(
            claims?.sub === user.userId,
            'FUZZ-LOGIN',
            () => `the token of the fuzz user's login is not the fuzz user's: sub ${claims?.sub}, expected ${user.userId}`,
          );
          return;
        }
        refused('FUZZ-LOGIN', res, 'a login that fails');
        holds(
          !meaning.mustLogIn,
          'FUZZ-LOGIN',
          () => `the fuzz user's exact credentials with extra fields were refused: ${res.status} ${excerpt(res.text, 200)}`,
        );
      },
    });
  },
);

test(
  ...req('FUZZ-AUTH-HEADER', 'any Authorization header: no 5xx, accepted only with a real token and as its identity', {
    writes: true,
  }),
  async ({ api, admin, resources, target }) => {
    const created = await resources.userSession();
    registerSecret(created.password);
    const ids: Identities = {
      admin: { token: admin.token, userId: admin.userId },
      user: { token: created.session.token, userId: created.session.userId },
    };
    await fuzz(api, target, {
      id: 'FUZZ-AUTH-HEADER',
      arbitrary: authHeaderCases,
      numRuns: 100,
      request: (c) => authHeaderRequest(c, ids),
      check: (_c, res, request) => {
        const meaning = authHeaderMeaning(request.headers.Authorization, ids);
        notEchoed('FUZZ-AUTH-HEADER', res, [
          ['bearer credential', meaning.credential],
          ['admin token', ids.admin.token],
          ['user token', ids.user.token],
        ]);
        if (res.status === 200) {
          holds(
            meaning.accepts !== undefined,
            'FUZZ-AUTH-HEADER',
            () =>
              `accepted an Authorization header that carries no real token, as ${excerpt((res.body as { name?: string }).name, 80)}`,
          );
          const id = (res.body as { id?: string }).id;
          holds(
            id === ids[meaning.accepts!].userId,
            'FUZZ-AUTH-HEADER',
            () => `the ${meaning.accepts}'s token was accepted as another identity: ${id}`,
          );
          return;
        }
        refused('FUZZ-AUTH-HEADER', res, 'a header without a real token');
        holds(
          !meaning.mustAccept,
          'FUZZ-AUTH-HEADER',
          () => `"Bearer <real token>" was refused: ${res.status} ${excerpt(res.text, 200)}`,
        );
      },
    });
  },
);

test(
  ...req(
    'FUZZ-API-TOKEN',
    'any api_token query: no 5xx, a token only for valid parameters and as the caller, refusals as documented',
  ),
  async ({ api, admin, target, contract }) => {
    const declared = contract.index.queryParameters('get', PATHS.apiToken);
    await fuzz(api, target, {
      id: 'FUZZ-API-TOKEN',
      arbitrary: apiTokenCases,
      numRuns: 100,
      request: (c) => apiTokenRequest(c, admin.token),
      check: (_c, res, request) => {
        const meaning = apiTokenMeaning(request, declared);
        // A new token may equal the bearer byte for byte (a server whose tokens carry no iat mints the
        // same one within a second): as the answer itself it is no echo; anywhere else it is.
        notEchoed('FUZZ-API-TOKEN', res.body === admin.token ? { ...res, text: '', body: undefined } : res, [
          ['bearer token', admin.token],
        ]);
        if (res.status !== 200) {
          refused('FUZZ-API-TOKEN', res, 'an api_token request that fails');
          holds(
            meaning.verdict !== 'valid',
            'FUZZ-API-TOKEN',
            () => `valid parameters were refused: ${res.status} ${excerpt(res.text, 200)}`,
          );
          return;
        }
        holds(meaning.verdict !== 'invalid', 'FUZZ-API-TOKEN', () => 'a token was issued for invalid parameters');
        const claims = claimsOf(res.body);
        holds(
          claims?.sub === admin.userId,
          'FUZZ-API-TOKEN',
          () => `the token is not the caller's: sub ${claims?.sub}, expected ${admin.userId}`,
        );
        const scoped = ['schedule_id', 'pipeline_run_id', 'deployment_id'].filter(
          (k) => claims![k] !== undefined && claims![k] !== null,
        );
        holds(scoped.length === 0, 'FUZZ-API-TOKEN', () => `a generic token carries the scope claims ${scoped.join(', ')}`);
        holds(
          typeof claims!.exp === 'number',
          'FUZZ-API-TOKEN',
          () => `the token has no numeric exp: ${JSON.stringify(claims!.exp)}`,
        );
        // iat is the server's clock; a server without iat is measured against ours.
        const lifetime = claims!.exp! - (typeof claims!.iat === 'number' ? claims!.iat : Date.now() / 1000);
        if (meaning.lifetime !== undefined) {
          holds(
            Math.abs(lifetime - meaning.lifetime) <= 5,
            'FUZZ-API-TOKEN',
            () => `expires_in ${meaning.lifetime} gave a token that lives ${lifetime.toFixed(1)} s`,
          );
        } else {
          holds(
            lifetime <= GENERIC_TOKEN_MAX_LIFETIME + 5,
            'FUZZ-API-TOKEN',
            () => `the token lives ${lifetime.toFixed(1)} s, beyond the ${GENERIC_TOKEN_MAX_LIFETIME} s maximum`,
          );
        }
      },
    });
  },
);
