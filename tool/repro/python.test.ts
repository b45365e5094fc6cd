/**
 * The Python reproducer under real interpreters (pyenv's). A missing interpreter skips its
 * test with a note that says which, never a silent pass.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SavedCounterexample } from './counterexample.ts';
import { CounterexampleError } from './counterexample.ts';
import type { PythonStyle } from './python.ts';
import { reproPython } from './python.ts';
import fc from 'fast-check';
import { PROPERTIES } from '../../conformance/properties/index.ts';
import { programsOf } from '../../conformance/runner.ts';
import { predict } from '../../conformance/oracle/oracle.ts';
import type { Program } from '../../language/program.ts';
import { walk } from '../../language/program.ts';
import { toCounterexample } from './counterexample.ts';
import {
  callbacksBackToBack,
  callbacksInOrder,
  executorJobRuns,
  implicitCreationWarns,
  noImplicitCreationInThreads,
  runningLoopIsTheLoop,
  setLoopTypeCheck,
} from '../../fixtures/helpers/counterexamples.ts';
import { profileByName } from '../../spec/profiles.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/python/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loopspec-repro-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The interpreter of a pyenv version, or undefined. */
function interpreter(version: string): string | undefined {
  let prefix: string | undefined;
  try {
    prefix = execFileSync('pyenv', ['prefix', version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    prefix = process.env.PYENV_ROOT ? join(process.env.PYENV_ROOT, 'versions', version) : undefined;
  }
  const python = prefix && join(prefix, 'bin', 'python3');
  return python && existsSync(python) ? python : undefined;
}

/** Writes the script and runs it in isolated mode (-I) from an empty directory, so it can only use the stdlib. */
function run(c: SavedCounterexample, python: string, args: string[] = [], cwd = dir, style?: PythonStyle) {
  const script = join(dir, `${c.rule}-${Math.random().toString(36).slice(2)}.py`);
  writeFileSync(script, reproPython(c, undefined, { style }));
  const r = spawnSync(python, ['-I', '-B', script, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const versions = ['3.10.13', '3.11.7', '3.12.1'] as const;
const py = Object.fromEntries(versions.map((v) => [v, interpreter(v)])) as Record<(typeof versions)[number], string | undefined>;
const missing = (v: string) => `CPython ${v} not found (pyenv prefix ${v}): the Python reproducer is NOT tested on it`;

/** A test that needs the interpreter of version v. */
const withPython = (v: (typeof versions)[number], name: string, f: (python: string) => void) =>
  it(`${name} [CPython ${v}]`, (ctx) => {
    const python = py[v];
    if (!python) {
      console.warn(missing(v));
      ctx.skip(missing(v));
      return;
    }
    f(python);
  });

describe('reproPython', () => {
  it('writes the program out as straight-line Python, with the checks one a line', () => {
    const s = reproPython(runningLoopIsTheLoop);
    expect(s).toMatch(/^#!\/usr\/bin\/env python3\n/);
    expect(s).toContain('    s1   L = asyncio.new_event_loop()');
    expect(s).toContain(
      [
        'def program():',
        '    global L',
        '    with stmt("s1") as s:',
        '        s.value = L = asyncio.new_event_loop()',
        '    def callback_s2():',
        '        with stmt("s3") as s:',
        '            s.value = mark("a")',
        '    with stmt("s2") as s:',
        '        L.call_soon(callback_s2)',
      ].join('\n'),
    );
    expect(s).toContain('    async def coro_s6():\n        with stmt("s7") as s:\n            s.value = await asyncio.sleep(0)');
    expect(s).toContain('check.outcome("s8", same_object("loop", "s1"))  # L1 (the loop of s1)');
    expect(s).not.toContain('def run_program(');
    expect(s).not.toMatch(/^(import|from) +(conformance|repro|spec|loopspec_)/m);
  });

  it('embeds the driver for a program that forks, or when asked to', () => {
    const fork = toCounterexample({
      ...implicitCreationWarns,
      rule: 'GET-3',
      program: { version: 1, main: [{ op: 'get_event_loop' }, { op: 'fork', body: [{ op: 'mark', tag: 'child' }] }] },
    });
    for (const s of [reproPython(fork), reproPython(implicitCreationWarns, undefined, { style: 'embedded' })]) {
      expect(s).toContain(
        '# ==== loopspec Python interpreter (drivers/python/loopspec_interpreter.py), embedded without its marked import of the modules embedded before it ====',
      );
      expect(s).toContain('# ==== loopspec Python fork statement (drivers/python/loopspec_fork.py), embedded verbatim ====');
      expect(s).toContain(
        '# ==== loopspec Python recorder (drivers/python/loopspec_recorder.py), embedded without its marked import of the modules embedded before it ====',
      );
      expect(s).toContain('# ==== loopspec Python observers (drivers/python/loopspec_observers.py), embedded verbatim ====');
      // one standalone script: no module of the driver imported, each embedded before what uses it
      expect(s).not.toMatch(/^\s*(from|import)\s+loopspec_/m);
      const at = (name: string) => s.indexOf(`(drivers/python/${name}), embedded`);
      const embedded = ['loopspec_observers.py', 'loopspec_recorder.py', 'loopspec_fork.py', 'loopspec_interpreter.py'].map(at);
      expect(embedded.every((i) => i > 0)).toBe(true);
      expect([...embedded].sort((a, b) => a - b)).toEqual(embedded);
      expect(s).toContain('def run_program(');
      expect(s).not.toContain('sys.exit(main())');
    }
    expect(() => reproPython(fork, undefined, { style: 'straight' })).toThrow(
      'the program cannot be written as straight-line Python: it forks',
    );
  });

  it("embeds the driver's own recorder, in either style: its observers verbatim, then the recorder without its marked import", () => {
    const read = (name: string) => readFileSync(new URL(`../../drivers/python/${name}`, import.meta.url), 'utf8').trimEnd();
    const observers = read('loopspec_observers.py');
    const [before, importBlock, after] = read('loopspec_recorder.py').split(
      /^(# ---- the modules beside this file[^\n]*\n[\s\S]*?^# ---- end of the imports beside this file\n)/m,
    );
    expect(importBlock).toContain('from loopspec_observers import');
    for (const style of ['straight', 'embedded'] as const) {
      const s = reproPython(implicitCreationWarns, undefined, { style });
      expect(s).toContain(observers);
      expect(s).toContain(before + after);
      expect(s).not.toContain(importBlock);
      expect(s.indexOf(observers)).toBeLessThan(s.indexOf(before + after));
    }
  });

  it("embeds the driver's fork statement verbatim and the interpreter without its marked import", () => {
    const read = (name: string) => readFileSync(new URL(`../../drivers/python/${name}`, import.meta.url), 'utf8').trimEnd();
    const [before, importBlock, after] = read('loopspec_interpreter.py').split(
      /^(# ---- the modules beside this file[^\n]*\n[\s\S]*?^# ---- end of the imports beside this file\n)/m,
    );
    expect(importBlock).toContain('from loopspec_recorder import');
    const s = reproPython(implicitCreationWarns, undefined, { style: 'embedded' });
    expect(s).toContain(read('loopspec_fork.py'));
    expect(s).toContain(before + after);
    expect(s).not.toContain(importBlock);
  });

  it('refuses a rule the oracle does not check on the program', () => {
    expect(() => reproPython({ ...implicitCreationWarns, rule: 'SCHED-1' })).toThrow(CounterexampleError);
    expect(() => reproPython({ ...implicitCreationWarns, rule: 'SCHED-1' })).toThrow(
      'under cpython-3.12 the oracle makes no check of SCHED-1 on this program',
    );
  });

  withPython('3.12.1', 'GET-3 (3.12 expectations): exits 0 where the profile was measured', (python) => {
    const r = run(implicitCreationWarns, python);
    expect(r.err).toBe('');
    expect(r.out).toContain('s1 warnings: OK');
    expect(r.out).toContain('CONFORMS to GET-3 (cpython-3.12 semantics): all 2 checks hold');
    expect(r.code).toBe(0);
  });

  for (const v of ['3.10.13', '3.11.7'] as const) {
    withPython(v, 'GET-3 (3.12 expectations): exits 1 where get_event_loop does not warn', (python) => {
      const r = run(implicitCreationWarns, python);
      expect(r.out).toContain('s1 outcome: OK');
      expect(r.out).toContain(
        's1 warnings: DEVIATES\n    expected: DeprecationWarning("There is no current event loop")\n    actual:   no warning',
      );
      expect(r.out).toContain('DEVIATES from GET-3 (cpython-3.12 semantics) at 1 of 2 checks');
      expect(r.code).toBe(1);
    });
  }

  withPython('3.11.7', 'NEW-5 (set_event_loop(42)): exits 0 on 3.11, a TypeError as on 3.12', (python) => {
    expect(run(setLoopTypeCheck, python).code).toBe(0);
  });

  withPython('3.10.13', 'NEW-5 (set_event_loop(42)): exits 1 on 3.10, an AssertionError', (python) => {
    const r = run(setLoopTypeCheck, python);
    expect(r.out).toContain(
      `s1 outcome: DEVIATES\n    expected: TypeError("loop must be an instance of AbstractEventLoop or None, not 'int'")\n    actual:   AssertionError("")`,
    );
    expect(r.code).toBe(1);
  });

  withPython('3.10.13', 'NEW-5 with the 3.10 profile: exits 0 on 3.10', (python) => {
    const script = join(dir, 'new5-310.py');
    writeFileSync(script, reproPython(setLoopTypeCheck, profileByName('cpython-3.10')));
    expect(spawnSync(python, ['-I', script], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
  });

  withPython('3.12.1', 'order and identity checks hold on CPython', (python) => {
    for (const c of [callbacksInOrder, runningLoopIsTheLoop]) {
      const r = run(c, python);
      expect(r.out, r.out + r.err).toMatch(/CONFORMS/);
      expect(r.code).toBe(0);
    }
    expect(run(callbacksInOrder, python).out).toContain('order in main: OK\n    expected: main: s3 < s5\n    actual:   main: s3 < s5');
  });

  withPython('3.12.1', 'a back-to-back order and an ending conditioned on executor jobs hold on CPython', (python) => {
    const pair = run(callbacksBackToBack, python);
    expect(pair.out, pair.out + pair.err).toContain('expected: main: s5 < s7 (if both run)');
    expect(pair.code).toBe(0);
    const job = run(executorJobRuns, python);
    expect(job.out, job.out + job.err).toMatch(/CONFORMS/);
    expect(job.code).toBe(0);
  });

  withPython('3.12.1', 'GET-4: exits 0 with asyncio, 1 with a deviating --policy', (python) => {
    expect(run(noImplicitCreationInThreads, python).code).toBe(0);
    const r = run(noImplicitCreationInThreads, python, ['--policy', 'deviant_policy_any_thread:DeviantPolicy'], FIXTURES);
    expect(r.out).toContain('Python 3.12.1, deviant_policy_any_thread.DeviantPolicy: checking GET-4');
    expect(r.out).toContain(
      `s2 outcome: DEVIATES\n    expected: RuntimeError("There is no current event loop in thread 'T1'.")\n    actual:   L1`,
    );
    expect(r.out).toContain('DEVIATES from GET-4 (cpython-3.12 semantics) at 1 of 2 checks');
    expect(r.code).toBe(1);
  });

  withPython('3.12.1', 'a --policy that does not load is a usage error (exit 2)', (python) => {
    const r = run(noImplicitCreationInThreads, python, ['--policy', 'no_such_module:Policy']);
    expect(r.err).toContain("cannot load policy no_such_module:Policy: ModuleNotFoundError: No module named 'no_such_module'");
    expect(r.code).toBe(2);
    expect(run(noImplicitCreationInThreads, python, ['--policy']).code).toBe(2);
  });

  for (const style of ['straight', 'embedded'] as const) {
    withPython('3.12.1', `GET-3 ${style}: exits 0`, (python) => expect(run(implicitCreationWarns, python, [], dir, style).code).toBe(0));
    withPython('3.11.7', `GET-3 ${style}: exits 1`, (python) => expect(run(implicitCreationWarns, python, [], dir, style).code).toBe(1));
    withPython('3.12.1', `GET-4 ${style}: exits 1 with the deviating --policy`, (python) =>
      expect(run(noImplicitCreationInThreads, python, ['--policy', 'deviant_policy_any_thread:DeviantPolicy'], FIXTURES, style).code).toBe(
        1,
      ),
    );
  }

  withPython('3.12.1', 'a program that forks (embedded driver) conforms on CPython', (python) => {
    const profile = profileByName('cpython-3.12')!;
    const prop = PROPERTIES.find((p) => p.rule === 'FORK-1')!;
    const reaches = (p: Program) =>
      [...walk(p.main)].some((s) => s.op === 'fork') && predict(p, profile).expectations.some((x) => x.rule === 'FORK-1');
    const program = fc.sample(programsOf(prop, profile), { numRuns: 100, seed: 3 }).find(reaches)!;
    const r = run(
      toCounterexample({ rule: 'FORK-1', profile: profile.name, program, seed: 3, path: '', implementation: { name: 't', version: '0' } }),
      python,
    );
    expect(r.out, r.out + r.err).toContain('CONFORMS to FORK-1');
    expect(r.code).toBe(0);
  });
});
