/**
 * The conformance page (conformance-report/summary.html): the verdict, then every failing, undecided
 * and finding requirement with its rule, source, exchange and curl line, then the whole matrix, each
 * test linked to its page in Playwright's HTML report. It exists because Playwright's report lists a
 * test with a SHOULD finding as a plain green pass: here a finding looks like a finding.
 */
import { STATUS_ORDER, type Status } from '../core/verdicts';
import { failureViews } from './failures';
import type { Summary } from './summary';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const LABEL: Record<Status, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  finding: '⚠️ finding',
  skip: '⏭️ skip',
  error: '💥 error',
};
const HEAD: Record<Summary['result'], string> = {
  pass: '✅ PASS',
  fail: '❌ FAIL',
  error: '💥 ERROR',
  unusable: '⛔ TARGET UNUSABLE',
};

/** `report`: the Playwright HTML report's index.html, relative to this page (links to tests), if any. */
export function renderHtml(s: Summary, report?: string): string {
  const link = (t: { title: string; location: string; id?: string }) =>
    report && t.id ? `<a href="${esc(report)}#?testId=${encodeURIComponent(t.id)}">${esc(t.location)}</a>` : esc(t.location);
  const skipped = s.skippedMust
    .map(
      (g) =>
        `<li>${g.requirements.length} MUST ${esc(g.kind)}: ${esc(g.reason)} <small>(${g.requirements.map(esc).join(', ')})</small></li>`,
    )
    .join('');
  const details = failureViews(s.requirements)
    .map(
      (
        v,
      ) => `<section class="${v.status}"><h3>${LABEL[v.status]} <code>${esc(v.id)}</code> <span class="level">${v.level}</span></h3>
<p class="rule">${esc(v.title)}</p><p class="source">Source: ${esc(v.source)}${v.since ? ` · since ZenML ${esc(v.since)}` : ''} · ${v.tests.map(link).join(', ')}</p>
${v.exchange ? `<p><b>Sent and answered:</b> <code>${esc(v.exchange)}</code></p>${v.answer ? `<pre>${esc(v.answer)}</pre>` : ''}` : ''}
<p><b>Why:</b> ${esc(v.why)}${v.more ? ` <small>(and ${v.more} more like it)</small>` : ''}</p>
${v.curl ? `<p><b>Reproduce</b>${v.variables.length ? ` (set ${v.variables.map((x) => `<code>$${x}</code>`).join(', ')} first)` : ''}:</p><pre>${esc(v.curl)}</pre>` : ''}</section>`,
    )
    .join('\n');
  const rows = [...s.requirements]
    .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status))
    .map(
      (r) =>
        `<tr class="${r.status}"><td><code>${esc(r.id)}</code><div class="rule">${esc(r.title)}</div></td><td>${r.level}</td><td class="st">${LABEL[r.status]}</td><td>${r.evidence.map(esc).join('<br>')}</td><td>${r.tests.map(link).join('<br>')}</td></tr>`,
    )
    .join('\n');
  const c = s.counts;
  return `<!doctype html><html><head><meta charset="utf-8"><title>ZenML conformance: ${esc(HEAD[s.result])}</title><style>
body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1200px}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f6f6;padding:6px;white-space:pre-wrap;word-break:break-all}
h1{margin-bottom:.2em}.target{color:#555}.counts{margin:.8em 0}.rule{color:#333}.source,small{color:#666}.level{font-size:12px;color:#666}
section{border-left:6px solid #ccc;padding:2px 12px;margin:12px 0;background:#fafafa}section.fail{border-color:#d33}section.error{border-color:#a3c}section.finding{border-color:#e9a800;background:#fffbea}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}th{background:#f0f0f0}
tr.fail td.st{background:#fbe3e3}tr.finding td.st{background:#fff4d6}tr.error td.st{background:#f3e0f7}tr.skip td.st{background:#eef1f6}tr.pass td.st{background:#eaf7ea}
</style></head><body>
<h1>ZenML conformance: ${esc(HEAD[s.result])}</h1>
<p class="target">${esc(s.target ?? 'target unknown')}${s.serverVersion ? ` · ZenML ${esc(s.serverVersion)}` : ''} · ${esc(s.run.scope)}${s.strict ? ' · strict' : ''}${s.requireAll ? ' · CONFORMANCE_REQUIRE_ALL=1' : ''}</p>
${s.reasons.length ? `<ul>${s.reasons.map((r) => `<li><b>${esc(r)}</b></li>`).join('')}</ul>` : ''}${skipped ? `<ul>${skipped}</ul>` : ''}
<p class="counts">${c.pass} pass · ${c.fail} fail · ${c.finding} finding · ${c.skip} skip · ${c.error} error · ${c.notRun} not run${report ? ` · <a href="${esc(report)}">Playwright report</a>` : ''}</p>
${details ? `<h2>Not a plain pass</h2>\n${details}` : ''}
<h2>Every requirement</h2><table><thead><tr><th>requirement</th><th>level</th><th>status</th><th>evidence</th><th>tests</th></tr></thead><tbody>
${rows}
</tbody></table>
${s.notRun.length ? `<p><b>Not run</b> (${s.notRun.length}): ${s.notRun.map((r) => `<code>${esc(r.id)}</code>`).join(', ')}</p>` : ''}
<p class="source">Known deviations used: ${s.deviations.used.map((u) => `<code>${esc(u.id)}</code>`).join(', ') || 'none'}. ${esc(s.deviations.note)}</p>
</body></html>
`;
}
