// The HTML matrix of `loopspec matrix` in a real headless browser, as tool/report/html.test.ts
// checks the single-run report: implementations by rules, cells marked against each row's
// expectations, a failing cell opening its counterexample and the commands that reproduce it,
// a row that could not start saying why. The browser is the Chromium npm installs
// (fixtures/helpers/browser.ts); where it cannot run, the tests say they were skipped and why.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProgram } from '../../language/python.ts';
import { RULES } from '../../spec/rules.ts';
import { launchBrowser, noBrowserReason } from '../../fixtures/helpers/browser.ts';
import { sampleMatrix, SILENT } from '../../fixtures/helpers/matrices.ts';
import { NASTY } from '../../fixtures/helpers/reports.ts';
import type { Matrix } from '../matrix/status.ts';
import { toMatrixHtml } from './matrix-html.ts';

const SCRATCH = new URL('../../scratch/report-matrix/', import.meta.url);

const noBrowser = noBrowserReason();
if (noBrowser) console.log(`SKIPPED: the HTML matrix's browser tests: ${noBrowser}`);

describe.skipIf(noBrowser)('toMatrixHtml in a browser', () => {
  let browser: Browser;
  let m: Matrix;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    [m, { browser }] = await Promise.all([sampleMatrix(), launchBrowser()]);
    // Opened from a file, as from a CI artifact; any request or script error is a problem.
    mkdirSync(SCRATCH, { recursive: true });
    const file = new URL('matrix.html', SCRATCH);
    writeFileSync(file, toMatrixHtml(m));
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(5_000);
    page.on('request', (r) => r.url() !== file.href && problems.push(`request: ${r.url()}`));
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('console', (x) => x.type() === 'error' && problems.push(`console: ${x.text()}`));
    await page.goto(file.href);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  const implRow = (name: string) => page.locator(`tr.impl-row[data-impl="${name}"]`);
  const cellOf = (name: string, rule: string) => implRow(name).locator(`td[data-rule="${rule}"]`);

  it('shows implementations as rows and every rule as a column, under its group', async () => {
    const live = RULES.filter((r) => !r.retired).map((r) => r.id);
    const headers = await page.locator('thead th.rid').allInnerTexts();
    expect(headers).toEqual(live);
    await expect(page.getByRole('columnheader', { name: 'GET', exact: true }).getAttribute('colspan')).resolves.toBe(
      String(live.filter((id) => id.startsWith('GET-')).length),
    );
    const names = await page.locator('tr.impl-row th.impl .name').allInnerTexts();
    expect(names).toEqual(['oracle', 'silent', 'silent-listed', 'nasty', 'deviant', 'pyodide']);
    expect(await implRow('oracle').locator('td').count()).toBe(live.length);
    expect(await page.locator('p.summary').innerText()).toBe(
      '3 of 6 implementations as expected, 1 with surprises, 2 could not start (1 optional)',
    );
  });

  it("marks each cell against the row's expectations file, by word and by look", async () => {
    const [expected, surprise, pass] = [cellOf('silent', 'GET-3'), cellOf('silent', 'FORK-2'), cellOf('silent', 'GET-1')];
    expect(await expected.innerText()).toMatch(/^FAIL\s*\nexpected$/);
    expect(await surprise.innerText()).toMatch(/^FAIL\s*\nnot listed$/);
    expect(await pass.innerText()).toBe('PASS');
    const style = (l: typeof pass) =>
      l.evaluate((e) => {
        const s = getComputedStyle(e);
        return { bg: s.backgroundColor, outline: `${s.outlineStyle} ${s.outlineColor}`, opacity: s.opacity };
      });
    expect(await style(pass)).toEqual({ bg: 'rgb(230, 244, 234)', outline: 'none rgb(13, 101, 45)', opacity: '1' });
    expect(await style(surprise)).toEqual({ bg: 'rgb(252, 232, 230)', outline: 'solid rgb(165, 14, 14)', opacity: '1' });
    expect((await style(expected)).opacity).toBe('0.7');
    expect(await implRow('silent').locator('.state').innerText()).toBe('1 surprise: FORK-2 fail (not in silent.expect)');
    expect(await implRow('silent-listed').locator('.state').innerText()).toBe('as expected (2 known deviations: GET-3, FORK-2)');
    expect(await cellOf('nasty', 'THR-1').innerText()).toMatch(/^SKIPPED\s*\nexpected$/);
  });

  it("opens a failing cell's counterexample: the program, the mismatch, the replay and the reproducer", async () => {
    const rule = m.rows[1].report!.rules.find((r) => r.id === 'FORK-2')!;
    const button = cellOf('silent', 'FORK-2').getByRole('button', { name: /FAIL/ });
    const cx = page.locator(`#${await button.getAttribute('aria-controls')}`);
    expect(await cx.isVisible()).toBe(false);
    await button.click();
    expect(await cx.isVisible()).toBe(true);
    const text = await cx.innerText();
    expect(text).toContain('FORK-2 on silent-oracle cpython-3.12 (cpython-3.12): FAIL');
    for (const line of formatProgram(rule.counterexample!.program).split('\n')) expect(text).toContain(line.trim());
    const mm = rule.counterexample!.mismatches[0];
    expect(text).toContain(`expected ${mm.expected}, actual ${mm.actual}`);
    expect(text).toContain(`npx loopspec run --impl ${SILENT} --profile cpython-3.12 --rule FORK-2 --seed 9`);
    expect(text).toMatch(/Counterexample file: out\/silent\/counterexamples\/FORK-2\.silent-oracle\.seed-?\d+\.counterexample\.json/);
    expect(text).toMatch(/npx loopspec replay out\/silent\/counterexamples\/\S+ --impl fixtures\/adapters\/silent-oracle\.ts\n/);
    expect(text).toContain(`--as typescript --adapter ${SILENT} > repro.mts`);
    const link = cx.getByRole('link', { name: /FORK-2\.silent-oracle/ });
    expect(await link.getAttribute('href')).toMatch(/^silent\/counterexamples\/FORK-2\./);
    // The expected failure beside it opens its own.
    await cellOf('silent', 'GET-3').getByRole('button').click();
    expect(await page.locator('tr.cx-row:visible').count()).toBe(2);
    await button.click();
    expect(await cx.isVisible()).toBe(false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: fileURLToPath(new URL('matrix.png', SCRATCH)), fullPage: true });
  });

  it('says in one cell why a row has no report, and keeps messages as text', async () => {
    const deviant = implRow('deviant').locator('td');
    expect(await deviant.count()).toBe(1);
    expect(await deviant.innerText()).toBe("could not start: pyenv prefix 3.8.99 failed: pyenv: version `3.8.99' not installed");
    expect(await implRow('deviant').locator('th').innerText()).toContain('a policy <with> mistakes');
    expect(await implRow('pyodide').locator('td').innerText()).toBe(
      "could not start: unknown implementation 'pyodide' (optional: not counted)",
    );
    await cellOf('nasty', 'NEW-4').getByRole('button').click();
    expect(await page.locator('tr.cx-row:visible').last().innerText()).toContain(`actual RuntimeError(${JSON.stringify(NASTY)})`);
    expect(await page.locator('.cx b, th.impl b').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
