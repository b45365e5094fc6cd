/**
 * Families that reach the scheduling, task and lifecycle clauses the broad families miss:
 * call_soon callbacks against due timers (SCHED-2 across queues), what must never run (the
 * coroutine of a refused run_until_complete: LIFE-2, LIFE-3, LIFE-4; a callback of a loop
 * that does not run: SCHED-1), a run_until_complete stopped early whose task resumes when the
 * loop runs again (LIFE-8), current_task in a callback after a task has stepped (TASK-4), and
 * callbacks offered to a closed loop, call_soon_threadsafe included (SCHED-4).
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, kept, keeps, program, removable, st } from './blocks.ts';

const tag = fc.constantFrom('a', 'b', 'c', 'd');
const mark = (t: string): Stmt => ({ op: 'mark', tag: t });

/**
 * How L1 is run once everything is scheduled: until a sleep, or forever until a stop timer.
 * Each statement is removable (the run, its sleep, the stop timer, its stop, run_forever).
 */
const runL1: fc.Arbitrary<Stmt[]> = fc.tuple(fc.constantFrom('until', 'forever'), keeps(3)).map(([how, flags]) => {
  const keep = flagged(flags);
  if (how === 'until') return keep({ op: 'run_until_complete', loop: 'L1', body: keep({ op: 'sleep', delay: 0.2 }) });
  return [
    ...keep({ op: 'call_later', loop: 'L1', delay: 0.2, body: keep({ op: 'stop', loop: 'L1' }) }),
    ...keep({ op: 'run_forever', loop: 'L1' }),
  ];
});

/** One scheduled callback: call_soon, or a timer mostly due at once (its mark removable). */
const oneCallback: fc.Arbitrary<Stmt> = fc
  .tuple(fc.constantFrom('soon', 'soon', 'later'), fc.constantFrom(0, 0, 0.05), tag, kept)
  .map(([kind, d, t, k]) => {
    const body = k ? [mark(t)] : [];
    return kind === 'soon' ? st({ op: 'call_soon', loop: 'L1', body }) : st({ op: 'call_later', loop: 'L1', delay: d, body });
  });

/** A callback, sometimes one that schedules more callbacks itself. */
const callbackTree: fc.Arbitrary<Stmt> = fc
  .tuple(oneCallback, fc.array(oneCallback, { maxLength: 3 }))
  .map(([cb, inner]) =>
    inner.length === 0 || cb.op === 'call_later' ? cb : ({ ...cb, body: [...(cb as { body: Stmt[] }).body, ...inner] } as Stmt),
  );

/**
 * call_soon callbacks and timers (mostly due at once) scheduled in one segment: from the
 * main thread before the loop runs, from one callback, or from one task step (sometimes
 * split by sleep(0)). Every statement is removable, each
 * drawn callback too.
 */
export const crossQueuePrograms = fc
  .tuple(
    fc.constantFrom('main', 'callback', 'task'),
    fc.array(removable(callbackTree), { minLength: 2, maxLength: 6 }),
    runL1,
    fc.boolean(),
    // Keep-flags for the fixed statements around the callbacks, so that shrinking can drop them.
    keeps(3),
  )
  .map(([from, drawn, run, split, flags]) => {
    const keep = flagged(flags);
    const cbs = drawn.filter((cb): cb is Stmt => cb !== null);
    const loop = keep({ op: 'new_event_loop', as: 'L1' });
    if (from === 'main') return program([...loop, ...cbs, ...run]);
    if (from === 'callback')
      return program([...loop, ...keep({ op: 'call_soon', loop: 'L1', body: [...keep(mark('p')), ...cbs] }), ...run]);
    const half = Math.ceil(cbs.length / 2);
    const body: Stmt[] = [
      ...cbs.slice(0, half),
      ...(split ? [st({ op: 'sleep', delay: 0 })] : []),
      ...cbs.slice(half),
      ...keep({ op: 'sleep', delay: 0.2 }),
    ];
    return program([...loop, ...keep({ op: 'run_until_complete', loop: 'L1', body })]);
  });

/** A coroutine body that would show it ran: marks around suspensions. */
const tellTale = fc.constantFrom<Stmt[]>(
  [mark('x')],
  [mark('x'), { op: 'sleep', delay: 0 }, mark('y')],
  [{ op: 'sleep', delay: 0 }, mark('y'), { op: 'return', value: 1 }],
);

/** A run_until_complete that the loop refuses: closed (LIFE-2), already running (LIFE-3), another loop running (LIFE-4). */
export const refusedRunPrograms = fc
  .tuple(
    fc.constantFrom('closed', 'same', 'other', 'other-callback'),
    tellTale,
    fc.array(tag, { maxLength: 2 }),
    fc.boolean(),
    // Keep-flags for the fixed statements around the refused run, so that shrinking can drop them.
    keeps(12),
  )
  .map(([how, body, after, later, flags]) => program(refusedRun(how, body, after, later, flagged(flags))));

type Keep = ReturnType<typeof flagged>;

/** The refused run, then (if `later`) each loop runs again, where a wrongly made task would run. */
function refusedRun(how: string, body: Stmt[], after: string[], later: boolean, keep: Keep): Stmt[] {
  const main = refusedRunMain(how, body, after, keep);
  if (!later) return main;
  const rerun = (loop: string): Stmt[] =>
    keep({ op: 'run_until_complete', loop, body: keep({ op: 'sleep', delay: 0 }, { op: 'sleep', delay: 0 }) });
  return [...main, ...rerun('L1'), ...rerun('L2')];
}

function refusedRunMain(how: string, body: Stmt[], after: string[], keep: Keep): Stmt[] {
  const loops: Stmt[] = [...keep({ op: 'new_event_loop', as: 'L1' }), ...keep({ op: 'new_event_loop', as: 'L2' })];
  const outerTail: Stmt[] = [
    ...after.map(mark),
    ...keep({ op: 'sleep', delay: 0 }),
    ...keep({ op: 'sleep', delay: 0.05 }),
    ...keep(mark('z')),
  ];
  if (how === 'closed')
    return [
      ...loops,
      { op: 'close', loop: 'L2' },
      { op: 'run_until_complete', loop: 'L2', body },
      {
        op: 'run_until_complete',
        loop: 'L1',
        body: [{ op: 'run_until_complete', loop: 'L2', body: body.map((s) => ({ ...s })) }, ...outerTail],
      },
    ];
  if (how === 'other-callback')
    return [
      ...loops,
      ...keep({ op: 'call_soon', loop: 'L1', body: [...keep(mark('p')), { op: 'run_until_complete', loop: 'L2', body }] }),
      ...keep({ op: 'call_later', loop: 'L1', delay: 0.1, body: keep({ op: 'stop', loop: 'L1' }) }),
      ...keep({ op: 'run_forever', loop: 'L1' }),
      ...keep({ op: 'is_running', loop: 'L2' }),
    ];
  const target = how === 'same' ? 'L1' : 'L2';
  return [...loops, { op: 'run_until_complete', loop: 'L1', body: [{ op: 'run_until_complete', loop: target, body }, ...outerTail] }];
}

/** A callback given its mark's tag: the callback removable, its mark too. */
const markedCallback = removable(fc.tuple(tag, kept));

/** Callbacks of a loop that does not run (or is closed) while another loop runs. Every statement is removable. */
export const foreignCallbackPrograms = fc
  .tuple(
    fc.array(markedCallback, { minLength: 1, maxLength: 3 }),
    fc.array(markedCallback, { minLength: 1, maxLength: 2 }),
    fc.constantFrom('idle', 'closed', 'from-callback', 'from-task'),
    runL1,
    // Keep-flags for the fixed statements around the callbacks, so that shrinking can drop them.
    keeps(5),
  )
  .map(([foreign, own, how, run, flags]) => {
    const keep = flagged(flags);
    const callbacks = (loop: string, marks: Array<[string, boolean] | null>): Stmt[] =>
      marks.flatMap((m): Stmt[] => (m ? [{ op: 'call_soon', loop, body: m[1] ? [mark(m[0])] : [] }] : []));
    const onL2 = callbacks('L2', foreign);
    const onL1 = callbacks('L1', own);
    const loops: Stmt[] = [...keep({ op: 'new_event_loop', as: 'L1' }), ...keep({ op: 'new_event_loop', as: 'L2' })];
    if (how === 'from-callback')
      return program([...loops, ...keep({ op: 'call_soon', loop: 'L1', body: [...keep(mark('p')), ...onL2] }), ...onL1, ...run]);
    if (how === 'from-task')
      return program([
        ...loops,
        ...keep({
          op: 'run_until_complete',
          loop: 'L1',
          body: [...onL2, ...onL1, ...keep({ op: 'sleep', delay: 0 }), ...keep({ op: 'sleep', delay: 0.05 })],
        }),
      ]);
    return program([
      ...loops,
      ...onL2,
      ...(how === 'closed' ? keep({ op: 'close', loop: 'L2' }) : []),
      ...onL1,
      ...run,
      ...keep({ op: 'is_closed', loop: 'L2' }),
    ]);
  });

/**
 * A coroutine stops its own loop and suspends: run_until_complete raises (LIFE-8); then the
 * loop runs again and the task resumes.
 */
export const stopRerunPrograms = fc
  .tuple(
    fc.array(tag, { maxLength: 2 }),
    // 0: resumes in the next run; 0.5: far past every rerun (at most 0.2 s), so real time never resumes it.
    fc.constantFrom(0, 0, 0.5),
    fc.array(fc.constantFrom<Stmt>(mark('m'), { op: 'sleep', delay: 0 }, { op: 'current_task' }), { minLength: 1, maxLength: 3 }),
    fc.constantFrom('until-sleep', 'until-mark', 'forever-soon', 'forever-later'),
    fc.boolean(),
    // Keep-flags for the fixed statements around the runs, so that shrinking can drop them.
    keeps(4),
  )
  .map(([before, d, rest, rerun, twice, flags]) => {
    const keep = flagged(flags);
    const observeRunning = keep({ op: 'is_running', loop: 'L1' });
    const observeClosed = keep({ op: 'is_closed', loop: 'L1' });
    const r = keep(mark('r'));
    const first: Stmt = {
      op: 'run_until_complete',
      loop: 'L1',
      body: [...before.map(mark), { op: 'stop', loop: 'L1' }, { op: 'sleep', delay: d }, ...rest, { op: 'return', value: 1 }],
    };
    const again: Stmt[] =
      rerun === 'until-sleep'
        ? [{ op: 'run_until_complete', loop: 'L1', body: [...r, { op: 'sleep', delay: 0.1 }, { op: 'return', value: 2 }] }]
        : rerun === 'until-mark'
          ? [{ op: 'run_until_complete', loop: 'L1', body: [...r, { op: 'return', value: 2 }] }]
          : [
              rerun === 'forever-soon'
                ? st({ op: 'call_soon', loop: 'L1', body: [...r, { op: 'stop', loop: 'L1' }] })
                : st({ op: 'call_later', loop: 'L1', delay: 0.1, body: [...r, { op: 'stop', loop: 'L1' }] }),
              { op: 'run_forever', loop: 'L1' },
            ];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      first,
      ...observeRunning,
      ...again,
      ...(twice ? again.map((s) => ({ ...s })) : []),
      ...observeClosed,
    ]);
  });

/** current_task in callbacks of a loop whose tasks have stepped (and asked for themselves) before. */
export const currentTaskInCallbackPrograms = fc
  .tuple(fc.constantFrom('inside', 'after'), fc.boolean(), fc.constantFrom('soon', 'later'), fc.boolean())
  .map(([when, withTask, via, asks]) => {
    const cb = (body: Stmt[]): Stmt =>
      via === 'soon' ? { op: 'call_soon', loop: 'L1', body } : { op: 'call_later', loop: 'L1', delay: 0, body };
    const ask: Stmt[] = asks ? [{ op: 'current_task' }] : [];
    const task: Stmt[] = withTask
      ? [{ op: 'create_task', as: 'K1', body: [mark('k'), { op: 'current_task' }, { op: 'sleep', delay: 0 }, { op: 'current_task' }] }]
      : [];
    if (when === 'inside')
      return program([
        { op: 'new_event_loop', as: 'L1' },
        {
          op: 'run_until_complete',
          loop: 'L1',
          body: [...ask, ...task, { op: 'sleep', delay: 0 }, cb([mark('c'), { op: 'current_task' }]), { op: 'sleep', delay: 0.05 }, ...ask],
        },
      ]);
    return program([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body: [...ask, ...task, { op: 'sleep', delay: 0 }, ...ask] },
      cb([mark('c'), { op: 'current_task' }, { op: 'stop', loop: 'L1' }]),
      { op: 'run_forever', loop: 'L1' },
      { op: 'current_task' },
    ]);
  });

/** Callbacks offered to a closed loop, call_soon_threadsafe from this thread or another. */
export const closedSchedulePrograms = fc
  .tuple(
    fc.boolean(),
    fc.constantFrom('threadsafe', 'threadsafe-thread', 'threadsafe', 'soon', 'later'),
    fc.array(fc.constantFrom<Stmt>({ op: 'is_closed', loop: 'L1' }, { op: 'is_running', loop: 'L1' }), { maxLength: 2 }),
  )
  .map(([ranFirst, how, after]) => {
    const body: Stmt[] = [mark('x')];
    const offer: Stmt[] =
      how === 'threadsafe'
        ? [{ op: 'call_soon_threadsafe', loop: 'L1', body }]
        : how === 'threadsafe-thread'
          ? [
              { op: 'start_thread', thread: 'T1', body: [{ op: 'call_soon_threadsafe', loop: 'L1', body }] },
              { op: 'join_thread', thread: 'T1' },
            ]
          : how === 'soon'
            ? [{ op: 'call_soon', loop: 'L1', body }]
            : [{ op: 'call_later', loop: 'L1', delay: 0, body }];
    return program([
      { op: 'new_event_loop', as: 'L1' },
      ...(ranFirst ? [st({ op: 'run_until_complete', loop: 'L1', body: [mark('a')] })] : []),
      { op: 'close', loop: 'L1' },
      ...offer,
      ...after,
    ]);
  });

/** Who cancels a handle: the main thread before the run or after it, an earlier callback of the batch, the callback itself. */
type Canceller = 'main' | 'callback' | 'self' | 'after';

/**
 * SCHED-5: callbacks and timers with their handles bound (H1, H2, ...), some cancelled before
 * they run (by the main thread, or by a callback queued ahead of them in the same batch), one
 * cancelling itself, some after they ran; cancelled() asked before and after the run. Every
 * statement and each cancel is removable.
 */
export const cancelPrograms = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('soon', 'soon', 'later'), fc.constantFrom(0, 0.05), tag), { minLength: 1, maxLength: 4 }),
    fc.array(removable(fc.tuple(fc.nat(3), fc.constantFrom<Canceller>('main', 'main', 'callback', 'self', 'after'))), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.array(removable(fc.tuple(fc.nat(3), fc.boolean())), { maxLength: 3 }),
    runL1,
    keeps(1),
  )
  .map(([drawn, drawnCancels, asks, run, flags]) => {
    const keep = flagged(flags);
    const handle = (i: number) => `H${(i % drawn.length) + 1}`;
    const cancels = drawnCancels.filter((c): c is [number, Canceller] => c !== null);
    const by = (who: Canceller) => cancels.filter(([, w]) => w === who).map(([i]) => handle(i));
    const cancel = (h: string): Stmt => ({ op: 'cancel_handle', handle: h });
    const ask = (after: boolean) =>
      asks
        .filter((a): a is [number, boolean] => a !== null && a[1] === after)
        .map(([i]): Stmt => ({ op: 'handle_cancelled', handle: handle(i) }));
    const callbacks = drawn.map(([kind, d, t], i): Stmt => {
      const as = `H${i + 1}`;
      const body = [...(by('self').includes(as) ? [cancel(as)] : []), mark(t)];
      return kind === 'soon' ? st({ op: 'call_soon', loop: 'L1', as, body }) : st({ op: 'call_later', loop: 'L1', delay: d, as, body });
    });
    // Queued first, it runs first in the first batch: the handles it cancels are queued behind it.
    const inBatch = by('callback');
    const canceller: Stmt[] = inBatch.length > 0 ? [st({ op: 'call_soon', loop: 'L1', body: inBatch.map(cancel) })] : [];
    return program([
      ...keep({ op: 'new_event_loop', as: 'L1' }),
      ...canceller,
      ...callbacks,
      ...by('main').map(cancel),
      ...ask(false),
      ...run,
      ...by('after').map(cancel),
      ...ask(true),
    ]);
  });

/**
 * SCHED-2 over a fuller timer heap: four to seven timers of delay 0 or 0.1, each marking,
 * scheduled from the main thread before L1 runs (a pair 0.1 apart is compared even out of
 * scheduling order: ordering.ts INVERTED_GAP). With four or more, popping the earliest must
 * sift the heap through both children: a heap that looks at the left child only can leave a
 * due zero-delay timer behind a 0.1 s one. Each timer is removable.
 */
export const timerHeapPrograms = fc
  .tuple(
    fc.array(removable(fc.tuple(fc.constantFrom<number>(0, 0, 0.1), tag as fc.Arbitrary<string>)), { minLength: 4, maxLength: 7 }),
    runL1,
  )
  .map(([drawn, run]) =>
    program([
      st({ op: 'new_event_loop', as: 'L1' }),
      ...drawn
        .filter((x): x is [number, string] => x !== null)
        .map(([d, t]) => st({ op: 'call_later', loop: 'L1', delay: d, body: [mark(t)] })),
      ...run,
    ]),
  );
