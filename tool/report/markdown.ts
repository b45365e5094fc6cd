/**
 * The report as Markdown for a CI job summary or a PR comment: a header line, a table of the
 * rules that did not pass, and a collapsed <details> per counterexample with its replay.
 * Text from implementations is escaped: a PR comment must not be restyled (or hidden) by a
 * `*`, `|` or `<tag>` in an error message.
 */
import escapeHtml from 'escape-html';
import { formatProgram } from '../../language/python.ts';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { counterexampleNotes, mismatchWhere, problemLine, replayCommand, VERDICT_LABEL } from '../../conformance/verdicts.ts';
import { countsText, notExercisedText } from './summary.ts';

/**
 * Plain text on one line of Markdown: the characters that start emphasis, code, links, HTML,
 * entities or table cells are backslash-escaped (CommonMark allows it for any punctuation).
 * Callers never put it at the start of a line, where `-`, `+`, `1.` would start a list.
 */
export const mdText = (s: string): string => s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|!~&#]/g, '\\$&');

/**
 * Inline code: a fence longer than any backtick run inside. In a GFM table `|` must be
 * escaped even in code (the table splits first); elsewhere the backslash would show.
 */
export function mdCode(s: string, inTable = false): string {
  const flat = s.replace(/\r?\n/g, ' ');
  const one = inTable ? flat.replace(/\|/g, '\\|') : flat;
  const fence = '`'.repeat(Math.max(0, ...(one.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** A fenced block that no line of `s` can close early. */
function mdBlock(s: string, lang: string): string {
  const fence = '`'.repeat(Math.max(2, ...(s.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  return `${fence}${lang}\n${s}\n${fence}`;
}

function header(report: Report): string {
  const r = report;
  const shard = r.shard ? ` · shard ${r.shard.index}/${r.shard.count}` : '';
  return `**loopspec ${mdText(r.tool.version)}** · ${mdCode(r.implementation.name)} ${mdText(r.implementation.version)} · profile ${mdCode(r.profile)} · seed ${r.seed}${shard} · ${mdText(countsText(r))}`;
}

function problemCell(rule: ReportRule): string {
  const m = rule.counterexample?.mismatches[0];
  if (rule.verdict === 'fail' && m) {
    const more = rule.counterexample!.mismatches.length - 1;
    return `${mdText(mismatchWhere(m))}: expected ${mdCode(m.expected, true)}, actual ${mdCode(m.actual, true)}${more > 0 ? ` \\(and ${more} more\\)` : ''}`;
  }
  return mdText(problemLine(rule));
}

function table(rules: ReportRule[]): string {
  const rows = rules.map((r) => `| ${r.id} | ${VERDICT_LABEL[r.verdict]} | ${mdText(r.title)} | ${problemCell(r)} |`);
  return ['| Rule | Verdict | Title | Problem |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function details(report: Report, rule: ReportRule, impl: string): string {
  const c = rule.counterexample!;
  // The <summary> line is a raw HTML block in GFM: HTML escaping, not Markdown's, applies.
  const lines = [`<details><summary>${escapeHtml(`${rule.id} ${VERDICT_LABEL[rule.verdict]}: ${rule.title}`)}</summary>`, ''];
  if (rule.verdict === 'error') lines.push(`Error: ${mdText(problemLine(rule))}`, '');
  for (const m of c.mismatches) lines.push(`- at ${mdText(mismatchWhere(m))}: expected ${mdCode(m.expected)}, actual ${mdCode(m.actual)}`);
  if (c.actual.end.kind !== 'ok')
    lines.push(`- the implementation did not finish: ${mdCode(`${c.actual.end.kind}: ${c.actual.end.detail}`)}`);
  for (const line of counterexampleNotes(c)) lines.push(`- ${mdText(line)}`);
  lines.push(
    '',
    'Program (shrunk):',
    '',
    mdBlock(formatProgram(c.program), 'python'),
    '',
    'Replay:',
    '',
    mdBlock(replayCommand(report, rule, impl), 'sh'),
    '',
    '</details>',
  );
  return lines.join('\n');
}

/** `impl` is what --impl was, for the replay commands. */
export function toMarkdown(report: Report, impl: string = report.implementation.name): string {
  const bad = report.rules.filter((r) => r.verdict !== 'pass');
  const out = [header(report), ''];
  if (report.interrupted) out.push('> **The run was interrupted**: only the rules below finished; the others were not checked.', '');
  if (bad.length === 0) out.push(report.rules.length > 0 ? 'Every rule passed.' : 'No rule was run.');
  else out.push(table(bad));
  const missed = notExercisedText(report);
  if (missed) out.push('', `> ${mdText(missed)}`);
  for (const r of bad.filter((x) => x.counterexample)) out.push('', details(report, r, impl));
  return `${out.join('\n')}\n`;
}
