// The gate: results against the expectations file, every cell of the verdict x entry table,
// and the file writeExpectations makes.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import type { Verdict } from '../../conformance/verdicts.ts';
import { checkExpectations, formatExpectationsCheck } from './check.ts';
import { parseExpectations } from './expectations.ts';
import { fakeReport, oracle, realReport, silent } from '../../fixtures/helpers/gate.ts';
import { PLACEHOLDER_REASON, writeExpectations } from './write.ts';

const file = (...lines: string[]) => parseExpectations(['# loopspec expectations v1', ...lines].join('\n'), 'impl.expect');

let passing: Report;
let deviating: Report;
beforeAll(async () => {
  [passing, deviating] = await Promise.all([realReport(oracle()), realReport(silent())]);
});

describe('checkExpectations on real runs', () => {
  it('the deviating implementation fails exactly GET-3 and FORK-2 (the premise of these tests)', () => {
    expect(deviating.rules.filter((r) => r.verdict !== 'pass').map((r) => `${r.id} ${r.verdict}`)).toEqual(['GET-3 fail', 'FORK-2 fail']);
    expect(passing.rules.every((r) => r.verdict === 'pass')).toBe(true);
  });

  it('passes when the failures are the listed ones', () => {
    const c = checkExpectations(deviating, file('GET-3 fail never warns', 'FORK-2 fail never warns either'));
    expect(c.ok).toBe(true);
    expect(c.matched.map((m) => [m.rule, m.entry.line])).toEqual([
      ['GET-3', 2],
      ['FORK-2', 3],
    ]);
    expect(formatExpectationsCheck(c)).toMatch(/as expected \(2 known deviations: GET-3, FORK-2\)/);
  });

  it('fails on a regression: a failing rule the file does not list, with its first mismatch', () => {
    const c = checkExpectations(deviating, file('GET-3 fail never warns'));
    expect(c.ok).toBe(false);
    expect(c.regressions.map((s) => [s.rule, s.verdict, s.entry])).toEqual([['FORK-2', 'fail', null]]);
    expect(c.regressions[0].detail).toMatch(/^at .+: expected .*DeprecationWarning.*, actual/);
    const text = formatExpectationsCheck(c);
    expect(text).toMatch(/REGRESSION\s+FORK-2 fail \(not listed\): at /);
    expect(text).toMatch(/FAILED, 1 surprise/);
  });

  it('fails on stale entries, naming the lines to delete', () => {
    const c = checkExpectations(passing, file('# known', 'GET-3 fail never warns', '', 'FORK-2 fail never warns', 'THR-1 skip no threads'));
    expect(c.ok).toBe(false);
    expect(c.unexpectedPasses.map((s) => [s.rule, s.entry.line])).toEqual([
      ['GET-3', 3],
      ['THR-1', 6],
      ['FORK-2', 5],
    ]); // in registry order
    expect(c.staleLines).toEqual([3, 5, 6]);
    const text = formatExpectationsCheck(c);
    expect(text).toMatch(/UNEXPECTED PASS\s+GET-3 \(listed as fail on line 3\): delete line 3/);
    expect(text).toMatch(/impl\.expect is stale: delete lines 3, 5, 6/);
  });
});

describe('checkExpectations, verdict by entry', () => {
  const one = (verdict: Verdict, entry: string | null) =>
    checkExpectations(fakeReport({ 'GET-3': verdict, 'GET-1': 'pass' }), entry ? file(`GET-3 ${entry} because`) : file());
  const where = (c: ReturnType<typeof one>) =>
    c.matched.length
      ? 'matched'
      : c.regressions.length
        ? 'regression'
        : c.unexpectedPasses.length
          ? 'unexpected pass'
          : c.unexpectedSkips.length
            ? 'unexpected skip'
            : 'nothing';
  const table: [Verdict, string | null, string, boolean][] = [
    ['pass', null, 'nothing', true],
    ['pass', 'fail', 'unexpected pass', false],
    ['pass', 'skip', 'unexpected pass', false],
    ['fail', null, 'regression', false],
    ['fail', 'fail', 'matched', true],
    ['fail', 'skip', 'regression', false],
    ['error', null, 'regression', false],
    ['error', 'fail', 'matched', true],
    ['error', 'error', 'matched', true],
    ['error', 'skip', 'regression', false],
    ['fail', 'error', 'regression', false],
    ['unexercised', 'error', 'regression', false],
    ['skipped', 'error', 'unexpected skip', false],
    ['pass', 'error', 'unexpected pass', false],
    ['unexercised', null, 'regression', false],
    ['unexercised', 'fail', 'matched', true],
    ['unexercised', 'skip', 'regression', false],
    ['skipped', null, 'unexpected skip', false],
    ['skipped', 'fail', 'unexpected skip', false],
    ['skipped', 'skip', 'matched', true],
  ];
  for (const [verdict, entry, expected, ok] of table) {
    it(`verdict ${verdict}, ${entry ? `listed as ${entry}` : 'not listed'}: ${expected}`, () => {
      const c = one(verdict, entry);
      expect(where(c)).toBe(expected);
      expect(c.ok).toBe(ok);
    });
  }

  it('names the entry a regression contradicts', () => {
    const text = formatExpectationsCheck(one('error', 'skip'));
    expect(text).toMatch(/REGRESSION\s+GET-3 error \(listed as skip on line 2\): error: timeout/);
  });

  it('shows a known deviation that showed up as another verdict', () => {
    expect(formatExpectationsCheck(one('error', 'fail'))).toMatch(/1 known deviation: GET-3 \(error\)/);
  });

  it('warns where an error is matched by a fail entry, and only there', () => {
    const c = one('error', 'fail');
    expect(c.errorsAsFail.map((m) => m.entry.line)).toEqual([2]);
    expect(formatExpectationsCheck(c)).toMatch(/warning: impl\.expect:2: GET-3 is listed as fail but its verdict is error/);
    for (const [verdict, entry] of [
      ['error', 'error'],
      ['fail', 'fail'],
      ['unexercised', 'fail'],
    ] as const) {
      expect(one(verdict, entry).errorsAsFail).toEqual([]);
      expect(formatExpectationsCheck(one(verdict, entry))).not.toMatch(/warning/);
    }
    expect(formatExpectationsCheck(one('error', 'error'))).toMatch(/1 known deviation: GET-3\)/);
  });

  it('does not check entries for rules the run did not include, but says so', () => {
    const c = checkExpectations(fakeReport({ 'GET-1': 'pass' }), file('GET-3 fail x'));
    expect(c.ok).toBe(true);
    expect(c.notRun.map((e) => e.line)).toEqual([2]);
    expect(formatExpectationsCheck(c)).toMatch(/not in this run, not checked: GET-3 \(line 2\)/);
  });

  it('never passes an interrupted run', () => {
    const c = checkExpectations(fakeReport({ 'GET-1': 'pass' }, { interrupted: true }), file());
    expect(c.ok).toBe(false);
    expect(formatExpectationsCheck(c)).toMatch(/interrupted/);
  });
});

describe('writeExpectations', () => {
  it('round-trips: the written file parses, lists every deviation, and the gate passes', () => {
    const text = writeExpectations(deviating);
    const x = parseExpectations(text, 'written.expect');
    expect(x.entries.map((e) => [e.rule, e.status, e.reason])).toEqual([
      ['GET-3', 'fail', PLACEHOLDER_REASON],
      ['FORK-2', 'fail', PLACEHOLDER_REASON],
    ]);
    const c = checkExpectations(deviating, x);
    expect(c.ok).toBe(true);
    // The placeholder is a warning, not a failure.
    expect(c.unexplained.map((e) => e.rule)).toEqual(['GET-3', 'FORK-2']);
    expect(formatExpectationsCheck(c)).toMatch(/warning: written\.expect:\d+: GET-3 still has the placeholder reason/);
  });

  it('puts the first mismatch above each entry as a comment', () => {
    const lines = writeExpectations(deviating).split('\n');
    const at = lines.findIndex((l) => l.startsWith('GET-3 fail'));
    expect(lines[at - 2]).toMatch(/^# GET-3 fail: /);
    expect(lines[at - 1]).toMatch(/^# {3}at .+: expected .*DeprecationWarning.*, actual /);
  });

  it('writes skip for skipped rules, error for errors and fail for the other verdicts that do not pass', () => {
    const report = fakeReport({ 'GET-1': 'pass', 'GET-2': 'error', 'GET-3': 'fail', 'THR-1': 'skipped', 'TASK-2': 'unexercised' });
    const x = parseExpectations(writeExpectations(report), 'w');
    expect(x.entries.map((e) => `${e.rule} ${e.status}`)).toEqual(['GET-2 error', 'GET-3 fail', 'THR-1 skip', 'TASK-2 fail']);
    expect(checkExpectations(report, x).ok).toBe(true);
  });

  it('writes a file with no entries when every rule passed', () => {
    const text = writeExpectations(passing);
    expect(parseExpectations(text, 'w').entries).toEqual([]);
    expect(text).toMatch(/No known deviations/);
  });
});
