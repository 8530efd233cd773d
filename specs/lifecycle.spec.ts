/**
 * The credential lifecycle, model-based: random sequences of lifecycle operations, every credential
 * held to the rules after every step (fuzz/lifecycle). Its parameters fuzzed: rotate's retain period,
 * api_token's lifetime, the ids in the lifecycle paths.
 */
import { decodeJwt } from 'jose';
import type { ApiResponse } from '../core/http';
import { KnownDeviations } from '../core/known-deviations';
import { excerpt, registerSecret } from '../core/redaction';
import { lifecycleProperty } from '../fuzz/lifecycle/run';
import { latestExp, paramsCases, paramsRequest, retainMeaning, type Own } from '../fuzz/lifecycle/params';
import { fuzz, holds, refused } from '../fuzz/property';
import type { ApiKeyResponse } from '../zenml/models';
import { lifecycleRuns, skewOf } from '../fixtures/lifecycle';
import { expect, req, test } from '../fixtures/test';

function claimsOf(token: string): { exp?: number } | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined;
  }
}

test(
  ...req(
    'LIFECYCLE-MODEL',
    'random sequences of lifecycle operations: after each step exactly the credentials the rules call live are accepted, each as its identity',
    { writes: true, tags: ['@fuzz'] },
  ),
  async ({ zenml, zenmlFrom, admin, target }) => {
    const skew = skewOf(await zenml.currentUser.get(admin.token), target);
    await lifecycleProperty(target, lifecycleRuns(zenml, zenmlFrom, admin.token, target, skew));
  },
);

test(
  ...req(
    'LIFECYCLE-PARAMS',
    "rotate's retain period, api_token's lifetime and the ids in the key and account paths: no 5xx, no key left unusable, no token issued expired",
    { writes: true, tags: ['@fuzz'] },
  ),
  async ({ api, zenml, admin, resources, target }) => {
    const { sa, key } = await resources.serviceAccountWithKey();
    const own: Own = { accountId: sa.id, keyId: key.id, prefix: target.runId };
    const deviations = new KnownDeviations();
    let value = key.value;
    /** A rotation's new value, registered for redaction. */
    const rotated = (res: ApiResponse<ApiKeyResponse>): string | undefined => {
      const v = res.status === 200 ? res.body?.body?.key : undefined;
      if (typeof v === 'string') registerSecret(v);
      return typeof v === 'string' ? v : undefined;
    };
    const excused = (res: { operation?: string; status: number; text: string }) => {
      const entry = deviations.excuseAnswer('LIFECYCLE-PARAMS', res, target.server.version);
      if (entry) test.info().annotations.push({ type: 'deviation', description: entry.id });
      return entry !== undefined;
    };
    await fuzz(api, target, {
      id: 'LIFECYCLE-PARAMS',
      arbitrary: paramsCases(own),
      numRuns: 24,
      request: (c) => {
        const r = paramsRequest(c, own);
        return { ...r, headers: { ...r.headers, Authorization: `Bearer ${admin.token}` } };
      },
      check: async (c, res) => {
        if (c.op === 'rotate') {
          const meaning = retainMeaning(c.retain);
          if (meaning === 'invalid') return refused('LIFECYCLE-PARAMS', res, `retain_period_minutes ${c.retain}`);
          const next = rotated(res as ApiResponse<ApiKeyResponse>);
          if (res.status !== 200) return refused('LIFECYCLE-PARAMS', res, `retain_period_minutes ${c.retain}`);
          holds(
            next !== undefined,
            'LIFECYCLE-PARAMS',
            () => `rotate answered 200 without the new key: ${excerpt(res.text, 200)}`,
          );
          value = next!;
          const login = await zenml.login.apiKey(value);
          if (!(login.status >= 500 && excused(login)))
            holds(
              login.status === 200,
              'LIFECYCLE-PARAMS',
              () =>
                `the server accepted retain_period_minutes ${c.retain}, and then the key's new value could not log in: ${login.status} ${excerpt(login.text, 200)}`,
            );
          // Back to an ordinary key for the next case.
          const reset = rotated(await zenml.apiKeys.rotate(admin.token, key, 0));
          if (reset === undefined) throw new Error('setup: rotating the key back with retain period 0 was refused');
          value = reset;
          return;
        }
        if (c.op === 'api-token') {
          if (res.status !== 200) return;
          const exp = typeof res.body === 'string' ? claimsOf(res.body)?.exp : undefined;
          const now = Date.now() / 1000;
          if (exp === undefined) return;
          const expired = `expires_in=${c.expiresIn}: the token issued has already expired`;
          if (!(exp <= now && excused({ operation: res.exchange.operation, status: 200, text: expired })))
            holds(exp > now, 'LIFECYCLE-PARAMS', () => `${expired} (exp ${Math.round(exp - now)} s from now)`);
          holds(
            exp <= latestExp(c.expiresIn, now) + 5,
            'LIFECYCLE-PARAMS',
            () => `expires_in=${c.expiresIn}: the token lives ${Math.round(exp - now)} s, longer than asked or allowed`,
          );
          return;
        }
        if (c.op === 'no-such-id') refused('LIFECYCLE-PARAMS', res, `${c.method} of a ${c.resource} id that names nothing`);
        // own-id: acting on the run's own key or account, or refusing the spelling, are both right.
      },
    });
    expect(value, 'the key still has a value').toBeTruthy();
  },
);
