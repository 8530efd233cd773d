/**
 * What changed between two runs, from their summary.json files: requirements that newly fail (or
 * could newly not be decided), those fixed, every other change of status, and requirements only one
 * run knows. The pure part of `npm run compare`.
 */
import type { Status } from '../core/verdicts';
import type { Summary } from './summary';

type Known = Status | 'not run';

export interface Change {
  id: string;
  level: string;
  from: Known | 'absent';
  to: Known | 'absent';
  /** The new run's first line of evidence (or the old run's, for a requirement that is gone). */
  evidence?: string;
}

export interface Comparison {
  regressions: Change[];
  fixes: Change[];
  changes: Change[];
  unchanged: number;
}

const BAD: ReadonlySet<Known | 'absent'> = new Set(['fail', 'error']);

function statuses(s: Summary): Map<string, { status: Known; level: string; evidence?: string }> {
  const out = new Map<string, { status: Known; level: string; evidence?: string }>();
  for (const r of s.requirements) out.set(r.id, { status: r.status, level: r.level, evidence: r.evidence[0] });
  for (const r of s.notRun) out.set(r.id, { status: 'not run', level: r.level });
  return out;
}

export function compareSummaries(before: Summary, after: Summary): Comparison {
  const [a, b] = [statuses(before), statuses(after)];
  const result: Comparison = { regressions: [], fixes: [], changes: [], unchanged: 0 };
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const [x, y] = [a.get(id), b.get(id)];
    const change: Change = {
      id,
      level: (y ?? x)!.level,
      from: x?.status ?? 'absent',
      to: y?.status ?? 'absent',
      evidence: (y ?? x)?.evidence,
    };
    if (change.from === change.to) result.unchanged += 1;
    else if (BAD.has(change.to)) result.regressions.push(change);
    else if (BAD.has(change.from) && change.to === 'pass') result.fixes.push(change);
    else result.changes.push(change);
  }
  return result;
}

export function renderComparison(c: Comparison, labels: [string, string]): string {
  const line = (x: Change) => `- \`${x.id}\` (${x.level}): ${x.from} → ${x.to}${x.evidence ? `: ${x.evidence}` : ''}`;
  const section = (title: string, xs: Change[]) => (xs.length ? [`### ${title} (${xs.length})`, ...xs.map(line), ''] : []);
  return [
    `## Conformance: ${labels[0]} → ${labels[1]}`,
    '',
    ...section('New failures', c.regressions),
    ...section('Fixed', c.fixes),
    ...section('Other changes', c.changes),
    `${c.unchanged} requirement(s) unchanged.${c.regressions.length + c.fixes.length + c.changes.length === 0 ? ' Nothing changed.' : ''}`,
    '',
  ].join('\n');
}
