// The reference adapter as an adapter: what it reports about itself, the profile it takes,
// a fresh runtime per program (a patch touches its own runtime only), and how a hang or a
// malformed statement shows in the trace. The rules' behaviour: reference-rules.test.ts
// (default profile) and reference-switches.test.ts (the other profiles).
import { describe, expect, it } from 'vitest';
import { PyError, createRuntime, type Runtime } from '../../reference/index.ts';
import { PROFILES } from '../../spec/profiles.ts';
import { numberProgram, type Stmt } from '../../language/program.ts';
import { canonicalize, type Trace } from '../../language/trace.ts';
import { referenceAdapter } from './reference.ts';
import { val, err, loop, NO_LOOP_WARNING } from '../../fixtures/helpers/observations.ts';

const adapter = referenceAdapter();

/** Runs `main` on a fresh default-profile reference, patched by `patch` if given. */
async function run(main: Stmt[], patch?: (rt: Runtime) => void): Promise<Trace> {
  const a = patch ? referenceAdapter({ name: 'patched', patch }) : adapter;
  return canonicalize(await a.run(numberProgram({ version: 1, main })));
}

describe('reference adapter', () => {
  it('describes itself', () => {
    expect(adapter.name).toBe('loopspec-reference');
    expect(adapter.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(adapter.capabilities).toEqual({ threads: true, fork: true, executor: true });
    expect(adapter.profile).toBe('cpython-3.12');
  });

  it('takes a profile by name or object, reports its name, and keeps the package version', () => {
    for (const p of PROFILES) {
      expect(referenceAdapter({ profile: p.name }).profile).toBe(p.name);
      expect(referenceAdapter({ profile: p }).profile).toBe(p.name);
      expect(referenceAdapter({ profile: p }).version).toBe(adapter.version);
      expect(createRuntime(p).profile).toBe(p);
    }
    expect(createRuntime().profile.name).toBe('cpython-3.12');
    expect(() => referenceAdapter({ profile: 'cpython-2.7' })).toThrow(/unknown profile 'cpython-2.7'/);
  });

  it('reports a deadlock as a hang, with the observations so far', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'start_thread', thread: 'T1', body: [{ op: 'mark', tag: 't1' }] },
      { op: 'join_thread', thread: 'T1' },
      { op: 'run_forever', loop: 'L1' }, // nothing scheduled, no thread left: blocks forever
      { op: 'mark', tag: 'never' },
    ]);
    expect(t.end.kind).toBe('hang');
    expect(t.obs).toEqual({ s1: val(loop('L1')), s2: val(null), s3: val('t1'), s4: val(null) });
    expect(t.order).toEqual({ main: ['s1', 's2', 's4', 's5'], T1: ['s3'] });
  });

  it('reports a join cycle as a hang', async () => {
    const t = await run([
      { op: 'new_event_loop', as: 'L1' },
      {
        op: 'start_thread',
        thread: 'T1',
        body: [
          { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 1 }] },
          { op: 'join_thread', thread: 'T2' },
        ],
      },
      { op: 'start_thread', thread: 'T2', body: [{ op: 'join_thread', thread: 'T1' }] },
      { op: 'join_thread', thread: 'T1' },
    ]);
    expect(t.end.kind).toBe('hang');
  });

  it('reports unbound variables and coroutine-only statements in sync bodies', async () => {
    const t = await run([
      { op: 'close', loop: 'L9' },
      { op: 'await', task: 'K1' },
      { op: 'join_thread', thread: 'T9' },
      { op: 'sleep', delay: 0 },
    ]);
    expect(t.obs).toEqual({
      s1: err('LoopspecUnbound', 'L9'),
      s2: err('LoopspecInvalid', 'await outside a coroutine'),
      s3: err('LoopspecUnbound', 'T9'),
      s4: err('LoopspecInvalid', 'sleep outside a coroutine'),
    });
  });

  it('runs every program from pristine state, and applies a patch to its own runtime only', async () => {
    await run([
      { op: 'set_policy', arg: 'new' },
      { op: 'set_event_loop', arg: null },
    ]);
    const fresh = await run([{ op: 'get_event_loop' }]);
    expect(fresh.obs.s1).toEqual(val(loop('L1'), NO_LOOP_WARNING));
    // A mutant: set_event_loop forgets to record the call (breaks NEW-4).
    const mutant = (rt: Runtime) => {
      rt.DefaultEventLoopPolicy.prototype.set_event_loop = function (l: unknown) {
        if (l !== null && !(l instanceof rt.EventLoop)) throw new PyError('TypeError', 'not a loop');
        this._local.get()._loop = l as InstanceType<Runtime['EventLoop']> | null;
      };
    };
    const broken = await run([{ op: 'set_event_loop', arg: null }, { op: 'get_event_loop' }], mutant);
    expect(broken.obs.s2).toEqual(val(loop('L1'), NO_LOOP_WARNING));
    const again = await run([{ op: 'set_event_loop', arg: null }, { op: 'get_event_loop' }]);
    expect(again.obs.s2).toEqual(err('RuntimeError', "There is no current event loop in thread 'MainThread'."));
  });
});
