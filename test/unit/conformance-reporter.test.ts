/**
 * The reporter's own decisions, fed with test cases as Playwright hands them over: the files it writes,
 * the step summary, and the run status it returns (it may fail a passed run, never pass a failed one).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { FullConfig, FullResult, Suite, TestCase } from '@playwright/test/reporter';
import { KnownDeviations } from '../../core/known-deviations';
import ConformanceReporter from '../../reporters/conformance-reporter';
import type { Summary } from '../../reporters/summary';
import { REQUIREMENT_ANNOTATION, requirement, type RequirementId } from '../../core/req';
import { verdictAnnotation } from '../../core/verdict';

const ROOT = path.resolve(__dirname, '..', '..');

function testCase(id: RequirementId, status: 'passed' | 'failed', deviations: string[] = []): TestCase {
  const r = requirement(id);
  return {
    title: `${id} a test`,
    location: { file: path.join(ROOT, 'specs', 'x.spec.ts'), line: 3, column: 1 },
    annotations: [
      { type: REQUIREMENT_ANNOTATION, description: `${id} (${r.level}): ${r.title}. Source: ${r.source}` },
      ...deviations.map((d) => ({ type: 'deviation', description: d })),
    ],
    // A failed test recorded its assertion, as the suite's expect() does.
    results: [
      {
        status,
        errors: status === 'failed' ? [{ message: 'Error: got 500\n\nexpect(received).toBe(expected)' }] : [],
        annotations:
          status === 'failed'
            ? [verdictAnnotation({ requirement: id, status: 'fail', kind: 'assertion', raised: 'hard', message: 'got 500' })]
            : [],
      },
    ],
  } as unknown as TestCase;
}

// The entries of core/known-deviations.json for the version the fake target runs.
const ALL_USED = new KnownDeviations().applicable('0.98.0').map((e) => e.id);

async function report(tests: TestCase[], status: FullResult['status'], env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'zc-reporter-'));
  const saved = { ...process.env };
  Object.assign(process.env, { ZC_REPORT_DIR: dir, GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md'), ...env });
  try {
    writeFileSync(path.join(dir, 'summary.json'), '{"result":"pass","from":"an earlier run"}');
    const reporter = new ConformanceReporter({ configDir: ROOT });
    const metadata = {
      'zenml-conformance': { target: 'http://127.0.0.1:8237', serverVersion: '0.98.0' },
      'zenml-conformance-run': { filters: [] },
    };
    reporter.onBegin({ metadata } as unknown as FullConfig, { allTests: () => tests } as unknown as Suite);
    const returned = await reporter.onEnd({ status, startTime: new Date(), duration: 1000 });
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
    return {
      returned,
      summary,
      markdown: readFileSync(path.join(dir, 'summary.md'), 'utf8'),
      stepSummary: readFileSync(path.join(dir, 'step-summary.md'), 'utf8'),
    };
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a passing complete run: summary.json and summary.md written, appended to the step summary, status untouched', async () => {
  const r = await report([testCase('SRV-HEALTH', 'passed', ALL_USED)], 'passed');
  expect(r.returned).toBeUndefined();
  expect(r.summary).toMatchObject({
    result: 'pass',
    target: 'http://127.0.0.1:8237',
    serverVersion: '0.98.0',
    run: { complete: true },
  });
  expect(r.summary.requirements.find((x) => x.id === 'SRV-HEALTH')?.tests).toEqual([
    { title: 'SRV-HEALTH a test', location: 'specs/x.spec.ts:3', status: 'pass' },
  ]);
  expect(r.stepSummary).toBe(`${r.markdown}\n`);
});

test('a stale known deviation fails a passed run only in strict mode', async () => {
  const lenient = await report([testCase('SRV-HEALTH', 'passed', ['DEV-NAIVE-DATETIME'])], 'passed');
  expect(lenient.returned).toBeUndefined();
  const stale = ALL_USED.filter((id) => id !== 'DEV-NAIVE-DATETIME');
  expect(lenient.summary.deviations.stale).toEqual(stale);
  expect(lenient.markdown).toContain(
    `Stale: ${stale.map((id) => `\`${id}\``).join(', ')}: ${stale.length} entries apply to ZenML 0.98.0`,
  );

  const strict = await report([testCase('SRV-HEALTH', 'passed', ['DEV-NAIVE-DATETIME'])], 'passed', { CONFORMANCE_STRICT: '1' });
  expect(strict.returned).toEqual({ status: 'failed' });
  expect(strict.summary.result).toBe('fail');
});

test('a failed run stays failed and says which MUST broke', async () => {
  const r = await report([testCase('SRV-HEALTH', 'failed', ALL_USED)], 'failed');
  expect(r.returned).toBeUndefined();
  expect(r.summary).toMatchObject({ result: 'fail', reasons: ['MUST failed: SRV-HEALTH'] });
});

test('a run that broke before any test (no onBegin) still gets a summary: error, with the error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'zc-reporter-'));
  const saved = { ...process.env };
  process.env.ZC_REPORT_DIR = dir;
  delete process.env.GITHUB_STEP_SUMMARY;
  try {
    const reporter = new ConformanceReporter({ configDir: ROOT });
    reporter.onError({ message: 'Error: global setup: something unexpected' });
    expect(await reporter.onEnd({ status: 'failed', startTime: new Date(), duration: 10 })).toBeUndefined();
    const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Summary;
    expect(summary).toMatchObject({
      result: 'error',
      errors: ['Error: global setup: something unexpected'],
      reasons: ['1 error(s) outside the tests'],
    });
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
