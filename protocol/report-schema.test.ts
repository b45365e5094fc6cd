// protocol/schemas/report.schema.json, through protocol/validate.ts, accepts the reports runs make,
// passing or failing, and refuses a broken report with a reason.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../conformance/report.ts';
import { failingReport, mixedReport, passingReport } from '../fixtures/helpers/reports.ts';
import { REPORT_SCHEMA_URL, reportProblems } from './validate.ts';

// Through JSON, as a reader of a report file gets it.
const asJson = (r: Report): Report => JSON.parse(JSON.stringify(r));

describe('protocol/schemas/report.schema.json', () => {
  let passing: Report, failing: Report, mixed: Report;
  beforeAll(async () => {
    [passing, failing, mixed] = (await Promise.all([passingReport(), failingReport(), mixedReport()])).map(asJson);
  });

  it('accepts a passing run, a failing run and a run with every verdict', () => {
    expect(failing.rules.find((r) => r.id === 'GET-3')?.verdict).toBe('fail');
    expect(new Set(mixed.rules.map((r) => r.verdict))).toEqual(new Set(['pass', 'fail', 'error', 'skipped', 'unexercised']));
    for (const r of [passing, failing, mixed]) expect(reportProblems(r)).toEqual([]);
  });

  it('accepts a sharded, interrupted run', () => {
    expect(reportProblems({ ...passing, shard: { index: 2, count: 3 }, interrupted: true, rules: passing.rules.slice(0, 3) })).toEqual([]);
  });

  it('rejects broken reports, saying where', () => {
    const fail = failing.rules.find((r) => r.verdict === 'fail')!;
    const broken: [string, unknown, string][] = [
      ['another format', { ...passing, format: 'junit' }, '/format'],
      ['a future version', { ...passing, version: 3 }, '/version'],
      ['a missing field', (({ seed: _, ...rest }) => rest)(passing), "must have required property 'seed'"],
      ['an unknown verdict', { ...passing, rules: [{ ...passing.rules[0], verdict: 'passed' }] }, '/rules/0/verdict'],
      ['a failure without its counterexample', { ...failing, rules: [{ ...fail, counterexample: null }] }, '/rules/0/counterexample'],
      [
        'a failure without mismatches',
        { ...failing, rules: [{ ...fail, counterexample: { ...fail.counterexample!, mismatches: [] } }] },
        '/rules/0/counterexample/mismatches',
      ],
      ['a pass with an error', { ...passing, rules: [{ ...passing.rules[0], error: 'boom' }] }, '/rules/0/error'],
      ['a bad date', { ...passing, startedAt: 'yesterday' }, '/startedAt'],
      ['an unknown field', { ...passing, extra: 1 }, 'additional properties'],
      ['not an object', 'report', '(the report)'],
    ];
    for (const [what, value, where] of broken) {
      const problems = reportProblems(value);
      expect(problems.length, what).toBeGreaterThan(0);
      expect(problems.join('\n'), what).toContain(where);
    }
  });

  it('documents every property', () => {
    const schema = JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8'));
    const undocumented: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as Record<string, unknown>;
      // Statement fields are documented in language/program.ts, as in the protocol schema;
      // allOf holds the cross-field constraints, not fields.
      if (n.properties && !/\/(stmt|allOf)\b/.test(at))
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>))
          if (!v.description && !v.$ref && !('const' in v)) undocumented.push(`${at}/${k}`);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(schema, '');
    expect(undocumented).toEqual([]);
  });

  it('describes statements exactly as the protocol schema does', () => {
    const mine = JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')).$defs.stmt;
    const protocol = JSON.parse(readFileSync(new URL('./schemas/program.json', import.meta.url), 'utf8')).$defs.stmt;
    expect(mine).toEqual(protocol);
  });
});
