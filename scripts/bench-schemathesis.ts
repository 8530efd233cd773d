/**
 * Schemathesis, pinned in its own virtual environment, run the way a user choosing a gate would run
 * it: against the server's /openapi.json with the same admin token and its default checks, limited
 * to the operations this suite covers so that both tools test the same surface.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { PROJECT_ROOT, REFERENCE_HOME, run, type Progress } from '../reference-server/python-env';

const VENV = path.join(REFERENCE_HOME, 'schemathesis-venv');
const LOCK = path.join(PROJECT_ROOT, 'scripts', 'schemathesis.lock');
const ST = path.join(VENV, 'bin', 'st');

/** The operations the conformance suite exercises. */
export const SURFACE = '^/(health)$|^/api/v1/(login|logout|current-user|api_token|info|version|users|service_accounts.*)$';

export async function ensureSchemathesis(progress: Progress): Promise<void> {
  const stamp = path.join(VENV, '.lock');
  const lock = readFileSync(LOCK, 'utf8');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return;
  progress('installing Schemathesis (pinned) into .zenml-reference/schemathesis-venv');
  rmSync(VENV, { recursive: true, force: true });
  await run(process.env.ZC_PYTHON ?? 'python3', ['-m', 'venv', VENV]);
  await run(path.join(VENV, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', '-r', LOCK]);
  writeFileSync(stamp, lock);
}

export interface SchemathesisRun {
  exitCode: number;
  wallMs: number;
  requests: number;
  /** Failure codes and counts as Schemathesis printed them (e.g. "ST108 Response violates schema: 20"). */
  failures: string[];
  /** With a baseline: the failures it does not hold. */
  newFailures: NewFailure[];
}

/** A failure as Schemathesis identifies it in a baseline (operation is "METHOD /path/{template}"). */
export interface NewFailure {
  operation: string;
  check: string;
  failure: string;
  signature: string;
}

interface BaselineEntry extends NewFailure {
  id: string;
}

export function baselineEntries(file: string): BaselineEntry[] {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { entries: BaselineEntry[] }).entries : [];
}

export interface SchemathesisOptions {
  baseURL: string;
  token: string;
  /**
   * Accepted failures: a run with it exits non-zero only for failures not in the file. The file is
   * only changed with updateBaseline; otherwise the run records into a copy to name its new failures.
   */
  baseline?: string;
  updateBaseline?: boolean;
  maxExamples?: number;
  deterministic?: boolean;
  /** Only these checks (e.g. ["ignored_auth"]); Schemathesis' defaults otherwise. */
  checks?: string[];
  /** Operations to run (a path regex); the suite's surface (SURFACE) by default, '' for all. */
  includePathRegex?: string;
}

export async function runSchemathesis(o: SchemathesisOptions): Promise<SchemathesisRun> {
  const reportDir = mkdtempSync(path.join(tmpdir(), 'zc-st-'));
  const include = o.includePathRegex ?? SURFACE;
  const args = [
    'run',
    `${o.baseURL}/openapi.json`,
    ...(include ? ['--include-path-regex', include] : []),
    ...(o.checks ? ['--checks', o.checks.join(',')] : []),
    '--seed',
    '1',
    '--report',
    'ndjson',
    '--report-dir',
    reportDir,
  ];
  // Deterministic runs (one worker, no random variation) find the same failures on the same server
  // state, which the fault comparison needs; otherwise Schemathesis' defaults, without its example database.
  args.push(...(o.deterministic ? ['--workers', '1', '--generation-deterministic'] : ['--generation-database', ':memory:']));
  // The token goes in a header Schemathesis filters from its own output; never into ours.
  args.push('-H', `Authorization: Bearer ${o.token}`);
  if (o.maxExamples) args.push('--max-examples', String(o.maxExamples));
  const known = new Set(o.baseline ? baselineEntries(o.baseline).map((e) => e.id) : []);
  let recordInto = o.baseline;
  if (o.baseline && !o.updateBaseline) {
    recordInto = path.join(reportDir, 'baseline.json');
    if (existsSync(o.baseline)) copyFileSync(o.baseline, recordInto);
  }
  if (recordInto) args.push('--baseline', recordInto, '--baseline-update');
  const started = performance.now();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
    const child = spawn(ST, args, {
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (c) => resolve({ code: c ?? -1, output: out }));
  });
  const wallMs = performance.now() - started;
  const newFailures = recordInto
    ? baselineEntries(recordInto)
        .filter((e) => !known.has(e.id))
        .map(({ operation, check, failure, signature }) => ({ operation, check, failure, signature }))
    : [];
  let requests = 0;
  for (const file of readdirSync(reportDir).filter((f) => f.endsWith('.ndjson'))) {
    for (const line of readFileSync(path.join(reportDir, file), 'utf8').split('\n')) {
      if (!line.includes('"ScenarioFinished"')) continue;
      requests += Object.keys(
        (JSON.parse(line) as { ScenarioFinished: { recorder?: { interactions?: object } } }).ScenarioFinished.recorder
          ?.interactions ?? {},
      ).length;
    }
  }
  rmSync(reportDir, { recursive: true, force: true });
  const failures = [...output.matchAll(/❌ (ST\d+ [^\n]+)/g)].map((m) => m[1].trim());
  return { exitCode: code, wallMs, requests, failures, newFailures };
}
