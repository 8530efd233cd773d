/**
 * From test outcomes to requirement verdicts: the pure part of the conformance reporter, so that unit
 * tests can feed it outcomes without running Playwright.
 *
 * A test names its requirements in `requirement` annotations (requirements/index.ts). What its outcome
 * says about each of them:
 * - passed: pass; a `finding` annotation (fixtures/verdict.ts) makes that SHOULD a finding;
 * - skipped: skip, with the reason of its skip annotation;
 * - failed on an assertion (expect) or a contract violation: fail, for the test's main requirement (or
 *   the one of its requirements the message starts with, "[ID] …"); what else it names was not decided
 *   (skip). A ContractViolation also fails the OAS-* requirement it names, whatever the test was about;
 * - failed on anything else (a TypeError, a network error, a setup step, a timeout): error, i.e. the
 *   suite could not decide, which is not the same as the server breaking the rule.
 * Per requirement the worst verdict wins: fail > error > finding > pass > skip.
 */
import { CONTRACT_REQUIREMENTS, REQUIREMENT_ANNOTATION, REQUIREMENTS, isRequirementId, requirementIdOf, type Level, type RequirementId } from '../requirements';
import { FINDING_ANNOTATION } from '../fixtures/verdict';
import { redact } from '../fixtures/redaction';

export type Status = 'pass' | 'fail' | 'finding' | 'skip' | 'error';

/** Worst first: the order of the summary table and of aggregation. */
export const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'finding', 'skip', 'pass'];
const SEVERITY: Record<Status, number> = { skip: 0, pass: 1, finding: 2, error: 3, fail: 4 };

export interface Annotation {
  type: string;
  description?: string;
}

/** One test as the reporter saw it (its last attempt). */
export interface TestRecord {
  title: string;
  /** "specs/login.spec.ts:12" */
  location: string;
  outcome: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Static (req()) and runtime (finding, deviation, skip) annotations. */
  annotations: Annotation[];
  /** Error messages, ANSI codes removed. */
  errors: string[];
  /** Whether the test body ran at all (a test of a stopped run has no result). */
  ran: boolean;
}

export interface Verdict {
  requirement: RequirementId;
  status: Status;
  /** One line: why, for a status other than pass. */
  evidence?: string;
}

export interface TestRef {
  title: string;
  location: string;
  status: Status;
}

export interface RequirementResult {
  id: RequirementId;
  level: Level;
  title: string;
  source: string;
  status: Status;
  tests: TestRef[];
  /** Distinct one-line reasons (failures, errors, findings, skip reasons), worst first; for a pass,
   * what was checked. */
  evidence: string[];
}

const EVIDENCE_MAX = 300;
const EVIDENCE_LINES = 5;

/** One redacted line of bounded length. */
export function oneLine(text: string, max = EVIDENCE_MAX): string {
  const line = redact(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export const ANSI = /\u001b\[[0-9;]*m/g;
const CONTRACT_LINE = /^\[(OAS-[A-Z-]+)\] (.*)$/gm;
const FINDING_TEXT = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\] SHOULD not met: ([^\n]*)/;
// The matcher hint Playwright puts in every expect() failure (also expect.poll, .resolves, toPass);
// its JUnit reporter tells <failure> from <error> the same way.
const ASSERTION = /expect\(.*?\)\.(?:not\.)?\w+/;

export type ErrorKind = 'contract' | 'finding' | 'assertion' | 'error';

export interface ClassifiedError {
  kind: ErrorKind;
  /** Contract: the OAS requirement(s) with their violation line; finding: the SHOULD. */
  named: Array<{ id: RequirementId; line: string }>;
  /** The first meaningful line, for evidence. */
  headline: string;
}

/** What kind of failure an error message is (see the header). */
export function classifyError(raw: string): ClassifiedError {
  const message = raw.replace(ANSI, '');
  const text = message.replace(/^(?:Error|ContractViolation): /, '');
  const headline = text.split('\n').find((l) => l.trim() !== '') ?? text;
  if (/^ContractViolation: /.test(message) || /does not match the server's OpenAPI document/.test(headline)) {
    const named = [...text.matchAll(CONTRACT_LINE)].filter((m) => isRequirementId(m[1]!)).map((m) => ({ id: m[1] as RequirementId, line: `[${m[1]}] ${m[2]}` }));
    if (named.length > 0) return { kind: 'contract', named, headline: named[0]!.line };
  }
  const finding = text.match(FINDING_TEXT);
  if (finding && isRequirementId(finding[1]!) && text.trimStart().startsWith(`[${finding[1]}]`)) {
    return { kind: 'finding', named: [{ id: finding[1] as RequirementId, line: finding[2]! }], headline };
  }
  if (ASSERTION.test(text)) return { kind: 'assertion', named: [], headline: withValues(headline, text) };
  return { kind: 'error', named: [], headline };
}

/** An assertion's message with what was expected and received, when expect() printed them (a bare
 * matcher hint says nothing by itself). */
function withValues(headline: string, text: string): string {
  const value = (label: string) => text.match(new RegExp(`^${label}(?: [a-z]+)*: *(.*)$`, 'm'))?.[1]?.trim();
  const [expected, received] = [value('Expected'), value('Received')];
  if (expected === undefined || received === undefined) return headline;
  const values = `expected ${expected}, received ${received}`;
  return ASSERTION.test(headline) ? values : `${headline} (${values})`;
}

export function requirementsOf(annotations: Annotation[]): RequirementId[] {
  const ids = annotations.filter((a) => a.type === REQUIREMENT_ANNOTATION).map((a) => requirementIdOf(a.description));
  return [...new Set(ids.filter((id): id is RequirementId => !!id && isRequirementId(id)))];
}

function findingsOf(annotations: Annotation[]): Map<RequirementId, string> {
  const found = new Map<RequirementId, string>();
  for (const a of annotations) {
    if (a.type !== FINDING_ANNOTATION) continue;
    const m = a.description?.match(FINDING_TEXT);
    if (m && isRequirementId(m[1]!) && !found.has(m[1] as RequirementId)) found.set(m[1] as RequirementId, m[2]!);
  }
  return found;
}

const SKIP_TYPES = new Set(['skip', 'fixme']);

/** What one test says about each requirement it names (and each one a contract violation names). */
export function verdictsOf(test: TestRecord): Verdict[] {
  const own = requirementsOf(test.annotations);
  const findings = findingsOf(test.annotations);
  const out: Verdict[] = [];

  if (test.outcome === 'passed') {
    for (const id of own) out.push(findings.has(id) ? { requirement: id, status: 'finding', evidence: findings.get(id) } : { requirement: id, status: 'pass' });
    // should() with an ID the test does not declare still counts (the catalogue check asks for `also`).
    for (const [id, line] of findings) if (!own.includes(id)) out.push({ requirement: id, status: 'finding', evidence: line });
    return out;
  }
  if (test.outcome === 'skipped') {
    const reason = test.annotations.find((a) => SKIP_TYPES.has(a.type))?.description;
    const evidence = reason ?? (test.ran ? 'skipped' : 'not run: the run stopped before this test');
    return own.map((id) => ({ requirement: id, status: 'skip', evidence }));
  }

  // failed, timed out or interrupted
  const classified = test.errors.map(classifyError);
  if (test.outcome === 'timedOut' && !classified.some((c) => c.kind === 'assertion')) {
    classified.push({ kind: 'error', named: [], headline: test.errors.find((e) => /timeout/i.test(e))?.split('\n')[0] ?? 'the test timed out' });
  }
  if (test.outcome === 'interrupted' && classified.length === 0) classified.push({ kind: 'error', named: [], headline: 'interrupted' });
  const contract = classified.filter((c) => c.kind === 'contract');
  const assertion = classified.find((c) => c.kind === 'assertion');
  const error = classified.find((c) => c.kind === 'error');
  const strictFindings = classified.filter((c) => c.kind === 'finding').flatMap((c) => c.named);

  for (const c of contract) for (const n of c.named) out.push({ requirement: n.id, status: 'fail', evidence: n.line });
  for (const f of strictFindings) out.push({ requirement: f.id, status: 'finding', evidence: f.line });
  for (const [id, line] of findings) out.push({ requirement: id, status: 'finding', evidence: line });

  // A failure is the test's main requirement's, unless its message names another of the test's
  // requirements ("[ID] …"); the others were not decided, since the test stopped there.
  const failure = assertion ?? (contract.length > 0 ? { headline: `the response broke the contract: ${contract[0]!.headline}` } : undefined);
  const blamed = failure && (own.find((id) => failure.headline.startsWith(`[${id}]`)) ?? own[0]);
  const decided = new Set(out.map((v) => v.requirement));
  for (const id of own) {
    if (decided.has(id) && id !== blamed) continue;
    if (id === blamed) out.push({ requirement: id, status: 'fail', evidence: failure!.headline });
    else if (error) out.push({ requirement: id, status: 'error', evidence: error.headline });
    else if (blamed) out.push({ requirement: id, status: 'skip', evidence: `not decided: the test stopped at a failure of ${blamed}` });
    else out.push({ requirement: id, status: 'skip', evidence: 'not decided: the test stopped at a SHOULD finding (CONFORMANCE_STRICT=1)' });
  }
  return out;
}

function requestsOf(test: TestRecord): number {
  return Number(test.annotations.find((a) => a.type === '_requests')?.description ?? 0) || 0;
}

export interface Aggregate {
  requirements: RequirementResult[];
  /** Catalogue requirements no test of this run named. */
  notRun: RequirementId[];
  /** Tests without a requirement annotation (every spec test should have one). */
  unmapped: TestRef[];
}

/**
 * All verdicts per requirement. The contract requirements (OAS-STATUS …) are checked on every response
 * the suite receives, so every test that sent requests and did not break them counts as a pass for them.
 */
export function aggregate(tests: TestRecord[]): Aggregate {
  const byId = new Map<RequirementId, { verdicts: Array<Verdict & { test: TestRecord }> }>();
  const unmapped: TestRef[] = [];
  const contractChecked = { tests: 0, requests: 0 };
  for (const test of tests) {
    const verdicts = verdictsOf(test);
    if (requirementsOf(test.annotations).length === 0) unmapped.push({ title: test.title, location: test.location, status: test.outcome === 'passed' ? 'pass' : test.outcome === 'skipped' ? 'skip' : 'error' });
    for (const v of verdicts) {
      const entry = byId.get(v.requirement) ?? { verdicts: [] };
      entry.verdicts.push({ ...v, test });
      byId.set(v.requirement, entry);
    }
    if (test.ran && test.outcome !== 'skipped' && requestsOf(test) > 0) {
      contractChecked.tests += 1;
      contractChecked.requests += requestsOf(test);
    }
  }

  const requirements: RequirementResult[] = [];
  const notRun: RequirementId[] = [];
  for (const id of Object.keys(REQUIREMENTS) as RequirementId[]) {
    const r = REQUIREMENTS[id];
    const verdicts = byId.get(id)?.verdicts ?? [];
    const implicit = (CONTRACT_REQUIREMENTS as readonly string[]).includes(id) && contractChecked.tests > 0;
    if (verdicts.length === 0 && !implicit) {
      notRun.push(id);
      continue;
    }
    let status: Status = verdicts.length > 0 ? verdicts.reduce<Status>((worst, v) => (SEVERITY[v.status] > SEVERITY[worst] ? v.status : worst), 'skip') : 'pass';
    if (implicit && status === 'skip') status = 'pass';
    // One entry per test, with that test's worst verdict for this requirement.
    const perTest = new Map<TestRecord, Verdict>();
    for (const v of verdicts) {
      const prev = perTest.get(v.test);
      if (!prev || SEVERITY[v.status] > SEVERITY[prev.status]) perTest.set(v.test, v);
    }
    const tests = [...perTest].map(([t, v]) => ({ title: t.title, location: t.location, status: v.status }));
    const reasons = [...perTest.values()]
      .filter((v) => v.status !== 'pass' && v.evidence)
      .sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status])
      .map((v) => oneLine(v.status === 'skip' ? `skipped: ${v.evidence}` : v.evidence!));
    let evidence = [...new Set(reasons)];
    if (evidence.length > EVIDENCE_LINES) evidence = [...evidence.slice(0, EVIDENCE_LINES), `… and ${evidence.length - EVIDENCE_LINES} more`];
    if (status === 'pass') {
      const passed = tests.filter((t) => t.status === 'pass').length;
      evidence = [
        ...(passed > 0 ? [`${passed} test${passed === 1 ? '' : 's'} passed`] : []),
        ...(implicit ? [`${contractChecked.requests} responses of ${contractChecked.tests} tests checked against the document`] : []),
        ...evidence,
      ];
    }
    requirements.push({ id, level: r.level, title: r.title, source: r.source, status, tests, evidence });
  }
  return { requirements, notRun, unmapped };
}

export function countByStatus(requirements: RequirementResult[]): Record<Status, number> {
  const counts = { pass: 0, fail: 0, finding: 0, skip: 0, error: 0 } satisfies Record<Status, number>;
  for (const r of requirements) counts[r.status] += 1;
  return counts;
}
