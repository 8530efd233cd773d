/**
 * How a test names its requirement: `test(...req('LOGIN-PASSWORD', 'admin password grant'), async …)`
 * gives the test a greppable title starting with the ID, a @must/@should tag, an area tag and a
 * `requirement` annotation (ID, level, source) that the HTML report, JUnit and the conformance
 * reporter all read.
 */
import type { TestDetails } from '@playwright/test';
import { requirement, type RequirementId } from './catalogue';

export { REQUIREMENTS, requirement, isRequirementId, type RequirementId, type Level } from './catalogue';

export const REQUIREMENT_ANNOTATION = 'requirement';

/** `also`: further requirements the same test checks on the way (e.g. a SHOULD header on a 401). */
export function req(id: RequirementId, title: string, options: { also?: RequirementId[]; tags?: string[] } = {}): [string, TestDetails] {
  const ids = [id, ...(options.also ?? [])];
  const main = requirement(id);
  return [
    `${id} ${title}`,
    {
      tag: [`@${main.level.toLowerCase()}`, `@${main.area}`, ...(options.tags ?? [])],
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
