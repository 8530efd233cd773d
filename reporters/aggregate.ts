/**
 * All tests' verdicts (core/verdicts.ts) gathered per requirement: the worst verdict wins, and the
 * evidence says why (the records' messages) or, for a pass, what was checked.
 */
import { ANSWERS_CHECKED_ANNOTATION } from '../core/answer-rules';
import {
  ANSWER_REQUIREMENTS,
  CONTRACT_REQUIREMENTS,
  isAnswerRequirement,
  REQUIREMENTS,
  type Level,
  type RequirementId,
} from '../core/req';
import { COVERAGE_ANNOTATION, type RecordedVerdict } from '../core/verdict';
import { oneLine, requirementsOf, SEVERITY, verdictsOf, type Status, type TestRecord, type Verdict } from '../core/verdicts';

export interface TestRef {
  id?: string;
  title: string;
  location: string;
  status: Status;
}

export interface RequirementResult {
  id: RequirementId;
  level: Level;
  title: string;
  source: string;
  since?: string;
  status: Status;
  tests: TestRef[];
  /** Distinct one-line reasons (failures, errors, findings, skip reasons), worst first; for a pass,
   * what was checked. */
  evidence: string[];
  /** The records behind the fails and findings (one per test), for reports that show the exchange. */
  records: Array<RecordedVerdict & { test: string; location: string; testId?: string }>;
}

const EVIDENCE_LINES = 5;

function requestsOf(test: TestRecord): number {
  return Number(test.annotations.find((a) => a.type === '_requests')?.description ?? 0) || 0;
}

/** Per answer requirement, how many answers of this test its rule applied to. */
function answersCheckedOf(test: TestRecord): Record<string, number> {
  try {
    const raw = test.annotations.find((a) => a.type === ANSWERS_CHECKED_ANNOTATION)?.description;
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** Requirements checked on answers rather than only by tests of their own, with what the run checked. */
interface Checked {
  tests: number;
  answers: number;
}

/** The evidence line of a requirement checked on answers. */
function checkedEvidence(id: RequirementId, c: Checked): string {
  return isAnswerRequirement(id)
    ? `${ANSWER_REQUIREMENTS[id]}: ${c.answers} checked in ${c.tests} test${c.tests === 1 ? '' : 's'}`
    : `${c.answers} responses of ${c.tests} tests checked against the document`;
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
 * the suite receives, so every test that sent requests and did not break them counts as a pass for them;
 * the answer requirements (ERR-…, core/answer-rules.ts) likewise on every answer of their kind, so a run
 * that received such answers and saw none break the rule passes them.
 */
export function aggregate(tests: TestRecord[]): Aggregate {
  const byId = new Map<RequirementId, Array<Verdict & { test: TestRecord }>>();
  const unmapped: TestRef[] = [];
  const checked = new Map<RequirementId, Checked>();
  const count = (id: RequirementId, answers: number) => {
    const c = checked.get(id) ?? { tests: 0, answers: 0 };
    checked.set(id, { tests: c.tests + 1, answers: c.answers + answers });
  };
  for (const test of tests) {
    if (requirementsOf(test.annotations).length === 0)
      unmapped.push({
        title: test.title,
        location: test.location,
        status: test.outcome === 'passed' ? 'pass' : test.outcome === 'skipped' ? 'skip' : 'error',
      });
    for (const v of verdictsOf(test)) byId.set(v.requirement, [...(byId.get(v.requirement) ?? []), { ...v, test }]);
    if (!test.ran || test.outcome === 'skipped') continue;
    if (requestsOf(test) > 0) for (const id of CONTRACT_REQUIREMENTS) count(id, requestsOf(test));
    for (const [id, n] of Object.entries(answersCheckedOf(test)))
      if (isAnswerRequirement(id) && Number(n) > 0) count(id, Number(n));
  }

  const requirements: RequirementResult[] = [];
  const notRun: RequirementId[] = [];
  for (const id of Object.keys(REQUIREMENTS) as RequirementId[]) {
    const r = REQUIREMENTS[id];
    const verdicts = byId.get(id) ?? [];
    const implicit = checked.get(id);
    if (verdicts.length === 0 && !implicit) {
      notRun.push(id);
      continue;
    }
    let status: Status = verdicts.reduce<Status>(
      (worst, v) => (SEVERITY[v.status] > SEVERITY[worst] ? v.status : worst),
      verdicts.length > 0 ? 'skip' : 'pass',
    );
    if (implicit && status === 'skip') status = 'pass';
    // One entry per test, with that test's worst verdict for this requirement.
    const perTest = new Map<TestRecord, Verdict>();
    for (const v of verdicts) {
      const prev = perTest.get(v.test);
      if (!prev || SEVERITY[v.status] > SEVERITY[prev.status]) perTest.set(v.test, v);
    }
    const testRefs = [...perTest].map(([t, v]) => ({
      ...(t.id ? { id: t.id } : {}),
      title: t.title,
      location: t.location,
      status: v.status,
    }));
    const reasons = [...perTest.values()]
      .filter((v) => v.status !== 'pass' && v.evidence)
      .sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status])
      .map((v) => oneLine(v.status === 'skip' ? `skipped: ${v.evidence}` : v.evidence!));
    let evidence = [...new Set(reasons)];
    if (evidence.length > EVIDENCE_LINES)
      evidence = [...evidence.slice(0, EVIDENCE_LINES), `… and ${evidence.length - EVIDENCE_LINES} more`];
    if (status === 'pass') {
      const passed = testRefs.filter((t) => t.status === 'pass').length;
      // What the passing tests say they covered (a sweep: how many operations, which credentials).
      const covered = [...perTest]
        .filter(([, v]) => v.status === 'pass')
        .flatMap(([t]) => t.annotations.filter((a) => a.type === COVERAGE_ANNOTATION && a.description))
        .map((a) => oneLine(a.description!));
      evidence = [
        ...(passed > 0 ? [`${passed} test${passed === 1 ? '' : 's'} passed`] : []),
        ...covered,
        ...(implicit ? [checkedEvidence(id, implicit)] : []),
        ...evidence,
      ];
    }
    const records = [...perTest]
      .filter(([, v]) => v.record)
      .map(([t, v]) => ({ ...v.record!, test: t.title, location: t.location, ...(t.id ? { testId: t.id } : {}) }));
    requirements.push({
      id,
      level: r.level,
      title: r.title,
      source: r.source,
      ...('since' in r ? { since: r.since } : {}),
      status,
      tests: testRefs,
      evidence,
      records,
    });
  }
  return { requirements, notRun, unmapped };
}

export function countByStatus(requirements: RequirementResult[]): Record<Status, number> {
  const counts = { pass: 0, fail: 0, finding: 0, skip: 0, error: 0 } satisfies Record<Status, number>;
  for (const r of requirements) counts[r.status] += 1;
  return counts;
}
