/**
 * SIG-1, SIG-2: a loop's signal handlers. Four shapes: add_signal_handler and
 * remove_signal_handler of SIGUSR1, SIGUSR2, SIGKILL, None and ints that are no signal, with
 * coroutine functions now and then, from the main thread, from a thread started and joined at
 * once, from a coroutine the loop runs, and on the loop closed (SIG-1.1, SIG-1.2); handlers
 * added (SIGSTOP or SIGKILL refused among them), the loop closed, then removed and added again
 * (SIG-1.3); signals the process sends itself from callbacks, from the coroutine of a run and
 * from the main body between runs, among callbacks and task steps, handlers added again and
 * removed, a close() the running loop refuses, the loop run again and closed (SIG-2.1,
 * SIG-2.2), now and then after SIGKILL refused while the loop holds handlers (the wakeup fd
 * stays its self-pipe: unix_events.py gives it up only with the last handler); a signal sent
 * while the loop is idle, the loop then run in a thread started and joined at once (SIG-2.1).
 * No timer and no sleep of more than 0: where a handler falls against a timer is real time
 * (SIG-2 rationale). Every statement is removable.
 */
import fc from 'fast-check';
import type { Sig, Stmt } from '../../language/program.ts';
import { flagged, keeps, program, removable } from './blocks.ts';

const some = <T>(arb: fc.Arbitrary<T>, max: number, min = 0) =>
  fc.array(removable(arb), { minLength: min, maxLength: max }).map((xs) => xs.filter((x): x is T => x !== null));

const mark = (tag: string): Stmt => ({ op: 'mark', tag });
const sleep0: Stmt = { op: 'sleep', delay: 0 };
const add = (sig: Sig, body: Stmt[], coro = false): Stmt => ({
  op: 'add_signal_handler',
  loop: 'L1',
  sig,
  body,
  ...(coro ? { coro: true } : {}),
});
const remove = (sig: Sig): Stmt => ({ op: 'remove_signal_handler', loop: 'L1', sig });
const kill = (sig: 'SIGUSR1' | 'SIGUSR2'): Stmt => ({ op: 'signal_self', sig });
const run = (body: Stmt[]): Stmt => ({ op: 'run_until_complete', loop: 'L1', body });

/** A signal as a statement passes it: mostly the two the language can send, then the refusals. */
const anySig = fc.constantFrom<Sig>('SIGUSR1', 'SIGUSR1', 'SIGUSR2', 'SIGUSR2', 'SIGKILL', null, 0, -1, 65);
const userSig = fc.constantFrom<'SIGUSR1' | 'SIGUSR2'>('SIGUSR1', 'SIGUSR2');
const tag = fc.constantFrom('a', 'b', 'c', 'd', 'e');

/** add_signal_handler (a coroutine function one time in six) or remove_signal_handler on L1. */
const apiStep: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom('add', 'add', 'remove'), anySig, fc.integer({ min: 0, max: 5 }), tag)
  .map(([op, sig, n, t]) => (op === 'remove' ? remove(sig) : add(sig, [mark(`h${t}`)], n === 0)));

/** SIG-1.1, SIG-1.2: calls from the main thread, from a thread started and joined at once, inside a run, on the loop closed. */
export const handlerCallPrograms = fc
  .tuple(some(apiStep, 6, 1), some(apiStep, 3, 1), some(apiStep, 3), fc.boolean(), some(apiStep, 4), keeps(5))
  .map(([before, inThread, inside, thread, after, flags]) => {
    const keep = flagged(flags);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...before,
      ...(thread ? keep({ op: 'start_thread', thread: 'T1', body: inThread }, { op: 'join_thread', thread: 'T1' }) : []),
      ...keep(run([...inside])),
      ...keep({ op: 'close', loop: 'L1' }),
      ...after,
      ...(thread ? [] : keep({ op: 'start_thread', thread: 'T1', body: inThread }, { op: 'join_thread', thread: 'T1' })),
    ]);
  });

/** SIG-1.3: handlers added, the loop closed (from inside nothing: close refuses a running loop), then removed, and added again. */
export const closePrograms = fc
  .tuple(
    fc.subarray(['SIGUSR1', 'SIGUSR2'] as const, { minLength: 1 }),
    fc.subarray(['SIGUSR1', 'SIGUSR2', 'SIGKILL'] as const, { minLength: 1 }),
    fc.boolean(),
    keeps(4),
    // Last, so that the draws before it stay those of the shape without it (shrunk counterexamples).
    fc.option(fc.constantFrom<Sig>('SIGSTOP', 'SIGKILL'), { nil: undefined }),
  )
  .map(([added, removed, twice, flags, uncatchable]) => {
    const keep = flagged(flags);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...added.map((sig, i) => add(sig, [mark(`h${i}`)])),
      // SIGSTOP or SIGKILL refused while the loop holds handlers (SIG-1.1).
      ...(uncatchable === undefined ? [] : [add(uncatchable, [mark('u')])]),
      ...keep(run([mark('r0'), sleep0])),
      ...keep({ op: 'close', loop: 'L1' }),
      ...removed.map(remove),
      ...keep(add('SIGUSR1', [mark('late')])),
      ...(twice ? keep({ op: 'close', loop: 'L1' }, remove('SIGUSR1')) : []),
    ]);
  });

/** A callback queued before a run: a mark, perhaps a signal, perhaps a chain of callbacks it queues in turn. */
const callback = fc.tuple(tag, fc.option(userSig, { nil: undefined }), fc.integer({ min: 0, max: 2 })).map(([t, sig, depth]): Stmt => {
  let chain: Stmt[] = [];
  for (let d = depth; d >= 1; d--) chain = [{ op: 'call_soon', loop: 'L1', body: [mark(`${t}${d}`), ...chain] }];
  return { op: 'call_soon', loop: 'L1', body: [mark(`${t}0`), ...(sig ? [kill(sig)] : []), ...chain] };
});

/**
 * A statement of the run's coroutine: marks and sleep(0)s mostly, signals, a handler added again
 * or removed, a callback, a close() the running loop refuses (its self-pipe stays open: LIFE-5).
 */
const coroStep = fc
  .tuple(fc.constantFrom('mark', 'mark', 'sleep', 'sleep', 'sleep', 'kill', 'kill', 'add', 'remove', 'soon', 'close'), userSig, tag)
  .map(([what, sig, t]): Stmt => {
    if (what === 'close') return { op: 'close', loop: 'L1' };
    if (what === 'mark') return mark(t);
    if (what === 'sleep') return sleep0;
    if (what === 'kill') return kill(sig);
    if (what === 'add') return add(sig, [mark(`re-${t}`)]);
    if (what === 'remove') return remove(sig);
    return { op: 'call_soon', loop: 'L1', body: [mark(`s${t}`)] };
  });

/** SIG-2's first handler: what it does when it runs (not a signal of its own: a handler that signals itself never ends). */
const handlerBody = fc
  .subarray<Stmt>([{ op: 'current_thread' }, { op: 'peek_running_loop' }, { op: 'is_running', loop: 'L1' }, kill('SIGUSR2')], {
    maxLength: 2,
  })
  .chain((extra) =>
    fc.boolean().map((soon) => [mark('h1'), ...extra, ...(soon ? [{ op: 'call_soon', loop: 'L1', body: [mark('h1c')] } as Stmt] : [])]),
  );

/** SIG-2.1, SIG-2.2: signals from callbacks, from the run's coroutine and between runs; the loop run again, and closed. */
export const deliveryPrograms = fc
  .tuple(
    handlerBody,
    some(callback, 2),
    some(coroStep, 8, 2),
    fc.option(userSig, { nil: undefined }),
    some(coroStep, 4),
    fc.boolean(),
    keeps(6),
    fc.boolean(),
  )
  .map(([h1, callbacks, withSleeps, between, withSleepsAgain, sleeps, flags, refused]) => {
    const keep = flagged(flags);
    // Half the programs never sleep: where tasks sleep(0), which iteration reads a signal is the
    // round robin's too (TASK-5.2), so a handler's timing is judged on its own only without.
    const steps = sleeps ? withSleeps : withSleeps.filter((x) => x.op !== 'sleep');
    const again = sleeps ? [...withSleepsAgain, sleep0] : withSleepsAgain.filter((x) => x.op !== 'sleep');
    return program([
      { op: 'new_event_loop', as: 'L1' },
      add('SIGUSR1', h1),
      ...keep(add('SIGUSR2', [mark('h2')])),
      // SIGKILL refused (SIG-1.1) while the loop holds a handler: the wakeup fd stays its self-pipe.
      ...(refused ? [add('SIGKILL', [mark('hk')])] : []),
      ...callbacks,
      run([mark('t'), ...steps]),
      ...keep(mark('between')),
      ...(between ? keep(kill(between)) : []),
      ...keep(run([mark('u'), ...again, mark('v')])),
      ...keep({ op: 'close', loop: 'L1' }),
      ...keep(remove('SIGUSR1')),
    ]);
  });

/** SIG-2.1: a signal sent while the loop is idle, the loop then run in a thread: the handler runs there. */
export const threadLoopPrograms = fc.tuple(fc.integer({ min: 1, max: 3 }), keeps(3)).map(([n, flags]) => {
  const keep = flagged(flags);
  const steps = Array.from({ length: n }, (_, i): Stmt[] => [sleep0, mark(`k${i + 1}`)]).flat();
  return program([
    { op: 'new_event_loop', as: 'L1' },
    add('SIGUSR1', [mark('h'), { op: 'current_thread' }]),
    kill('SIGUSR1'),
    { op: 'start_thread', thread: 'T1', body: [run([mark('k0'), ...steps])] },
    { op: 'join_thread', thread: 'T1' },
    ...keep({ op: 'current_thread' }),
    ...keep({ op: 'close', loop: 'L1' }),
    ...keep(remove('SIGUSR1')),
  ]);
});

/** SIG-1's programs. */
export const signalCallPrograms = fc.oneof({ weight: 3, arbitrary: handlerCallPrograms }, { weight: 2, arbitrary: closePrograms });

/** SIG-2's programs. */
export const signalDeliveryPrograms = fc.oneof({ weight: 5, arbitrary: deliveryPrograms }, { weight: 1, arbitrary: threadLoopPrograms });
