// Reports for the gate's tests: real ones from the suite, and small synthetic ones.
import { oracleAdapter } from '../conformance/adapters/oracle.ts';
import type { Adapter } from '../conformance/adapter.ts';
import { toReport } from '../conformance/report.ts';
import type { Report, ReportRule } from '../conformance/report.ts';
import { runSuite } from '../conformance/runner.ts';
import type { Verdict } from '../conformance/runner.ts';
import silentOracle from '../fixtures/adapters/silent-oracle.ts';

export const SEED = 4;
// Enough that every rule is exercised with this seed (at 30 runs some are not).
export const RUNS = 50;

export async function realReport(adapter: Adapter, opts: { rules?: string[]; shard?: { index: number; count: number } } = {}): Promise<Report> {
  const result = await runSuite({ adapter, runs: RUNS, seed: SEED, rules: opts.rules });
  return toReport(result, { toolVersion: '0.1.0', startedAt: new Date(), shard: opts.shard });
}

export const oracle = () => oracleAdapter();
/** Fails GET-3 (and FORK-2, which observes the same warning). */
export const silent = () => silentOracle();

export function fakeRule(id: string, verdict: Verdict): ReportRule {
  const failing = verdict === 'fail';
  return {
    id,
    group: id.split('-')[0],
    title: `title of ${id}`,
    verdict,
    fault: verdict === 'error' ? 'timeout' : null,
    error: verdict === 'error' ? 'timeout: no answer in 10000 ms' : null,
    runs: verdict === 'skipped' ? 0 : 10,
    exercised: verdict === 'pass' || failing ? 10 : 0,
    skipped: verdict === 'skipped' ? 10 : 0,
    skipReasons: verdict === 'skipped' ? ['needs threads'] : [],
    durationMs: 5,
    counterexample: failing
      ? {
          program: { version: 1, main: [] },
          mismatches: [{ rule: id, kind: 'warnings', where: 's1 warnings', expected: 'DeprecationWarning', actual: 'none' }],
          predicted: { obs: {}, order: {}, end: { kind: 'ok' } },
          actual: { obs: {}, order: {}, end: { kind: 'ok' } },
          seed: 1,
          path: '0:0',
        }
      : null,
  };
}

export function fakeReport(verdicts: Record<string, Verdict>, over: Partial<Report> = {}): Report {
  return {
    format: 'loopspec-report',
    version: 1,
    tool: { name: 'loopspec', version: '0.1.0' },
    implementation: { name: 'impl', version: '1.0' },
    profile: 'cpython-3.12',
    seed: 1,
    runs: 10,
    shard: null,
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 100,
    interrupted: false,
    rules: Object.entries(verdicts).map(([id, v]) => fakeRule(id, v)),
    ...over,
  };
}
