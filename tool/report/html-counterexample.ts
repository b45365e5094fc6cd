/** One cell's counterexample as HTML: the problem, the program as Python, both traces, the replay. */
import escapeHtml from 'escape-html';
import { formatProgram } from '../../language/python.ts';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { observationRows } from './observations.ts';
import { counterexampleNotes, mismatchWhere, problemLine, replayCommand, VERDICT_LABEL } from '../../conformance/verdicts.ts';
import { implLabel } from './summary.ts';

const h = escapeHtml;

function mismatches(rule: ReportRule): string {
  const ms = rule.counterexample?.mismatches ?? [];
  if (ms.length === 0) return '';
  const items = ms.map(
    (m) =>
      `<li>at <code>${h(mismatchWhere(m))}</code>: <span class="label">expected</span> <code>${h(m.expected)}</code>, <span class="label">actual</span> <code>${h(m.actual)}</code></li>`,
  );
  return `<h4>Mismatches</h4><ul class="mismatches">${items.join('')}</ul>`;
}

function observations(rule: ReportRule): string {
  const rows = observationRows(rule.counterexample!).map(
    (r) => `<tr${r.differs ? ' class="differs"' : ''}><td>${h(r.what)}</td><td>${h(r.expected)}</td><td>${h(r.actual)}</td></tr>`,
  );
  return `<h4>Observations</h4><table class="obs"><thead><tr><th>Statement</th><th>Expected</th><th>Actual</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function counterexampleHtml(report: Report, rule: ReportRule, impl: string): string {
  const c = rule.counterexample;
  const parts = [`<h3>${h(rule.id)} on ${h(implLabel(report))}: ${VERDICT_LABEL[rule.verdict]}</h3>`];
  if (rule.verdict === 'error') parts.push(`<p><span class="label">Error:</span> ${h(problemLine(rule))}</p>`);
  if (c) {
    parts.push(mismatches(rule));
    for (const line of counterexampleNotes(c)) parts.push(`<p class="note">${h(line)}</p>`);
    parts.push(`<h4>Program (shrunk), as Python</h4><pre class="program">${h(formatProgram(c.program))}</pre>`);
    parts.push(observations(rule));
    parts.push(`<h4>Replay</h4><pre class="replay">${h(replayCommand(report, rule, impl))}</pre>`);
    parts.push(`<details><summary>Program as JSON</summary><pre>${h(JSON.stringify(c.program, null, 1))}</pre></details>`);
  }
  return `<div class="cx">${parts.join('\n')}</div>`;
}
