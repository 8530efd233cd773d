/**
 * Runs the conformance suite in a child process, as a user would (`npx playwright test`), and reads
 * its JSON report: which tests failed, which requirements they named, which findings they recorded.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../../reference-server/python-env';

export const ROOT = PROJECT_ROOT;

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
  /** Requirements named by failing tests: the title's ID, or IDs in [brackets] in the error. */
  failedRequirements: Set<string>;
  /** Requirements with a SHOULD finding. */
  findings: Set<string>;
  outputDir: string;
}

export interface RunOptions {
  /** --grep: which tests to run (by requirement ID); all when omitted. */
  grep?: string;
  env?: Record<string, string | undefined>;
  extraArgs?: string[];
  /** Keep the output folder (report files) for the caller to inspect; removed otherwise. */
  keepOutput?: boolean;
  /** Reporters besides json, e.g. the conformance reporter. */
  reporters?: string[];
}

interface JsonSpec {
  title: string;
  tests: Array<{ annotations: Array<{ type: string; description?: string }>; results: Array<{ status: string; duration: number; errors: Array<{ message?: string }>; annotations?: Array<{ type: string; description?: string }> }> }>;
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
const ID_IN_ERROR = /\[([A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+)\]/g;

export async function runSuite(target: SuiteTarget | undefined, options: RunOptions = {}): Promise<SuiteRun> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'zc-selftest-'));
  const reportFile = path.join(outputDir, 'report.json');
  const reporters = ['json', ...(options.reporters ?? [])].join(',');
  const args = ['playwright', 'test', '-c', path.join(ROOT, 'playwright.config.ts'), `--reporter=${reporters}`, `--output=${path.join(outputDir, 'results')}`];
  if (options.grep) args.push('--grep', options.grep);
  args.push(...(options.extraArgs ?? []));
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ZENML_|ZC_|BASE_URL$|CONFORMANCE_|PLAYWRIGHT_|TEST_)/.test(k))),
    PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile,
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(outputDir, 'html'),
    PLAYWRIGHT_JUNIT_OUTPUT_FILE: path.join(outputDir, 'junit.xml'),
    ZC_REPORT_DIR: path.join(outputDir, 'conformance-report'),
    FORCE_COLOR: '0',
    ...(target
      ? { BASE_URL: target.baseURL, ZENML_USERNAME: target.username, ZENML_PASSWORD: target.password, ZENML_JWT_SECRET: target.jwtSecret, ZENML_API_KEY: target.apiKey }
      : {}),
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'playwright'), args.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  const failedRequirements = new Set<string>();
  const findings = new Set<string>();
  for (const t of tests) {
    if (t.status === 'failed' || t.status === 'timedOut') {
      const named = t.errors.flatMap((e) => [...e.matchAll(ID_IN_ERROR)].map((m) => m[1]!));
      if (t.requirement) failedRequirements.add(t.requirement);
      named.forEach((id) => failedRequirements.add(id));
    }
    for (const a of t.annotations) {
      const id = a.type === 'finding' ? a.description?.match(/^\[([A-Z0-9-]+)\]/)?.[1] : undefined;
      if (id) findings.add(id);
    }
  }
  if (!options.keepOutput) rmSync(outputDir, { recursive: true, force: true });
  return { exitCode, output, tests, failedRequirements, findings, outputDir };
}

/** A short account of a run for assertion messages. */
export function summarize(run: SuiteRun): string {
  const counts = new Map<string, number>();
  run.tests.forEach((t) => counts.set(t.status, (counts.get(t.status) ?? 0) + 1));
  const failed = run.tests.filter((t) => t.status === 'failed' || t.status === 'timedOut').map((t) => `  ✗ ${t.title}\n    ${t.errors[0]?.split('\n').slice(0, 4).join('\n    ') ?? ''}`);
  return `exit ${run.exitCode}; ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}; failed requirements: ${[...run.failedRequirements].join(', ') || 'none'}; findings: ${[...run.findings].join(', ') || 'none'}\n${failed.join('\n')}\n--- output tail ---\n${run.output.split('\n').slice(-15).join('\n')}`;
}
