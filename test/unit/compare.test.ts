/** `npm run compare`: what changed between two summary.json files. */
import { expect, test } from '@playwright/test';
import { compareSummaries, renderComparison } from '../../reporters/compare';
import type { Summary } from '../../reporters/summary';

const summary = (statuses: Record<string, string>, notRun: string[] = []): Summary =>
  ({
    requirements: Object.entries(statuses).map(([id, status]) => ({
      id,
      level: id.startsWith('S-') ? 'SHOULD' : 'MUST',
      status,
      evidence: [`${id} is ${status}`],
    })),
    notRun: notRun.map((id) => ({ id, level: 'MUST', title: id })),
  }) as unknown as Summary;

test('new failures, fixes and other changes are told apart; unchanged ones are only counted', () => {
  const before = summary({ A: 'pass', B: 'fail', C: 'pass', D: 'skip', 'S-E': 'pass', F: 'error' }, ['G']);
  const after = summary({ A: 'fail', B: 'pass', C: 'pass', D: 'pass', 'S-E': 'finding', F: 'error', G: 'error', H: 'pass' });
  const c = compareSummaries(before, after);
  expect(c.regressions.map((x) => [x.id, x.from, x.to])).toEqual([
    ['A', 'pass', 'fail'],
    ['G', 'not run', 'error'],
  ]);
  expect(c.fixes.map((x) => [x.id, x.from, x.to])).toEqual([['B', 'fail', 'pass']]);
  expect(c.changes.map((x) => [x.id, x.from, x.to])).toEqual([
    ['D', 'skip', 'pass'],
    ['H', 'absent', 'pass'],
    ['S-E', 'pass', 'finding'],
  ]);
  expect(c.unchanged).toBe(2);
  const md = renderComparison(c, ['old.json', 'new.json']);
  expect(md).toContain('### New failures (2)\n- `A` (MUST): pass → fail: A is fail');
  expect(md).toContain('### Fixed (1)');
  expect(md).toContain('2 requirement(s) unchanged.');
});

test('two identical runs: nothing changed', () => {
  const s = summary({ A: 'pass', B: 'finding' });
  expect(renderComparison(compareSummaries(s, s), ['a', 'b'])).toContain('2 requirement(s) unchanged. Nothing changed.');
});
