// The reference under the other profiles: one test per profile switch (spec/profiles.ts),
// each naming the switch and the rules it changes.
import { describe, expect, it } from 'vitest';
import { createRuntime, type BaseEventLoop, type Coro, type Runtime } from '../../reference/index.ts';
import { profileByName } from '../../spec/profiles.ts';
import { numberProgram, type Stmt } from '../../language/program.ts';
import { canonicalize, type Trace } from '../../language/trace.ts';
import { referenceAdapter } from './reference.ts';
import { val, err, loop, NO_LOOP_WARNING } from '../../fixtures/helpers/observations.ts';

/** Runs `main` on a reference of `profile` and returns its canonical trace. */
async function run(main: Stmt[], profile: string): Promise<Trace> {
  return canonicalize(await referenceAdapter({ profile }).run(numberProgram({ version: 1, main })));
}

const POLICY_WARNING = (name: string) => [
  { category: 'DeprecationWarning', message: `'asyncio.${name}' is deprecated and slated for removal in Python 3.16` },
];

describe('reference adapter under a profile', () => {
  it('3.8 to 3.10: the type checks are asserts, and set_event_loop counts before its assert (typeCheck; NEW-5, POL-2)', async () => {
    for (const profile of ['cpython-3.8', 'cpython-3.9', 'cpython-3.10']) {
      const t = await run(
        [{ op: 'set_event_loop', arg: 3 }, { op: 'get_event_loop' }, { op: 'set_policy', arg: 7 }, { op: 'get_policy' }],
        profile,
      );
      expect(t.obs).toEqual({
        s1: err('AssertionError', ''),
        s2: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
        s3: err('AssertionError', ''),
        s4: val({ obj: 'policy', id: 'P1' }),
      });
    }
    const t = await run(
      [
        { op: 'set_event_loop', arg: 3 },
        { op: 'set_policy', arg: 7 },
      ],
      'cpython-3.11',
    );
    expect(t.obs.s1).toEqual(err('TypeError', "loop must be an instance of AbstractEventLoop or None, not 'int'"));
    expect(t.obs.s2).toEqual(err('TypeError', "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'"));
  });

  it('3.8 to 3.11 create the main thread loop silently (implicitCreationWarns; GET-3)', async () => {
    for (const profile of ['cpython-3.8', 'cpython-3.11']) {
      const t = await run([{ op: 'new_event_loop' }, { op: 'get_event_loop' }, { op: 'get_event_loop' }], profile);
      expect(t.obs).toEqual({ s1: val(loop('L1')), s2: val(loop('L2')), s3: val(loop('L2')) });
    }
  });

  it('3.14: no implicit creation, in the main thread either (implicitCreation; GET-3)', async () => {
    const t = await run(
      [
        { op: 'get_event_loop' }, // s1
        { op: 'set_event_loop', arg: 3 }, // s2
        { op: 'new_event_loop', as: 'L1' }, // s3
        { op: 'set_event_loop', arg: 'L1' }, // s4
        { op: 'get_event_loop' }, // s5
        { op: 'fork', body: [{ op: 'get_event_loop' }] }, // s6, s7: the at-fork hook is kept (FORK-2)
      ],
      'cpython-3.14',
    );
    expect(t.obs).toEqual({
      s1: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s2: err('TypeError', "loop must be an instance of AbstractEventLoop or None, not 'int'"),
      s3: val(loop('L1')),
      s4: val(null),
      s5: val(loop('L1')),
      s6: val(null),
      s7: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
    });
    // No _set_called to mark: set_event_loop leaves the flag alone.
    const rt = createRuntime(profileByName('cpython-3.14'));
    rt.events.set_event_loop(null);
    expect(rt.events._get_event_loop_policy()).toMatchObject({ _local: expect.anything() });
    expect((rt.events._get_event_loop_policy() as InstanceType<Runtime['DefaultEventLoopPolicy']>)._local.get()._set_called).toBe(false);
  });

  it("3.14: the public policy API warns, asyncio's own lookups do not (policyDeprecated; POL-1, POL-2)", async () => {
    const t = await run(
      [
        { op: 'get_event_loop' }, // s1: raises, no policy warning
        { op: 'get_policy' }, // s2
        { op: 'set_policy', arg: 'new' }, // s3: reads asyncio.DefaultEventLoopPolicy, then sets it
        { op: 'set_policy', arg: 7 }, // s4: warns before its type check
        { op: 'set_policy', arg: null }, // s5
        { op: 'new_event_loop', as: 'L1' }, // s6
        { op: 'set_event_loop', arg: 'L1' }, // s7
        { op: 'asyncio_run', body: [{ op: 'get_event_loop' }] }, // s8, s9
      ],
      'cpython-3.14',
    );
    expect(t.obs).toEqual({
      s1: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
      s2: val({ obj: 'policy', id: 'P1' }, POLICY_WARNING('get_event_loop_policy')),
      s3: val(null, [...POLICY_WARNING('DefaultEventLoopPolicy'), ...POLICY_WARNING('set_event_loop_policy')]),
      s4: err(
        'TypeError',
        "policy must be an instance of AbstractEventLoopPolicy or None, not 'int'",
        POLICY_WARNING('set_event_loop_policy'),
      ),
      s5: val(null, POLICY_WARNING('set_event_loop_policy')),
      s6: val(loop('L1')),
      s7: val(null),
      s8: val(null),
      s9: val(loop('L2')),
    });
  });

  it("before 3.12 a fork child keeps the forking thread's policy state (forkHook; FORK-1, FORK-2)", async () => {
    const main: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' }, // s1
      { op: 'set_event_loop', arg: 'L1' }, // s2
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s3
          { op: 'fork', body: [{ op: 'peek_running_loop' }, { op: 'get_event_loop' }] }, // s4..s6
        ],
      },
      { op: 'set_event_loop', arg: null }, // s7
      { op: 'fork', body: [{ op: 'get_event_loop' }] }, // s8, s9
    ];
    const old = await run(main, 'cpython-3.11');
    expect(old.obs).toMatchObject({
      s5: val(null), // the running-loop record is copied, but its pid is the parent's
      s6: val(loop('L1')),
      s9: err('RuntimeError', "There is no current event loop in thread 'MainThread'."),
    });
    const hooked = await run(main, 'cpython-3.12');
    expect(hooked.obs).toMatchObject({ s5: val(null), s6: val(loop('L2'), NO_LOOP_WARNING), s9: val(loop('L3'), NO_LOOP_WARNING) });
  });

  // Measured on CPython 3.12.1 and 3.13.0 with drivers/python/loopspec_driver.py: the same
  // observations (3.12.1 never reaches s7: the task is left pending).
  it('3.13.0: a refused run_forever clears the running loop while it goes on (failedRunForeverCleansUp; LIFE-3)', async () => {
    const main: Stmt[] = [
      { op: 'new_event_loop', as: 'L1' }, // s1
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [
          // s2
          { op: 'stop', loop: 'L1' }, // s3
          { op: 'run_forever', loop: 'L1' }, // s4
          { op: 'is_running', loop: 'L1' }, // s5
          { op: 'peek_running_loop' }, // s6
          { op: 'sleep', delay: 0 }, // s7: _stopping was cleared too, so the loop goes on
          { op: 'return', value: 'done' },
        ],
      },
      { op: 'is_running', loop: 'L1' }, // s9
    ];
    const bug = await run(main, 'cpython-3.13');
    expect(bug.obs).toEqual({
      s1: val(loop('L1')),
      s2: val('done'),
      s3: val(null),
      s4: err('RuntimeError', 'This event loop is already running'),
      s5: val(false),
      s6: val(null),
      s7: val(null),
      s9: val(false),
    });
    for (const profile of ['cpython-3.12', 'cpython-3.14']) {
      const fine = await run(main, profile);
      // stop() holds: the loop stops after this iteration, before the task finishes.
      expect(fine.obs).toMatchObject({
        s2: err('RuntimeError', 'Event loop stopped before Future completed.'),
        s5: val(true),
        s6: val(loop('L1')),
      });
    }
  });

  it("3.8's asyncio.run does not shut down the default executor (runShutsDownExecutor; ARUN-2)", () => {
    const joiners = (profile: string) => {
      const rt = createRuntime(profileByName(profile));
      const self = rt;
      let loop: BaseEventLoop | null = null;
      rt.world.runMain(function* () {
        yield* self.runners.run(
          (function* (): Coro<null> {
            loop = self.events.get_running_loop() as BaseEventLoop;
            yield* loop.run_in_executor(null, () => 1).await();
            return null;
          })(),
        );
      });
      return {
        shutdownThreads: rt.world.mainProcess.threads.filter((t) => t.name.endsWith('(_do_shutdown)')).length,
        closed: loop!.is_closed(),
      };
    };
    expect(joiners('cpython-3.8')).toEqual({ shutdownThreads: 0, closed: true });
    expect(joiners('cpython-3.9')).toEqual({ shutdownThreads: 1, closed: true });
  });
});
