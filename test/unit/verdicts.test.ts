/**
 * From test outcomes to requirement statuses and the run's result, without running Playwright: each
 * case is a test outcome as the reporter receives it.
 */
import { expect, test } from '@playwright/test';
import { buildSummary, renderMarkdown, type SummaryInput } from '../../reporters/summary';
import { aggregate, classifyError, verdictsOf, type TestRecord } from '../../reporters/verdicts';
import { REQUIREMENT_ANNOTATION, requirement, type RequirementId } from '../../requirements';

function record(id: RequirementId, outcome: TestRecord['outcome'], extra: Partial<TestRecord> & { also?: RequirementId[] } = {}): TestRecord {
  const annotations = [id, ...(extra.also ?? [])].map((rid) => {
    const r = requirement(rid);
    return { type: REQUIREMENT_ANNOTATION, description: `${rid} (${r.level}): ${r.title}. Source: ${r.source}` };
  });
  return { title: `${id} a test`, location: 'specs/x.spec.ts:1', outcome, errors: [], ran: true, ...extra, annotations: [...annotations, ...(extra.annotations ?? [])] };
}

const ASSERTION = 'Error: GET /health: expected 200, got 503 "unavailable"\n\n\u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoBe\u001b[2m(\u001b[22m\u001b[32mexpected\u001b[39m\u001b[2m) // Object.is equality\u001b[22m\n\nExpected: 200\nReceived: 503';
const CONTRACT =
  "ContractViolation: the response does not match the server's OpenAPI document\n[OAS-SCHEMA] GET /api/v1/current-user → 200 at body (root): (root) must have required property 'name' [schema #/required]\n    got: {}\n  exchange: GET /api/v1/current-user → 200";

test.describe('classifyError', () => {
  test('an expect() failure is an assertion, headed by its message', () => {
    expect(classifyError(ASSERTION)).toMatchObject({ kind: 'assertion', headline: 'GET /health: expected 200, got 503 "unavailable" (expected 200, received 503)' });
  });
  test('a bare matcher failure is told by its values', () => {
    const bare = 'Error: expect(received).not.toContain(expected) // indexOf\n\nExpected substring: not "x"\nReceived string:        "axb"';
    expect(classifyError(bare).headline).toBe('expected not "x", received "axb"');
  });
  test('expect.poll and .resolves failures are assertions too', () => {
    expect(classifyError('Error: expect(received).toBe(expected)\n\nCall Log:\n- Timeout 5000ms exceeded while waiting on the predicate').kind).toBe('assertion');
    expect(classifyError('Error: validation: expect(received).resolves.toBeTruthy()').kind).toBe('assertion');
  });
  test('a contract violation names its OAS requirements', () => {
    const c = classifyError(`${CONTRACT}\n[OAS-STATUS] GET /x → 203: status 203 is not documented`);
    expect(c.kind).toBe('contract');
    expect(c.named.map((n) => n.id)).toEqual(['OAS-SCHEMA', 'OAS-STATUS']);
    expect(c.named[0]!.line).toContain("must have required property 'name'");
  });
  test('a strict-mode finding names its SHOULD', () => {
    expect(classifyError('Error: [LOGIN-NO-STORE] SHOULD not met: Cache-Control was "private"')).toMatchObject({ kind: 'finding', named: [{ id: 'LOGIN-NO-STORE' }] });
  });
  test('anything else is an error of the suite: network, TypeError, setup', () => {
    for (const m of [
      'Error: apiRequestContext.fetch: connect ECONNREFUSED 127.0.0.1:1',
      "TypeError: Cannot read properties of undefined (reading 'token')",
      'Error: setup: creating service account zct-1 answered 500 Internal Server Error',
    ]) {
      expect(classifyError(m).kind, m).toBe('error');
    }
  });
});

test.describe('verdictsOf', () => {
  test('a passed test passes its requirement and its `also`', () => {
    expect(verdictsOf(record('BEARER-MALFORMED', 'passed', { also: ['BEARER-WWW-AUTHENTICATE'] }))).toEqual([
      { requirement: 'BEARER-MALFORMED', status: 'pass' },
      { requirement: 'BEARER-WWW-AUTHENTICATE', status: 'pass' },
    ]);
  });
  test('a finding annotation turns that SHOULD into a finding, the test still passes its MUST', () => {
    const v = verdictsOf(
      record('BEARER-MALFORMED', 'passed', { also: ['BEARER-WWW-AUTHENTICATE'], annotations: [{ type: 'finding', description: '[BEARER-WWW-AUTHENTICATE] SHOULD not met: no WWW-Authenticate on 401' }] }),
    );
    expect(v).toEqual([
      { requirement: 'BEARER-MALFORMED', status: 'pass' },
      { requirement: 'BEARER-WWW-AUTHENTICATE', status: 'finding', evidence: 'no WWW-Authenticate on 401' },
    ]);
  });
  test('a skipped test gives skip with the reason', () => {
    const v = verdictsOf(record('BEARER-CLAIMS', 'skipped', { annotations: [{ type: 'skip', description: 'needs ZENML_JWT_SECRET' }] }));
    expect(v).toEqual([{ requirement: 'BEARER-CLAIMS', status: 'skip', evidence: 'needs ZENML_JWT_SECRET' }]);
  });
  test('a test the run never reached says so', () => {
    expect(verdictsOf(record('SRV-HEALTH', 'skipped', { ran: false }))[0]!.evidence).toMatch(/not run/);
  });
  test('an assertion failure fails the requirement with the assertion message', () => {
    expect(verdictsOf(record('SRV-HEALTH', 'failed', { errors: [ASSERTION] }))).toEqual([{ requirement: 'SRV-HEALTH', status: 'fail', evidence: 'GET /health: expected 200, got 503 "unavailable" (expected 200, received 503)' }]);
  });
  test('a contract violation fails the OAS requirement and the test’s own', () => {
    const v = verdictsOf(record('USER-CURRENT', 'failed', { errors: [CONTRACT] }));
    expect(v.map((x) => [x.requirement, x.status])).toEqual([
      ['OAS-SCHEMA', 'fail'],
      ['USER-CURRENT', 'fail'],
    ]);
    expect(v[1]!.evidence).toMatch(/^the response broke the contract: \[OAS-SCHEMA\]/);
  });
  test('a failure is the main requirement’s, or the one its message names; the others are undecided', () => {
    const main = verdictsOf(record('BEARER-MALFORMED', 'failed', { also: ['BEARER-WWW-AUTHENTICATE'], errors: [ASSERTION] }));
    expect(main.map((x) => [x.requirement, x.status])).toEqual([
      ['BEARER-MALFORMED', 'fail'],
      ['BEARER-WWW-AUTHENTICATE', 'skip'],
    ]);
    expect(main[1]!.evidence).toBe('not decided: the test stopped at a failure of BEARER-MALFORMED');
    const named = verdictsOf(record('BEARER-MISSING', 'failed', { also: ['USER-CURRENT'], errors: ['Error: [USER-CURRENT] the wrong user\n\nexpect(received).toBe(expected)'] }));
    expect(named.map((x) => [x.requirement, x.status])).toEqual([
      ['BEARER-MISSING', 'skip'],
      ['USER-CURRENT', 'fail'],
    ]);
  });
  test('a network error or a timeout is an error, not a failure', () => {
    expect(verdictsOf(record('SRV-HEALTH', 'failed', { errors: ['Error: apiRequestContext.fetch: socket hang up'] }))[0]).toMatchObject({ status: 'error', evidence: 'apiRequestContext.fetch: socket hang up' });
    expect(verdictsOf(record('SRV-HEALTH', 'timedOut', { errors: ['Test timeout of 5000ms exceeded.'] }))[0]).toMatchObject({ status: 'error', evidence: 'Test timeout of 5000ms exceeded.' });
  });
  test('in strict mode a thrown finding is a finding; the rest of that test is undecided', () => {
    const v = verdictsOf(record('BEARER-MALFORMED', 'failed', { also: ['BEARER-WWW-AUTHENTICATE'], errors: ['Error: [BEARER-WWW-AUTHENTICATE] SHOULD not met: no header'] }));
    expect(v.map((x) => [x.requirement, x.status])).toEqual([
      ['BEARER-WWW-AUTHENTICATE', 'finding'],
      ['BEARER-MALFORMED', 'skip'],
    ]);
  });
});

test.describe('aggregate', () => {
  test('per requirement the worst status wins: fail > error > finding > pass > skip', () => {
    const a = aggregate([
      record('SRV-HEALTH', 'passed'),
      record('SRV-HEALTH', 'failed', { errors: [ASSERTION] }),
      record('SRV-INFO', 'skipped', { annotations: [{ type: 'skip', description: 'why' }] }),
      record('SRV-INFO', 'passed'),
      record('OAS-DOCS-UI', 'passed', { annotations: [{ type: 'finding', description: '[OAS-DOCS-UI] SHOULD not met: 404' }] }),
      record('USER-CURRENT', 'failed', { errors: ['TypeError: x is undefined'] }),
      record('USER-CURRENT', 'passed'),
    ]);
    const status = Object.fromEntries(a.requirements.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({ 'SRV-HEALTH': 'fail', 'SRV-INFO': 'pass', 'OAS-DOCS-UI': 'finding', 'USER-CURRENT': 'error' });
    expect(a.requirements.find((r) => r.id === 'SRV-INFO')!.evidence).toEqual(['1 test passed', 'skipped: why']);
  });
  test('the contract requirements pass when tests sent requests and none broke them', () => {
    const a = aggregate([record('SRV-HEALTH', 'passed', { annotations: [{ type: '_requests', description: '3' }] })]);
    const schema = a.requirements.find((r) => r.id === 'OAS-SCHEMA')!;
    expect(schema.status).toBe('pass');
    expect(schema.evidence).toEqual(['3 responses of 1 tests checked against the document']);
    expect(a.notRun).not.toContain('OAS-SCHEMA');
    expect(a.notRun).toContain('LOGIN-PASSWORD');
  });
});

test.describe('summary', () => {
  const input = (tests: TestRecord[], extra: Partial<SummaryInput> = {}): SummaryInput => ({
    tests,
    target: { target: 'http://127.0.0.1:8080', serverVersion: '0.98.0' },
    strict: false,
    scope: { complete: false, why: 'filtered: --grep X' },
    playwrightStatus: 'passed',
    errors: [],
    ...extra,
  });
  test('a failed MUST fails the run and is named', () => {
    const s = buildSummary(input([record('SRV-HEALTH', 'failed', { errors: [ASSERTION] })], { playwrightStatus: 'failed' }));
    expect(s.result).toBe('fail');
    expect(s.reasons).toEqual(['MUST failed: SRV-HEALTH']);
  });
  test('a finding passes, unless strict', () => {
    const tests = [record('OAS-DOCS-UI', 'passed', { annotations: [{ type: 'finding', description: '[OAS-DOCS-UI] SHOULD not met: 404' }] })];
    expect(buildSummary(input(tests)).result).toBe('pass');
    expect(buildSummary(input(tests, { strict: true })).result).toBe('fail');
  });
  test('errors make the result error; a failed Playwright run is never a pass', () => {
    expect(buildSummary(input([record('SRV-HEALTH', 'failed', { errors: ['TypeError: boom'] })], { playwrightStatus: 'failed' })).result).toBe('error');
    expect(buildSummary(input([record('SRV-HEALTH', 'passed')], { playwrightStatus: 'failed' })).result).toBe('error');
    expect(buildSummary(input([record('SRV-HEALTH', 'passed')], { errors: ['Error: specs/x.spec.ts does not load'] })).result).toBe('error');
  });
  test('stale deviations: only for a complete run; they fail a strict run', () => {
    const used = [record('SRV-HEALTH', 'passed', { annotations: [{ type: 'deviation', description: 'DEV-HEALTH-TEXT-PLAIN' }] })];
    expect(buildSummary(input(used)).deviations.stale).toBeNull();
    const complete = buildSummary(input(used, { scope: { complete: true, why: 'all tests' } }));
    expect(complete.deviations.stale).toContain('DEV-UNDOCUMENTED-400');
    expect(complete.deviations.stale).not.toContain('DEV-HEALTH-TEXT-PLAIN');
    expect(complete.deviations.used).toEqual([{ id: 'DEV-HEALTH-TEXT-PLAIN', tests: 1 }]);
    expect(complete.result).toBe('pass');
    expect(buildSummary(input(used, { scope: { complete: true, why: 'all tests' }, strict: true })).result).toBe('fail');
    // Another server version: those entries do not apply, so they cannot be stale.
    expect(buildSummary(input(used, { scope: { complete: true, why: 'all tests' }, target: { target: 'x', serverVersion: '0.99.1' } })).deviations.stale).toEqual([]);
  });
  test('the Markdown table escapes cell text and lists what did not run', () => {
    const s = buildSummary(input([record('SRV-HEALTH', 'failed', { errors: ['Error: got a|b <script>\n\nexpect(received).toBe(expected)'] })], { playwrightStatus: 'failed' }));
    const md = renderMarkdown(s);
    expect(md).toContain('| `SRV-HEALTH` GET /health answers 200 without authentication | MUST | ❌ fail | got a\\|b &lt;script&gt; |');
    expect(md).toMatch(/\*\*Not run\*\* \(\d+; .*`LOGIN-PASSWORD` \(MUST\)/);
    expect(md.split('\n').filter((l) => l.startsWith('| `')).length).toBe(s.requirements.length);
  });
});
