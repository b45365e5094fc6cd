/**
 * The matrix of `loopspec matrix` as one self-contained HTML page (inline style and script,
 * nothing fetched; the single-run report's, html-assets.ts, plus a few rules of its own):
 * implementations as rows, rules as columns under their groups, a verdict per cell by colour
 * and by word, marked against the row's expectations file (an expected deviation is dimmed
 * and says "expected"; a surprise is outlined and says "not listed" or "listed as failing").
 * A failing cell opens, in a row beneath, its counterexample as the single-run report shows
 * it (html-counterexample.ts) and the commands that reproduce it. A row without a report
 * says why in one cell. Every string from a report or the config is escaped.
 */
import escapeHtml from 'escape-html';
import type { ReportRule } from '../../conformance/report.ts';
import { failedOrErrored, problemLine, VERDICT_LABEL } from '../../conformance/verdicts.ts';
import { GROUP_TITLES, RULES } from '../../spec/rules.ts';
import type { CellMark, Matrix, MatrixRow, RowStatus } from '../matrix/status.ts';
import { countsLine, markNote, matrixSummary, rowStatus } from '../matrix/status.ts';
import { cellReproduction, envPrefix } from '../matrix/reproduce.ts';
import { CSS, NOSCRIPT_CSS, SCRIPT } from './html-assets.ts';
import { counterexampleHtml } from './html-counterexample.ts';
import { countsText, ruleNotExercisedNote } from './summary.ts';

const h = escapeHtml;

const MATRIX_CSS = `
table.mx th.impl { position: sticky; left: 0; z-index: 2; background: #fff; min-width: 14rem; max-width: 22rem; font-weight: normal; }
table.mx thead th { text-align: center; }
table.mx thead th.rid { font: 600 12px ui-monospace, monospace; white-space: nowrap; }
table.mx td.cell { min-width: 4.5rem; font-size: 12px; text-align: center; }
table.mx td.cell button.open { padding: .05rem .3rem; }
td.m-expected { opacity: .7; background-image: repeating-linear-gradient(135deg, transparent 0 6px, rgba(0,0,0,.06) 6px 8px); }
td.m-unexpected, td.m-stale { outline: 3px solid #a50e0e; outline-offset: -3px; }
table.mx td.cell.missing { text-align: left; font-weight: normal; }
.v-unavailable { background: #eef0f2; color: #4d5560; }
.v-not-run { background: #fff; color: #8c959f; }
.state { font-weight: 600; }
.state.s-as-expected { color: #0d652d; }
.state.s-surprise, .state.s-interrupted, .state.s-failing { color: #a50e0e; }
.links a { margin-right: .6rem; }
.legend span { margin-right: 1rem; }
`;

function ruleColumns(): { id: string; group: string; title: string }[] {
  return RULES.filter((r) => !r.retired).map((r) => ({ id: r.id, group: r.group, title: r.title }));
}

function head(columns: ReturnType<typeof ruleColumns>): string {
  const groups: { id: string; span: number }[] = [];
  for (const c of columns) {
    if (groups.at(-1)?.id === c.group) groups[groups.length - 1].span++;
    else groups.push({ id: c.group, span: 1 });
  }
  const title = (g: string) => (GROUP_TITLES as Record<string, string>)[g] ?? '';
  const top = groups.map((g) => `<th scope="colgroup" colspan="${g.span}" title="${h(title(g.id))}">${h(g.id)}</th>`).join('');
  const ids = columns.map((c) => `<th scope="col" class="rid" title="${h(`${c.id}: ${c.title}`)}">${h(c.id)}</th>`).join('');
  return `<thead><tr><th scope="col" rowspan="2" class="impl">Implementation</th>${top}</tr><tr>${ids}</tr></thead>`;
}

function rowHeader(row: MatrixRow, status: RowStatus): string {
  const r = row.report;
  const e = row.entry;
  const sub = (s: string) => `<div class="sub">${s}</div>`;
  const parts = [`<div class="name">${h(e.name)}</div>`];
  if (e.description) parts.push(sub(h(e.description)));
  parts.push(sub(`--impl ${h(e.impl)}${row.impl !== e.impl ? ` → ${h(row.impl)}` : ''}`));
  if (r) parts.push(sub(`${h(r.implementation.name)} ${h(r.implementation.version)} · profile ${h(r.profile)} · seed ${r.seed}`));
  if (r) parts.push(sub(`<span title="${h(countsText(r))}">${h(countsLine(r))}</span>`));
  const failing = status.failing && status.state !== 'surprise' && status.state !== 'interrupted' ? ' s-failing' : '';
  // A long list of surprises is in the cells already: the header keeps its first line short.
  const said = status.summary.length > 120 ? `${status.summary.slice(0, 119)}…` : status.summary;
  parts.push(`<div class="state s-${status.state}${failing}" title="${h(status.summary)}">${h(said)}</div>`);
  if (e.expectations) parts.push(sub(`expectations: ${h(e.expectations.file)}`));
  if (r) {
    const link = (file: string, label: string) => `<a href="${h(`${e.name}/${file}`)}">${label}</a>`;
    parts.push(
      `<div class="sub links">${link('report.html', 'report')}${link('report.json', 'JSON')}${link('summary.md', 'Markdown')}${link('run.log', 'log')}</div>`,
    );
  }
  return `<th scope="row" class="impl">${parts.join('')}</th>`;
}

function cell(rule: ReportRule | undefined, mark: CellMark, note: string, cxId: string): string {
  if (!rule) return '<td class="cell v-none">not run</td>';
  const label = VERDICT_LABEL[rule.verdict];
  const body = failedOrErrored(rule.verdict)
    ? `<button type="button" class="open" aria-expanded="false" aria-controls="${cxId}">${label}</button>`
    : label;
  const why = rule.verdict === 'skipped' ? problemLine(rule) : ruleNotExercisedNote(rule);
  const tip = [`${rule.id}: ${rule.runs} programs run, ${rule.exercised} reached the rule`, why].filter(Boolean).join('; ');
  const small = note ? `<small>${note}</small>` : '';
  return `<td class="cell v-${rule.verdict} m-${mark}" title="${h(tip)}" data-rule="${h(rule.id)}">${body}${small}</td>`;
}

function reproduction(row: MatrixRow, rule: ReportRule): string {
  const cx = cellReproduction(row, rule);
  if (!cx) return '';
  const env = envPrefix(row);
  const needs = env ? `<p class="note">It ran with <code>${h(env.trim())}</code> set: the commands need it too.</p>` : '';
  return `<div class="cx"><h4>Reproduce</h4>${needs}<p>Counterexample file: <a href="${h(cx.link)}"><code>${h(cx.file)}</code></a></p><pre class="repro">${h(cx.commands.join('\n'))}</pre></div>`;
}

function rowHtml(row: MatrixRow, index: number, columns: ReturnType<typeof ruleColumns>): string[] {
  const status = rowStatus(row);
  const span = columns.length;
  if (!row.report) {
    const cls = status.state === 'unavailable' ? 'v-unavailable' : 'v-not-run';
    return [
      `<tr class="impl-row" data-impl="${h(row.entry.name)}">${rowHeader(row, status)}<td class="cell missing ${cls}" colspan="${span}">${h(status.summary)}</td></tr>`,
    ];
  }
  const report = row.report;
  const byId = new Map(report.rules.map((r) => [r.id, r]));
  const cxId = (id: string) => `cx-${index}-${id}`;
  const cells = columns.map((c) => {
    const mark = status.marks.get(c.id) ?? 'ok';
    return cell(byId.get(c.id), mark, markNote(row, mark), cxId(c.id));
  });
  const out = [`<tr class="impl-row" data-impl="${h(row.entry.name)}">${rowHeader(row, status)}${cells.join('')}</tr>`];
  for (const c of columns) {
    const rule = byId.get(c.id);
    if (!rule || !failedOrErrored(rule.verdict)) continue;
    const body = counterexampleHtml(report, rule, row.impl) + reproduction(row, rule);
    out.push(`<tr class="cx-row" id="${cxId(c.id)}" hidden><td colspan="${span + 1}">${body}</td></tr>`);
  }
  return out;
}

export function toMatrixHtml(matrix: Matrix): string {
  const columns = ruleColumns();
  const title = 'loopspec matrix';
  const rows = matrix.rows.flatMap((row, i) => rowHtml(row, i, columns));
  const about = matrix.description ? `<p class="meta">${h(matrix.description)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}${MATRIX_CSS}</style>
<noscript><style>${NOSCRIPT_CSS}</style></noscript>
</head>
<body>
<h1>${h(title)}</h1>
${about}<p class="meta">${h(matrix.config)} · seed ${matrix.seed} · ${matrix.runs} programs per rule</p>
<p class="summary">${h(matrixSummary(matrix.rows))}</p>
<p class="meta legend"><span>Dimmed, "expected": listed in the implementation's expectations file.</span><span>Outlined: a surprise ("not listed", or "listed as failing" where the rule now passes).</span><span>A FAIL or ERROR opens its counterexample.</span></p>
<table class="matrix mx">
${head(columns)}
<tbody>
${rows.join('\n')}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
