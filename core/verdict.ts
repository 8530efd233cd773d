/**
 * Verdicts as data. Where a check decides (an assertion fails, a response breaks the document, a
 * SHOULD is not met), it records what it decided as a hidden `_verdict` annotation of the test: the
 * requirement, the kind, the message and, where there is one, the operation, the JSON pointer and the
 * redacted exchange. The conformance reporter reads these records and nothing else: no verdict is
 * ever inferred from the text of an error. A test that failed for a reason no record explains (a
 * crash, a timeout, a broken fixture) could not decide: its requirements get the verdict "error".
 */
import type { ErrorObject } from 'ajv';
import type { Exchange } from './http';
import type { RequirementId } from './catalogue';

export type ContractRequirement = 'OAS-STATUS' | 'OAS-CONTENT-TYPE' | 'OAS-SCHEMA' | 'OAS-OPERATION';

/** One way an answer breaks the server's own OpenAPI document. */
export interface Violation {
  requirement: ContractRequirement;
  operation: string;
  status: number;
  /** JSON pointer into the response body, for schema violations. */
  pointer?: string;
  message: string;
  /** Where in the document the rule lives. */
  schemaPath?: string;
  error?: ErrorObject;
  value?: unknown;
  contentType?: string;
}

/** Hidden in the HTML report (a leading underscore), read by the reporter. */
export const VERDICT_ANNOTATION = '_verdict';
/** The human-readable line of a SHOULD finding, shown in the HTML report. */
export const FINDING_ANNOTATION = 'finding';
/** What a passing test covered ("255 operations × no credentials: all 401"), for a pass's evidence. */
export const COVERAGE_ANNOTATION = 'covered';

export type RecordedStatus = 'fail' | 'finding';

export interface RecordedVerdict {
  requirement: RequirementId;
  status: RecordedStatus;
  /** assertion: a check of the test; contract: a response that breaks the OpenAPI document; rule: an
   * answer that breaks a rule checked on every answer of its kind (core/answer-rules.ts); finding: a
   * SHOULD not met. */
  kind: 'assertion' | 'contract' | 'rule' | 'finding';
  /** One paragraph, redacted. */
  message: string;
  /** Whether this record stands for an error in the test's results: "hard" (it threw, the test stopped
   * there), "soft" (recorded as an error, the test went on) or "none" (a finding). */
  raised: 'hard' | 'soft' | 'none';
  /** "GET /api/v1/current-user", the operation whose answer decided. */
  operation?: string;
  /** JSON pointer into the response body (schema violations). */
  pointer?: string;
  /** The HTTP status of the answer that decided. */
  httpStatus?: number;
  /** The exchange that decided, redacted (for the report's curl line). */
  exchange?: Exchange;
}

export interface Annotation {
  type: string;
  description?: string;
}

export function verdictAnnotation(v: RecordedVerdict): Annotation {
  return { type: VERDICT_ANNOTATION, description: JSON.stringify(v) };
}

/** The records among a test's annotations (malformed ones are ignored: they were not ours). */
export function recordedVerdicts(annotations: readonly Annotation[]): RecordedVerdict[] {
  const out: RecordedVerdict[] = [];
  for (const a of annotations) {
    if (a.type !== VERDICT_ANNOTATION || !a.description) continue;
    try {
      out.push(JSON.parse(a.description) as RecordedVerdict);
    } catch {
      /* not a record */
    }
  }
  return out;
}
