// The HTML matrix in a real headless browser: what a person sees, and that a failing cell
// opens its counterexample. The browser is the Chromium that npm installs (fixtures/helpers/browser.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import { toHtml } from './html.ts';
import { formatProgram } from '../../language/python.ts';
import { launchBrowser, noBrowserReason } from '../../fixtures/helpers/browser.ts';
import { failingReport, mixedReport, NASTY, passingReport } from '../../fixtures/helpers/reports.ts';

const SCRATCH = new URL('../../scratch/report-html/', import.meta.url);

const noBrowser = noBrowserReason();
if (noBrowser) console.log(`SKIPPED: the HTML report's browser tests: ${noBrowser}`);

describe.skipIf(noBrowser)('toHtml in a browser', () => {
  let browser: Browser;
  let passing: Report, failing: Report, mixed: Report;

  beforeAll(async () => {
    [passing, failing, mixed] = await Promise.all([passingReport(), failingReport(), mixedReport()]);
    ({ browser } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the page from a file, as from a CI artifact; fails on any request or script error. */
  async function open(name: string, html: string): Promise<{ page: Page; problems: string[] }> {
    mkdirSync(SCRATCH, { recursive: true });
    const file = new URL(name, SCRATCH);
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(5_000);
    const problems: string[] = [];
    page.on('request', (r) => r.url() !== file.href && problems.push(`request: ${r.url()}`));
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    await page.goto(file.href);
    return { page, problems };
  }

  it('shows implementations by rules, and a failing cell opens its counterexample', async () => {
    const html = toHtml([passing, failing], { impls: ['oracle', 'fixtures/adapters/silent-oracle.ts'] });
    const { page, problems } = await open('two.html', html);

    const headers = await page.getByRole('columnheader').allInnerTexts();
    expect(headers[0]).toBe('Rule');
    expect(headers[1].split('\n')).toEqual(['loopspec-oracle', 'cpython-3.12', 'profile cpython-3.12', 'seed 1']);
    expect(headers[2].split('\n')).toEqual(['silent-oracle', 'cpython-3.12', 'profile cpython-3.12', 'seed 9']);
    await expect(page.getByRole('rowheader', { name: 'GET asyncio.get_event_loop' }).isVisible()).resolves.toBe(true);

    const get3 = page.locator('tr.rule', { has: page.getByRole('rowheader', { name: /^GET-3 / }) });
    const [passCell, failCell] = [get3.locator('td').nth(0), get3.locator('td').nth(1)];
    expect(await passCell.innerText()).toBe('PASS');
    expect((await failCell.innerText()).trim()).toMatch(/^FAIL/);
    // Colour says it too, not only the word.
    const bg = (l: typeof passCell) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await bg(passCell)).toBe('rgb(230, 244, 234)');
    expect(await bg(failCell)).toBe('rgb(252, 232, 230)');

    // The shrunk program depends on the generators: take its lines from the report.
    const cx0 = failing.rules.find((r) => r.id === 'GET-3')!.counterexample!;
    const at = cx0.mismatches[0].where.split(' ')[0];
    const programLine = formatProgram(cx0.program)
      .split('\n')
      .find((l) => l.startsWith(at.padEnd(5)))!;
    expect(programLine).toContain('asyncio.get_event_loop()');
    const cx = page.locator('tr.cx-row', { hasText: programLine }).first();
    expect(await cx.isVisible()).toBe(false);
    await failCell.getByRole('button', { name: /FAIL/ }).click();
    expect(await cx.isVisible()).toBe(true);
    const text = await cx.innerText();
    expect(text).toContain(programLine);
    expect(text).toContain('expected DeprecationWarning("There is no current event loop"), actual no warning');
    expect(text).toMatch(new RegExp(`${at}\\s+L\\d; warns DeprecationWarning\\("There is no current event loop"\\)\\s+L\\d`));
    const path = failing.rules.find((r) => r.id === 'GET-3')!.counterexample!.path;
    expect(text).toContain(
      `npx loopspec run --impl fixtures/adapters/silent-oracle.ts --profile cpython-3.12 --rule GET-3 --seed 9 --path ${path}`,
    );

    await page.screenshot({ path: fileURLToPath(new URL('two.png', SCRATCH)), fullPage: true });
    await failCell.getByRole('button').click();
    expect(await cx.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows every verdict in words, and messages as text, never as markup', async () => {
    const { page, problems } = await open('mixed.html', toHtml([mixed]));
    const cellOf = (id: string) =>
      page.locator('tr.rule', { has: page.getByRole('rowheader', { name: new RegExp(`^${id} `) }) }).locator('td');
    expect(await cellOf('POL-1').innerText()).toMatch(/^NOT EXERCISED\n.*not a pass/);
    expect(await cellOf('THR-1').innerText()).toBe('SKIPPED\nskipped: needs threads');
    const pol2 = mixed.rules.find((r) => r.id === 'POL-2')!;
    expect(await cellOf('POL-2').innerText()).toBe(pol2.skipped > 0 ? `PASS\n${pol2.skipped} skipped` : 'PASS');
    expect(await page.getByRole('columnheader').nth(1).innerText()).toContain('nasty <impl> & co');

    // A cell's button names the row it opens.
    const opened = async (id: string, label: RegExp) => {
      const button = cellOf(id).getByRole('button', { name: label });
      await button.click();
      return page.locator(`#${await button.getAttribute('aria-controls')}`).innerText();
    };
    expect(await opened('FORK-1', /ERROR/)).toContain(`Error: crash: driver died: ${NASTY}`);
    expect(await opened('NEW-4', /FAIL/)).toContain(`actual RuntimeError(${JSON.stringify(NASTY)})`);
    expect(await page.locator('.cx b').count()).toBe(0);
    await page.screenshot({ path: fileURLToPath(new URL('mixed.png', SCRATCH)), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a rule missing from one report as not run', async () => {
    const { page } = await open('partial.html', toHtml([passing, { ...failing, interrupted: true, rules: failing.rules.slice(0, 3) }]));
    const row = page.locator('tr.rule', { has: page.getByRole('rowheader', { name: /^RUN-1 / }) });
    expect(await row.locator('td').allInnerTexts()).toEqual(['PASS', 'not run']);
    expect(await page.getByRole('columnheader').nth(2).innerText()).toContain('run interrupted');
    await page.close();
  });
});
