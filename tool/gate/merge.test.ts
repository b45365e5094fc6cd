// Merging shard reports: the union of the shards is the whole run, and reports that do not
// belong together are refused with the reason.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import { MergeError, mergeReports } from './merge.ts';
import { shardRules } from './shard.ts';
import { fakeReport, realReport, silent } from '../../fixtures/helpers/gate.ts';

const ALL = PROPERTIES.map((p) => p.rule);
// Durations differ from run to run; everything else must be identical.
const timeless = (r: Report) => r.rules.map(({ durationMs: _, ...rest }) => rest);

describe('mergeReports of real shard runs', () => {
  let whole: Report;
  let shards: Report[];
  beforeAll(async () => {
    whole = await realReport(silent());
    shards = [];
    for (let i = 1; i <= 3; i++) shards.push(await realReport(silent(), { rules: shardRules(ALL, i, 3), shard: { index: i, count: 3 } }));
  });

  it('equals the whole run rule for rule: same verdicts, same counterexamples, registry order', () => {
    // Given in a shuffled order, to show the merge does not depend on it.
    const merged = mergeReports([shards[2], shards[0], shards[1]]);
    expect(merged.shard).toBeNull();
    expect(merged.rules.map((r) => r.id)).toEqual(ALL);
    expect(timeless(merged)).toEqual(timeless(whole));
    expect(merged.rules.filter((r) => r.verdict === 'fail').map((r) => r.id)).toEqual(['GET-3', 'FORK-2']);
    const { implementation, profile, seed, runs, interrupted } = merged;
    expect({ implementation, profile, seed, runs, interrupted }).toEqual({
      implementation: whole.implementation,
      profile: whole.profile,
      seed: whole.seed,
      runs: whole.runs,
      interrupted: false,
    });
  });

  it('is not vacuous: every shard ran rules, and the two failures came from different shards', () => {
    for (const s of shards) expect(s.rules.length).toBeGreaterThan(10);
    const failing = shards.map((s) => s.rules.filter((r) => r.verdict === 'fail').length);
    expect(failing.filter((n) => n > 0).length).toBe(2);
  });
});

describe('mergeReports refuses reports that do not belong together', () => {
  const shard = (index: number, count: number, verdicts: Record<string, 'pass' | 'fail'>, over: Partial<Report> = {}) =>
    fakeReport(verdicts, { shard: { index, count }, ...over });
  const a = shard(1, 2, { 'GET-1': 'pass' });
  const b = shard(2, 2, { 'GET-2': 'fail' });

  it('merges two that do, spanning both runs in time', () => {
    const m = mergeReports([b, { ...a, startedAt: '2025-12-31T23:59:59.000Z', durationMs: 50 }]);
    expect(m.rules.map((r) => r.id)).toEqual(['GET-1', 'GET-2']);
    expect(m.startedAt).toBe('2025-12-31T23:59:59.000Z');
    expect(m.durationMs).toBe(1100);
  });

  const cases: [string, Report[], RegExp][] = [
    ['nothing', [], /nothing to merge/],
    [
      'another implementation',
      [a, { ...b, implementation: { name: 'other', version: '1.0' } }],
      /b\.json is not from the same run as a\.json: implementation other 1\.0 vs impl 1\.0/,
    ],
    [
      'another implementation version',
      [a, { ...b, implementation: { name: 'impl', version: '2.0' } }],
      /implementation impl 2\.0 vs impl 1\.0/,
    ],
    ['another profile', [a, { ...b, profile: 'cpython-3.13' }], /profile cpython-3\.13 vs cpython-3\.12/],
    ['another seed', [a, { ...b, seed: 2 }], /seed 2 vs 1/],
    ['other runs', [a, { ...b, runs: 99 }], /runs 99 vs 10/],
    ['another loopspec', [a, { ...b, tool: { name: 'loopspec', version: '0.2.0' } }], /loopspec version 0\.2\.0 vs 0\.1\.0/],
    ['a whole run', [a, { ...b, shard: null }], /b\.json is not a shard/],
    [
      'different shard counts',
      [a, shard(2, 3, { 'GET-2': 'pass' })],
      /b\.json is shard 2\/3 but a\.json is one of 2: the shard counts differ/,
    ],
    ['the same index twice', [a, shard(1, 2, { 'GET-2': 'pass' })], /a\.json and b\.json are both shard 1\/2/],
    ['a missing shard', [a], /shard 2\/2 missing/],
    ['overlapping shards', [a, shard(2, 2, { 'GET-1': 'pass' })], /rule GET-1 is in both a\.json and b\.json: the shards overlap/],
  ];
  for (const [what, reports, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => mergeReports(reports, ['a.json', 'b.json'])).toThrow(MergeError);
      expect(() => mergeReports(reports, ['a.json', 'b.json'])).toThrow(message);
    });
  }

  it('names reports by position without names', () => {
    expect(() => mergeReports([a, { ...b, seed: 3 }])).toThrow(/report 2 is not from the same run as report 1/);
  });

  it('marks the merge interrupted if any shard was', () => {
    expect(mergeReports([a, { ...b, interrupted: true }]).interrupted).toBe(true);
  });
});
