/**
 * The matrix as Markdown, for a README or a CI job summary: a header line, one table row per
 * implementation (what ran, its profile, its result against its expectations file, the rules
 * that did not pass, each marked), then a collapsed <details> per surprise with the shrunk
 * program and the commands that reproduce it. Forty rule columns do not fit a Markdown table:
 * the full grid is the HTML matrix. Text from reports and the config is escaped (markdown.ts).
 */
import escapeHtml from 'escape-html';
import { formatProgram } from '../../language/python.ts';
import type { ReportRule } from '../../conformance/report.ts';
import { problemLine, VERDICT_LABEL, VERDICTS, verdictCounts } from '../../conformance/verdicts.ts';
import type { CellMark, Matrix, MatrixRow, RowState } from '../matrix/status.ts';
import { markNote, matrixSummary, rowStatus } from '../matrix/status.ts';
import { cellReproduction } from '../matrix/reproduce.ts';
import { mdCode, mdText } from './markdown.ts';

const STATE_SIGN: Record<RowState, string> = {
  'as-expected': '✅',
  surprise: '❌',
  interrupted: '❌',
  unavailable: '⏭️',
  'not-run': '⏭️',
};

/** A fenced block that no line of `s` can close early. */
function block(s: string, lang: string): string {
  const fence = '`'.repeat(Math.max(2, ...(s.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  return `${fence}${lang}\n${s}\n${fence}`;
}

/** Each rule that did not pass, marked; past six expected ones, those are counted by verdict (the surprises always named). */
function notPassing(row: MatrixRow, marks: Map<string, CellMark>): string {
  const rules = (row.report?.rules ?? []).filter((r) => r.verdict !== 'pass' || marks.get(r.id) === 'stale');
  if (rules.length === 0) return row.report ? 'none' : '';
  const said = (r: ReportRule) => {
    const mark = marks.get(r.id) ?? 'ok';
    const note = markNote(row, mark);
    const text = `${r.id} ${VERDICT_LABEL[r.verdict]}${note ? ` (${note})` : ''}`;
    return mark === 'unexpected' || mark === 'stale' ? `**${text}**` : text;
  };
  const expected = rules.filter((r) => marks.get(r.id) === 'expected');
  if (expected.length <= 6) return rules.map(said).join(', ');
  const counts = verdictCounts(expected);
  const byVerdict = VERDICTS.filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${VERDICT_LABEL[v]}`);
  const listed = `${expected.length} expected (${byVerdict.join(', ')}), as ${mdText(row.entry.expectations?.file ?? '')} lists`;
  return [...rules.filter((r) => marks.get(r.id) !== 'expected').map(said), listed].join(', ');
}

function tableRow(row: MatrixRow): string {
  const s = rowStatus(row);
  const r = row.report;
  const what = r ? mdText(`${r.implementation.name} ${r.implementation.version}`) : mdCode(row.entry.impl, true);
  const profile = r ? mdCode(r.profile, true) : '';
  return `| ${mdCode(row.entry.name, true)} | ${what} | ${profile} | ${STATE_SIGN[s.state]} ${mdText(s.summary)} | ${notPassing(row, s.marks)} |`;
}

function details(row: MatrixRow, rule: ReportRule): string {
  const summary = `${row.entry.name}: ${rule.id} ${VERDICT_LABEL[rule.verdict]} (${markNote(row, 'unexpected')}): ${rule.title}`;
  // The <summary> line is a raw HTML block in GFM: HTML escaping, not Markdown's, applies.
  const lines = [`<details><summary>${escapeHtml(summary)}</summary>`, '', mdText(problemLine(rule))];
  if (rule.counterexample) lines.push('', 'Program (shrunk):', '', block(formatProgram(rule.counterexample.program), 'python'));
  const cx = cellReproduction(row, rule);
  if (cx) lines.push('', 'Reproduce:', '', block(cx.commands.join('\n'), 'sh'));
  lines.push('', '</details>');
  return lines.join('\n');
}

export function toMatrixMarkdown(matrix: Matrix): string {
  const header = `**loopspec matrix** · ${mdCode(matrix.config)} · seed ${matrix.seed} · ${matrix.runs} programs per rule · ${mdText(matrixSummary(matrix.rows))}`;
  const out = [header, ''];
  if (matrix.description) out.push(mdText(matrix.description), '');
  out.push(
    '| Implementation | Ran as | Profile | Result | Rules not passing |',
    '| --- | --- | --- | --- | --- |',
    ...matrix.rows.map(tableRow),
    '',
    'Marked against each implementation\'s expectations file: "expected" is listed there; **bold** is a surprise, what makes the matrix fail.',
  );
  for (const row of matrix.rows) {
    const marks = rowStatus(row).marks;
    for (const rule of row.report?.rules ?? [])
      if (marks.get(rule.id) === 'unexpected' && rule.verdict !== 'skipped') out.push('', details(row, rule));
  }
  return `${out.join('\n')}\n`;
}
