// Two reports, rule by rule: every class, the registry order, and the exit signal.
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../conformance/verdicts.ts';
import { classify, diffReports, formatDiff } from './diff.ts';
import type { DiffClass } from './diff.ts';
import { fakeReport, oracle, realReport, silent } from '../../fixtures/helpers/gate.ts';

describe('classify', () => {
  const cases: [Verdict | null, Verdict | null, DiffClass][] = [
    ['pass', 'fail', 'regressed'],
    ['pass', 'error', 'regressed'],
    ['pass', 'unexercised', 'regressed'],
    ['skipped', 'fail', 'regressed'],
    ['fail', 'pass', 'fixed'],
    ['error', 'pass', 'fixed'],
    ['skipped', 'pass', 'fixed'],
    ['fail', 'fail', 'unchanged-failing'],
    ['fail', 'error', 'unchanged-failing'],
    ['unexercised', 'fail', 'unchanged-failing'],
    ['pass', 'pass', 'unchanged-passing'],
    ['skipped', 'skipped', 'unchanged-skipped'],
    ['pass', 'skipped', 'newly-skipped'],
    ['fail', 'skipped', 'newly-skipped'],
    [null, 'pass', 'new'],
    [null, 'fail', 'new'],
    ['pass', null, 'removed'],
    ['fail', null, 'removed'],
  ];
  for (const [a, b, cls] of cases) it(`${a ?? 'absent'} -> ${b ?? 'absent'} is ${cls}`, () => expect(classify(a, b)).toBe(cls));
});

describe('diffReports', () => {
  const old = fakeReport({
    'POL-1': 'pass',
    'GET-1': 'pass',
    'GET-2': 'fail',
    'GET-3': 'fail',
    'GET-4': 'pass',
    'RUN-1': 'skipped',
    'THR-1': 'pass',
    'FORK-2': 'pass',
  });
  const now = fakeReport({
    'FORK-2': 'pass',
    'GET-1': 'fail',
    'GET-2': 'pass',
    'GET-3': 'error',
    'GET-4': 'skipped',
    'RUN-1': 'skipped',
    'NEW-1': 'pass',
    'THR-1': 'pass',
  });

  it('classifies every rule of either report, in registry order', () => {
    expect(diffReports(old, now).map((d) => [d.rule, d.class, d.old, d.new])).toEqual([
      ['POL-1', 'removed', 'pass', null],
      ['GET-1', 'regressed', 'pass', 'fail'],
      ['GET-2', 'fixed', 'fail', 'pass'],
      ['GET-3', 'unchanged-failing', 'fail', 'error'],
      ['GET-4', 'newly-skipped', 'pass', 'skipped'],
      ['RUN-1', 'unchanged-skipped', 'skipped', 'skipped'],
      ['NEW-1', 'new', null, 'pass'],
      ['THR-1', 'unchanged-passing', 'pass', 'pass'],
      ['FORK-2', 'unchanged-passing', 'pass', 'pass'],
    ]);
  });

  it('formats the changes and reports that something regressed', () => {
    const { text, regressed } = formatDiff(old, now);
    expect(regressed).toBe(true);
    expect(text).toMatch(/^REGRESSED\s+GET-1\s+pass -> fail: at s1 warnings: expected DeprecationWarning, actual none$/m);
    expect(text).toMatch(/^fixed\s+GET-2\s+fail -> pass$/m);
    expect(text).toMatch(/^newly skipped\s+GET-4\s+pass -> skipped$/m);
    expect(text).toMatch(/^removed\s+POL-1\s+pass -> \(absent\)$/m);
    expect(text).toMatch(
      /^9 rules: 1 REGRESSED, 1 fixed, 1 still failing, 2 still passing, 1 still skipped, 1 newly skipped, 1 new, 1 removed$/m,
    );
  });

  it('does not report a regression when nothing regressed', () => {
    expect(formatDiff(old, old).regressed).toBe(false);
  });

  it('notes when the two runs had different settings', () => {
    expect(formatDiff(old, { ...now, seed: 2, runs: 20 }).text).toMatch(/the runs differ in seed 1 -> 2, runs 10 -> 20/);
  });

  it('compares two implementations side by side', async () => {
    const [a, b] = await Promise.all([realReport(oracle()), realReport(silent())]);
    const d = diffReports(a, b);
    expect(d.filter((x) => x.class !== 'unchanged-passing').map((x) => `${x.rule} ${x.class}`)).toEqual([
      'GET-3 regressed',
      'FORK-2 regressed',
    ]);
    const { text, regressed } = formatDiff(a, b);
    expect(regressed).toBe(true);
    expect(text.split('\n')[0]).toBe('diff: loopspec-oracle cpython-3.12 -> silent-oracle cpython-3.12');
    expect(
      diffReports(b, a)
        .filter((x) => x.class === 'fixed')
        .map((x) => x.rule),
    ).toEqual(['GET-3', 'FORK-2']);
  });
});
