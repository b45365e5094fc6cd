// The persistent Python driver against real CPython: a slice of the suite, isolation between
// programs, plug-ins, faults inside the driver, and every interpreter from 3.8 to 3.13 that
// this machine has. Without the interpreter, each test says it was skipped, and why.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ensureNumbered, type Program } from '../../language/program.ts';
import { PROPERTIES } from '../properties/index.ts';
import { programsOf, runSuite } from '../runner.ts';
import type { Trace } from '../../language/trace.ts';
import { DriverStartError, type ProcessAdapter } from './process.ts';
import { findPython, startPythonAdapter, type PythonDriverOptions } from './python.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pyenv = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');

function version(python: string): string | undefined {
  const r = spawnSync(python, ['-c', 'import platform; print(platform.python_implementation(), platform.python_version())'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** CPython 3.12 (the suite's profile): $LOOPSPEC_PYTHON, pyenv's 3.12.1, python3.12 or python3 on PATH. */
function findCPython312(): string | undefined {
  const candidates = [process.env.LOOPSPEC_PYTHON, join(pyenv, 'versions/3.12.1/bin/python3'), 'python3.12', 'python3'];
  for (const c of candidates) {
    const py = c && findPython(c);
    if (py && /^CPython 3\.12\./.test(version(py) ?? '')) return py;
  }
  return undefined;
}

const PY = findCPython312();
const NO_PY = 'no CPython 3.12 interpreter found (set LOOPSPEC_PYTHON, or put python3.12 on PATH)';
const plugins = join(root, 'fixtures/drivers/python');
const open: ProcessAdapter[] = [];
async function start(o: PythonDriverOptions & { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessAdapter> {
  const a = await startPythonAdapter({ python: PY, ...o });
  open.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

const leavesALoopSet: Program = {
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'set_event_loop', arg: 'L1' },
    { op: 'set_policy', arg: 'new' },
  ],
};
const getsTheLoop: Program = { version: 1, main: [{ op: 'get_event_loop' }] };
const warns = (t: Trace) => t.obs.s1?.warnings.map((w) => w.category);
// with the plug-ins' exit_on_stop / stuck_on_stop, s4 takes the program's process down / gets it stuck
const diesAtS4: Program = {
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'mark', tag: 'a' },
    { op: 'is_closed', loop: 'L1' },
    { op: 'stop', loop: 'L1' },
    { op: 'mark', tag: 'b' },
  ],
};
const VERSIONS = ['3.8.18', '3.9.18', '3.10.13', '3.11.7', '3.12.1', '3.13.0'];

describe('python driver (persistent, CPython 3.12)', () => {
  it('passes a slice of the suite', async (ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const a = await start();
    const r = await runSuite({
      adapter: a,
      rules: ['POL-2', 'GET-3', 'LIFE-2', 'TASK-1', 'SCHED-1', 'THR-1', 'FORK-2'],
      runs: 20,
      seed: 7,
    });
    const verdicts = Object.fromEntries(r.rules.map((x) => [x.id, x.verdict === 'error' ? `error: ${x.error}` : x.verdict]));
    expect(verdicts).toEqual({
      'POL-2': 'pass',
      'GET-3': 'pass',
      'LIFE-2': 'pass',
      'TASK-1': 'pass',
      'SCHED-1': 'pass',
      'THR-1': 'pass',
      'FORK-2': 'pass',
    });
    expect(r.rules.every((x) => x.runs === 20)).toBe(true);
    expect(a.starts()).toBe(1);
  });

  it('says who it is in the handshake', async (ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const a = await start();
    expect(a.name).toBe('CPython');
    expect(a.version).toMatch(/^3\.12\.\d+$/);
    expect(a.capabilities).toEqual({ threads: true, fork: true, executor: true });
    expect(a.hello.isolation).toBe('fork');
    expect(a.hello.implementation.build).toContain(a.version);
  });

  it('starts without PYTHONASYNCIODEBUG and PYTHONDEVMODE: a new loop is not in debug mode (DEBUG-1.1)', async (ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const a = await start({ env: { ...process.env, PYTHONASYNCIODEBUG: '1', PYTHONDEVMODE: '1' } });
    const t = await a.run({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'get_debug', loop: 'L1' },
      ],
    });
    expect(t.obs.s2.outcome).toEqual({ value: false });
  });

  it.for(['fork', 'in-process'] as const)('starts every program from pristine asyncio state (isolation %s)', async (isolation, ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const a = await start({ isolation });
    expect(a.hello.isolation).toBe(isolation);
    expect((await a.run(leavesALoopSet)).end).toEqual({ kind: 'ok' });
    // implicit creation warns only when no loop was ever set: nothing of the first program is left
    const t = await a.run(getsTheLoop);
    expect(warns(t)).toEqual(['DeprecationWarning']);
    expect(a.starts()).toBe(1);
  });

  it.for(['fork', 'in-process'] as const)('leaves no signal handler of a program behind (isolation %s)', async (isolation, ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const a = await start({ isolation });
    // A loop never closed keeps its handler (SIGUSR1 caught, the wakeup fd its self-pipe); so does a fork child's loop.
    const leaves: Program = {
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'add_signal_handler', loop: 'L1', sig: 'SIGUSR1', body: [] },
        {
          op: 'fork',
          body: [
            { op: 'new_event_loop', as: 'L2' },
            { op: 'add_signal_handler', loop: 'L2', sig: 'SIGUSR1', body: [] },
          ],
        },
      ],
    };
    expect((await a.run(leaves)).end).toEqual({ kind: 'ok' });
    // The next program's process has SIGUSR1 at its default action again: the signal ends it.
    const t = await a.run({ version: 1, main: [{ op: 'signal_self', sig: 'SIGUSR1' }] });
    expect(t.end.kind).toBe('crash');
    expect((await a.run(getsTheLoop)).end).toEqual({ kind: 'ok' });
  });

  it.for(['fork', 'in-process'] as const)(
    "ends a stuck program itself before the harness's deadline, keeping what it observed (%s)",
    async (isolation, ctx) => {
      if (!PY) ctx.skip(NO_PY);
      const a = await start({ timeoutMs: 1000, isolation });
      const stuck: Program = {
        version: 1,
        main: [
          { op: 'new_event_loop', as: 'L1' },
          { op: 'mark', tag: 'a' },
          { op: 'run_forever', loop: 'L1' },
        ],
      };
      const t = await a.run(stuck);
      expect(t.end.kind).toBe('hang');
      expect(t.obs.s2?.outcome).toEqual({ value: 'a' });
      // in-process, the stuck loop's thread cannot be undone: the driver retires and a new one takes over
      expect(warns(await a.run(getsTheLoop))).toEqual(['DeprecationWarning']);
      expect(a.starts()).toBe(isolation === 'fork' ? 1 : 2);
    },
  );

  it.for(['fork', 'in-process'] as const)(
    "observes a program's own KeyboardInterrupt and SystemExit, and still ends a stuck program at its deadline (%s)",
    async (isolation, ctx) => {
      if (!PY) ctx.skip(NO_PY);
      const a = await start({ timeoutMs: 1000, isolation });
      // ERR-2: the deadline is the driver's Hang (a SystemExit), told from the program's own by its class.
      const t = await a.run({
        version: 1,
        main: [
          { op: 'new_event_loop', as: 'L1' },
          { op: 'call_soon', loop: 'L1', body: [{ op: 'raise', message: 'k', exc: 'KeyboardInterrupt' }] },
          { op: 'run_forever', loop: 'L1' },
          { op: 'run_until_complete', loop: 'L1', body: [{ op: 'raise', message: 's', exc: 'SystemExit' }] },
          { op: 'mark', tag: 'after' },
          { op: 'run_forever', loop: 'L1' },
          { op: 'mark', tag: 'never' },
        ],
      });
      expect(t.obs.s4?.outcome).toEqual({ error: { type: 'KeyboardInterrupt', message: 'k' } });
      expect(t.obs.s5?.outcome).toEqual({ error: { type: 'SystemExit', message: 's' } });
      expect(t.obs.s7?.outcome).toEqual({ value: 'after' });
      expect(t.end.kind).toBe('hang');
      expect(t.obs.s8).toBeUndefined();
      expect(t.obs.s9).toBeUndefined();
    },
  );

  describe('plug-ins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopspec-plugins-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const env = (log: string) => ({ ...process.env, PYTHONPATH: plugins, LOOPSPEC_PLUGIN_LOG: log });

    it('installs the policy in every program, routes new_event_loop and asyncio.run to the factory, runs setup once', async (ctx) => {
      if (!PY) ctx.skip(NO_PY);
      const log = join(dir, 'uses.log');
      const m = 'loopspec_demo_plugins';
      const a = await start({ env: env(log), policy: `${m}:LoggingPolicy`, loopFactory: `${m}:selector_loop`, setup: `${m}:setup` });
      expect(a.name).toBe(`CPython [loop-factory=${m}:selector_loop policy=${m}:LoggingPolicy setup=${m}:setup]`);
      const p: Program = {
        version: 1,
        main: [
          { op: 'new_event_loop', as: 'L1' },
          { op: 'asyncio_run', body: [{ op: 'mark', tag: 'a' }] },
          { op: 'set_policy', arg: 'new' },
        ],
      };
      for (let i = 0; i < 2; i++) expect((await a.run(p)).end).toEqual({ kind: 'ok' });
      const uses = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]);
      // per program: the installed policy, two loops from the factory, the policy of `set_policy new`
      expect(uses).toEqual(['setup', 'policy', 'factory', 'factory', 'policy', 'policy', 'factory', 'factory', 'policy']);
      const r = await runSuite({ adapter: a, rules: ['POL-2', 'GET-2'], runs: 10, seed: 3 });
      expect(r.rules.map((x) => x.verdict)).toEqual(['pass', 'pass']);
    });

    it('refuses to start when a plug-in cannot be loaded, and says why', async (ctx) => {
      if (!PY) ctx.skip(NO_PY);
      const err = await start({ env: env(join(dir, 'x.log')), setup: 'loopspec_demo_plugins:broken_setup' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DriverStartError);
      expect((err as Error).message).toMatch(/refused the handshake: cannot load plug-ins: RuntimeError: cannot find libmyloop\.so/);
    });

    it('reports a program whose process dies as a crash, and goes on', async (ctx) => {
      if (!PY) ctx.skip(NO_PY);
      const a = await start({ env: env(join(dir, 'y.log')), loopFactory: 'loopspec_demo_plugins:segfault_loop' });
      const t = await a.run({ version: 1, main: [{ op: 'new_event_loop', as: 'L1' }] });
      expect(t.end.kind).toBe('crash');
      expect('detail' in t.end && t.end.detail).toMatch(/killed by signal 11 \(SIGSEGV\) before it replied/);
      expect((await a.run({ version: 1, main: [{ op: 'mark', tag: 'b' }] })).obs.s1?.outcome).toEqual({ value: 'b' });
    });

    it.for([
      ['exit_on_stop', 'crash', /^the driver reported: the program's process exited with status 3 before it replied\nexit_status: 3\n/],
      ['stuck_on_stop', 'timeout', /^the driver reported: the program did not finish within 3600 ms; its process was killed$/],
    ] as const)(
      'a program whose process %s: the fault keeps the observations so far, the statement in flight started',
      async ([setup, kind, detail], ctx) => {
        if (!PY) ctx.skip(NO_PY);
        const a = await start({ env: env(join(dir, 'z.log')), setup: `loopspec_demo_plugins:${setup}`, timeoutMs: 4000 });
        const t = await a.run(diesAtS4);
        expect(t.end.kind).toBe(kind);
        expect('detail' in t.end && t.end.detail).toMatch(detail);
        expect(t.order).toEqual({ main: ['s1', 's2', 's3', 's4'] });
        expect(Object.keys(t.obs).sort()).toEqual(['s1', 's2', 's3']);
        expect(t.obs.s2?.outcome).toEqual({ value: 'a' });
        expect(t.obs.s3?.outcome).toEqual({ value: false });
        expect(t.obs.s1?.outcome).toMatchObject({ value: { obj: 'loop' } });
      },
    );
  });

  it('kill() takes down the driver and every process it forked, at once', async (ctx) => {
    if (!PY) ctx.skip(NO_PY);
    if (!existsSync('/proc/self/environ')) ctx.skip('needs /proc to find the processes');
    const marker = `loopspec-kill-test-${process.pid}-${Date.now()}`;
    const mine = () =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return readFileSync(`/proc/${d}/environ`, 'latin1').includes(`LOOPSPEC_KILL_TEST=${marker}`);
          } catch {
            return false;
          }
        });
    const a = await start({ env: { ...process.env, LOOPSPEC_KILL_TEST: marker }, timeoutMs: 30_000 });
    const stuck = a.run({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'run_forever', loop: 'L1' },
      ],
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(mine().length).toBeGreaterThanOrEqual(3); // the driver, the program's process, a child ahead
    a.kill();
    expect((await stuck).end).toEqual({ kind: 'crash', detail: 'the driver was killed by the harness' });
    expect(mine()).toEqual([]);
    await a.close();
  });
});

describe('python driver: progress of a program, streamed by its process', () => {
  // Every sampled program runs in a forked process that reports its steps to a file as it goes;
  // replaying them must give the trace's obs and order exactly (forks, threads, executors,
  // warnings, hangs), and a step longer than PIPE_BUF goes in pieces.
  const script = `
import json, os, sys, tempfile
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(join(root, 'drivers/python'))})
import loopspec_interpreter, loopspec_isolation
bad, pieces = [], 0
for i, program in enumerate(json.load(sys.stdin)):
    fd, path = tempfile.mkstemp()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        trace = loopspec_interpreter.run_program(program, timeout=3, progress=loopspec_isolation.progress_writer(fd))
        os.write(w, json.dumps(trace).encode())
        os._exit(0)
    os.close(w)
    os.close(fd)
    chunks = []
    while True:
        b = os.read(r, 1 << 16)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    os.waitpid(pid, 0)
    trace = json.loads(b''.join(chunks))
    with open(path, 'rb') as f:
        steps = f.read()
    os.unlink(path)
    pieces += steps.count(b'\\n+')
    replayed = loopspec_isolation.partial_trace(steps, 'crash', 'x')
    if replayed['obs'] != trace['obs'] or replayed['order'] != trace['order']:
        bad.append({'program': i, 'trace': trace, 'replayed': replayed})
print(json.dumps({'bad': bad[:3], 'failed': len(bad), 'pieces': pieces}))
`;
  const sample = PROPERTIES.flatMap((prop, i) => fc.sample(programsOf(prop), { numRuns: 4, seed: 11 + i }));
  const long: Program = {
    version: 1,
    main: [
      { op: 'mark', tag: 'x'.repeat(10_000) },
      { op: 'fork', body: [{ op: 'mark', tag: 'y'.repeat(5_000) }] },
      { op: 'mark', tag: 'z' },
    ],
  };
  const programs = [...sample, long].map(ensureNumbered);

  it.for(VERSIONS)('CPython %s', { timeout: 120_000 }, (v, ctx) => {
    const py = join(pyenv, `versions/${v}/bin/python3`);
    if (!existsSync(py)) ctx.skip(`CPython ${v} is not installed (looked for ${py})`);
    const r = spawnSync(py, ['-c', script], { input: JSON.stringify(programs), encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0); // programs may log to stderr (asyncio's callback errors)
    const out = JSON.parse(r.stdout);
    expect(out.bad).toEqual([]);
    expect(out.failed).toBe(0);
    expect(out.pieces).toBeGreaterThanOrEqual(3); // the 10,000-character mark, and the fork's merged one
  });
});

describe('python driver on every CPython from 3.8 to 3.13 here', () => {
  it.for(VERSIONS)('CPython %s: handshake and a program', async (v, ctx) => {
    const py = join(pyenv, `versions/${v}/bin/python3`);
    if (!existsSync(py)) ctx.skip(`CPython ${v} is not installed (looked for ${py})`);
    const a = await startPythonAdapter({ python: py });
    open.push(a);
    expect([a.name, a.version]).toEqual(['CPython', v]);
    const t = await a.run({
      version: 1,
      main: [{ op: 'asyncio_run', body: [{ op: 'get_running_loop' }, { op: 'fork', body: [{ op: 'peek_running_loop' }] }] }],
    });
    expect(t.end).toEqual({ kind: 'ok' });
    expect(t.obs.s4?.outcome).toEqual({ value: null }); // a forked child has no running loop
  });

  it.for(VERSIONS)("CPython %s: a program whose process dies: the trace so far, its forks' included", async (v, ctx) => {
    const py = join(pyenv, `versions/${v}/bin/python3`);
    if (!existsSync(py)) ctx.skip(`CPython ${v} is not installed (looked for ${py})`);
    const a = await startPythonAdapter({
      python: py,
      env: { ...process.env, PYTHONPATH: plugins },
      setup: 'loopspec_demo_plugins:exit_on_stop',
    });
    open.push(a);
    const t = await a.run({
      version: 1,
      main: [
        { op: 'new_event_loop', as: 'L1' },
        { op: 'fork', body: [{ op: 'mark', tag: 'child' }] },
        { op: 'stop', loop: 'L1' },
      ],
    });
    expect(t.end.kind).toBe('crash');
    expect(t.order).toEqual({ main: ['s1', 's2', 's4'], 'fork:s2': ['s3'] });
    expect(Object.keys(t.obs).sort()).toEqual(['s1', 's2', 's3']);
    expect(t.obs.s3?.outcome).toEqual({ value: 'child' });
  });
});

describe('loopspec run --impl python', () => {
  const loopspec = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/loopspec.mjs', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });

  it("names the interpreter from the handshake in the run's header", (ctx) => {
    if (!PY) ctx.skip(NO_PY);
    const r = loopspec(
      'run',
      '--impl',
      `python:${PY}`,
      '--rule',
      'POL-2',
      '--runs',
      '10',
      '--seed',
      '1',
      '--validate-protocol',
      '--timeout',
      '5000',
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^loopspec: CPython 3\.12\.\d+, profile/);
    expect(r.status).toBe(0);
  });

  it.each([
    [['--impl', 'python:/no/such/python3'], /Python interpreter not found: '\/no\/such\/python3'/],
    [['--impl', 'python', '--policy', 'not-a-module-attr'], /--policy wants module:attr/],
    [['--impl', 'python', '--driver-arg', 'x'], /--driver-arg works with --impl exec:<driver> only/],
    [['--impl', 'reference', '--loop-factory', 'a:b'], /--loop-factory works with --impl python only/],
    [['--impl', 'reference', '--timeout', '10'], /--timeout works with an out-of-process implementation/],
    [['--impl', 'exec:./no/such/driver'], /driver not found: .*no\/such\/driver/],
    [
      [
        '--impl',
        `exec:${process.execPath}`,
        '--driver-arg=--import',
        '--driver-arg',
        'tsx',
        '--driver-arg',
        'fixtures/drivers/bad-handshake.ts',
      ],
      /malformed handshake: .*must have required property 'capabilities'/,
    ],
  ])('exits 2 with a clear message: %j', (args, message) => {
    const r = loopspec('run', ...args);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(2);
  });
});
