/**
 * Reports side by side as one self-contained HTML page (inline style and script, nothing
 * fetched): implementations as columns, rules as rows grouped under their group titles, a
 * verdict per cell by colour and by word. A failing cell opens its counterexample in a row
 * beneath. Every string from a report is escaped: implementations' messages are arbitrary.
 */
import escapeHtml from 'escape-html';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { GROUP_TITLES, RULES } from '../../spec/rules.ts';
import { CSS, NOSCRIPT_CSS, SCRIPT } from './html-assets.ts';
import { counterexampleHtml } from './html-counterexample.ts';
import { failedOrErrored, NOT_EXERCISED, problemLine, VERDICT_LABEL } from '../../conformance/verdicts.ts';
import { countsText, ruleNotExercisedNote } from './summary.ts';

const h = escapeHtml;

export interface HtmlOptions {
  /** Per report, what --impl was (for replay commands); the implementation's name by default. */
  impls?: string[];
  title?: string;
}

/** Rule IDs of all reports, in the specification's order, unknown IDs last. */
function ruleOrder(reports: Report[]): { id: string; group: string; title: string }[] {
  const seen = new Map<string, { id: string; group: string; title: string }>();
  for (const r of reports) for (const x of r.rules) if (!seen.has(x.id)) seen.set(x.id, { id: x.id, group: x.group, title: x.title });
  const rank = new Map(RULES.map((r, i) => [r.id, i]));
  return [...seen.values()].sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
}

function columnHeader(report: Report): string {
  const r = report;
  const shard = r.shard ? ` · shard ${r.shard.index}/${r.shard.count}` : '';
  const interrupted = r.interrupted ? '<div class="sub warn">run interrupted</div>' : '';
  return `<th scope="col" class="impl"><div class="name">${h(r.implementation.name)}</div><div class="sub">${h(r.implementation.version)}</div><div class="sub">profile ${h(r.profile)}</div><div class="sub">seed ${r.seed}${h(shard)}</div>${interrupted}</th>`;
}

function cell(rule: ReportRule | undefined, cxId: string): string {
  if (!rule) return '<td class="cell v-none">not run</td>';
  const tip = `${rule.runs} programs run, ${rule.exercised} reached the rule${rule.skipped ? `, ${rule.skipped} skipped` : ''}`;
  const label = VERDICT_LABEL[rule.verdict];
  const open = failedOrErrored(rule.verdict);
  const body = open ? `<button type="button" class="open" aria-expanded="false" aria-controls="${cxId}">${label}</button>` : label;
  const note =
    rule.verdict === 'unexercised'
      ? NOT_EXERCISED.replace(/^not exercised: /, '')
      : rule.verdict === 'skipped'
        ? problemLine(rule)
        : [rule.skipped ? `${rule.skipped} skipped` : '', ruleNotExercisedNote(rule)].filter(Boolean).join('; ');
  return `<td class="cell v-${rule.verdict}" title="${h(tip)}">${body}${note ? `<small>${h(note)}</small>` : ''}</td>`;
}

export function toHtml(reports: Report[], options: HtmlOptions = {}): string {
  const cols = reports.length;
  const byId = reports.map((r) => new Map(r.rules.map((x) => [x.id, x])));
  const rows: string[] = [];
  let group: string | undefined;
  ruleOrder(reports).forEach((rule, i) => {
    if (rule.group !== group) {
      group = rule.group;
      const title = (GROUP_TITLES as Record<string, string>)[group] ?? '';
      rows.push(`<tr class="group"><th colspan="${cols + 1}" scope="rowgroup"><span class="gid">${h(group)}</span> ${h(title)}</th></tr>`);
    }
    const found = byId.map((m) => m.get(rule.id));
    const cells = found.map((x, col) => cell(x, `cx-${i}-${col}`));
    rows.push(
      `<tr class="rule" data-rule="${h(rule.id)}"><th scope="row" class="rule"><span class="id">${h(rule.id)}</span> ${h(rule.title)}</th>${cells.join('')}</tr>`,
    );
    found.forEach((x, col) => {
      if (x && failedOrErrored(x.verdict)) {
        const impl = options.impls?.[col] ?? reports[col].implementation.name;
        rows.push(
          `<tr class="cx-row" id="cx-${i}-${col}" hidden><td colspan="${cols + 1}">${counterexampleHtml(reports[col], x, impl)}</td></tr>`,
        );
      }
    });
  });
  const title = options.title ?? 'loopspec conformance';
  const summaries = reports.map(
    (r) =>
      `<li><b>${h(r.implementation.name)} ${h(r.implementation.version)}</b> (${h(r.profile)}): ${h(countsText(r))}; started ${h(r.startedAt)}, loopspec ${h(r.tool.version)}</li>`,
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
<noscript><style>${NOSCRIPT_CSS}</style></noscript>
</head>
<body>
<h1>${h(title)}</h1>
<ul class="meta">${summaries.join('')}</ul>
<table class="matrix">
<thead><tr><th scope="col">Rule</th>${reports.map(columnHeader).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
