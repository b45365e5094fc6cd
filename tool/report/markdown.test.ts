// The Markdown summary, rendered the way GitHub renders a job summary or a PR comment (GFM
// tables, raw <details>), so what is checked is what a reviewer sees.
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import { mdCode, toMarkdown } from './markdown.ts';
import { formatProgram } from '../../language/python.ts';
import { failingReport, mixedReport, NASTY, passingReport } from '../../fixtures/helpers/reports.ts';

const render = (md: string): string => new MarkdownIt({ html: true }).render(md);
const tableRows = (html: string): string[] =>
  [...(html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g) ?? [])].map((m) => m[1]);

describe('toMarkdown', () => {
  let passing: Report, failing: Report, mixed: Report;
  beforeAll(async () => {
    [passing, failing, mixed] = await Promise.all([passingReport(), failingReport(), mixedReport()]);
  });

  it('starts with a header line: implementation, version, profile, seed, verdict counts', () => {
    const first = toMarkdown(failing).split('\n')[0];
    expect(first).toBe(
      '**loopspec 0.1.0** · `silent-oracle` cpython-3.12 · profile `cpython-3.12` · seed 9 · 57 rules: 55 pass, 2 fail, 0 error, 0 not exercised, 0 skipped; 157 of 157 clauses exercised',
    );
  });

  it('names the clauses no program reached, as not a pass', () => {
    // A passing rule one of whose clauses no program reached (as with few --runs).
    const rules = passing.rules.map((r, i) =>
      i === 0 ? { ...r, clauses: (r.clauses ?? []).map((c, k) => (k === 0 ? { ...c, programs: 0 } : c)) } : r,
    );
    const report = { ...passing, rules };
    const missed = [rules[0].clauses![0].id];
    const line = toMarkdown(report)
      .split('\n')
      .find((l) => l.includes('clauses not exercised'));
    expect(line).toContain('not a pass');
    for (const id of missed) expect(line).toContain(id);
  });

  it('says so when every rule passed, with no table', () => {
    const md = toMarkdown(passing);
    expect(md).toContain('Every rule passed.');
    expect(md).not.toContain('| Rule |');
  });

  it('tables the rules that did not pass, with the first mismatch', () => {
    const rows = tableRows(render(toMarkdown(failing)));
    expect(rows.map((r) => r.match(/<td>(.*?)<\/td>/)![1])).toEqual(['GET-3', 'FORK-2']);
    expect(rows[0]).toContain('<td>FAIL</td>');
    const { where, clause } = failing.rules.find((r) => r.id === 'GET-3')!.counterexample!.mismatches[0];
    expect(where).toMatch(/^s\d+ warnings$/);
    expect(clause).toBe('GET-3.3');
    expect(rows[0]).toContain(
      `${where} (GET-3.3): expected <code>DeprecationWarning(&quot;There is no current event loop&quot;)</code>, actual <code>no warning</code>`,
    );
  });

  it('collapses each counterexample in <details>, with the program and the replay command', () => {
    const md = toMarkdown(failing, 'fixtures/adapters/silent-oracle.ts');
    const get3 = md.slice(md.indexOf('<details><summary>GET-3'), md.indexOf('</details>') + 10);
    const program = failing.rules.find((r) => r.id === 'GET-3')!.counterexample!.program;
    expect(get3).toContain(`\`\`\`python\n${formatProgram(program)}`);
    expect(formatProgram(program)).toContain('asyncio.get_event_loop()');
    const path = failing.rules.find((r) => r.id === 'GET-3')!.counterexample!.path;
    expect(get3).toContain(
      `\`\`\`sh\nnpx loopspec run --impl fixtures/adapters/silent-oracle.ts --profile cpython-3.12 --rule GET-3 --seed 9 --path ${path}\n\`\`\``,
    );
    expect(render(md)).toContain('<details><summary>GET-3 FAIL: Implicit creation: main thread, no loop, set never called</summary>');
  });

  it('lists every verdict, and errors, skips and unexercised rules say why', () => {
    const rows = tableRows(render(toMarkdown(mixed)));
    const row = (id: string) => rows.find((r) => r.startsWith(`\n<td>${id}</td>`))!;
    expect(rows.length).toBe(mixed.rules.filter((r) => r.verdict !== 'pass').length);
    expect(row('THR-1')).toContain('<td>SKIPPED</td>');
    expect(row('THR-1')).toContain('skipped: needs threads');
    expect(row('POL-1')).toContain('<td>NOT EXERCISED</td>');
    expect(row('POL-1')).toContain('not a pass');
    expect(row('FORK-1')).toContain('<td>ERROR</td>');
    expect(row('FORK-1')).toContain('crash: driver died:');
  });

  it('keeps messages with Markdown and HTML syntax in their cells, as text', () => {
    const html = render(toMarkdown(mixed));
    for (const r of tableRows(html)) expect(r.match(/<td>/g)?.length).toBe(4); // no `|` split a row
    expect(html).not.toContain('<b>'); // no message turned into markup
    expect(html).toContain(
      `<code>RuntimeError(${JSON.stringify(NASTY).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')})</code>`,
    );
    // The crash detail is plain text: it reads as typed, no emphasis, no entity decoded.
    expect(html).toContain('crash: driver died: &lt;b&gt;&amp;amp; &quot;dq&quot;');
    expect(html).not.toMatch(/<em>|<strong>star/);
  });

  it('escapes | in code only inside tables, where GFM needs it', () => {
    const html = render(toMarkdown(mixed));
    const item = html.match(/<li>at s3 outcome.*<\/li>/)![0];
    expect(item).toContain("'sq' | pipe");
    expect(tableRows(html).find((r) => r.includes('NEW-4'))).toContain("'sq' | pipe");
  });

  it('fences code that itself contains backticks', () => {
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(render(mdCode('`x`'))).toContain('<code>`x`</code>');
  });

  it('quotes an --impl the shell would split', () => {
    const md = toMarkdown(failing, "my adapters/it's.ts");
    expect(md).toContain(`npx loopspec run --impl 'my adapters/it'\\''s.ts' --profile cpython-3.12 --rule GET-3`);
  });

  it('warns when the run was interrupted', () => {
    expect(toMarkdown({ ...passing, interrupted: true, rules: passing.rules.slice(0, 2) })).toContain('**The run was interrupted**');
  });
});
