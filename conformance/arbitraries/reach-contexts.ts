/**
 * CTX-1: context variables. Three shapes: callbacks (call_soon, call_later,
 * call_soon_threadsafe from a program thread) scheduled from a context that sets `var` before
 * and after, with or without context=C, and the top level and a new thread reading it
 * (CTX-1.1, CTX-1.2); tasks made by create_task, with or without context=C, that set and read
 * across steps, their creator setting after (CTX-1.3); run_in_executor jobs that only read and
 * to_thread jobs that set and read (CTX-1.4). Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

const set = (value: number): Stmt => ({ op: 'ctx_set', value });
const get: Stmt = { op: 'ctx_get' };
const copy: Stmt = { op: 'copy_context', as: 'C1' };
const ctx = (shared: boolean) => (shared ? { context: 'C1' } : {});

type Via = 'call_soon' | 'call_later' | 'call_soon_threadsafe';

/** CTX-1.1, CTX-1.2: two callbacks on the running loop, the caller's sets around them, a thread's own context. */
export const contextCallbackPrograms = fc
  .tuple(fc.constantFrom<Via>('call_soon', 'call_later', 'call_soon_threadsafe'), fc.boolean(), fc.boolean(), keeps(16))
  .map(([via, shared, thread, flags]) => {
    const keep = flagged(flags);
    const cb = (body: Stmt[]): Stmt =>
      via === 'call_later'
        ? { op: 'call_later', loop: 'L1', delay: 0, body, ...ctx(shared) }
        : ({ op: via, loop: 'L1', body, ...ctx(shared) } as Stmt);
    const inThread: Stmt[] = [...keep(get, set(6)), { op: 'call_soon_threadsafe', loop: 'L1', body: [get] }, ...keep(get)];
    // The callback given C schedules the next one given C: they share C in causal order, not the queue's.
    const next: Stmt = { op: 'call_soon', loop: 'L1', body: [get], ...ctx(shared) };
    const body: Stmt[] = [
      // C holds 2, the caller 4 when it schedules, then 5
      ...keep(set(2), copy),
      ...keep(set(4)),
      ...keep(cb([...keep(get), set(3), ...keep(get), next])),
      ...keep(set(5)),
      ...keep({ op: 'call_soon', loop: 'L1', body: [get] }),
      ...(thread ? [{ op: 'start_thread', thread: 'T1', body: inThread } as Stmt, { op: 'join_thread', thread: 'T1' } as Stmt] : []),
      ...keep({ op: 'sleep', delay: 0.01 }),
      ...keep(get),
    ];
    return program([
      ...keep(set(1), { op: 'copy_context', as: 'C1' }),
      { op: 'new_event_loop', as: 'L1' },
      { op: 'run_until_complete', loop: 'L1', body },
      ...keep(get, { op: 'close', loop: 'L1' }),
    ]);
  });

/** CTX-1.3: tasks that copy their creator's context or run in C, set and read across steps, the creator setting after. */
export const contextTaskPrograms = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), keeps(14)).map(([shared, second, run, flags]) => {
  const keep = flagged(flags);
  const body: Stmt[] = [
    ...keep(get, set(2), copy),
    { op: 'create_task', as: 'K1', body: [...keep(get), set(3), { op: 'sleep', delay: 0 }, ...keep(get)], ...ctx(shared) },
    ...keep(set(4)),
    // K2 is made once K1 is done: what K1 set in C is there before K2 starts (causal order).
    ...keep(
      { op: 'await', task: 'K1' },
      get,
      ...(second ? [{ op: 'create_task', as: 'K2', body: [get, { op: 'return', value: 1 }], ...ctx(shared) } as Stmt] : []),
      ...(second ? [{ op: 'await', task: 'K2' } as Stmt] : []),
      get,
    ),
  ];
  return program([
    ...keep(set(1)),
    ...(run
      ? [{ op: 'asyncio_run', body } as Stmt]
      : [{ op: 'new_event_loop', as: 'L1' } as Stmt, { op: 'run_until_complete', loop: 'L1', body } as Stmt]),
    ...keep(get),
  ]);
});

/** CTX-1.4: run_in_executor jobs that read only (the default), to_thread jobs that set and read (a copy). */
export const contextExecutorPrograms = fc.tuple(fc.boolean(), keeps(10)).map(([first, flags]) => {
  const keep = flagged(flags);
  const job: Stmt = { op: 'run_in_executor', body: [get, { op: 'return', value: 1 }] };
  const toThread: Stmt = { op: 'to_thread', body: [...keep(get), set(5), get, { op: 'return', value: 2 }] };
  const body: Stmt[] = [
    ...keep(set(2)),
    ...(first ? [job, toThread] : [toThread, job]),
    ...keep(get),
    ...keep({ op: 'to_thread', body: [get] }),
  ];
  return program([...keep(set(1)), { op: 'new_event_loop', as: 'L1' }, { op: 'run_until_complete', loop: 'L1', body }, ...keep(get)]);
});

/** Every shape of CTX-1. */
export const contextPrograms = fc.oneof(
  { weight: 3, arbitrary: contextCallbackPrograms },
  { weight: 3, arbitrary: contextTaskPrograms },
  { weight: 3, arbitrary: contextExecutorPrograms },
);
