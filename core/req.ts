/**
 * How a test names its requirement: `test(...req('LOGIN-PASSWORD', 'admin password grant'), async …)`
 * gives the test a greppable title starting with the ID, a @must/@should tag, an area tag and a
 * `requirement` annotation (ID, level, source) that the HTML report, JUnit and the conformance
 * reporter all read.
 */
import type { TestDetails } from '@playwright/test';
import { requirement, type RequirementId } from './catalogue';

export {
  MINTED_KEEPS_SOURCE_SINCE,
  REQUIREMENTS,
  requirement,
  isRequirementId,
  type RequirementId,
  type Level,
} from './catalogue';

export const REQUIREMENT_ANNOTATION = 'requirement';

/** Tag of tests that create, change or delete something on the target (service accounts, keys,
 * users): `--grep-invert @writes` is the read-only profile (docs/ci.md). */
export const WRITES_TAG = '@writes';

/** Checked by the validating client on every response rather than by a test of their own: each test
 * that sends requests checks them (fixtures/api-client.ts names them in a ContractViolation). */
export const CONTRACT_REQUIREMENTS = [
  'OAS-OPERATION',
  'OAS-STATUS',
  'OAS-CONTENT-TYPE',
  'OAS-SCHEMA',
] as const satisfies readonly RequirementId[];

/** Checked by the validating client on every answer of their kind (core/answer-rules.ts; ZenML's error
 * contract, zenml/error-contract.ts), beside any test of their own: a run that received such answers
 * and saw none break the rule passes them. The text says which answers, for the evidence. */
export const ANSWER_REQUIREMENTS = {
  'ERR-SIGN-IN-AGAIN': '401 answers to requests that carried credentials',
  'ERR-MISSING-CHALLENGE': '401 answers to requests without credentials on secured operations',
  'ERR-LOGIN-DETAIL': 'refused logins',
  'ERR-DEVICE-BODY': 'refused device-code polls',
} as const satisfies Partial<Record<RequirementId, string>>;

export type AnswerRequirement = keyof typeof ANSWER_REQUIREMENTS;

export function isAnswerRequirement(id: string): id is AnswerRequirement {
  return Object.hasOwn(ANSWER_REQUIREMENTS, id);
}

/**
 * `also`: further requirements the same test checks on the way (e.g. a SHOULD header on a 401).
 * `writes`: the test changes the target (see WRITES_TAG); every test that uses `resources` does.
 */
export function req(
  id: RequirementId,
  title: string,
  options: { also?: RequirementId[]; tags?: string[]; writes?: boolean } = {},
): [string, TestDetails] {
  const ids = [id, ...(options.also ?? [])];
  const main = requirement(id);
  return [
    `${id} ${title}`,
    {
      tag: [`@${main.level.toLowerCase()}`, `@${main.area}`, ...(options.writes ? [WRITES_TAG] : []), ...(options.tags ?? [])],
      annotation: ids.map((rid) => {
        const r = requirement(rid);
        return { type: REQUIREMENT_ANNOTATION, description: `${rid} (${r.level}): ${r.title}. Source: ${r.source}` };
      }),
    },
  ];
}

/** The requirement ID at the start of an annotation description. */
export function requirementIdOf(description: string | undefined): string | undefined {
  return description?.match(/^([A-Z][A-Z0-9-]+) \(/)?.[1];
}
