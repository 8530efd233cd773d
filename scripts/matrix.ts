/**
 * `npm run matrix -- <entry>...`: the suite against several ZenML releases and configurations, one
 * after the other, each on an embedded server of its own, and a requirement × entry table of the
 * verdicts with their evidence: matrix-results/matrix.md, matrix.json and matrix.html, and each run's
 * summary.json and summary.md in matrix-results/<entry>/.
 *
 * An entry is a release, optionally with server profiles (reference-server/launcher.ts):
 * `0.97.0`, `0.98.0:rate-limited`, `0.98.0:default-lifetimes,prefix`. Without entries: DEFAULT_ENTRIES.
 */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REQUIREMENTS, type RequirementId } from '../core/req';
import { STATUS_ORDER, type Status } from '../core/verdicts';
import { PROFILES } from '../reference-server/launcher';
import { PROJECT_ROOT, REFERENCE_VERSION } from '../reference-server/python-env';
import type { Summary } from '../reporters/summary';
import { runSuite } from '../test/harness/run-suite';

const DEFAULT_ENTRIES = [
  '0.90.0',
  '0.93.3',
  '0.96.2',
  '0.97.0',
  REFERENCE_VERSION,
  `${REFERENCE_VERSION}:rate-limited`,
  `${REFERENCE_VERSION}:default-lifetimes`,
];
const OUT = path.join(PROJECT_ROOT, 'matrix-results');
const ICON: Record<Status | 'not run', string> = {
  pass: '✅',
  fail: '❌',
  finding: '⚠️',
  skip: '⏭️',
  error: '💥',
  'not run': '·',
};

interface Column {
  entry: string;
  version: string;
  profiles: string[];
  result: string;
  exitCode: number;
  seconds: number;
  /** A run that could not test the server at all says why here. */
  problem?: string;
  cells: Partial<Record<RequirementId, { status: Status; evidence: string[] }>>;
}

function parse(entry: string): { version: string; profiles: string[] } {
  const [version = '', profiles = ''] = entry.split(':');
  const named = profiles.split(',').filter(Boolean);
  const unknown = named.filter((p) => !(PROFILES as readonly string[]).includes(p));
  if (!/^\d+\.\d+\.\d+/.test(version) || unknown.length) {
    throw new Error(`"${entry}" is not <release>[:<profile>,…] (profiles: ${PROFILES.join(', ')})`);
  }
  return { version, profiles: named };
}

async function column(entry: string): Promise<Column> {
  const { version, profiles } = parse(entry);
  const t0 = performance.now();
  const run = await runSuite(undefined, {
    env: { ZENML_VERSION: version, ZC_SERVER_PROFILE: profiles.join(',') },
    keepOutput: true,
  });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  const dir = path.join(OUT, entry.replace(/[:,]/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(run.reportDir, dir, { recursive: true });
  rmSync(run.outputDir, { recursive: true, force: true });
  const summary: Summary | undefined = run.summary;
  const problem =
    summary?.result === 'unusable' || !summary
      ? (summary?.reasons[0] ??
        run.output.split('\n').find((l) => l.includes('target unusable')) ??
        `no summary (exit ${run.exitCode})`)
      : undefined;
  return {
    entry,
    version,
    profiles,
    result: summary?.result ?? 'no summary',
    exitCode: run.exitCode,
    seconds,
    problem,
    cells: Object.fromEntries((summary?.requirements ?? []).map((r) => [r.id, { status: r.status, evidence: r.evidence }])),
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rows(): Array<{ id: RequirementId; area: string }> {
  return (Object.keys(REQUIREMENTS) as RequirementId[]).map((id) => ({ id, area: REQUIREMENTS[id].area }));
}

function markdown(columns: Column[]): string {
  const head = `| requirement | level | ${columns.map((c) => `${c.entry} (${c.result})`).join(' | ')} |`;
  const lines = [
    `# Release matrix, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Legend: ${STATUS_ORDER.map((s) => `${ICON[s]} ${s}`).join(', ')}, · not run.`,
    '',
  ];
  for (const c of columns.filter((x) => x.problem)) lines.push(`- **${c.entry}**: ${cellText(c.problem!)}`);
  lines.push('', head, `|---|---|${columns.map(() => '---').join('|')}|`);
  for (const { id } of rows()) {
    const cells = columns.map((c) => {
      const cell = c.cells[id];
      if (!cell) return ICON['not run'];
      return cell.status === 'pass' ? ICON.pass : `${ICON[cell.status]} ${cellText(cell.evidence[0] ?? cell.status)}`;
    });
    lines.push(`| \`${id}\` | ${REQUIREMENTS[id].level} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function html(columns: Column[]): string {
  const th = columns
    .map((c) => `<th>${escapeHtml(c.entry)}<br><small>${escapeHtml(c.result)}, ${c.seconds} s</small></th>`)
    .join('');
  let area = '';
  const body = rows()
    .map(({ id, area: a }) => {
      const group = a !== area ? `<tr class="area"><td colspan="${columns.length + 2}">${escapeHtml((area = a))}</td></tr>` : '';
      const cells = columns
        .map((c) => {
          const cell = c.cells[id];
          const status = cell?.status ?? 'not run';
          const evidence = cell && status !== 'pass' ? `<div class="ev">${cell.evidence.map(escapeHtml).join('<br>')}</div>` : '';
          return `<td class="${status.replace(' ', '-')}">${ICON[status]} ${escapeHtml(status)}${evidence}</td>`;
        })
        .join('');
      const r = REQUIREMENTS[id];
      return `${group}<tr><td><code>${id}</code><div class="title">${escapeHtml(r.title)}</div></td><td>${r.level}</td>${cells}</tr>`;
    })
    .join('\n');
  const problems = columns
    .filter((c) => c.problem)
    .map((c) => `<li><b>${escapeHtml(c.entry)}</b>: ${escapeHtml(c.problem!)}</li>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>ZenML conformance: release matrix</title><style>
body{font:14px system-ui,sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top}
th{background:#f4f4f4;position:sticky;top:0}.title{color:#555;font-size:12px;max-width:28em}.ev{font-size:11px;color:#333;max-width:24em}
td.pass{background:#eaf7ea}td.fail{background:#fbe3e3}td.finding{background:#fff4d6}td.skip{background:#eef1f6}td.error{background:#f3e0f7}td.not-run{color:#999}
tr.area td{background:#333;color:#fff;font-weight:600}</style></head><body>
<h1>ZenML conformance: release matrix</h1><p>${new Date().toISOString()}. Each column is one run of the suite against an embedded server of that release and profile.</p>
${problems ? `<ul>${problems}</ul>` : ''}<table><thead><tr><th>requirement</th><th>level</th>${th}</tr></thead><tbody>
${body}
</tbody></table></body></html>
`;
}

async function main(): Promise<void> {
  const entries = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT_ENTRIES;
  entries.forEach(parse);
  mkdirSync(OUT, { recursive: true });
  const columns: Column[] = [];
  for (const entry of entries) {
    console.log(`[matrix] ${entry}: running the suite (${columns.length + 1}/${entries.length})`);
    const c = await column(entry);
    columns.push(c);
    const notPass = Object.entries(c.cells).filter(([, x]) => x.status !== 'pass');
    console.log(
      `[matrix] ${entry}: ${c.result.toUpperCase()} in ${c.seconds} s${c.problem ? `: ${c.problem}` : ''}${notPass.length ? `; ${notPass.map(([id, x]) => `${id} ${x.status}`).join(', ')}` : ''}`,
    );
    // Written after each entry, so that a long matrix shows what it has so far.
    writeFileSync(path.join(OUT, 'matrix.json'), `${JSON.stringify({ date: new Date().toISOString(), columns }, null, 2)}\n`);
    writeFileSync(path.join(OUT, 'matrix.md'), markdown(columns));
    writeFileSync(path.join(OUT, 'matrix.html'), html(columns));
  }
  console.log(`\n[matrix] ${path.relative(process.cwd(), path.join(OUT, 'matrix.md'))}, matrix.html, matrix.json`);
  process.exitCode = columns.some((c) => c.problem) ? 2 : columns.some((c) => c.result !== 'pass') ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(`matrix: ${(e as Error).message}`);
  process.exit(2);
});
