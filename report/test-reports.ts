/**
 * Real reports for the tests of this folder, made the way `loopspec run` makes them
 * (runSuite + toReport), so the formats are tested on what users will feed them.
 */
import fc from 'fast-check';
import type { Adapter } from '../conformance/adapter.ts';
import { oracleAdapter } from '../conformance/adapters/oracle.ts';
import type { Program } from '../conformance/program.ts';
import type { Report } from '../conformance/report.ts';
import { ruleToReport, toReport } from '../conformance/report.ts';
import { runRule, runSuite } from '../conformance/runner.ts';
import type { Trace } from '../conformance/trace.ts';
import silentOracle from '../fixtures/adapters/silent-oracle.ts';

const meta = () => ({ toolVersion: '0.1.0', startedAt: new Date('2026-11-25T12:00:00Z') });

/** The oracle as the implementation: every rule passes (`--impl oracle --seed 1`). */
export async function passingReport(): Promise<Report> {
  return toReport(await runSuite({ adapter: oracleAdapter(), seed: 1 }), meta());
}

/** get_event_loop never warns: GET-3 and FORK-2 fail (`--impl fixtures/adapters/silent-oracle.ts --seed 9`). */
export async function failingReport(): Promise<Report> {
  return toReport(await runSuite({ adapter: silentOracle(), seed: 9 }), meta());
}

/** Characters that break XML, HTML, Markdown tables and shells, in an implementation's messages. */
export const NASTY = `<b>&amp; "dq" 'sq' | pipe *star* _u_ \`tick\` ]]> $(x)`;

const hasOp = (body: Program['main'], op: string): boolean => body.some((s) => s.op === op || ('body' in s && hasOp(s.body, op)));

/**
 * An implementation with every verdict: no threads (THR-1 skipped), a driver that crashes on
 * fork (FORK-* error, fault crash), RuntimeError messages full of NASTY (fail), and POL-1
 * reached by no program (unexercised).
 */
export async function mixedReport(): Promise<Report> {
  const base = oracleAdapter();
  const adapter: Adapter = {
    ...base,
    name: 'nasty <impl> & co',
    version: '1.0 "beta"',
    capabilities: { threads: false, fork: true, executor: true },
    run: async (p): Promise<Trace> => {
      if (hasOp(p.main, 'fork')) return { obs: {}, order: {}, end: { kind: 'crash', detail: `driver died: ${NASTY}` } };
      const t = await base.run(p);
      for (const o of Object.values(t.obs)) if ('error' in o.outcome && o.outcome.error.type === 'RuntimeError') o.outcome.error.message = NASTY;
      return t;
    },
  };
  const report = toReport(await runSuite({ adapter, seed: 3, runs: 50 }), meta());
  const marksOnly = fc.constant<Program>({ version: 1, main: [{ op: 'mark', tag: 'a' }] });
  const unexercised = ruleToReport(await runRule({ rule: 'POL-1', programs: marksOnly }, adapter, 5, 1));
  report.rules = report.rules.map((r) => (r.id === 'POL-1' ? unexercised : r));
  return report;
}
