// A row's judgement (tool/matrix/status.ts) on real reports: the expectations gate of `loopspec
// run --expect` per row, `loopspec run`'s own without a file, and rows with no report.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import { fakeReport } from '../../fixtures/helpers/gate.ts';
import { entry, row, sampleMatrix, SILENT } from '../../fixtures/helpers/matrices.ts';
import { cellReproduction } from './reproduce.ts';
import type { Matrix } from './status.ts';
import { matrixExit, matrixSummary, rowStatus } from './status.ts';

describe('a matrix row', () => {
  let m: Matrix;
  let failing: Report;
  beforeAll(async () => {
    m = await sampleMatrix();
    failing = m.rows[1].report!;
  });
  const rowNamed = (name: string) => m.rows.find((r) => r.entry.name === name)!;

  it('is as expected when every rule passes, or deviates as its file says', () => {
    expect(rowStatus(rowNamed('oracle'))).toMatchObject({ state: 'as-expected', failing: false, summary: 'as expected' });
    const listed = rowStatus(rowNamed('silent-listed'));
    expect(listed).toMatchObject({ state: 'as-expected', failing: false, summary: 'as expected (2 known deviations: GET-3, FORK-2)' });
    expect([listed.marks.get('GET-3'), listed.marks.get('FORK-2'), listed.marks.get('GET-1')]).toEqual(['expected', 'expected', 'ok']);
    // Every verdict at once, each listed: skipped as skip, error and not exercised as fail.
    const nasty = rowStatus(rowNamed('nasty'));
    expect(nasty).toMatchObject({ state: 'as-expected', failing: false });
    // A long list stays one short line.
    expect(nasty.summary).toMatch(/^as expected \(\d+ known deviations: ([A-Z]+-\d, ){5}and \d+ more\)$/);
  });

  it('has a surprise where a rule fails that its file does not list', () => {
    const s = rowStatus(rowNamed('silent'));
    expect(s).toMatchObject({ state: 'surprise', failing: true, summary: '1 surprise: FORK-2 fail (not in silent.expect)' });
    expect([s.marks.get('GET-3'), s.marks.get('FORK-2')]).toEqual(['expected', 'unexpected']);
  });

  it('has a surprise where a listed rule passes: the line is stale', () => {
    const s = rowStatus(row(entry('stale', SILENT, { expect: 'GET-3 fail a\nFORK-2 fail b\nGET-1 fail c\n' }), failing));
    expect(s).toMatchObject({ state: 'surprise', failing: true });
    expect(s.marks.get('GET-1')).toBe('stale');
    expect(s.summary).toBe('1 surprise: GET-1 passes (listed as failing in stale.expect: stale)');
  });

  it('without a file, fails on what `loopspec run` exits 1 on, and not on a skipped rule', () => {
    const s = rowStatus(row(entry('bare', SILENT), failing));
    expect(s.summary).toBe('2 surprises: GET-3 fail, FORK-2 fail (no expectations file)');
    const skipped = fakeReport({ 'GET-1': 'pass', 'THR-1': 'skipped' });
    expect(rowStatus(row(entry('skips', 'reference'), skipped))).toMatchObject({ state: 'as-expected', failing: false });
    const many = fakeReport(Object.fromEntries(['GET-1', 'GET-2', 'GET-3', 'GET-4', 'RUN-1', 'RUN-2', 'RUN-3'].map((id) => [id, 'fail'])));
    expect(rowStatus(row(entry('many', 'reference'), many)).summary).toBe(
      '7 surprises: GET-1 fail, GET-2 fail, GET-3 fail, GET-4 fail, RUN-1 fail, and 2 more (no expectations file)',
    );
  });

  it('fails when its run was interrupted, whatever its verdicts', () => {
    const s = rowStatus(row(entry('cut', 'oracle'), { ...m.rows[0].report!, interrupted: true }));
    expect(s).toMatchObject({ state: 'interrupted', failing: true });
  });

  it('without a report says why, and fails unless optional', () => {
    expect(rowStatus(rowNamed('deviant'))).toMatchObject({
      state: 'unavailable',
      failing: true,
      summary: "could not start: pyenv prefix 3.8.99 failed: pyenv: version `3.8.99' not installed",
    });
    expect(rowStatus(rowNamed('pyodide'))).toMatchObject({
      state: 'unavailable',
      failing: false,
      summary: "could not start: unknown implementation 'pyodide' (optional: not counted)",
    });
    expect(rowStatus(row(entry('later', 'reference'), null))).toMatchObject({ state: 'not-run', failing: true });
  });

  it('makes the matrix exit 1 when any row fails, else 0', () => {
    const ok = m.rows.filter((r) => ['oracle', 'silent-listed', 'nasty', 'pyodide'].includes(r.entry.name));
    expect(matrixExit(ok)).toBe(0);
    expect(matrixSummary(ok)).toBe('3 of 4 implementations as expected, 1 could not start (optional)');
    expect(matrixExit([...ok, rowNamed('silent')])).toBe(1);
    expect(matrixExit([...ok, rowNamed('deviant')])).toBe(1);
    expect(matrixSummary(m.rows)).toBe('3 of 6 implementations as expected, 1 with surprises, 2 could not start (1 optional)');
  });

  it('reproduces a failing cell from its saved counterexample, with the environment it ran in', () => {
    const fork2 = failing.rules.find((r) => r.id === 'FORK-2')!;
    const cx = cellReproduction(rowNamed('silent'), fork2)!;
    expect(cx.file).toMatch(/^out\/silent\/counterexamples\/FORK-2\.silent-oracle\.seed-?\d+\.counterexample\.json$/);
    expect(cx.link).toBe(cx.file.replace(/^out\//, ''));
    expect(cx.commands).toEqual([
      `npx loopspec replay ${cx.file} --impl ${SILENT}`,
      `npx loopspec repro ${cx.file} --as typescript --adapter ${SILENT} > repro.mts`,
      'npx tsx repro.mts',
    ]);
    const py = row(entry('py', 'python:/opt/py 3/bin/python3', { policy: 'm:P', pythonPath: ['/src/fx'], env: { X: 'a b' } }), failing);
    const pyCx = cellReproduction(py, fork2)!;
    expect(pyCx.commands).toEqual([
      `X='a b' PYTHONPATH=/src/fx npx loopspec replay ${pyCx.file} --impl 'python:/opt/py 3/bin/python3' --policy m:P`,
      `npx loopspec repro ${pyCx.file} --as python > repro.py`,
      `X='a b' PYTHONPATH=/src/fx '/opt/py 3/bin/python3' repro.py --policy m:P`,
    ]);
    // The Python reproducer takes a policy only: with a setup, replay is the way.
    const setup = row(entry('s', 'python', { setup: 'm:f' }), failing);
    expect(cellReproduction(setup, fork2)!.commands).toEqual([
      `npx loopspec replay ${pyCx.file.replace('/py/', '/s/')} --impl python --setup m:f`,
    ]);
    expect(cellReproduction(rowNamed('silent'), failing.rules.find((r) => r.id === 'GET-1')!)).toBeUndefined();
  });
});
