// The matrix as Markdown, rendered the way GitHub renders a job summary (GFM tables, raw
// <details>), from fixed real reports (fixtures/helpers/matrices.ts).
import MarkdownIt from 'markdown-it';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatProgram } from '../../language/python.ts';
import { NASTY } from '../../fixtures/helpers/reports.ts';
import { sampleMatrix } from '../../fixtures/helpers/matrices.ts';
import type { Matrix } from '../matrix/status.ts';
import { toMatrixMarkdown } from './matrix-markdown.ts';

const render = (md: string): string => new MarkdownIt({ html: true }).render(md);
const cells = (html: string): string[][] =>
  [...(html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1].matchAll(/<tr>([\s\S]*?)<\/tr>/g) ?? [])].map((m) =>
    [...m[1].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]),
  );

describe('toMatrixMarkdown', () => {
  let m: Matrix;
  let md: string;
  let html: string;
  beforeAll(async () => {
    m = await sampleMatrix();
    md = toMatrixMarkdown(m);
    html = render(md);
  });

  it('starts with the config, seed, runs and how many implementations did as expected', () => {
    expect(md.split('\n')[0]).toBe(
      '**loopspec matrix** · `ci/matrix.json` · seed 9 · 100 programs per rule · 3 of 6 implementations as expected, 1 with surprises, 2 could not start (1 optional)',
    );
    expect(html).toContain('<p>A sample &lt;matrix&gt; &amp; co</p>');
  });

  it('tables one row per implementation: what ran, its profile, its result, its rules not passing, surprises in bold', () => {
    const rows = cells(html);
    expect(rows.map((r) => r[0])).toEqual(
      ['oracle', 'silent', 'silent-listed', 'nasty', 'deviant', 'pyodide'].map((n) => `<code>${n}</code>`),
    );
    expect(rows.every((r) => r.length === 5)).toBe(true);
    expect(rows[0].slice(1)).toEqual(['loopspec-oracle cpython-3.12', '<code>cpython-3.12</code>', '✅ as expected', 'none']);
    expect(rows[1][3]).toBe('❌ 1 surprise: FORK-2 fail (not in silent.expect)');
    expect(rows[1][4]).toBe('GET-3 FAIL (expected), <strong>FORK-2 FAIL (not listed)</strong>');
    expect(rows[2][4]).toBe('GET-3 FAIL (expected), FORK-2 FAIL (expected)');
    // Many expected deviations are counted by verdict, not named one by one.
    const nasty = m.rows[3].report!.rules.filter((r) => r.verdict !== 'pass');
    const count = (v: string) => nasty.filter((r) => r.verdict === v).length;
    expect(rows[3][4]).toBe(
      `${nasty.length} expected (${count('fail')} FAIL, ${count('error')} ERROR, ${count('unexercised')} NOT EXERCISED, ${count('skipped')} SKIPPED), as nasty.expect lists`,
    );
    expect(rows[4].slice(1)).toEqual([
      '<code>pyenv:3.8.99</code>',
      '',
      "⏭️ could not start: pyenv prefix 3.8.99 failed: pyenv: version `3.8.99' not installed",
      '',
    ]);
    expect(rows[5][3]).toBe("⏭️ could not start: unknown implementation 'pyodide' (optional: not counted)");
  });

  it('keeps text from implementations as text', () => {
    expect(cells(html)[3][1]).toBe('nasty &lt;impl&gt; &amp; co 1.0 &quot;beta&quot;');
    expect(html).not.toContain('<b>');
    expect(NASTY).toContain('<b>');
  });

  it('opens each surprise in <details>: the problem, the program, the commands that reproduce it', () => {
    const blocks = md.split('<details>').slice(1);
    expect(blocks.length).toBe(1);
    const [block] = blocks;
    expect(block).toMatch(/^<summary>silent: FORK-2 FAIL \(not listed\): /);
    const fork2 = m.rows[1].report!.rules.find((r) => r.id === 'FORK-2')!;
    for (const line of formatProgram(fork2.counterexample!.program).split('\n')) expect(block).toContain(line);
    expect(block).toMatch(
      /```sh\nnpx loopspec replay out\/silent\/counterexamples\/FORK-2\.silent-oracle\.seed-?\d+\.counterexample\.json --impl fixtures\/adapters\/silent-oracle\.ts\n/,
    );
    expect(block).toContain('--as typescript --adapter fixtures/adapters/silent-oracle.ts > repro.mts');
    const rendered = render(`<details>${block}`);
    expect(rendered).toMatch(/<summary>silent: FORK-2 FAIL \(not listed\): .*<\/summary>/);
    expect(rendered).toContain('<pre><code class="language-python">');
  });
});
