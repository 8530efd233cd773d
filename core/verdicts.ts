/**
 * From a test's outcome and its recorded verdicts (core/verdict.ts) to one verdict per requirement:
 * the pure part of the conformance reporter, also used by the fixture that labels a failed test.
 *
 * - Recorded fails and findings stand as they are, whatever else happened.
 * - passed: every requirement the test names and no record decided passes.
 * - skipped: skip, with the reason of its skip annotation.
 * - failed: a requirement the test names and no record decided is
 *   - pass, when the only errors are soft records (contract violations: the test went on to its end);
 *   - skip ("not decided"), when a recorded hard failure of another requirement stopped the test;
 *   - error, when an error no record explains is left (a crash, a timeout, a fixture that broke):
 *     the suite could not decide, which is not the same as the server breaking the rule.
 * Per requirement the worst verdict wins: fail > error > finding > pass > skip.
 */
import { isRequirementId, type RequirementId } from './catalogue';
import { REQUIREMENT_ANNOTATION, requirementIdOf } from './req';
import { redact } from './redaction';
import { recordedVerdicts, type Annotation, type RecordedVerdict } from './verdict';

export type Status = 'pass' | 'fail' | 'finding' | 'skip' | 'error';

/** Worst first: the order of the summary table and of aggregation. */
export const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'finding', 'skip', 'pass'];
export const SEVERITY: Record<Status, number> = { skip: 0, pass: 1, finding: 2, error: 3, fail: 4 };

/** One test as the reporter saw it (its last attempt). */
export interface TestRecord {
  /** Playwright's test id (the HTML report's #?testId=…), where known. */
  id?: string;
  title: string;
  /** "specs/login.spec.ts:12" */
  location: string;
  outcome: 'passed' | 'failed' | 'timedOut' | 'skipped' | 'interrupted';
  /** Static (req()) and runtime (verdict records, deviations, skip reasons) annotations. */
  annotations: Annotation[];
  /** Error messages, for evidence only: never to decide a verdict. */
  errors: string[];
  /** Whether the test body ran at all (a test of a stopped run has no result). */
  ran: boolean;
}

export interface Verdict {
  requirement: RequirementId;
  status: Status;
  /** One line: why, for a status other than pass. */
  evidence?: string;
  /** The record behind a fail or finding. */
  record?: RecordedVerdict;
}

const EVIDENCE_MAX = 300;
export const ANSI = /\u001b\[[0-9;]*m/g;

/** One redacted line of bounded length. */
export function oneLine(text: string, max = EVIDENCE_MAX): string {
  const line = redact(text.replace(ANSI, '')).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function requirementsOf(annotations: readonly Annotation[]): RequirementId[] {
  const ids = annotations.filter((a) => a.type === REQUIREMENT_ANNOTATION).map((a) => requirementIdOf(a.description));
  return [...new Set(ids.filter((id): id is RequirementId => !!id && isRequirementId(id)))];
}

const SKIP_TYPES = new Set(['skip', 'fixme']);

/** What one test says about each requirement it names or a record names. */
export function verdictsOf(test: TestRecord): Verdict[] {
  const own = requirementsOf(test.annotations);
  if (test.outcome === 'skipped') {
    const reason = test.annotations.find((a) => SKIP_TYPES.has(a.type))?.description;
    const evidence = reason ?? (test.ran ? 'skipped' : 'not run: the run stopped before this test');
    return own.map((id) => ({ requirement: id, status: 'skip', evidence }));
  }
  const records = recordedVerdicts(test.annotations).filter((r) => isRequirementId(r.requirement));
  const out: Verdict[] = records.map((r) => ({ requirement: r.requirement, status: r.status, evidence: r.message, record: r }));
  const decided = new Set(records.map((r) => r.requirement));
  const undecided = own.filter((id) => !decided.has(id));
  if (test.outcome === 'passed') return [...out, ...undecided.map((id): Verdict => ({ requirement: id, status: 'pass' }))];

  // failed, timed out or interrupted: is every error explained by a record?
  const explained = records.filter((r) => r.raised !== 'none').length;
  const unexplained = test.errors.length > explained || test.outcome !== 'failed';
  const stoppedBy = records.find((r) => r.raised === 'hard');
  for (const id of undecided) {
    if (unexplained) out.push({ requirement: id, status: 'error', evidence: `the suite could not decide: ${headline(test)}` });
    else if (stoppedBy)
      out.push({
        requirement: id,
        status: 'skip',
        evidence: `not decided: the test stopped at a failure of ${stoppedBy.requirement}`,
      });
    else out.push({ requirement: id, status: 'pass' });
  }
  return out;
}

/** The error a reader should see first for an undecided test: a timeout or the last error. */
function headline(test: TestRecord): string {
  if (test.outcome === 'timedOut') return test.errors.find((e) => /timeout/i.test(e))?.split('\n')[0] ?? 'the test timed out';
  if (test.outcome === 'interrupted') return 'the run was interrupted';
  const last = test.errors.at(-1) ?? 'failed without an error message';
  return (
    last
      .replace(ANSI, '')
      .split('\n')
      .find((l) => l.trim() !== '') ?? last
  );
}
