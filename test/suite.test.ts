/**
 * The suite as a whole: green against the real reference server it starts itself, and exit code 2
 * with one clear line when the target cannot be tested.
 */
import { expect, test } from '@playwright/test';
import { editJson, json, pathOf, startFaultProxy, type Fault } from './harness/fault-proxy';
import { REQUIREMENTS } from '../core/req';
import { runSuite, summarize } from './harness/run-suite';
import { sharedServer } from './harness/shared-server';

/**
 * What the reference server does, requirement by requirement, measured: every requirement passes but
 * these SHOULD findings. The embedded server is started with every credential the suite can use (an
 * admin, the JWT secret), so nothing may skip either.
 */
const REFERENCE_FINDINGS: Record<string, string> = {
  'BEARER-WWW-AUTHENTICATE': 'a 401 for an invalid token carries no WWW-Authenticate (one without credentials does)',
  'AUTHZ-FORBIDDEN-STATUS':
    "401 to authenticated callers who may not: setting another user's email (email-opt-in), a workload token asking for another run",
};

test('the suite gives the reference server (embedded, no BASE_URL) exactly its known verdicts', async () => {
  const run = await runSuite(undefined);
  const report = `${summarize(run)}\n--- summary.md ---\n${run.markdown ?? '(none)'}`;
  expect(run.exitCode, report).toBe(0);
  expect(run.output, 'the embedded server was started').toContain('embedded reference server');
  const expected = Object.fromEntries(Object.keys(REQUIREMENTS).map((id) => [id, id in REFERENCE_FINDINGS ? 'finding' : 'pass']));
  expect(run.statuses, report).toEqual(expected);
  expect(run.summary?.notRun, report).toEqual([]);
  expect(
    run.tests.filter((t) => t.status !== 'passed').map((t) => t.title),
    report,
  ).toEqual([]);
});

const unusable: Array<{
  name: string;
  expect: RegExp;
  proxy?: Fault;
  target?: (s: ReturnType<typeof sharedServer>) => Record<string, string>;
}> = [
  {
    name: 'an unreachable target',
    expect: /cannot reach http:\/\/127\.0\.0\.1:9\//,
    target: (s) => ({ ...s, baseURL: 'http://127.0.0.1:9' }),
  },
  { name: 'refused credentials', expect: /credentials were refused/, target: (s) => ({ ...s, password: 'not-the-password' }) },
  {
    name: 'a server that is not ZenML',
    expect: /does not look like a ZenML server/,
    proxy: { request: () => json(404, { detail: 'Not Found' }) },
  },
  {
    name: 'an invalid OpenAPI document',
    expect: /OpenAPI document .* is not valid/,
    proxy: { response: (res, req) => (pathOf(req) === '/openapi.json' ? editJson(res, (d) => void (d.paths = 'none')) : res) },
  },
];

for (const c of unusable) {
  test(`exit code 2 and one clear line for ${c.name}`, async () => {
    const server = sharedServer();
    const proxy = c.proxy ? await startFaultProxy(server.baseURL, c.proxy) : undefined;
    try {
      const target = c.target ? c.target(server) : { ...server, baseURL: proxy!.baseURL };
      const run = await runSuite(target as never);
      expect(run.exitCode, summarize(run)).toBe(2);
      const lines = run.output.split('\n').filter((l) => l.includes('target unusable'));
      expect(lines, run.output).toHaveLength(1);
      expect(lines[0]).toMatch(c.expect);
      expect(
        run.tests.filter((t) => t.status !== 'skipped'),
        'no test ran',
      ).toEqual([]);
      expect(run.output, 'the password never appears').not.toContain(server.password);
    } finally {
      await proxy?.close();
    }
  });
}
