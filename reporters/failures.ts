/**
 * What a reviewer must see first of each requirement that is not a plain pass: the rule and where it
 * comes from, what was sent and what came back, why it is not a pass, and how to send it again. The
 * step summary (summary.md) and the conformance page (summary.html) both render these.
 */
import { curlFor, curlVariables } from '../core/curl';
import type { Status } from '../core/verdicts';
import type { RequirementResult } from './aggregate';

export interface FailureView {
  id: string;
  level: string;
  status: Status;
  title: string;
  source: string;
  since?: string;
  /** Why: the first recorded message, else the first line of evidence. */
  why: string;
  /** "POST /api/v1/login → 200", when an exchange decided. */
  exchange?: string;
  /** A redacted excerpt of the answer's body. */
  answer?: string;
  curl?: string;
  /** The variables the curl line needs set. */
  variables: string[];
  /** The tests, with their Playwright test ids (for links into the HTML report). */
  tests: Array<{ title: string; location: string; id?: string }>;
  /** More records than the one shown. */
  more: number;
}

/** Worst first: fail, error, finding; skips are listed elsewhere. */
const SHOWN: readonly Status[] = ['fail', 'error', 'finding'];

export function failureViews(requirements: RequirementResult[]): FailureView[] {
  return requirements
    .filter((r) => SHOWN.includes(r.status))
    .sort((a, b) => SHOWN.indexOf(a.status) - SHOWN.indexOf(b.status))
    .map((r) => {
      const record = r.records.find((x) => x.status === r.status) ?? r.records[0];
      const ex = record?.exchange;
      const curl = ex ? curlFor(ex) : undefined;
      return {
        id: r.id,
        level: r.level,
        status: r.status,
        title: r.title,
        source: r.source,
        ...(r.since ? { since: r.since } : {}),
        why: record?.message.split('\n')[0] ?? r.evidence[0] ?? r.status,
        ...(ex
          ? { exchange: `${ex.request.method} ${ex.request.url} → ${ex.response.status}`, answer: ex.response.body.slice(0, 300) }
          : {}),
        ...(curl ? { curl } : {}),
        variables: curl ? curlVariables(curl) : [],
        tests: r.tests
          .filter((t) => t.status === r.status)
          .map((t) => ({ title: t.title, location: t.location, ...(t.id ? { id: t.id } : {}) })),
        more: Math.max(0, r.records.filter((x) => x.status === r.status).length - 1),
      };
    });
}
