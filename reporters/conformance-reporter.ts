/**
 * The conformance reporter: maps every test to its requirement(s) and writes
 * conformance-report/summary.json and summary.md (ZC_REPORT_DIR overrides the folder), and appends
 * summary.md to $GITHUB_STEP_SUMMARY when it is set. Works the same in a run and in
 * `playwright merge-reports` of sharded blob reports (see run-info.ts for how the target travels).
 *
 * Exit code: Playwright already fails the run when a test fails. This reporter adds the two failures
 * Playwright cannot see: stale known deviations under CONFORMANCE_STRICT=1, and a result that is not
 * "pass" for another reason. It never turns a failed run into a passed one. When the global setup ends
 * the run with exit code 2 (target unusable), onEnd never comes; the summary then says "unusable"
 * instead of leaving an earlier run's summary in place.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError } from '@playwright/test/reporter';
import { completeness, safeUrl, targetOf, UNUSABLE_ENV, type TargetInfo } from '../core/run-info';
import { buildSummary, renderMarkdown, unusableSummary, type ExpectedSkip, type Summary } from './summary';
import { renderHtml } from './summary-html';
import type { Annotation } from '../core/verdict';
import { ANSI, type TestRecord } from '../core/verdicts';

export interface ConformanceReporterOptions {
  /** Output folder, relative to the config's folder; ZC_REPORT_DIR wins. */
  outputDir?: string;
  configDir?: string;
}

function targetFromEnv(): TargetInfo | undefined {
  const server = process.env.ZC_SERVER;
  if (!server || !process.env.BASE_URL) return undefined;
  const s = JSON.parse(server) as { id?: string; version: string; authScheme?: string };
  return {
    target: safeUrl(process.env.BASE_URL),
    serverVersion: s.version,
    serverId: s.id,
    authScheme: s.authScheme,
    embedded: process.env.ZC_EMBEDDED === '1',
  };
}

export default class ConformanceReporter implements Reporter {
  private readonly dir: string;
  private readonly baseDir: string;
  private readonly listing = process.argv.includes('--list');
  private config?: FullConfig;
  private suite?: Suite;
  private readonly errors: string[] = [];
  private ended = false;

  constructor(options: ConformanceReporterOptions = {}) {
    this.baseDir = options.configDir ?? process.cwd();
    this.dir = path.resolve(this.baseDir, process.env.ZC_REPORT_DIR || options.outputDir || 'conformance-report');
    if (this.listing) return;
    // A summary left by an earlier run must not pass for this one's, whatever happens next.
    for (const f of ['summary.json', 'summary.md']) rmSync(path.join(this.dir, f), { force: true });
    process.once('exit', () => this.writeUnusable());
  }

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    this.suite = suite;
  }

  onError(error: TestError): void {
    this.errors.push((error.message ?? error.value ?? 'unknown error').replace(ANSI, ''));
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    this.ended = true;
    if (this.listing) return undefined;
    // Without onBegin the run broke before any test (e.g. the global setup threw): the summary says so.
    const metadata = (this.config?.metadata ?? {}) as Record<string, unknown>;
    const expectedSkips = this.expectedSkips();
    const summary = buildSummary({
      tests: (this.suite?.allTests() ?? []).map((t) => this.record(t)),
      target: targetOf(metadata) ?? targetFromEnv(),
      strict: process.env.CONFORMANCE_STRICT === '1',
      requireAll: process.env.CONFORMANCE_REQUIRE_ALL === '1',
      expectedSkips,
      scope: completeness(metadata),
      playwrightStatus: result.status,
      durationMs: Math.round(result.duration),
      errors: this.errors,
    });
    this.write(summary);
    const file = path.join(this.dir, 'summary.md');
    const shown = path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file);
    const skipped = summary.skippedMust.map((g) => `${g.requirements.length} MUST ${g.kind}: ${g.reason}`);
    console.log(
      `\nConformance: ${[summary.result.toUpperCase(), ...skipped].join(', ')}${summary.reasons.length ? ` (${summary.reasons.join('; ')})` : ''}. ${shown}`,
    );
    // Only ever make a run fail, never pass.
    return result.status === 'passed' && summary.result !== 'pass' ? { status: 'failed' } : undefined;
  }

  /**
   * The expected-skips file: CONFORMANCE_EXPECTED_SKIPS, else conformance-expected-skips.json beside
   * the config when there is one. A file that does not parse is an error of the run, not no file.
   */
  private expectedSkips(): ExpectedSkip[] {
    const file = process.env.CONFORMANCE_EXPECTED_SKIPS
      ? path.resolve(process.env.CONFORMANCE_EXPECTED_SKIPS)
      : path.join(this.baseDir, 'conformance-expected-skips.json');
    if (!existsSync(file)) {
      if (process.env.CONFORMANCE_EXPECTED_SKIPS)
        this.errors.push(`CONFORMANCE_EXPECTED_SKIPS names ${file}, which does not exist`);
      return [];
    }
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { skips?: unknown };
      const skips = Array.isArray(parsed.skips) ? (parsed.skips as Array<Partial<ExpectedSkip>>) : undefined;
      if (
        !skips ||
        skips.some((s) => typeof s.requirement !== 'string' || typeof s.reason !== 'string' || s.reason.trim() === '')
      ) {
        throw new Error('expected {"skips": [{"requirement": "<ID>", "reason": "<why>"}, …]}, each with a reason');
      }
      return skips as ExpectedSkip[];
    } catch (e) {
      this.errors.push(`the expected-skips file ${file} is not usable: ${(e as Error).message}`);
      return [];
    }
  }

  private record(test: TestCase): TestRecord {
    const last = test.results.at(-1);
    const seen = new Set<string>();
    const annotations: Annotation[] = [];
    for (const a of [...test.annotations, ...(last?.annotations ?? [])]) {
      const key = `${a.type}\u0000${a.description ?? ''}`;
      if (!seen.has(key)) {
        seen.add(key);
        annotations.push({ type: a.type, description: a.description });
      }
    }
    return {
      id: test.id,
      title: test.title,
      location: `${path.relative(this.baseDir, test.location.file)}:${test.location.line}`,
      outcome: last ? last.status : 'skipped',
      annotations,
      errors: (last?.errors ?? []).map((e) => (e.message ?? e.value ?? '').replace(ANSI, '')),
      ran: !!last,
    };
  }

  private write(summary: Summary): void {
    mkdirSync(this.dir, { recursive: true });
    const markdown = renderMarkdown(summary);
    writeFileSync(path.join(this.dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(path.join(this.dir, 'summary.md'), markdown);
    writeFileSync(path.join(this.dir, 'summary.html'), renderHtml(summary, this.htmlReport()));
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  }

  /** Playwright's HTML report of this run, relative to the summary (for links to each test's page). */
  private htmlReport(): string | undefined {
    const entry = this.config?.reporter?.find(([name]) => name === 'html');
    if (!entry) return undefined;
    const folder =
      process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ??
      (entry[1] as { outputFolder?: string } | undefined)?.outputFolder ??
      'playwright-report';
    return path.relative(
      this.dir,
      path.join(
        path.resolve(this.config!.configFile ? path.dirname(this.config!.configFile) : this.baseDir, folder),
        'index.html',
      ),
    );
  }

  /** On process exit without onEnd: the global setup found the target unusable (exit code 2). */
  private writeUnusable(): void {
    const message = process.env[UNUSABLE_ENV];
    if (this.ended || !message) return;
    this.write(
      unusableSummary(
        message,
        process.env.BASE_URL ? safeUrl(process.env.BASE_URL) : undefined,
        process.env.CONFORMANCE_STRICT === '1',
      ),
    );
  }
}
