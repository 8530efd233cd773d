/**
 * The catalogue (requirements/catalogue.ts) is the single source of requirement IDs: the specs name
 * only IDs it has, every MUST has a test, and docs/CONFORMANCE.md is generated from it. A SHOULD without
 * a test is a warning, not a failure.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import {
  ANSWER_REQUIREMENTS,
  CONTRACT_REQUIREMENTS,
  isRequirementId,
  REQUIREMENTS,
  WRITES_TAG,
  type RequirementId,
} from '../../core/req';
import {
  DOC_FILE,
  fixturesOf,
  listTests,
  renderDoc,
  scanSpecSources,
  WRITING_FIXTURES,
  type IdUse,
  type ListedTest,
} from '../../scripts/conformance-doc';

// One listing for all checks (it spawns `playwright test --list`, about two seconds).
let listed: ListedTest[] | undefined;
const tests = () => (listed ??= listTests());
const where = (u: { file: string; line: number }) => `${u.file}:${u.line}`;

test('the specs name only requirement IDs of the catalogue', () => {
  const unknown: string[] = [
    ...scanSpecSources()
      .filter((u) => !isRequirementId(u.id))
      .map((u) => `${u.id} (${u.via} at ${where(u)})`),
    ...tests().flatMap((t) => t.unknown.map((id) => `${id} (annotation of "${t.title}" at ${where(t)})`)),
  ];
  expect(unknown, 'IDs that requirements/catalogue.ts does not define').toEqual([]);
});

test('every test names its requirement', () => {
  const without = tests()
    .filter((t) => t.requirements.length === 0)
    .map((t) => `${t.title} (${where(t)})`);
  expect(without, "tests without req('ID', …): the reports cannot place them").toEqual([]);
});

test('every MUST requirement has a test', () => {
  const covered = new Set<string>([
    ...tests().flatMap((t) => t.requirements),
    ...CONTRACT_REQUIREMENTS,
    ...Object.keys(ANSWER_REQUIREMENTS),
  ]);
  const missing = (Object.keys(REQUIREMENTS) as RequirementId[]).filter(
    (id) => REQUIREMENTS[id].level === 'MUST' && !covered.has(id),
  );
  expect(missing, 'MUST requirements that no test names (as its requirement or in `also`)').toEqual([]);
});

test('SHOULD requirements without a test are reported as warnings', () => {
  const covered = new Set<string>(tests().flatMap((t) => t.requirements));
  const missing = (Object.keys(REQUIREMENTS) as RequirementId[]).filter(
    (id) => REQUIREMENTS[id].level === 'SHOULD' && !covered.has(id),
  );
  for (const id of missing) {
    console.warn(`warning: SHOULD ${id} has no test`);
    test.info().annotations.push({ type: 'warning', description: `SHOULD ${id} has no test` });
  }
});

test('a should() names a requirement that a test of its file declares', () => {
  // The reporter maps a passing test to the requirements it declares; a SHOULD checked only through
  // should() would show as "not run" whenever it holds.
  const undeclared = scanSpecSources()
    .filter((u): u is IdUse => u.via === 'should' && isRequirementId(u.id))
    .filter((u) => !tests().some((t) => t.file === u.file && t.requirements.includes(u.id as RequirementId)))
    .map((u) => `should(…, '${u.id}') at ${where(u)}: add '${u.id}' to that test's req(…, { also: ['${u.id}'] })`);
  expect(undeclared).toEqual([]);
});

test(`tests that change the target carry ${WRITES_TAG}`, () => {
  // The read-only profile is --grep-invert @writes: a test that creates resources without the tag
  // would write to a server the user asked not to touch.
  const untagged = tests()
    .filter((t) => !t.tags.includes(WRITES_TAG) && fixturesOf(t).some((f) => WRITING_FIXTURES.includes(f)))
    .map(
      (t) =>
        `${t.title} (${where(t)}) uses ${fixturesOf(t)
          .filter((f) => WRITING_FIXTURES.includes(f))
          .join(', ')}: req(…, { writes: true })`,
    );
  expect(untagged).toEqual([]);
});

test('docs/CONFORMANCE.md is up to date', () => {
  const expected = renderDoc(tests(), scanSpecSources());
  let committed = '';
  try {
    committed = readFileSync(DOC_FILE, 'utf8');
  } catch {
    /* missing: reported below */
  }
  expect(
    committed === expected,
    'docs/CONFORMANCE.md differs from what the catalogue and the specs give: run `npm run docs`',
  ).toBe(true);
});
