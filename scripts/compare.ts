/**
 * `npm run compare -- <old summary.json> <new summary.json>`: what changed since the previous run,
 * as Markdown on stdout (and appended to $GITHUB_STEP_SUMMARY when set). Exit code 1 when a
 * requirement newly fails or could newly not be decided, 0 otherwise, 2 for unreadable input.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { compareSummaries, renderComparison } from '../reporters/compare';
import type { Summary } from '../reporters/summary';

function read(file: string | undefined): Summary {
  if (!file) throw new Error('usage: npm run compare -- <old summary.json> <new summary.json>');
  const s = JSON.parse(readFileSync(file, 'utf8')) as Summary;
  if (!Array.isArray(s.requirements) || !Array.isArray(s.notRun)) throw new Error(`${file} is not a conformance summary.json`);
  return s;
}

try {
  const [oldFile, newFile] = process.argv.slice(2);
  const comparison = compareSummaries(read(oldFile), read(newFile));
  const markdown = renderComparison(comparison, [oldFile, newFile]);
  process.stdout.write(markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  process.exitCode = comparison.regressions.length ? 1 : 0;
} catch (e) {
  console.error(`compare: ${(e as Error).message}`);
  process.exitCode = 2;
}
