// Faults of a real driver, seen by the whole runner (issue 9): a fault that happens once is
// still the verdict, with the fault it was and the trace it left, marked intermittent; a hang
// costs the program's deadline from the oracle, not --timeout. The driver is the Python
// driver behind fixtures/drivers/forward.py, which misbehaves on purpose. Without python3,
// each test says it was skipped, and why.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { profileForVersion } from '../spec/profiles.ts';
import { startProcessAdapter } from './adapters/process.ts';
import { findPython } from './adapters/python.ts';
import { runSuite } from './runner.ts';
import { counterexampleNotes } from './verdicts.ts';

const FORWARD = fileURLToPath(new URL('../fixtures/drivers/forward.py', import.meta.url));
const python = findPython();
const NO_PY = 'no python3 on PATH: the driver behind forward.py needs one';
const dir = mkdtempSync(join(tmpdir(), 'loopspec-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function judged(args: string[], rules: string[], runs: number) {
  const adapter = await startProcessAdapter({ argv: [python!, FORWARD, ...args] });
  try {
    const profile = profileForVersion(adapter.version)!;
    return await runSuite({ adapter, rules, runs, seed: 3, profile });
  } finally {
    await adapter.close();
  }
}

describe('faults of a real driver', () => {
  it('a crash seen once, never again, is the verdict: the fault, its trace, intermittent', async (ctx) => {
    if (!python) return ctx.skip(NO_PY);
    const marker = join(dir, 'crashed');
    const r = await judged(['--crash-once-at', '3', '--marker', marker], ['POL-1'], 20);
    const [rule] = r.rules;
    expect(rule.verdict).toBe('error');
    expect(rule.fault).toBe('crash');
    expect(rule.error).toMatch(/^crash: the driver exited with status 9/);
    const c = rule.counterexample!;
    expect(c.actual.end.kind).toBe('crash');
    expect(c.reruns).toEqual({ runs: 1, failed: 0 });
    expect(counterexampleNotes(c)[0]).toBe('intermittent: seen once, failed again in 0 of 1 reruns');
  }, 120_000);

  it('a program that hangs gets the deadline of its sleeps and timers, not --timeout', async (ctx) => {
    if (!python) return ctx.skip(NO_PY);
    // About 1 program in 3 is never answered: the rule faults with a timeout, its shrinking
    // stops at the budget, and each hang cost the program's own deadline (1000 ms + 3x its
    // delays), far from the 10 s of --timeout.
    const r = await judged(['--hang-every', '3'], ['LIFE-1'], 30);
    const [rule] = r.rules;
    expect(rule.verdict).toBe('error');
    expect(rule.fault).toBe('timeout');
    expect(rule.error).toMatch(/^timeout: no reply within (\d+) ms/);
    const ms = Number(rule.error!.match(/within (\d+) ms/)![1]);
    expect(ms).toBeLessThan(10_000);
  }, 120_000);
});
