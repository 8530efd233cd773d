/**
 * The conformance summary: the requirement matrix with the run's verdict (summary.json) and the same
 * as a Markdown table for a CI step summary (summary.md).
 *
 * result: pass   every MUST that ran holds (SHOULD findings are listed, not fatal)
 *         fail   a requirement failed, or, with CONFORMANCE_STRICT=1, a SHOULD finding or a stale
 *                known deviation
 *         error  the suite could not decide: a test broke on something that is not an assertion,
 *                a hook or a worker failed, the run was interrupted
 *         unusable  the target could not be tested at all (exit code 2; written on the way out)
 *
 * A run cannot pass by skipping: MUST requirements that skipped or did not run are listed with their
 * reasons beside the result ("PASS, 3 MUST skipped: …"), and with CONFORMANCE_REQUIRE_ALL=1 they fail
 * the run, except those an expected-skips file lists with a reason; an entry of that file that did
 * not skip is stale, and fails such a run too (an expected skip that no longer happens hides nothing
 * but should be removed).
 */
import { KnownDeviations } from '../core/known-deviations';
import { REQUIREMENTS, type Level, type RequirementId } from '../core/req';
import type { TargetInfo } from '../core/run-info';
import { oneLine, STATUS_ORDER, type Status, type TestRecord } from '../core/verdicts';
import { aggregate, countByStatus, type RequirementResult, type TestRef } from './aggregate';
import { failureViews } from './failures';

export type RunResult = 'pass' | 'fail' | 'error' | 'unusable';

/** An entry of the expected-skips file (docs/ci.md). */
export interface ExpectedSkip {
  requirement: string;
  reason: string;
}

export interface Summary {
  result: RunResult;
  /** Why the result is not pass, one line each. */
  reasons: string[];
  /** What a pass does not show: MUST requirements skipped or not run, by reason. */
  skippedMust: Array<{ kind: 'skipped' | 'not run'; reason: string; requirements: string[] }>;
  requireAll: boolean;
  expectedSkips: { listed: ExpectedSkip[]; stale: string[] };
  target: string | null;
  serverVersion: string | null;
  server: Omit<TargetInfo, 'target' | 'serverVersion'> | null;
  strict: boolean;
  run: {
    /** All tests ran (no --grep, file filter or missing shard): only then are stale deviations known. */
    complete: boolean;
    scope: string;
    /** What Playwright said of the run: passed, failed, timedout, interrupted. */
    playwrightStatus: string;
    tests: Record<TestRecord['outcome'], number>;
    durationMs?: number;
  };
  counts: Record<Status, number> & { notRun: number };
  requirements: RequirementResult[];
  /** Catalogue requirements that no test of this run named: listed rather than omitted, so that a
   * filtered run cannot pass for a complete one. */
  notRun: Array<{ id: RequirementId; level: Level; title: string }>;
  deviations: {
    /** Entries of core/known-deviations.json that apply to this server version. */
    applicable: string[];
    used: Array<{ id: string; tests: number }>;
    /** Applicable but used by no test of a complete run; null when the run cannot tell. */
    stale: string[] | null;
    note: string;
  };
  /** Errors outside any test (a spec that does not load, a worker that crashed). */
  errors: string[];
  /** Tests that name no requirement. */
  unmappedTests: TestRef[];
}

export interface SummaryInput {
  tests: TestRecord[];
  target?: TargetInfo;
  strict: boolean;
  /** CONFORMANCE_REQUIRE_ALL=1 */
  requireAll?: boolean;
  expectedSkips?: ExpectedSkip[];
  scope: { complete: boolean; why: string };
  playwrightStatus: string;
  durationMs?: number;
  errors: string[];
}

export function buildSummary(input: SummaryInput): Summary {
  const { requirements, notRun, unmapped } = aggregate(input.tests);
  const counts = { ...countByStatus(requirements), notRun: notRun.length };
  const outcomes = { passed: 0, failed: 0, timedOut: 0, skipped: 0, interrupted: 0 } satisfies Record<
    TestRecord['outcome'],
    number
  >;
  for (const t of input.tests) outcomes[t.outcome] += 1;

  const usedBy = new Map<string, number>();
  for (const t of input.tests) {
    for (const a of t.annotations)
      if (a.type === 'deviation' && a.description) usedBy.set(a.description, (usedBy.get(a.description) ?? 0) + 1);
  }
  const applicable = input.target ? new KnownDeviations().applicable(input.target.serverVersion).map((e) => e.id) : [];
  const unfinished = input.tests.filter((t) => !t.ran).length;
  let stale: string[] | null = null;
  let note: string;
  if (!input.target) note = 'not checked: the target is unknown';
  else if (!input.scope.complete)
    note = `not checked: ${input.scope.why}; an entry that only the left-out tests use would look unused`;
  else if (unfinished > 0) note = `not checked: ${unfinished} tests did not run (the run stopped early)`;
  else {
    stale = applicable.filter((id) => !usedBy.has(id));
    note = stale.length
      ? `${stale.length} entr${stale.length === 1 ? 'y applies' : 'ies apply'} to ZenML ${input.target.serverVersion} but excused nothing in this complete run: remove or narrow ${stale.length === 1 ? 'it' : 'them'} in core/known-deviations.json`
      : 'none: every entry that applies to this version was used';
  }

  const reasons: string[] = [];
  const failed = (level: Level) => requirements.filter((r) => r.level === level && r.status === 'fail').map((r) => r.id);
  if (failed('MUST').length) reasons.push(`MUST failed: ${failed('MUST').join(', ')}`);
  if (failed('SHOULD').length)
    reasons.push(`a SHOULD test failed (an assertion or a contract violation, not a finding): ${failed('SHOULD').join(', ')}`);
  const findings = requirements.filter((r) => r.status === 'finding').map((r) => r.id);
  if (input.strict && findings.length) reasons.push(`CONFORMANCE_STRICT=1 and SHOULD findings: ${findings.join(', ')}`);
  if (input.strict && stale?.length) reasons.push(`CONFORMANCE_STRICT=1 and stale known deviations: ${stale.join(', ')}`);
  const failing = reasons.length > 0;
  const errored = requirements.filter((r) => r.status === 'error').map((r) => r.id);
  if (errored.length) reasons.push(`the suite could not decide (error): ${errored.join(', ')}`);
  if (input.errors.length) reasons.push(`${input.errors.length} error(s) outside the tests`);
  if (input.playwrightStatus !== 'passed' && reasons.length === 0) {
    reasons.push(
      `Playwright reports the run as ${input.playwrightStatus}${unmapped.some((t) => t.status !== 'pass' && t.status !== 'skip') ? ' (a test without a requirement failed)' : ''}`,
    );
  }
  // MUSTs that did not run to a verdict: the reasons a pass does not show, grouped.
  const byReason = new Map<string, { kind: 'skipped' | 'not run'; reason: string; requirements: string[] }>();
  const mustUnrun = [
    ...requirements
      .filter((r) => r.level === 'MUST' && r.status === 'skip')
      .map((r) => ({
        id: r.id,
        kind: 'skipped' as const,
        reason: (r.evidence[0] ?? 'skipped').replace(/^skipped: /, ''),
      })),
    ...notRun
      .filter((id) => REQUIREMENTS[id].level === 'MUST')
      .map((id) => ({ id: id, kind: 'not run' as const, reason: input.scope.why })),
  ];
  for (const { id, kind, reason } of mustUnrun) {
    const key = `${kind}\u0000${reason}`;
    const group = byReason.get(key) ?? { kind, reason, requirements: [] };
    group.requirements.push(id);
    byReason.set(key, group);
  }
  const skippedMust = [...byReason.values()];
  const listed = input.expectedSkips ?? [];
  const statusOf = new Map(requirements.map((r) => [r.id as string, r.status]));
  // Stale: listed, but the requirement ran to a verdict (or is no requirement at all).
  const staleSkips = listed
    .filter(
      (e) =>
        (REQUIREMENTS as Record<string, unknown>)[e.requirement] === undefined ||
        (statusOf.has(e.requirement) && statusOf.get(e.requirement) !== 'skip'),
    )
    .map((e) => e.requirement);
  if (input.requireAll) {
    const unexpected = mustUnrun.filter((m) => !listed.some((e) => e.requirement === m.id)).map((m) => m.id);
    if (unexpected.length) reasons.unshift(`CONFORMANCE_REQUIRE_ALL=1 and MUST not run to a verdict: ${unexpected.join(', ')}`);
    if (staleSkips.length)
      reasons.unshift(`CONFORMANCE_REQUIRE_ALL=1 and stale expected skips (they did not skip): ${staleSkips.join(', ')}`);
  }
  const result: RunResult =
    failing || (input.requireAll === true && reasons.some((r) => r.startsWith('CONFORMANCE_REQUIRE_ALL')))
      ? 'fail'
      : reasons.length
        ? 'error'
        : 'pass';

  return {
    result,
    reasons,
    skippedMust,
    requireAll: input.requireAll === true,
    expectedSkips: { listed, stale: staleSkips },
    target: input.target?.target ?? null,
    serverVersion: input.target?.serverVersion ?? null,
    server: input.target
      ? { serverId: input.target.serverId, authScheme: input.target.authScheme, embedded: input.target.embedded }
      : null,
    strict: input.strict,
    run: {
      complete: input.scope.complete,
      scope: input.scope.why,
      playwrightStatus: input.playwrightStatus,
      tests: outcomes,
      durationMs: input.durationMs,
    },
    counts,
    requirements,
    notRun: notRun.map((id) => ({ id, level: REQUIREMENTS[id].level, title: REQUIREMENTS[id].title })),
    deviations: {
      applicable,
      used: [...usedBy].map(([id, tests]) => ({ id, tests })).sort((a, b) => a.id.localeCompare(b.id)),
      stale,
      note,
    },
    errors: input.errors.map((e) => oneLine(e, 500)),
    unmappedTests: unmapped,
  };
}

/** The summary when the target could not be tested (the global setup ends the run with exit code 2). */
export function unusableSummary(message: string, target: string | undefined, strict: boolean): Summary {
  return {
    result: 'unusable',
    reasons: [oneLine(message, 500)],
    skippedMust: [],
    requireAll: false,
    expectedSkips: { listed: [], stale: [] },
    target: target ?? null,
    serverVersion: null,
    server: null,
    strict,
    run: {
      complete: false,
      scope: 'no test ran',
      playwrightStatus: 'failed',
      tests: { passed: 0, failed: 0, timedOut: 0, skipped: 0, interrupted: 0 },
    },
    counts: { pass: 0, fail: 0, finding: 0, skip: 0, error: 0, notRun: Object.keys(REQUIREMENTS).length },
    requirements: [],
    notRun: (Object.keys(REQUIREMENTS) as RequirementId[]).map((id) => ({
      id,
      level: REQUIREMENTS[id].level,
      title: REQUIREMENTS[id].title,
    })),
    deviations: { applicable: [], used: [], stale: null, note: 'not checked: no test ran' },
    errors: [],
    unmappedTests: [],
  };
}

const ICON: Record<Status, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  finding: '⚠️ finding',
  skip: '⏭️ skip',
  error: '💥 error',
};
const HEADLINE: Record<RunResult, string> = {
  pass: '✅ PASS',
  fail: '❌ FAIL',
  error: '💥 ERROR',
  unusable: '⛔ TARGET UNUSABLE',
};

/** Text safe inside a Markdown table cell (GitHub renders HTML in cells, so < > are escaped too). */
function cell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s+/g, ' ')
    .trim();
}

const code = (id: string) => `\`${id}\``;

/** Inline code that survives backticks in its text. */
const inline = (text: string) => `\`\` ${text.replace(/\s+/g, ' ')} \`\``;

/** At most this many requirements get a section of their own; the table has them all. */
const DETAILED = 12;

/** Each failing, undecided and finding requirement: the rule, its source, what came back, why, and a
 * line that sends the request again. */
function failuresMarkdown(s: Summary): string[] {
  const views = failureViews(s.requirements);
  if (views.length === 0) return [];
  const out: string[] = [];
  for (const v of views.slice(0, DETAILED)) {
    out.push(`#### ${ICON[v.status]}: ${code(v.id)} (${v.level}) ${cell(v.title)}`);
    out.push(
      `Source: ${cell(v.source)}${v.since ? ` · since ZenML ${v.since}` : ''} · ${v.tests.map((t) => code(t.location)).join(', ')}`,
      '',
    );
    if (v.exchange) out.push(`- Sent and answered: ${inline(v.exchange)}${v.answer ? ` ${inline(v.answer.slice(0, 200))}` : ''}`);
    out.push(`- Why: ${cell(v.why)}${v.more ? ` (and ${v.more} more like it in summary.json)` : ''}`);
    if (v.curl)
      out.push(
        `- Reproduce${v.variables.length ? ` (set ${v.variables.map((x) => `$${x}`).join(', ')} first)` : ''}: ${inline(v.curl)}`,
      );
    out.push('');
  }
  if (views.length > DETAILED) out.push(`… ${views.length - DETAILED} more in the table below and in summary.json.`, '');
  return out;
}

export function renderMarkdown(s: Summary): string {
  const out: string[] = [];
  const skipped = s.skippedMust.reduce((n, g) => n + g.requirements.length, 0);
  const mustFailed = s.requirements.filter((r) => r.level === 'MUST' && r.status === 'fail').length;
  out.push(
    `### ZenML conformance: ${HEADLINE[s.result]}${mustFailed ? `, ${mustFailed} MUST failed` : ''}${skipped && s.result !== 'unusable' ? `, ${skipped} MUST not run to a verdict` : ''}`,
    '',
  );
  const target = s.target
    ? `Target ${code(s.target)}${s.serverVersion ? ` · ZenML ${s.serverVersion}` : ''}${s.server?.embedded ? ' (embedded reference server)' : ''}`
    : 'Target unknown';
  out.push(`${target} · ${s.run.scope}${s.strict ? ' · strict (CONFORMANCE_STRICT=1)' : ''}`, '');
  for (const reason of s.reasons) out.push(`- **${cell(reason)}**`);
  for (const g of s.skippedMust)
    out.push(`- ${g.requirements.length} MUST ${g.kind}: ${cell(g.reason)} (${g.requirements.map(code).join(', ')})`);
  if (s.expectedSkips.stale.length)
    out.push(`- Stale expected skips (they did not skip): ${s.expectedSkips.stale.map(code).join(', ')}`);
  if (s.reasons.length || s.skippedMust.length || s.expectedSkips.stale.length) out.push('');
  if (s.result === 'unusable') {
    out.push('No test ran: fix the target or the configuration (exit code 2).');
    return `${out.join('\n')}\n`;
  }

  const c = s.counts;
  out.push(
    `${c.pass} pass · ${c.fail} fail · ${c.finding} finding · ${c.skip} skip · ${c.error} error · ${c.notRun} not run  (requirements; tests: ${
      Object.entries(s.run.tests)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ') || 'none'
    })`,
    '',
  );
  out.push(...failuresMarkdown(s));
  out.push('| Requirement | Level | Status | Evidence |', '|---|---|---|---|');
  const rows = [...s.requirements].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  for (const r of rows) {
    const evidence =
      r.evidence.slice(0, 3).map(cell).join('<br>') +
      (r.evidence.length > 3 ? `<br>… ${r.evidence.length - 3} more in summary.json` : '');
    out.push(`| ${code(r.id)} ${cell(r.title)} | ${r.level} | ${ICON[r.status]} | ${evidence} |`);
  }
  out.push('');
  if (s.notRun.length) {
    const why = s.run.complete
      ? 'no test of the suite names them yet (`npm test` lists them too)'
      : `this run did not include their tests (${s.run.scope})`;
    out.push(
      `**Not run** (${s.notRun.length}; listed rather than omitted, so that a partial run is not mistaken for a complete one: ${why}): ${s.notRun.map((r) => `${code(r.id)} (${r.level})`).join(', ')}`,
      '',
    );
  }
  const used = s.deviations.used.map((u) => `${code(u.id)} (${u.tests} test${u.tests === 1 ? '' : 's'})`).join(', ');
  out.push(
    `**Known deviations** of the server from its own OpenAPI document (core/known-deviations.json): used ${used || 'none'}. Stale: ${s.deviations.stale?.length ? `${s.deviations.stale.map(code).join(', ')}: ` : ''}${cell(s.deviations.note)}.`,
    '',
  );
  if (s.errors.length) out.push('**Errors outside the tests:**', ...s.errors.map((e) => `- ${cell(e)}`), '');
  if (s.unmappedTests.length)
    out.push(`**Tests without a requirement:** ${s.unmappedTests.map((t) => cell(`${t.title} (${t.location})`)).join('; ')}`, '');
  out.push(
    'Details per test (requests, responses, schema errors): the Playwright HTML report; JUnit with the requirement IDs as properties: junit.xml.',
  );
  return `${out.join('\n')}\n`;
}
