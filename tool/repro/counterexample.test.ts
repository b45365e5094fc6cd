import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { runRule } from '../../conformance/runner.ts';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import implicitCreationAnyThread from '../../fixtures/mutants/implicit-creation-any-thread.ts';
import {
  COUNTEREXAMPLE_FORMAT,
  COUNTEREXAMPLE_VERSION,
  CounterexampleError,
  counterexampleFromReport,
  counterexampleFromRule,
  readCounterexample,
  saveCounterexample,
  toCounterexample,
} from './counterexample.ts';
import { replay } from './replay.ts';
import { implicitCreationWarns } from '../../fixtures/helpers/counterexamples.ts';

const dir = mkdtempSync(join(tmpdir(), 'loopspec-cx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('saved counterexamples', () => {
  it('round-trips through a directory, named after rule, implementation and seed', () => {
    const file = saveCounterexample(implicitCreationWarns, join(dir, 'out'));
    expect(file).toBe(join(dir, 'out', 'GET-3.python.seed42.counterexample.json'));
    const back = readCounterexample(file);
    expect(back).toEqual(implicitCreationWarns);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      format: COUNTEREXAMPLE_FORMAT,
      version: COUNTEREXAMPLE_VERSION,
      rule: 'GET-3',
      profile: 'cpython-3.12',
      seed: 42,
      path: '7:0',
    });
  });

  it('writes to a named .json file', () => {
    const file = saveCounterexample(implicitCreationWarns, join(dir, 'named.json'));
    expect(readCounterexample(file).rule).toBe('GET-3');
  });

  it('numbers an unnumbered program', () => {
    const c = toCounterexample({
      ...implicitCreationWarns,
      program: { version: 1, main: [{ op: 'get_event_loop' }, { op: 'is_closed', loop: 'L' }] },
    });
    expect(c.program.main.map((s) => s.id)).toEqual(['s1', 's2']);
  });

  it('is taken from a report rule, with the report profile and implementation', () => {
    const rule = {
      id: 'GET-3',
      verdict: 'fail',
      counterexample: {
        program: implicitCreationWarns.program,
        mismatches: [],
        predicted: { obs: {}, order: {}, end: { kind: 'ok' } },
        actual: { obs: {}, order: {}, end: { kind: 'ok' } },
        seed: 42,
        path: '7:0',
      },
    } as unknown as ReportRule;
    const report = {
      profile: 'cpython-3.12',
      implementation: { name: 'python', version: '3.11.7' },
      rules: [rule, { ...rule, id: 'GET-1', verdict: 'pass', counterexample: null }],
    } as unknown as Report;
    expect(counterexampleFromReport(report, 'GET-3')).toEqual({ ...implicitCreationWarns, mismatches: [] });
    expect(() => counterexampleFromReport(report, 'GET-1')).toThrow('rule GET-1 has no counterexample (verdict pass)');
    expect(() => counterexampleFromReport(report, 'NOPE-1')).toThrow('the report has no rule NOPE-1');
  });

  it('saves what the runner finds, and replaying the file shows the deviation again', async () => {
    const prop = PROPERTIES.find((p) => p.rule === 'GET-4')!;
    const r = await runRule(prop, implicitCreationAnyThread.adapter, 100, 1);
    expect(r.verdict).toBe('fail');
    const c = counterexampleFromRule(r, { profile: 'cpython-3.12', implementation: { name: 'mutant', version: '0' } });
    const back = readCounterexample(saveCounterexample(c, dir));
    expect(back.mismatches?.[0]).toMatchObject({ rule: 'GET-4' });
    expect((await replay(back, implicitCreationAnyThread.adapter)).status).toBe('deviates');
  });

  describe('clear errors', () => {
    const read = (text: string) => () => readCounterexample(write('x.json', text));
    const valid = JSON.parse(JSON.stringify(implicitCreationWarns));
    it.each([
      ['a missing file', () => readCounterexample(join(dir, 'missing.json')), /counterexample .*missing\.json does not exist/],
      ['not JSON', read('{ nope'), /x\.json is not JSON/],
      [
        'a report',
        read(JSON.stringify({ format: 'loopspec-report', version: 1 })),
        /format is "loopspec-report", expected "loopspec-counterexample" \(it is a report/,
      ],
      ['a bare program', read(JSON.stringify({ version: 1, main: [] })), /looks like a bare program/],
      [
        'a newer version',
        read(JSON.stringify({ ...valid, version: 2 })),
        /format version 2 is newer than this loopspec reads \(reads version 1\)/,
      ],
      [
        'missing fields',
        read(JSON.stringify({ format: COUNTEREXAMPLE_FORMAT, version: 1 })),
        /`rule` must be a non-empty string[\s\S]*`seed` must be an integer[\s\S]*`program` is missing/,
      ],
      [
        'an unknown profile',
        read(JSON.stringify({ ...valid, profile: 'cpython-2.7' })),
        /`profile`: unknown profile 'cpython-2.7': use one of cpython-3.8/,
      ],
      [
        'an unknown op',
        read(JSON.stringify({ ...valid, program: { version: 1, main: [{ op: 'explode' }] } })),
        /program\/main\/0\/op must be equal to one of the allowed values/,
      ],
    ])('for %s', (_, f, message) => {
      expect(f).toThrow(CounterexampleError);
      expect(f).toThrow(message);
    });
  });
});
