/**
 * Runs the conformance suite in a child process, as a user would (`npx playwright test`), with the
 * JSON and conformance reporters, and reads what they wrote: the tests, and the verdict of every
 * requirement from summary.json. Verdicts come from the summary alone (data the suite recorded),
 * never from error text.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Status } from '../../core/verdicts';
import { PROJECT_ROOT } from '../../reference-server/python-env';
import type { Summary } from '../../reporters/summary';

export const ROOT = PROJECT_ROOT;
export const CONFORMANCE_REPORTER = path.join(ROOT, 'reporters', 'conformance-reporter.ts');

export interface SuiteTarget {
  baseURL: string;
  username?: string;
  password?: string;
  jwtSecret?: string;
  apiKey?: string;
}

export interface TestOutcome {
  title: string;
  status: string;
  /** Milliseconds the test took (its last attempt). */
  duration: number;
  requirement?: string;
  annotations: Array<{ type: string; description?: string }>;
  errors: string[];
}

export interface SuiteRun {
  exitCode: number;
  output: string;
  tests: TestOutcome[];
  /** summary.json; undefined when the run ended before the reporter wrote it. */
  summary?: Summary;
  markdown?: string;
  /** The verdict of every requirement the run decided (summary.json). */
  statuses: Record<string, Status>;
  outputDir: string;
  reportDir: string;
}

export interface RunOptions {
  /** --grep: which tests to run (by requirement ID); all when omitted. */
  grep?: string;
  env?: Record<string, string | undefined>;
  extraArgs?: string[];
  /** Keep the output folder (report files) for the caller to inspect; removed otherwise. */
  keepOutput?: boolean;
  /** Reporters besides json and the conformance reporter. */
  reporters?: string[];
}

interface JsonSpec {
  title: string;
  tests: Array<{
    annotations: Array<{ type: string; description?: string }>;
    results: Array<{
      status: string;
      duration: number;
      errors: Array<{ message?: string }>;
      annotations?: Array<{ type: string; description?: string }>;
    }>;
  }>;
}
interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}

function* specsOf(suite: JsonSuite): Generator<JsonSpec> {
  for (const s of suite.specs ?? []) yield s;
  for (const child of suite.suites ?? []) yield* specsOf(child);
}

const ID_IN_TITLE = /^([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+) /;

export async function runSuite(target: SuiteTarget | undefined, options: RunOptions = {}): Promise<SuiteRun> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'zc-selftest-'));
  const reportFile = path.join(outputDir, 'report.json');
  const reporters = ['json', ...(options.reporters ?? []), CONFORMANCE_REPORTER].join(',');
  const args = [
    'playwright',
    'test',
    '-c',
    path.join(ROOT, 'playwright.config.ts'),
    `--reporter=${reporters}`,
    `--output=${path.join(outputDir, 'results')}`,
  ];
  if (options.grep) args.push('--grep', options.grep);
  args.push(...(options.extraArgs ?? []));
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(ZENML_|ZC_|BASE_URL$|CONFORMANCE_|PLAYWRIGHT_|TEST_)/.test(k)),
    ),
    PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile,
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(outputDir, 'html'),
    PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(outputDir, 'junit.xml'),
    ZC_REPORT_DIR: path.join(outputDir, 'conformance-report'),
    FORCE_COLOR: '0',
    // A self-test's summary must not land on the CI job's summary page.
    GITHUB_STEP_SUMMARY: undefined,
    ...(target
      ? {
          BASE_URL: target.baseURL,
          ZENML_USERNAME: target.username,
          ZENML_PASSWORD: target.password,
          ZENML_JWT_SECRET: target.jwtSecret,
          ZENML_API_KEY: target.apiKey,
        }
      : {}),
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'playwright'), args.slice(1), {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ exitCode: code ?? -1, output: out }));
  });

  const tests: TestOutcome[] = [];
  try {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { suites: JsonSuite[] };
    for (const suite of report.suites) {
      for (const spec of specsOf(suite)) {
        for (const t of spec.tests) {
          const last = t.results.at(-1);
          tests.push({
            title: spec.title,
            status: last?.status ?? 'skipped',
            duration: last?.duration ?? 0,
            requirement: spec.title.match(ID_IN_TITLE)?.[1],
            annotations: [...t.annotations, ...(last?.annotations ?? [])],
            errors: (last?.errors ?? []).map((e) => e.message ?? ''),
          });
        }
      }
    }
  } catch {
    /* no report: the run ended before tests (exit 2), the caller checks exitCode and output */
  }
  const reportDir = path.join(outputDir, 'conformance-report');
  const read = (f: string) => (existsSync(path.join(reportDir, f)) ? readFileSync(path.join(reportDir, f), 'utf8') : undefined);
  const json = read('summary.json');
  const summary = json ? (JSON.parse(json) as Summary) : undefined;
  const statuses = Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, r.status]));
  const run: SuiteRun = { exitCode, output, tests, summary, markdown: read('summary.md'), statuses, outputDir, reportDir };
  if (!options.keepOutput) rmSync(outputDir, { recursive: true, force: true });
  return run;
}

/** A short account of a run for assertion messages. */
export function summarize(run: SuiteRun): string {
  const counts = new Map<string, number>();
  run.tests.forEach((t) => counts.set(t.status, (counts.get(t.status) ?? 0) + 1));
  const failed = run.tests
    .filter((t) => t.status === 'failed' || t.status === 'timedOut')
    .map((t) => `  ✗ ${t.title}\n    ${t.errors[0]?.split('\n').slice(0, 4).join('\n    ') ?? ''}`);
  const not = Object.entries(run.statuses)
    .filter(([, st]) => st !== 'pass')
    .map(([id, st]) => `${id} ${st}`);
  return `exit ${run.exitCode}; ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}; result ${run.summary?.result ?? '(no summary)'}; not pass: ${not.join(', ') || 'none'}\n${failed.join('\n')}\n--- output tail ---\n${run.output.split('\n').slice(-15).join('\n')}`;
}
