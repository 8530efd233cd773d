/**
 * Rules that every answer of a kind must keep, checked by the validating client on each answer it
 * receives rather than by a test of their own (ZenML's error contract, zenml/error-contract.ts): a test
 * that happens to receive such an answer checks it, and a run that received some and saw none break
 * its rule passes the requirement (reporters/aggregate.ts, ANSWER_REQUIREMENTS in core/req.ts).
 * A rule must be cheap: it is asked about every answer, so it decides from the status and the request
 * line first.
 */
import type { RequirementId } from './catalogue';
import type { AnswerRequirement } from './req';

/** One answer as a rule sees it: raw (not redacted), never shown as it is. */
export interface Answer {
  /** Upper case. */
  method: string;
  /** The path as the document knows it (BASE_URL's prefix removed), without the query. */
  path: string;
  query: URLSearchParams;
  /** Request headers as sent, names in lower case. */
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  text: string;
  /** The parsed JSON body, undefined when it is not JSON. */
  body: unknown;
  /** Whether the document says the operation needs authentication; undefined when it cannot tell. */
  secured(): boolean | undefined;
}

export interface AnswerRule {
  /** One of ANSWER_REQUIREMENTS (core/req.ts), which also says in words which answers it speaks about. */
  requirement: AnswerRequirement;
  /** Whether the rule speaks about this answer. */
  applies(answer: Answer): boolean;
  /** Why the answer breaks the rule, or undefined when it keeps it. */
  breach(answer: Answer): string | undefined;
}

export interface Breach {
  requirement: RequirementId;
  message: string;
  status: number;
}

/** Name of the hidden annotation that carries, per test, how many answers each rule applied to
 * (a JSON object: requirement id → count). */
export const ANSWERS_CHECKED_ANNOTATION = '_answers_checked';
