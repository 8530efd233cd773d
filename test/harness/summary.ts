/**
 * Runs the suite with the conformance reporter (besides json) and reads what it wrote: the
 * self-tests of the reporter check summary.json and summary.md as a CI job would see them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Summary } from '../../reporters/summary';
import { ROOT, runSuite, type RunOptions, type SuiteRun, type SuiteTarget } from './run-suite';

export const CONFORMANCE_REPORTER = path.join(ROOT, 'reporters', 'conformance-reporter.ts');

export interface SummaryRun extends SuiteRun {
  summary?: Summary;
  markdown?: string;
  reportDir: string;
}

/** `keepOutput` keeps the whole output folder for the caller (who removes it); otherwise it is removed
 * once the summary is read. */
export async function runWithSummary(target: SuiteTarget | undefined, options: RunOptions = {}): Promise<SummaryRun> {
  // A self-test's summary must not land on the CI job's summary page.
  const env = { GITHUB_STEP_SUMMARY: undefined, ...options.env };
  const run = await runSuite(target, { ...options, env, reporters: [...(options.reporters ?? []), CONFORMANCE_REPORTER], keepOutput: true });
  const reportDir = path.join(run.outputDir, 'conformance-report');
  const read = (f: string) => (existsSync(path.join(reportDir, f)) ? readFileSync(path.join(reportDir, f), 'utf8') : undefined);
  const json = read('summary.json');
  const result: SummaryRun = { ...run, summary: json ? (JSON.parse(json) as Summary) : undefined, markdown: read('summary.md'), reportDir };
  if (!options.keepOutput) rmSync(run.outputDir, { recursive: true, force: true });
  return result;
}

/** The status of each requirement in a summary, for assertions and their messages. */
export function statuses(summary: Summary | undefined): Record<string, string> {
  return Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, r.status]));
}
