/**
 * A login rate limit, where the target has one. The probe makes failed logins from one client until
 * a 429 (or PROBE_MAX attempts: then the target has no limit, a finding); the other rules are then
 * checked against that lockout. On a loopback target each role is a client of its own (a 127.x
 * source address), so the lockout never touches the rest of the suite. On a remote target the suite
 * has one address, which the probe would lock out of logins for about a minute: the lockout tests run
 * there only when asked for (ZC_RATE_LIMIT_PROBE=1, best alone: --grep @rate-limit).
 *
 * The tests share the probe, so the file runs in one worker, in order; the success test comes first
 * because it must log in before any lockout.
 */
import { randomBytes } from 'node:crypto';
import type { ApiResponse } from '../core/http';
import { excerpt } from '../core/redaction';
import { clientAddress, isLoopback } from '../contract/local-address';
import type { ZenmlApi } from '../zenml/api';
import { expect, req, should, test } from '../fixtures/test';

test.describe.configure({ mode: 'default' });

/** Failed logins after which a target without a 429 is taken to have no limit (ZenML's is 5 a minute). */
const PROBE_MAX = 12;
/** Headers a client might use to claim another address. */
const FORWARDING = ['X-Forwarded-For', 'X-Real-IP', 'Forwarded', 'True-Client-IP', 'X-Client-IP', 'CF-Connecting-IP'] as const;

const OPT_IN =
  'the rate-limit tests lock this machine out of logins on the target for about a minute: set ZC_RATE_LIMIT_PROBE=1 to run them (alone: --grep @rate-limit)';
const NO_LIMIT = (attempts: number) =>
  `the target does not limit failed logins (no 429 after ${attempts} attempts): nothing to check`;

interface Probe {
  /** The answer that was 429, when the target limits. */
  limited?: ApiResponse;
  /** Failed logins until the first 429 (or all of them). */
  attempts: number;
  seconds: number;
}

let probed: Promise<Probe> | undefined;

/** Failed logins from the prober until a 429; once per worker (the file's tests run in one). */
function probe(zenml: ZenmlApi, runId: string): Promise<Probe> {
  probed ??= (async () => {
    const started = Date.now();
    const username = `${runId}-rate-limit-${randomBytes(4).toString('hex')}`;
    for (let attempts = 1; attempts <= PROBE_MAX; attempts++) {
      const res = await zenml.login.password(username, randomBytes(12).toString('base64url'), { no429Retry: true });
      if (res.status === 429) return { limited: res, attempts, seconds: (Date.now() - started) / 1000 };
    }
    return { attempts: PROBE_MAX, seconds: (Date.now() - started) / 1000 };
  })();
  return probed;
}

/** The clients of the roles: addresses of this run's own on a loopback target, the suite's elsewhere. */
function roles(target: { baseURL: string; runId: string }, zenml: ZenmlApi, zenmlFrom: (a: string) => ZenmlApi) {
  const loopback = isLoopback(target.baseURL);
  const [prober, other, success] = [0, 1, 2].map((n) => clientAddress(target.runId, n)) as [string, string, string];
  return {
    loopback,
    mayProbe: loopback || process.env.ZC_RATE_LIMIT_PROBE === '1',
    addresses: { prober, other },
    prober: loopback ? zenmlFrom(prober) : zenml,
    success: loopback ? zenmlFrom(success) : zenml,
    other: loopback ? zenmlFrom(other) : undefined,
  };
}

test(
  ...req('RATE-LIMIT-SUCCESS', 'more successful logins in a row than the limit allows failures all succeed', { writes: true }),
  async ({ zenml, zenmlFrom, resources, target }) => {
    const r = roles(target, zenml, zenmlFrom);
    test.skip(!r.mayProbe, OPT_IN);
    // Before the probe on a remote target (the prober is this very client), after it on loopback (no
    // logins at all when there is no limit); as many as the probe may fail, plus one.
    const attempt = async () => {
      const user = await resources.user();
      const statuses: number[] = [];
      for (let i = 0; i <= PROBE_MAX; i++)
        statuses.push((await r.success.login.password(user.name, user.password, { no429Retry: true })).status);
      return statuses;
    };
    const early = r.loopback ? undefined : await attempt();
    const p = await probe(r.prober, target.runId);
    test.skip(!p.limited, NO_LIMIT(p.attempts));
    const logins = early ?? (await attempt());
    expect(
      logins.filter((s) => s !== 200),
      `${logins.length} successful logins in a row (the limit: 429 after ${p.attempts} failures) answered ${logins.join(', ')}`,
    ).toEqual([]);
  },
);

test(
  ...req('RATE-LIMIT-LOGIN', `failed logins from one client meet a 429 within ${PROBE_MAX} attempts`),
  async ({ zenml, zenmlFrom, target }, testInfo) => {
    const r = roles(target, zenml, zenmlFrom);
    test.skip(!r.mayProbe, OPT_IN);
    const p = await probe(r.prober, target.runId);
    testInfo.annotations.push({
      type: 'limit',
      description: p.limited
        ? `429 after ${p.attempts} failed logins in ${p.seconds.toFixed(1)} s`
        : `no 429 after ${p.attempts} failed logins in ${p.seconds.toFixed(1)} s`,
    });
    should(
      p.limited !== undefined,
      'RATE-LIMIT-LOGIN',
      `${p.attempts} failed logins from one client in ${p.seconds.toFixed(1)} s were all answered without a 429: nothing limits guessing passwords`,
    );
  },
);

test(...req('RATE-LIMIT-RETRY-AFTER', 'the 429 of a limited login carries Retry-After'), async ({ zenml, zenmlFrom, target }) => {
  const r = roles(target, zenml, zenmlFrom);
  test.skip(!r.mayProbe, OPT_IN);
  const p = await probe(r.prober, target.runId);
  test.skip(!p.limited, NO_LIMIT(p.attempts));
  const value = p.limited!.headers['retry-after'];
  // RFC 9110 §10.2.3: delay-seconds or an HTTP-date.
  const valid = value !== undefined && (/^\d+$/.test(value.trim()) || Number.isFinite(Date.parse(value)));
  should(
    valid,
    'RATE-LIMIT-RETRY-AFTER',
    `the 429 carries Retry-After ${JSON.stringify(value ?? null)}: a client cannot tell when to try again`,
    p.limited!.exchange,
  );
});

test(
  ...req('RATE-LIMIT-NO-SPOOF', 'a locked-out client stays locked out whatever forwarding header it sends'),
  async ({ zenml, zenmlFrom, target }) => {
    const r = roles(target, zenml, zenmlFrom);
    test.skip(!r.mayProbe, OPT_IN);
    const p = await probe(r.prober, target.runId);
    test.skip(!p.limited, NO_LIMIT(p.attempts));
    const spoof = () => `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;
    for (const header of FORWARDING) {
      const value = header === 'Forwarded' ? `for=${spoof()}` : spoof();
      const res = await r.prober.login.password(`${target.runId}-rate-limit-spoof`, 'wrong', {
        no429Retry: true,
        headers: { [header]: value },
      });
      expect(
        res.status,
        `a failed login of the locked-out client with ${header}: ${value}: a 429 shows the limit still holds, ${res.status} means the header gave it a new identity: ${excerpt(res.text, 200)}`,
      ).toBe(429);
    }
  },
);

test(
  ...req('RATE-LIMIT-PER-CLIENT', "another client's logins are answered while one client is locked out"),
  async ({ zenml, zenmlFrom, target }) => {
    const r = roles(target, zenml, zenmlFrom);
    test.skip(!r.mayProbe, OPT_IN);
    test.skip(!r.other, 'needs a second client address: the target is not on loopback');
    const p = await probe(r.prober, target.runId);
    test.skip(!p.limited, NO_LIMIT(p.attempts));
    const still = await r.prober.login.password(`${target.runId}-rate-limit-still`, 'wrong', { no429Retry: true });
    expect(still, 'control: the prober is still locked out, or the check below proves nothing').toHaveStatus(429);
    const other = await r.other!.login.password(`${target.runId}-rate-limit-other`, 'wrong', { no429Retry: true });
    expect(other).toHaveStatus(
      401,
      `a failed login of another client (${r.addresses.other}) while ${r.addresses.prober} is locked out`,
    );
  },
);
