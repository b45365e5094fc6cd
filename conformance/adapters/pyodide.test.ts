// The Pyodide adapter (pyodide.ts): Pyodide's own WebLoop judged in process. Pyodide is loaded
// once for the file (through --impl pyodide's loader), and once more for pyodide:<folder>; the
// programs that need run_until_complete to block run in one Node started with stack switching.
// The WebLoop facts of spec/FACTS.md are replayed here, each program with the clause it breaks.
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict } from '../oracle/oracle.ts';
import { checker } from '../predictions.ts';
import { loadAdapter, UsageError } from '../load-adapter.ts';
import { numberProgram, type Program, type Stmt } from '../../language/program.ts';
import { canonicalize, type Trace } from '../../language/trace.ts';
import { profileByName } from '../../spec/profiles.ts';
import { NO_JSPI, NO_SIGNALS, type PyodideAdapter } from './pyodide.ts';
import { describeThrown } from './pyodide-errors.ts';

const P = (main: Stmt[]): Program => numberProgram({ version: 1, main });
const PROFILE = profileByName('cpython-3.14')!;
const ADAPTER = fileURLToPath(new URL('./pyodide.ts', import.meta.url));
const PYODIDE_DIR = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'));
/** Whether this Node (vitest's) has stack switching itself: usually not, Node 20 needs a flag for it. */
const HERE_JSPI = 'Suspending' in WebAssembly || 'Suspender' in WebAssembly;

/** The clauses a trace breaks under cpython-3.14, each once. */
function broken(program: Program, trace: Trace): string[] {
  const p = predict(program, PROFILE);
  const bad = p.expectations.map(checker(p.trace, canonicalize(trace))).filter((m) => m !== undefined);
  return [...new Set(bad.map((m) => m!.expectation.clause))];
}

const L1 = 'L1';
const L2 = 'L2';
const newLoop = (as: string): Stmt => ({ op: 'new_event_loop', as });
const mark = (tag: string): Stmt => ({ op: 'mark', tag });
/** The WebLoop facts of spec/FACTS.md: each shrunk program, and a clause it breaks (`jspi`: it needs run_until_complete to block). */
const FACTS: Array<{ clause: string; jspi?: true; main: Stmt[] }> = [
  { clause: 'RUN-1.2', main: [{ op: 'get_running_loop' }] },
  { clause: 'RUN-2.2', main: [{ op: 'peek_running_loop' }] },
  { clause: 'GET-3.5', main: [{ op: 'get_event_loop' }] },
  { clause: 'TASK-4.1', main: [{ op: 'current_task' }] },
  { clause: 'TASK-1.1', main: [{ op: 'create_task', as: 'K1', body: [mark('a')] }] },
  { clause: 'GET-2.1', main: [newLoop(L1), newLoop(L2), { op: 'set_event_loop', arg: L1 }, { op: 'get_event_loop' }] },
  {
    clause: 'NEW-2.1',
    main: [newLoop(L1), { op: 'get_event_loop' }, { op: 'get_policy' }, { op: 'set_policy', arg: 'new' }],
  },
  { clause: 'NEW-5.1', main: [{ op: 'set_event_loop', arg: 42 }] },
  { clause: 'NEW-1.1', main: [{ op: 'set_policy', arg: 'new' }, newLoop(L1)] },
  { clause: 'LIFE-6.2', main: [newLoop(L1), { op: 'is_running', loop: L1 }] },
  {
    clause: 'LIFE-7.4',
    main: [
      newLoop(L1),
      { op: 'call_soon', loop: L1, body: [{ op: 'call_soon', loop: L1, body: [mark('late')] }] },
      { op: 'stop', loop: L1 },
      { op: 'run_forever', loop: L1 },
    ],
  },
  { clause: 'SCHED-1.3', main: [newLoop(L2), { op: 'call_soon', loop: L2, body: [mark('a')] }] },
  {
    clause: 'SCHED-2.3',
    main: [
      newLoop(L1),
      { op: 'call_later', loop: L1, delay: 0, body: [mark('a')] },
      { op: 'call_soon', loop: L1, body: [mark('a')] },
      { op: 'call_later', loop: L1, delay: 0.2, body: [{ op: 'stop', loop: L1 }] },
      { op: 'run_forever', loop: L1 },
    ],
  },
  { clause: 'SCHED-4.2', main: [newLoop(L1), { op: 'close', loop: L1 }, { op: 'call_soon_threadsafe', loop: L1, body: [mark('x')] }] },
  {
    clause: 'GET-1.1',
    jspi: true,
    main: [newLoop(L1), newLoop(L2), { op: 'run_until_complete', loop: L1, body: [{ op: 'get_event_loop' }] }],
  },
  {
    clause: 'LIFE-2.1',
    jspi: true,
    main: [newLoop(L1), { op: 'close', loop: L1 }, { op: 'run_until_complete', loop: L1, body: [mark('a')] }],
  },
  {
    clause: 'LIFE-3.2',
    jspi: true,
    main: [
      newLoop(L1),
      {
        op: 'run_until_complete',
        loop: L1,
        body: [
          { op: 'run_forever', loop: L1 },
          { op: 'is_running', loop: L1 },
        ],
      },
    ],
  },
  {
    clause: 'LIFE-4.2',
    jspi: true,
    main: [
      newLoop(L1),
      newLoop(L2),
      {
        op: 'run_until_complete',
        loop: L1,
        body: [
          { op: 'run_forever', loop: L2 },
          { op: 'is_running', loop: L1 },
        ],
      },
    ],
  },
  {
    clause: 'LIFE-5.1',
    jspi: true,
    main: [
      newLoop(L1),
      { op: 'run_until_complete', loop: L1, body: [{ op: 'close', loop: L1 }] },
      { op: 'run_until_complete', loop: L1, body: [] },
    ],
  },
  {
    clause: 'LIFE-8.1',
    jspi: true,
    main: [
      newLoop(L1),
      {
        op: 'run_until_complete',
        loop: L1,
        body: [{ op: 'stop', loop: L1 }, { op: 'sleep', delay: 0 }, mark('m'), { op: 'return', value: 1 }],
      },
      {
        op: 'run_until_complete',
        loop: L1,
        body: [
          { op: 'sleep', delay: 0.1 },
          { op: 'return', value: 2 },
        ],
      },
    ],
  },
  {
    clause: 'ARUN-2.1',
    jspi: true,
    main: [
      {
        op: 'asyncio_run',
        body: [
          {
            op: 'create_task',
            as: 'K2',
            body: [
              { op: 'sleep', delay: 0 },
              { op: 'return', value: 0 },
            ],
          },
          { op: 'create_task', as: 'K1', body: [{ op: 'await', task: 'K2' }, mark('a')] },
          { op: 'sleep', delay: 0 },
          { op: 'return', value: 1 },
        ],
      },
    ],
  },
  {
    // W1 again: asyncio.Runner.run refuses to run where _get_running_loop() is not None (runners.py)
    clause: 'RUNNER-1.1',
    jspi: true,
    main: [
      { op: 'runner_new', as: 'R' },
      { op: 'runner_run', runner: 'R', body: [mark('a')] },
    ],
  },
  {
    clause: 'ARUN-3.1',
    jspi: true,
    main: [newLoop(L1), { op: 'run_until_complete', loop: L1, body: [{ op: 'asyncio_run', body: [mark('a')] }] }],
  },
];

/** The flag that gives this Node WebAssembly stack switching, '' where it has it anyway, undefined where it cannot. */
function jspiFlag(): string | undefined {
  if (HERE_JSPI) return '';
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
  return ['--experimental-wasm-jspi', '--experimental-wasm-stack-switching'].find((f) => options.includes(f));
}

/** Runs programs in a Pyodide adapter of a Node started with stack switching; their traces, and the adapter's version. */
function runWithJspi(flag: string, programs: Program[]): { version: string; traces: Trace[] } {
  const script = `
    import { readFileSync } from 'node:fs';
    const { startPyodideAdapter } = await import(${JSON.stringify(ADAPTER)});
    const a = await startPyodideAdapter();
    const traces = [];
    for (const p of JSON.parse(readFileSync(0, 'utf8'))) traces.push(await a.run(p));
    await a.close();
    process.stdout.write(JSON.stringify({ version: a.version, traces }));`;
  const argv = [...(flag ? [flag] : []), '--import', 'tsx', '--input-type=module', '-e', script];
  return JSON.parse(execFileSync(process.execPath, argv, { input: JSON.stringify(programs), encoding: 'utf8', stdio: 'pipe' }));
}

let a: PyodideAdapter;
beforeAll(async () => {
  a = (await loadAdapter('pyodide')) as PyodideAdapter;
}, 60_000);
afterAll(async () => {
  await a?.close();
});

describe('the Pyodide adapter (--impl pyodide)', () => {
  it('loads Pyodide once and says what it is: its CPython 3.14, no threads, fork or thread pool', () => {
    expect(a.name).toBe('Pyodide');
    expect(a.version).toMatch(/^\d+\.\d+\.\d+ \(CPython 3\.14\.\d+, WebLoop, (no JSPI|JSPI: run_until_complete blocks)\)$/);
    expect(a.profile).toBe('cpython-3.14');
    expect(a.capabilities).toEqual({ threads: false, fork: false, executor: false });
    expect(a.jspi).toBe(HERE_JSPI);
  });

  it('runs a program on the WebLoop that Pyodide starts with, running at the top level', async () => {
    const program = P([{ op: 'get_running_loop', as: L1 }, { op: 'get_event_loop' }, { op: 'is_running', loop: L1 }, mark('end')]);
    const trace = canonicalize(await a.run(program));
    const loop = { value: { obj: 'loop', id: 'L1' } };
    expect(trace).toEqual({
      obs: {
        s1: { outcome: loop, warnings: [] },
        s2: { outcome: loop, warnings: [] },
        s3: { outcome: { value: true }, warnings: [] },
        s4: { outcome: { value: 'end' }, warnings: [] },
      },
      order: { main: ['s1', 's2', 's3', 's4'] },
      end: { kind: 'ok' },
    });
    expect(broken(program, trace)).toContain('RUN-1.2');
  });

  it("runs a WebLoop's callbacks after the main body, from Node's event loop, and waits for them", async () => {
    const program = P([
      newLoop(L1),
      { op: 'call_later', loop: L1, delay: 0.2, body: [mark('timer')] },
      { op: 'call_soon', loop: L1, body: [mark('soon')] },
      mark('end'),
    ]);
    const trace = await a.run(program);
    expect(trace.order).toEqual({ main: ['s1', 's2', 's4', 's6', 's5', 's3'] });
    expect(trace.obs.s3.outcome).toEqual({ value: 'timer' });
    expect(trace.end).toEqual({ kind: 'ok' });
  });

  it.skipIf(HERE_JSPI)(
    'skips, saying why, a program that needs run_until_complete to block where Node has no stack switching',
    async () => {
      for (const main of [
        [newLoop(L1), { op: 'run_until_complete', loop: L1, body: [] }],
        [newLoop(L1), { op: 'call_soon', loop: L1, body: [{ op: 'asyncio_run', body: [] }] }],
        // Runner.close() runs its loop's shutdown_asyncgens through run_until_complete
        [
          { op: 'runner_new', as: 'R' },
          { op: 'runner_get_loop', runner: 'R' },
          { op: 'runner_close', runner: 'R' },
        ],
      ] as Stmt[][])
        expect(await a.run(P(main))).toEqual({ obs: {}, order: {}, end: { kind: 'skipped', detail: NO_JSPI } });
      expect(NO_JSPI).toMatch(/^needs run_until_complete to block.*--experimental-wasm-stack-switching/);
    },
  );

  it('ends a program whose callbacks outlive its deadline with a hang, keeping what it observed', async () => {
    const trace = await a.run(P([newLoop(L1), mark('a'), { op: 'call_later', loop: L1, delay: 5, body: [mark('late')] }]), {
      deadlineMs: 300,
    });
    expect(trace.end).toEqual({
      kind: 'hang',
      detail: 'the program did not finish within 240 ms: 1 WebLoop callbacks were still queued or running',
    });
    expect(Object.keys(trace.obs)).toEqual(['s1', 's2', 's3']);
  });

  it('runs one program at a time, even when a caller starts the next before the last has ended', async () => {
    // withDeadline gives up on a run at the harness's deadline and the pool starts the next one;
    // the run given up on must not clear the next one's callbacks or take its trace
    const timer = (tag: string, delay: number) =>
      P([newLoop(L1), { op: 'call_later', loop: L1, delay, body: [mark(tag)] }, { op: 'get_policy' }]);
    const traces = await Promise.all([a.run(timer('first', 0.2)), a.run(timer('second', 0.05))]);
    for (const [i, tag] of ['first', 'second'].entries()) {
      expect(traces[i].end, tag).toEqual({ kind: 'ok' });
      expect(traces[i].obs.s3.outcome, tag).toEqual({ value: tag });
      expect(traces[i].order, tag).toEqual({ main: ['s1', 's2', 's4', 's3'] });
    }
  });

  it("starts every program from Pyodide's start-up state: what one leaves behind, the next does not see", async () => {
    const probe = P([
      { op: 'get_policy' },
      { op: 'peek_running_loop' },
      { op: 'get_event_loop' },
      newLoop(L1),
      { op: 'is_closed', loop: L1 },
    ]);
    const fresh = canonicalize(await a.run(probe));
    // a policy, a non-loop set as the current loop, a loop made current, a callback still queued at the deadline
    const messy = P([
      { op: 'set_policy', arg: 'new' },
      { op: 'set_event_loop', arg: 42 },
      { op: 'set_policy', arg: null },
      { op: 'get_event_loop', as: L1 },
      { op: 'call_later', loop: L1, delay: 0.2, body: [{ op: 'set_policy', arg: null }] },
    ]);
    // A hang (its statements done, the callback still queued at the deadline); on a loaded
    // machine its statements may not even finish within 100 ms (a timeout): either way it is cut off.
    expect(['hang', 'timeout']).toContain((await a.run(messy, { deadlineMs: 100 })).end.kind);
    expect(canonicalize(await a.run(probe))).toEqual(fresh);
    // the queued callback would clear the policy at 0.2 s, while this program waits for its own at 0.3 s
    const policyTwice = P([{ op: 'get_policy' }, newLoop(L1), { op: 'call_later', loop: L1, delay: 0.3, body: [{ op: 'get_policy' }] }]);
    const later = canonicalize(await a.run(policyTwice));
    expect(later.end).toEqual({ kind: 'ok' });
    expect(later.obs.s4.outcome).toEqual(later.obs.s1.outcome);
    // and what Python code could change beyond a program's reach is rebuilt too
    a.runPython(`
import asyncio, sys, warnings
asyncio.events._set_running_loop(None)
asyncio.events._event_loop_policy = None
warnings.simplefilter('error')
sys.set_asyncgen_hooks(firstiter=print)`);
    expect(canonicalize(await a.run(probe))).toEqual(fresh);
  });

  it('checks the reset: state it does not rebuild makes the run an adapter error, never a verdict on the WebLoop', async () => {
    a.runPython('import time\nlost_sleep = time.sleep\ntime.sleep = print');
    const trace = await a.run(P([mark('a')]));
    expect(trace).toEqual({
      obs: {},
      order: {},
      end: { kind: 'error', detail: "the reset to Pyodide's start-up state did not hold: asyncio.run or time.sleep is not Pyodide's" },
    });
    a.runPython('time.sleep = lost_sleep');
    a.runPython('import pyodide.webloop as w, loopspec_pyodide as h\ntracker = w.scheduleCallback\nw.scheduleCallback = h._SCHEDULE');
    expect((await a.run(P([mark('a')]))).end).toEqual({
      kind: 'error',
      detail: "the reset to Pyodide's start-up state did not hold: the WebLoop's scheduleCallback is not the adapter's",
    });
    a.runPython('w.scheduleCallback = tracker');
    expect((await a.run(P([mark('a')]))).end).toEqual({ kind: 'ok' });
  });

  it('skips a program that signals itself, saying why: with no handler (no POSIX signals) the signal would end Pyodide', async () => {
    // SIG-2's programs: add_signal_handler raises NotImplementedError in the WebLoop (SIG-1), so
    // os.kill(os.getpid(), SIGUSR1) met its default action and Pyodide's runtime exited
    // (exit(138)), failing every later program ('[object Object]', Cannot enter a promising task...)
    const kill: Stmt = { op: 'signal_self', sig: 'SIGUSR1' };
    const handled = { op: 'add_signal_handler', loop: L1, sig: 'SIGUSR1', body: [mark('h')] } as Stmt;
    for (const main of [
      [newLoop(L1), handled, kill],
      [newLoop(L1), handled, { op: 'call_soon', loop: L1, body: [mark('a'), kill] }],
    ] as Stmt[][])
      expect(await a.run(P(main))).toEqual({ obs: {}, order: {}, end: { kind: 'skipped', detail: NO_SIGNALS } });
    expect(NO_SIGNALS).toMatch(/^sends its process a signal .*NotImplementedError.*exit\(138\)/);
    expect((await a.run(P([mark('after')]))).end).toEqual({ kind: 'ok' });
  });

  it("says what Pyodide threw into JavaScript, whatever it is: an Emscripten FS error's errno, never '[object Object]'", () => {
    // what the runtime threw at the next program once a signal had ended it: no Error, no message
    const FS = a.runPython('import pyodide_js\npyodide_js.FS') as { stat(path: string): unknown };
    const codes = a.runPython('pyodide_js.ERRNO_CODES') as Record<string, number>;
    let thrown: unknown;
    try {
      FS.stat('/no/such/file');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).not.toBeInstanceOf(Error);
    expect(String(thrown)).toBe('[object Object]');
    expect(describeThrown(thrown, codes)).toBe(`ErrnoError: errno ${codes.ENOENT} (ENOENT)`);
    expect(describeThrown(thrown)).toBe(`ErrnoError: errno ${codes.ENOENT}`);
    expect(describeThrown(new Error('m'))).toBe('m');
    expect(describeThrown({ message: 'Program terminated with exit(138)', status: 138 })).toBe('Program terminated with exit(138)');
    expect(describeThrown({ a: 1 })).toBe('Object {"a":1}');
    expect(describeThrown(7)).toBe('7');
  });

  it('replays the WebLoop facts of spec/FACTS.md that need no blocking: each program breaks its clause', async () => {
    for (const f of FACTS.filter((x) => !x.jspi)) {
      const program = P(f.main);
      const trace = await a.run(program);
      expect(trace.end, f.clause).toEqual({ kind: 'ok' });
      expect(broken(program, trace), f.clause).toContain(f.clause);
    }
  });

  const flag = jspiFlag();
  it.skipIf(flag === undefined)(
    'with stack switching (node --experimental-wasm-stack-switching): run_until_complete blocks, and the other facts hold',
    () => {
      const passing = P([
        newLoop(L1),
        {
          op: 'run_until_complete',
          loop: L1,
          body: [
            { op: 'sleep', delay: 0.01 },
            { op: 'return', value: 3 },
          ],
        },
      ]);
      const facts = FACTS.filter((x) => x.jspi);
      const { version, traces } = runWithJspi(flag!, [passing, ...facts.map((f) => P(f.main))]);
      expect(version).toMatch(/, WebLoop, JSPI: run_until_complete blocks\)$/);
      expect(traces[0].obs.s2.outcome).toEqual({ value: 3 });
      expect(broken(passing, traces[0])).toEqual([]);
      facts.forEach((f, i) => {
        expect(traces[i + 1].end, f.clause).toEqual({ kind: 'ok' });
        expect(broken(P(f.main), traces[i + 1]), f.clause).toContain(f.clause);
      });
    },
  );
});

describe('--impl pyodide:<folder>', () => {
  it('loads the Pyodide distribution in that folder', async () => {
    const other = (await loadAdapter(`pyodide:${PYODIDE_DIR}`)) as PyodideAdapter;
    try {
      expect(other.version).toBe(a.version);
      expect(await other.run(P([mark('x')]))).toEqual({
        obs: { s1: { outcome: { value: 'x' }, warnings: [] } },
        order: { main: ['s1'] },
        end: { kind: 'ok' },
      });
    } finally {
      await other.close();
    }
  }, 60_000);

  it("ends a program whose statement ends Pyodide's runtime with that end, and runs the next in a new Pyodide", async () => {
    const other = (await loadAdapter(`pyodide:${PYODIDE_DIR}`)) as PyodideAdapter;
    try {
      // a statement made to do what signal_self did in SIG-2's programs before they were skipped:
      // Pyodide exits, and every later call into it threw (PythonError, or an FS.ErrnoError)
      const killing = 'import loopspec_interpreter as li, os, signal\nli.task_state = lambda t: os.kill(os.getpid(), signal.SIGUSR1)';
      const task = { op: 'create_task', as: 'K1', body: [] } as Stmt;
      const state = { op: 'task_state', task: 'K1' } as Stmt;
      const ended = 'Pyodide ended (Program terminated with exit(138)): it can no longer be used, the next program runs in a new one';
      other.runPython(killing);
      expect((await other.run(P([task, state]))).end).toEqual({
        kind: 'error',
        detail: `the adapter's Python side failed: Program terminated with exit(138); ${ended}`,
      });
      expect(await other.run(P([mark('x')]))).toEqual({
        obs: { s1: { outcome: { value: 'x' }, warnings: [] } },
        order: { main: ['s1'] },
        end: { kind: 'ok' },
      });
      // in a WebLoop callback, from Node's event loop
      other.runPython(killing);
      const inCallback = P([task, newLoop(L1), { op: 'call_soon', loop: L1, body: [state] }]);
      expect((await other.run(inCallback)).end).toEqual({
        kind: 'error',
        detail: `a WebLoop callback failed: Program terminated with exit(138); ${ended}`,
      });
      expect((await other.run(P([mark('x')]))).end).toEqual({ kind: 'ok' });
    } finally {
      await other.close();
    }
  }, 60_000);

  it('says what is wrong with a folder, or with a flag that does not apply, in one line', async () => {
    await expect(loadAdapter('pyodide:/no/such/folder')).rejects.toThrow(new UsageError('Pyodide not found: /no/such/folder'));
    await expect(loadAdapter(`pyodide:${dirname(PYODIDE_DIR)}`)).rejects.toThrow(
      /holds no Pyodide distribution \(no pyodide\.mjs there\)$/,
    );
    await expect(loadAdapter('pyodide:')).rejects.toThrow(UsageError);
    await expect(loadAdapter('pyodide', { policy: 'm:P' })).rejects.toThrow('--policy works with --impl python only');
  });
});
