/**
 * Proofs for the conformance reporter: what summary.json and summary.md say, and the exit code, when
 * a proxy in front of the real server breaks a MUST, misses a SHOULD, hangs, or when the target is
 * unreachable.
 */
import { expect, test } from '@playwright/test';
import { editJson, json, pathOf, startFaultProxy, type Fault } from '../harness/fault-proxy';
import { runSuite, summarize, type RunOptions, type SuiteRun } from '../harness/run-suite';
import { catchOf } from '../harness/fault-cases';
import { sharedServer } from '../harness/shared-server';

async function throughProxy(fault: Fault, options: RunOptions): Promise<SuiteRun> {
  const server = sharedServer();
  const proxy = await startFaultProxy(server.baseURL, fault);
  try {
    return await runSuite({ ...server, baseURL: proxy.baseURL }, options);
  } finally {
    await proxy.close();
  }
}

const currentUser = (req: { method: string; url: string }) =>
  req.method === 'GET' && pathOf(req as never) === '/api/v1/current-user';
const describe = (run: SuiteRun) => `${summarize(run)}\n--- summary.md ---\n${run.markdown ?? '(none)'}`;

test('a broken MUST: status fail naming the requirement, with the assertion as evidence, exit code 1', async () => {
  const run = await throughProxy(
    {
      response: (res, req) =>
        currentUser(req) && res.status === 200 ? editJson(res, (b) => void (b.name = 'someone-else')) : res,
    },
    { grep: 'USER-CURRENT|SRV-INFO' },
  );
  expect(run.exitCode, describe(run)).toBe(1);
  expect(run.summary?.result, describe(run)).toBe('fail');
  expect(run.statuses, describe(run)).toMatchObject({ 'USER-CURRENT': 'fail', 'SRV-INFO': 'pass' });
  const r = run.summary!.requirements.find((x) => x.id === 'USER-CURRENT')!;
  expect(r.evidence.join('\n')).toMatch(/the user that logged in/);
  expect(r.tests.map((t) => t.location)).toEqual([expect.stringMatching(/^specs\/openapi\.spec\.ts:\d+$/)]);
  expect(run.summary!.reasons).toEqual(['MUST failed: USER-CURRENT']);
  expect(run.markdown).toMatch(/^\| `USER-CURRENT` .* \| MUST \| ❌ fail \| .*the user that logged in/m);
  expect(run.summary!.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(run.summary!.serverVersion).toBe('0.98.0');
});

test('a contract violation fails the OAS requirement it names, with the JSON pointer, and nothing else', async () => {
  const run = await throughProxy(
    { response: (res, req) => (currentUser(req) && res.status === 200 ? editJson(res, (b) => void (b.body.created = 1)) : res) },
    { grep: 'USER-CURRENT|SRV-INFO' },
  );
  expect(run.exitCode, describe(run)).toBe(1);
  // current-user's answer broke the schema only: its test went on and its own requirement holds.
  expect(run.statuses, describe(run)).toMatchObject({
    'OAS-SCHEMA': 'fail',
    'USER-CURRENT': 'pass',
    'OAS-STATUS': 'pass',
    'SRV-INFO': 'pass',
  });
  const schema = run.summary!.requirements.find((x) => x.id === 'OAS-SCHEMA')!;
  expect(schema.evidence[0]).toMatch(
    /^\[OAS-SCHEMA\] GET \/api\/v1\/current-user → 200 at body\/body\/created: .*must be string/,
  );
});

test('a SHOULD not met: status finding and exit code 0; exit code 1 with CONFORMANCE_STRICT=1', async () => {
  const fault: Fault = { request: (req) => (pathOf(req) === '/docs' ? json(404, { detail: 'Not Found' }) : undefined) };
  const lenient = await throughProxy(fault, { grep: 'OAS-DOCS-UI' });
  expect(lenient.exitCode, describe(lenient)).toBe(0);
  expect(lenient.summary?.result).toBe('pass');
  expect(lenient.statuses).toMatchObject({ 'OAS-DOCS-UI': 'finding' });
  expect(lenient.summary!.requirements.find((x) => x.id === 'OAS-DOCS-UI')!.evidence).toEqual(['GET /docs answered 404']);
  expect(lenient.markdown).toMatch(/\| SHOULD \| ⚠️ finding \| GET \/docs answered 404 \|/);

  const strict = await throughProxy(fault, { grep: 'OAS-DOCS-UI', env: { CONFORMANCE_STRICT: '1' } });
  expect(strict.exitCode, describe(strict)).toBe(1);
  expect(strict.summary?.result).toBe('fail');
  expect(strict.summary?.strict).toBe(true);
  expect(strict.statuses).toMatchObject({ 'OAS-DOCS-UI': 'finding' });
  expect(strict.summary!.reasons).toEqual(['CONFORMANCE_STRICT=1 and SHOULD findings: OAS-DOCS-UI']);
});

test('a server that stops answering: status error (the suite could not decide), exit code 1', async () => {
  // /health never answers; the test times out, which is not an assertion about the server's answer.
  const run = await throughProxy(
    { response: (res, req) => (pathOf(req) === '/health' ? new Promise<never>(() => {}) : res) },
    { grep: 'SRV-HEALTH', extraArgs: ['--timeout=5000'] },
  );
  expect(run.exitCode, describe(run)).toBe(1);
  expect(run.summary?.result, describe(run)).toBe('error');
  expect(run.statuses).toMatchObject({ 'SRV-HEALTH': 'error' });
  expect(run.summary!.requirements.find((x) => x.id === 'SRV-HEALTH')!.evidence[0]).toMatch(/timeout/i);
});

test('an unreachable target: exit code 2, one line, and a summary that says so instead of a stale one', async () => {
  const run = await runSuite({ ...sharedServer(), baseURL: 'http://127.0.0.1:9' });
  expect(run.exitCode, describe(run)).toBe(2);
  expect(
    run.output.split('\n').filter((l) => l.includes('target unusable')),
    run.output,
  ).toHaveLength(1);
  expect(run.output, 'the reporter does not crash').not.toMatch(/Error in reporter|ConformanceReporter/);
  expect(run.summary?.result).toBe('unusable');
  expect(run.summary?.reasons[0]).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9\//);
  expect(run.markdown).toMatch(/TARGET UNUSABLE/);
});

test('a fault that only makes the suite crash is no catch: the harness says "not caught: error"', async () => {
  // Service accounts cannot be created: the shared service account's fixture breaks before any
  // assertion about the API-key login runs.
  const fault: Fault = {
    request: (req) =>
      req.method === 'POST' && pathOf(req) === '/api/v1/service_accounts' ? json(502, { detail: 'bad gateway' }) : undefined,
  };
  const run = await throughProxy(fault, { grep: 'LOGIN-APIKEY' });
  expect(run.statuses['LOGIN-APIKEY'], describe(run)).toBe('error');
  expect(catchOf({ breaks: 'LOGIN-APIKEY' }, run, true)).toBe('not caught: error');
  expect(run.exitCode, 'an undecided run never passes').toBe(1);
  expect(run.summary?.result).toBe('error');
});
