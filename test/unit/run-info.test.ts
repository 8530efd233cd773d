/**
 * Whether a run was complete (stale known deviations are only known then), read from the command line
 * and from the metadata that shards leave in a merged report.
 */
import { expect, test } from '@playwright/test';
import { completeness, runScope, safeUrl } from '../../core/run-info';

const argv = (...args: string[]) => ['/usr/bin/node', '/p/node_modules/.bin/playwright', 'test', ...args];

test('options that do not leave tests out keep the run complete', () => {
  expect(
    runScope(
      argv('-c', 'playwright.config.ts', '--workers', '2', '--reporter=list', '--output', 'out', '--retries=1', '-x'),
      ['conformance'],
      null,
    ),
  ).toEqual({ filters: [] });
});

test('grep, file arguments, --last-failed and a partial --project are filters', () => {
  expect(runScope(argv('--grep', '@must'), [''], null).filters).toEqual(['--grep @must']);
  expect(runScope(argv('-g', 'LOGIN', '--grep-invert=@writes'), [''], null).filters).toEqual([
    '-g LOGIN',
    '--grep-invert @writes',
  ]);
  expect(runScope(argv('-c', 'x.config.ts', 'specs/login.spec.ts'), [''], null).filters).toEqual(['specs/login.spec.ts']);
  expect(runScope(argv('--last-failed'), [''], null).filters).toEqual(['--last-failed']);
  expect(runScope(argv('--project', 'a'), ['a', 'b'], null).filters).toEqual(['--project a']);
  expect(runScope(argv('--project', 'a', '--project=b'), ['a', 'b'], null).filters).toEqual([]);
});

test('a shard is recorded; merged shards are complete only when all are there and unfiltered', () => {
  expect(runScope(argv('--shard=1/2'), [''], { current: 1, total: 2 })).toEqual({ filters: [], shard: { current: 1, total: 2 } });
  const shard = (current: number, total: number, filters: string[] = []): [string, unknown] => [
    `zenml-conformance-run ${current}/${total}`,
    { filters, shard: { current, total } },
  ];
  expect(completeness(Object.fromEntries([shard(1, 2), shard(2, 2)])).complete).toBe(true);
  expect(completeness(Object.fromEntries([shard(2, 2)]))).toEqual({ complete: false, why: 'shards 2 of 2' });
  expect(completeness(Object.fromEntries([shard(1, 2, ['--grep @openapi']), shard(2, 2, ['--grep @openapi'])]))).toEqual({
    complete: false,
    why: 'filtered: --grep @openapi',
  });
  expect(completeness({ 'zenml-conformance-run': { filters: [] } }).complete).toBe(true);
  expect(completeness({}).complete).toBe(false);
});

test('the target URL never carries credentials into a report', () => {
  expect(safeUrl('https://admin:s3cret@zenml.example.com/prefix/')).toBe('https://zenml.example.com/prefix');
});
