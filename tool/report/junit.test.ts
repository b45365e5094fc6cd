// JUnit XML that CI systems can read: well-formed, counts that agree with the report, every
// non-pass visible (unexercised included), messages intact whatever they contain.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../conformance/report.ts';
import { toJUnit } from './junit.ts';
import { verdictCounts } from '../../conformance/verdicts.ts';
import { failingReport, mixedReport, NASTY, passingReport } from '../../fixtures/helpers/reports.ts';

// biome-ignore lint/suspicious/noExplicitAny: parsed XML of any shape; each test asserts the parts it reads
type Node = Record<string, any>;
const parse = (xml: string): Node =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml);
const cases = (doc: Node): Node[] => doc.testsuites.testsuite.flatMap((s: Node) => s.testcase);
const num = (n: Node, attr: string): number => Number(n[attr]);

describe('toJUnit', () => {
  let passing: Report, failing: Report, mixed: Report;
  beforeAll(async () => {
    [passing, failing, mixed] = await Promise.all([passingReport(), failingReport(), mixedReport()]);
  });

  it('is well-formed XML', () => {
    for (const r of [passing, failing, mixed]) expect(XMLValidator.validate(toJUnit(r))).toBe(true);
  });

  it('has one testsuite per rule group and one testcase per rule, named "ID title" with the group as classname', () => {
    const doc = parse(toJUnit(failing));
    expect(doc.testsuites.testsuite.map((s: Node) => s.name)).toEqual([...new Set(failing.rules.map((r) => r.group))]);
    const all = cases(doc);
    expect(all.length).toBe(failing.rules.length);
    const get3 = all.find((c) => c.name.startsWith('GET-3 '))!;
    expect(get3.classname).toBe('GET');
    expect(get3.name).toBe(`GET-3 ${failing.rules.find((r) => r.id === 'GET-3')!.title}`);
  });

  it('counts tests, failures, errors and skipped as the report does, per suite and in total', () => {
    for (const r of [passing, failing, mixed]) {
      const doc = parse(toJUnit(r));
      const c = verdictCounts(r.rules);
      const top = doc.testsuites;
      expect([num(top, 'tests'), num(top, 'failures'), num(top, 'errors'), num(top, 'skipped')]).toEqual([
        r.rules.length,
        c.fail,
        c.error,
        c.skipped + c.unexercised,
      ]);
      for (const s of top.testsuite) {
        const rules = r.rules.filter((x) => x.group === s.name);
        expect(num(s, 'tests')).toBe(rules.length);
        expect(num(s, 'failures')).toBe(rules.filter((x) => x.verdict === 'fail').length);
        expect(num(s, 'errors')).toBe(s.testcase.filter((t: Node) => t.error).length);
        expect(num(s, 'skipped')).toBe(s.testcase.filter((t: Node) => t.skipped !== undefined).length);
      }
    }
  });

  it('puts the mismatch, the shrunk program and the replay in a failure', () => {
    const get3 = cases(parse(toJUnit(failing, 'fixtures/adapters/silent-oracle.ts'))).find((c) => c.name.startsWith('GET-3 '))!;
    expect(get3.failure.message).toContain('expected DeprecationWarning("There is no current event loop"), actual no warning');
    const text: string = get3.failure['#text'];
    expect(text).toContain('asyncio.get_event_loop()');
    expect(text).toMatch(
      /replay: npx loopspec run --impl fixtures\/adapters\/silent-oracle\.ts --profile cpython-3\.12 --rule GET-3 --seed 9 --path [0-9:]+/,
    );
  });

  it('reports faults as errors of their kind, and skipped and unexercised rules as skipped with why', () => {
    const all = cases(parse(toJUnit(mixed)));
    const byId = (id: string) => all.find((c) => c.name.startsWith(`${id} `))!;
    expect(byId('FORK-1').error.type).toBe('crash');
    expect(byId('FORK-1').error.message).toBe(`crash: driver died: ${NASTY}`);
    expect(byId('THR-1').skipped.message).toBe('skipped: needs threads');
    expect(byId('POL-1').skipped.message).toMatch(/^not exercised: .*not a pass/);
    expect(byId('POL-2').failure ?? byId('POL-2').error ?? byId('POL-2').skipped).toBeUndefined();
  });

  it('keeps special characters in messages and bodies intact', () => {
    const xml = toJUnit(mixed);
    expect(xml).not.toContain(NASTY); // escaped on the way in...
    // A mismatch shows the message as Python would: RuntimeError("...") with JSON quoting.
    const shown = `RuntimeError(${JSON.stringify(NASTY)})`;
    const get4 = cases(parse(xml)).find((c) => c.name.startsWith('NEW-4 '))!; // ...and back out
    expect(get4.failure.message).toContain(`actual ${shown}`);
    expect(get4.failure['#text']).toContain(`actual:   ${shown}`);
    expect(parse(xml).testsuites.testsuite[0].properties.property.find((p: Node) => p.name === 'implementation').value).toBe(
      'nasty <impl> & co',
    );
  });

  it('replaces characters XML cannot carry', () => {
    const r: Report = JSON.parse(JSON.stringify(mixed));
    const fork1 = r.rules.find((x) => x.id === 'FORK-1')!;
    fork1.error = 'crash: bell \x07 and nul \x00';
    const xml = toJUnit(r);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('bell \uFFFD and nul \uFFFD');
  });

  it('fails an interrupted run even if every rule that finished passed', () => {
    const doc = parse(toJUnit({ ...passing, interrupted: true, rules: passing.rules.slice(0, 3) }));
    expect(num(doc.testsuites, 'errors')).toBe(1);
    expect(cases(doc).find((c) => c.name === 'run interrupted')!.error.message).toContain('interrupted after 3 rules');
  });
});
