/**
 * The straight-line Python must do what loopspec's driver does: programs the suite generates
 * for every rule, run as straight-line scripts on the CPython whose profile the oracle
 * predicts, meet every expectation of every rule (CPython conforms to its own profile).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { checker, locate } from '../../conformance/predictions.ts';
import { predict } from '../../conformance/oracle/oracle.ts';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import { programsOf } from '../../conformance/runner.ts';
import { canonicalize } from '../../language/trace.ts';
import type { Trace } from '../../language/trace.ts';
import { profileByName } from '../../spec/profiles.ts';
import { toCounterexample } from './counterexample.ts';
import { reproPython, straightLineProblem } from './python.ts';

const PER_RULE = 2;

function interpreter(version: string): string | undefined {
  try {
    const python = join(
      execFileSync('pyenv', ['prefix', version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
      'bin',
      'python3',
    );
    return existsSync(python) ? python : undefined;
  } catch {
    return undefined;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'loopspec-fidelity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The oldest and the default profile: the recorder must work from 3.8 on.
for (const [VERSION, profile] of [
  ['3.8.18', 'cpython-3.8'],
  ['3.12.1', 'cpython-3.12'],
])
  it(`straight-line scripts of generated programs meet every expectation on CPython ${VERSION} (${profile})`, async (ctx) => {
    const PROFILE = profileByName(profile)!;
    const python = interpreter(VERSION);
    if (!python) {
      const note = `CPython ${VERSION} not found (pyenv prefix ${VERSION}): straight-line fidelity NOT tested`;
      console.warn(note);
      ctx.skip(note);
      return;
    }
    const jobs = PROPERTIES.flatMap((prop) =>
      fc
        .sample(programsOf(prop, PROFILE), { numRuns: PER_RULE * 3, seed: 7 })
        .filter((p) => !straightLineProblem(p.main))
        .slice(0, PER_RULE)
        .map((program) => ({ rule: prop.rule, program })),
    );
    expect(jobs.length).toBeGreaterThan(PROPERTIES.length);
    const failures: string[] = [];
    const run = promisify(execFile);
    const one = async ({ rule, program }: (typeof jobs)[number], i: number) => {
      const pred = predict(program, PROFILE);
      const reached = pred.expectations.some((x) => x.rule === rule) ? rule : pred.expectations[0]?.rule;
      if (!reached) return;
      const script = join(dir, `p${i}.py`);
      writeFileSync(
        script,
        reproPython(
          toCounterexample({
            rule: reached,
            profile: PROFILE.name,
            program,
            seed: 7,
            path: '',
            implementation: { name: 't', version: '0' },
          }),
        ),
      );
      const { stdout } = await run(python, ['-I', script, '--trace'], { cwd: dir, timeout: 60_000, maxBuffer: 1 << 24 });
      const actual = canonicalize(JSON.parse(stdout) as Trace);
      const check = checker(pred.trace, actual);
      for (const x of pred.expectations) {
        const m = check(x);
        if (m) failures.push(`${rule} program ${JSON.stringify(program)}: ${x.rule} ${locate(x)}: expected ${m.expected}, got ${m.actual}`);
      }
    };
    // two at a time: the machine has two cores
    for (let i = 0; i < jobs.length; i += 2) await Promise.all(jobs.slice(i, i + 2).map((j, k) => one(j, i + k)));
    expect(failures).toEqual([]);
  }, 300_000);
