// Reading report files: a real report reads back; everything else fails saying why.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GateError } from './errors.ts';
import { readReport, ReportError } from './read-report.ts';
import { REPORT_SCHEMA_URL } from '../../protocol/validate.ts';
import { fakeReport, oracle, realReport } from '../../fixtures/helpers/gate.ts';

const dir = mkdtempSync(join(tmpdir(), 'gate-report-'));
const file = (name: string, content: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

describe('readReport', () => {
  it('reads back a report written by the suite', async () => {
    const report = await realReport(oracle(), { rules: ['GET-1', 'GET-3'] });
    expect(readReport(file('real.json', report))).toEqual(report);
  });

  it('validates against protocol/schemas/report.schema.json, which ships with loopspec', async () => {
    expect(existsSync(REPORT_SCHEMA_URL)).toBe(true);
    const report = await realReport(oracle(), { rules: ['GET-3'] });
    expect(readReport(file('schema-ok.json', report))).toEqual(report);
    expect(() => readReport(file('schema-bad.json', { ...report, seed: 'x' }))).toThrow(/is not a valid loopspec report/);
    expect(() => readReport(file('schema-date.json', { ...report, startedAt: 'yesterday' }))).toThrow(
      /\/startedAt must match format "date-time"/,
    );
  });

  const bad: [string, () => string, RegExp][] = [
    ['a missing file', () => join(dir, 'nope.json'), /report .*nope\.json does not exist/],
    [
      'a directory',
      () => {
        mkdirSync(join(dir, 'd'), { recursive: true });
        return join(dir, 'd');
      },
      /is a directory/,
    ],
    ['non-JSON', () => file('text.json', 'loopspec: 40 rules passed'), /is not JSON: /],
    ['a JSON array', () => file('array.json', []), /is not a loopspec report: expected a JSON object/],
    [
      'another format',
      () => file('junit.json', { format: 'junit', version: 1 }),
      /is not a loopspec report: format is "junit", expected "loopspec-report"/,
    ],
    [
      'a newer version',
      () => file('v3.json', { ...fakeReport({}), version: 3 }),
      /report format version 3 is not supported, this loopspec reads versions 1 and 2 \(upgrade loopspec\)/,
    ],
    ['no version', () => file('v.json', { ...fakeReport({}), version: undefined }), /report format version undefined is not supported/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what}`, () => {
      const p = make();
      expect(() => readReport(p)).toThrow(ReportError);
      expect(() => readReport(p)).toThrow(GateError);
      expect(() => readReport(p)).toThrow(message);
    });
  }

  describe('checks every field against the schema, naming where', () => {
    const broken: [string, object, RegExp][] = [
      ['a bad verdict', fakeReport({ 'GET-1': 'maybe' as never }), /\/rules\/0\/verdict must be equal to one of the allowed values/],
      ['no rules', { ...fakeReport({}), rules: undefined }, /must have required property 'rules'/],
      ['a bad shard', fakeReport({}, { shard: { index: 1 } as never }), /\/shard must have required property 'count'/],
      ['a bad seed', fakeReport({}, { seed: 'x' as never }), /\/seed must be integer/],
      ['a bad date', fakeReport({}, { startedAt: 'yesterday' }), /\/startedAt must match format "date-time"/],
    ];
    for (const [what, value, message] of broken) {
      it(`refuses ${what}`, () => expect(() => readReport(file('broken.json', value))).toThrow(message));
    }
  });
});
