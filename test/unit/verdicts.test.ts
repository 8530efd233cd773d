/**
 * From test outcomes to requirement statuses and the run's result, without running Playwright: each
 * case is a test outcome as the reporter receives it.
 */
import { expect, test } from '@playwright/test';
import { buildSummary, renderMarkdown, type SummaryInput } from '../../reporters/summary';
import { aggregate } from '../../reporters/aggregate';
import { REQUIREMENT_ANNOTATION, requirement, type RequirementId } from '../../core/req';
import { verdictAnnotation, type RecordedVerdict } from '../../core/verdict';
import { verdictsOf, type TestRecord } from '../../core/verdicts';

function record(
  id: RequirementId,
  outcome: TestRecord['outcome'],
  extra: Partial<TestRecord> & { also?: RequirementId[]; records?: RecordedVerdict[] } = {},
): TestRecord {
  const annotations = [id, ...(extra.also ?? [])].map((rid) => {
    const r = requirement(rid);
    return { type: REQUIREMENT_ANNOTATION, description: `${rid} (${r.level}): ${r.title}. Source: ${r.source}` };
  });
  const records = (extra.records ?? []).map(verdictAnnotation);
  return {
    title: `${id} a test`,
    location: 'specs/x.spec.ts:1',
    outcome,
    errors: [],
    ran: true,
    ...extra,
    annotations: [...annotations, ...records, ...(extra.annotations ?? [])],
  };
}

/** What a failing expect() records, and the error text Playwright keeps (which decides nothing). */
const assertion = (id: RequirementId, message = 'GET /health: expected 200, got 503 "unavailable"'): RecordedVerdict => ({
  requirement: id,
  status: 'fail',
  kind: 'assertion',
  raised: 'hard',
  message,
});
const contract = (
  message = "[OAS-SCHEMA] GET /api/v1/current-user → 200 at body (root): (root) must have required property 'name'",
): RecordedVerdict => ({
  requirement: 'OAS-SCHEMA',
  status: 'fail',
  kind: 'contract',
  raised: 'soft',
  message,
  operation: 'GET /api/v1/current-user',
  pointer: '',
});
const finding = (id: RequirementId, message: string, raised: RecordedVerdict['raised'] = 'none'): RecordedVerdict => ({
  requirement: id,
  status: 'finding',
  kind: 'finding',
  raised,
  message,
});
const ERROR_TEXT = 'Error: expect(received).toBe(expected)';

test.describe('verdictsOf', () => {
  test('a passed test passes its requirement and its `also`', () => {
    expect(verdictsOf(record('BEARER-MALFORMED', 'passed', { also: ['BEARER-WWW-AUTHENTICATE'] }))).toEqual([
      { requirement: 'BEARER-MALFORMED', status: 'pass' },
      { requirement: 'BEARER-WWW-AUTHENTICATE', status: 'pass' },
    ]);
  });
  test('a recorded finding turns that SHOULD into a finding, the test still passes its MUST', () => {
    const f = finding('BEARER-WWW-AUTHENTICATE', 'no WWW-Authenticate on 401');
    const v = verdictsOf(record('BEARER-MALFORMED', 'passed', { also: ['BEARER-WWW-AUTHENTICATE'], records: [f] }));
    expect(v).toEqual([
      { requirement: 'BEARER-WWW-AUTHENTICATE', status: 'finding', evidence: 'no WWW-Authenticate on 401', record: f },
      { requirement: 'BEARER-MALFORMED', status: 'pass' },
    ]);
  });
  test('a skipped test gives skip with the reason', () => {
    const v = verdictsOf(
      record('BEARER-CLAIMS', 'skipped', { annotations: [{ type: 'skip', description: 'needs ZENML_JWT_SECRET' }] }),
    );
    expect(v).toEqual([{ requirement: 'BEARER-CLAIMS', status: 'skip', evidence: 'needs ZENML_JWT_SECRET' }]);
  });
  test('a test the run never reached says so', () => {
    expect(verdictsOf(record('SRV-HEALTH', 'skipped', { ran: false }))[0].evidence).toMatch(/not run/);
  });
  test('a recorded assertion fails its requirement with the recorded message', () => {
    const v = verdictsOf(record('SRV-HEALTH', 'failed', { errors: [ERROR_TEXT], records: [assertion('SRV-HEALTH')] }));
    expect(v.map((x) => [x.requirement, x.status, x.evidence])).toEqual([
      ['SRV-HEALTH', 'fail', 'GET /health: expected 200, got 503 "unavailable"'],
    ]);
  });
  test('a contract violation fails only its OAS requirement: the test went on and keeps its own verdict', () => {
    const v = verdictsOf(record('USER-CURRENT', 'failed', { errors: [ERROR_TEXT], records: [contract()] }));
    expect(v.map((x) => [x.requirement, x.status])).toEqual([
      ['OAS-SCHEMA', 'fail'],
      ['USER-CURRENT', 'pass'],
    ]);
    // … unless its own assertion failed too.
    const both = verdictsOf(
      record('USER-CURRENT', 'failed', { errors: [ERROR_TEXT, ERROR_TEXT], records: [contract(), assertion('USER-CURRENT')] }),
    );
    expect(both.map((x) => [x.requirement, x.status])).toEqual([
      ['OAS-SCHEMA', 'fail'],
      ['USER-CURRENT', 'fail'],
    ]);
  });
  test('a hard failure of one requirement leaves the test’s others undecided', () => {
    const v = verdictsOf(
      record('BEARER-MISSING', 'failed', {
        also: ['USER-CURRENT'],
        errors: [ERROR_TEXT],
        records: [assertion('USER-CURRENT', 'the wrong user')],
      }),
    );
    expect(v.map((x) => [x.requirement, x.status])).toEqual([
      ['USER-CURRENT', 'fail'],
      ['BEARER-MISSING', 'skip'],
    ]);
    expect(v[1].evidence).toBe('not decided: the test stopped at a failure of USER-CURRENT');
  });
  test('an error no record explains is an error, not a failure: a crash, a network error, a timeout', () => {
    expect(
      verdictsOf(record('SRV-HEALTH', 'failed', { errors: ['Error: apiRequestContext.fetch: socket hang up'] }))[0],
    ).toMatchObject({ status: 'error', evidence: 'the suite could not decide: Error: apiRequestContext.fetch: socket hang up' });
    expect(verdictsOf(record('SRV-HEALTH', 'timedOut', { errors: ['Test timeout of 5000ms exceeded.'] }))[0]).toMatchObject({
      status: 'error',
      evidence: 'the suite could not decide: Test timeout of 5000ms exceeded.',
    });
    // Text that looks like an assertion decides nothing without a record.
    expect(verdictsOf(record('SRV-HEALTH', 'failed', { errors: [ERROR_TEXT] }))[0].status).toBe('error');
    // A contract violation, then a crash: the OAS requirement fails, the test's own is undecided.
    const v = verdictsOf(
      record('USER-CURRENT', 'failed', {
        errors: [ERROR_TEXT, "TypeError: Cannot read properties of undefined (reading 'id')"],
        records: [contract()],
      }),
    );
    expect(v.map((x) => [x.requirement, x.status])).toEqual([
      ['OAS-SCHEMA', 'fail'],
      ['USER-CURRENT', 'error'],
    ]);
  });
  test('in strict mode a thrown finding is a finding; the rest of that test is undecided', () => {
    const v = verdictsOf(
      record('BEARER-MALFORMED', 'failed', {
        also: ['BEARER-WWW-AUTHENTICATE'],
        errors: ['Error: [BEARER-WWW-AUTHENTICATE] SHOULD not met: no header'],
        records: [finding('BEARER-WWW-AUTHENTICATE', 'no header', 'hard')],
      }),
    );
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
      record('SRV-HEALTH', 'failed', { errors: [ERROR_TEXT], records: [assertion('SRV-HEALTH')] }),
      record('SRV-INFO', 'skipped', { annotations: [{ type: 'skip', description: 'why' }] }),
      record('SRV-INFO', 'passed'),
      record('OAS-DOCS-UI', 'passed', { records: [finding('OAS-DOCS-UI', '404')] }),
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
  test('an answer requirement passes when its rule checked answers and none broke it, and is not run without such answers', () => {
    const checked = (counts: Record<string, number>) => ({ type: '_answers_checked', description: JSON.stringify(counts) });
    const a = aggregate([
      record('BEARER-MALFORMED', 'passed', { annotations: [checked({ 'ERR-SIGN-IN-AGAIN': 3 })] }),
      record('BEARER-ALG-NONE', 'passed', { annotations: [checked({ 'ERR-SIGN-IN-AGAIN': 1, 'ERR-LOGIN-DETAIL': 0 })] }),
      // A skipped test's counts (there are none in practice) do not count.
      record('BEARER-CLAIMS', 'skipped', { annotations: [checked({ 'ERR-MISSING-CHALLENGE': 2 })] }),
    ]);
    const signIn = a.requirements.find((r) => r.id === 'ERR-SIGN-IN-AGAIN')!;
    expect(signIn.status).toBe('pass');
    expect(signIn.evidence).toEqual(['401 answers to requests that carried credentials: 4 checked in 2 tests']);
    expect(a.notRun).toEqual(expect.arrayContaining(['ERR-LOGIN-DETAIL', 'ERR-MISSING-CHALLENGE', 'ERR-DEVICE-BODY']));
  });
  test('a breach of an answer rule fails its requirement, whatever the other answers did', () => {
    const breach: RecordedVerdict = {
      requirement: 'ERR-SIGN-IN-AGAIN',
      status: 'fail',
      kind: 'rule',
      raised: 'soft',
      message: '[ERR-SIGN-IN-AGAIN] GET /api/v1/current-user → 401: no CredentialsNotValid',
    };
    const checked = { type: '_answers_checked', description: JSON.stringify({ 'ERR-SIGN-IN-AGAIN': 5 }) };
    const a = aggregate([
      record('BEARER-MALFORMED', 'failed', { errors: ['Error: soft'], records: [breach], annotations: [checked] }),
      record('BEARER-ALG-NONE', 'passed', { annotations: [checked] }),
    ]);
    const statuses = Object.fromEntries(a.requirements.map((r) => [r.id, r.status]));
    // The soft breach explains the failure: the test's own requirement still passes.
    expect(statuses).toMatchObject({ 'ERR-SIGN-IN-AGAIN': 'fail', 'BEARER-MALFORMED': 'pass', 'BEARER-ALG-NONE': 'pass' });
    expect(a.requirements.find((r) => r.id === 'ERR-SIGN-IN-AGAIN')!.evidence[0]).toContain('no CredentialsNotValid');
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
    const s = buildSummary(
      input([record('SRV-HEALTH', 'failed', { errors: [ERROR_TEXT], records: [assertion('SRV-HEALTH')] })], {
        playwrightStatus: 'failed',
      }),
    );
    expect(s.result).toBe('fail');
    expect(s.reasons).toEqual(['MUST failed: SRV-HEALTH']);
  });
  test('a finding passes, unless strict', () => {
    const tests = [record('OAS-DOCS-UI', 'passed', { records: [finding('OAS-DOCS-UI', '404')] })];
    expect(buildSummary(input(tests)).result).toBe('pass');
    expect(buildSummary(input(tests, { strict: true })).result).toBe('fail');
  });
  test('errors make the result error; a failed Playwright run is never a pass', () => {
    expect(
      buildSummary(input([record('SRV-HEALTH', 'failed', { errors: ['TypeError: boom'] })], { playwrightStatus: 'failed' }))
        .result,
    ).toBe('error');
    expect(buildSummary(input([record('SRV-HEALTH', 'passed')], { playwrightStatus: 'failed' })).result).toBe('error');
    expect(
      buildSummary(input([record('SRV-HEALTH', 'passed')], { errors: ['Error: specs/x.spec.ts does not load'] })).result,
    ).toBe('error');
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
    expect(
      buildSummary(input(used, { scope: { complete: true, why: 'all tests' }, target: { target: 'x', serverVersion: '0.99.1' } }))
        .deviations.stale,
    ).toEqual([]);
  });
  test('the Markdown table escapes cell text and lists what did not run', () => {
    const s = buildSummary(
      input([record('SRV-HEALTH', 'failed', { errors: [ERROR_TEXT], records: [assertion('SRV-HEALTH', 'got a|b <script>')] })], {
        playwrightStatus: 'failed',
      }),
    );
    const md = renderMarkdown(s);
    expect(md).toContain(
      '| `SRV-HEALTH` GET /health answers 200 without authentication | MUST | ❌ fail | got a\\|b &lt;script&gt; |',
    );
    expect(md).toMatch(/\*\*Not run\*\* \(\d+; .*`LOGIN-PASSWORD` \(MUST\)/);
    expect(md.split('\n').filter((l) => l.startsWith('| `')).length).toBe(s.requirements.length);
  });
});
