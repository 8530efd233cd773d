/**
 * `npm run docs`: writes docs/CONFORMANCE.md, every requirement of the catalogue with its level, its
 * source and the tests that check it. The catalogue (core/catalogue/) is the single source;
 * which tests check what comes from the specs themselves, as Playwright lists them (`--list` loads the
 * spec files without running anything or needing a server), so tests made in loops and `also`
 * requirements are seen exactly. should() calls are found by scanning the spec sources, since they
 * only happen when a test runs. test/unit/catalogue.test.ts uses the same functions.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ANSWER_REQUIREMENTS,
  CONTRACT_REQUIREMENTS,
  isAnswerRequirement,
  REQUIREMENTS,
  WRITES_TAG,
  type RequirementId,
} from '../core/req';
import { requirementsOf } from '../core/verdicts';
import { PROJECT_ROOT as ROOT } from '../reference-server/python-env';

export { ROOT };
export const SPECS_DIR = path.join(ROOT, 'specs');
export const DOC_FILE = path.join(ROOT, 'docs', 'CONFORMANCE.md');

export interface ListedTest {
  title: string;
  /** Relative to the project root, e.g. "specs/login.spec.ts". */
  file: string;
  line: number;
  tags: string[];
  /** The requirements its annotations name (main first, then `also`). */
  requirements: RequirementId[];
  /** Names in the requirement annotations that are not catalogue IDs. */
  unknown: string[];
}

interface JsonSuite {
  specs?: Array<{
    title: string;
    file: string;
    line: number;
    tags: string[];
    tests: Array<{ annotations: Array<{ type: string; description?: string }> }>;
  }>;
  suites?: JsonSuite[];
}

/** Every test of the suite, with its requirements, from `playwright test --list`. */
export function listTests(): ListedTest[] {
  // A clean environment: a parent Playwright run (the self-tests) must not leak its worker settings in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PLAYWRIGHT_|TEST_|ZC_|BASE_URL$)/.test(k)));
  const run = spawnSync(
    path.join(ROOT, 'node_modules', '.bin', 'playwright'),
    ['test', '--list', '--reporter=json', '-c', path.join(ROOT, 'playwright.config.ts')],
    {
      cwd: ROOT,
      env: { ...env, FORCE_COLOR: '0' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  let report: { suites: JsonSuite[]; errors?: Array<{ message?: string }> };
  try {
    report = JSON.parse(run.stdout) as typeof report;
  } catch {
    throw new Error(`playwright test --list did not produce a report (exit ${run.status}):\n${run.stderr || run.stdout}`);
  }
  if (report.errors?.length) throw new Error(`the specs do not load:\n${report.errors.map((e) => e.message).join('\n')}`);
  const tests: ListedTest[] = [];
  const walk = (suite: JsonSuite): void => {
    for (const spec of suite.specs ?? []) {
      const annotations = spec.tests[0]?.annotations ?? [];
      const named = annotations.filter((a) => a.type === 'requirement').map((a) => a.description?.match(/^(\S+)/)?.[1] ?? '');
      const requirements = requirementsOf(annotations);
      tests.push({
        title: spec.title,
        file: path.relative(ROOT, path.join(SPECS_DIR, spec.file)),
        line: spec.line,
        tags: spec.tags.map((t) => `@${t}`),
        requirements,
        unknown: named.filter((n) => !requirements.includes(n as RequirementId)),
      });
    }
    for (const child of suite.suites ?? []) walk(child);
  };
  report.suites.forEach(walk);
  return tests.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.title.localeCompare(b.title));
}

export interface IdUse {
  id: string;
  file: string;
  line: number;
  /** How the spec names it. */
  via: 'req' | 'also' | 'should';
}

const ID = String.raw`[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+`;
const PATTERNS: Array<[IdUse['via'], RegExp]> = [
  ['req', new RegExp(String.raw`\breq\(\s*(['"\`])(${ID})\1`, 'g')],
  // should(condition, 'ID', message): the condition has no ';' (it is one expression).
  ['should', new RegExp(String.raw`\bshould\([^;]*?,\s*(['"\`])(${ID})\1\s*,`, 'g')],
];

/** Requirement IDs written in the spec sources: req('ID', …), also: ['ID', …] and should(…, 'ID', …). */
export function scanSpecSources(dir = SPECS_DIR): IdUse[] {
  const uses: IdUse[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    const text = readFileSync(path.join(dir, name), 'utf8');
    const file = path.relative(ROOT, path.join(dir, name));
    const lineAt = (index: number) => text.slice(0, index).split('\n').length;
    for (const [via, pattern] of PATTERNS) {
      for (const m of text.matchAll(pattern)) uses.push({ id: m[2], file, line: lineAt(m.index + m[0].indexOf(m[2])), via });
    }
    for (const m of text.matchAll(/\balso\s*:\s*\[([^\]]*)\]/g)) {
      for (const idm of m[1].matchAll(new RegExp(String.raw`(['"\`])(${ID})\1`, 'g')))
        uses.push({ id: idm[2], file, line: lineAt(m.index), via: 'also' });
    }
  }
  return uses;
}

/** The fixtures a test's function destructures, read from its source at the line Playwright reports. */
export function fixturesOf(test: Pick<ListedTest, 'file' | 'line'>): string[] {
  const lines = readFileSync(path.join(ROOT, test.file), 'utf8').split('\n');
  const from = lines.slice(test.line - 1).join('\n');
  const m = from.match(/async\s*\(\s*\{([^}]*)\}/);
  return m
    ? m[1]
        .split(',')
        .map((p) => p.split(':')[0].trim())
        .filter(Boolean)
    : [];
}

/** Fixtures with which a test creates, changes or deletes things of its own: a test that uses one must
 * carry WRITES_TAG. (The worker's shared service account, `sa`, is not one: see docs/ci.md.) */
export const WRITING_FIXTURES = ['resources'];

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

export function renderDoc(tests: ListedTest[], uses: IdUse[]): string {
  const ids = Object.keys(REQUIREMENTS) as RequirementId[];
  const must = ids.filter((id) => REQUIREMENTS[id].level === 'MUST').length;
  const out: string[] = [
    '# Conformance requirements',
    '',
    '<!-- Generated by `npm run docs` (scripts/conformance-doc.ts) from core/catalogue/ and specs/. Do not edit: `npm test` fails when this file is out of date. -->',
    '',
    `${ids.length} requirements: ${must} MUST, ${ids.length - must} SHOULD. A MUST is what ZenML clients rely on; a failure fails the run (exit code 1).`,
    'A SHOULD is hardening from the RFCs and OWASP; when it is not met the test passes with a finding, and `CONFORMANCE_STRICT=1` makes findings fail the run.',
    `Tests marked *(writes)* create, change or delete something on the target (tag \`${WRITES_TAG}\`); the read-only profile leaves them out (docs/ci.md).`,
    '',
  ];
  const areas = [...new Set(ids.map((id) => REQUIREMENTS[id].area))];
  for (const area of areas) {
    out.push(`## ${area}`, '', '| ID | Level | Requirement | Source | Checked by |', '|---|---|---|---|---|');
    for (const id of ids.filter((i) => REQUIREMENTS[i].area === area)) {
      const r = REQUIREMENTS[id];
      const checks = tests
        .filter((t) => t.requirements.includes(id))
        .map(
          (t) =>
            `${cell(t.title)} (\`${t.file}\`${t.tags.includes(WRITES_TAG) ? ', *writes*' : ''}${t.requirements[0] === id ? '' : ', on the way'})`,
        );
      const viaShould = [...new Set(uses.filter((u) => u.via === 'should' && u.id === id).map((u) => u.file))].filter(
        (f) => !tests.some((t) => t.file === f && t.requirements.includes(id)),
      );
      checks.push(...viaShould.map((f) => `should() in \`${f}\``));
      if ((CONTRACT_REQUIREMENTS as readonly string[]).includes(id))
        checks.unshift('every response the suite receives (contract/client.ts)');
      if (isAnswerRequirement(id))
        checks.unshift(`every one of the ${ANSWER_REQUIREMENTS[id]} the suite receives (zenml/error-contract.ts)`);
      out.push(
        `| \`${id}\` | ${r.level} | ${cell(r.title)} | ${cell(r.source)} | ${checks.length ? checks.join('<br>') : '**no test yet**'} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

if (require.main === module) {
  writeFileSync(DOC_FILE, renderDoc(listTests(), scanSpecSources()));
  console.log(`wrote ${path.relative(process.cwd(), DOC_FILE)}`);
}
