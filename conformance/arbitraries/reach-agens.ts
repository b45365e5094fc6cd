/**
 * AGEN-1: asynchronous generators and the loop's hooks. Three shapes: the hooks asked before,
 * during (in the coroutine, in a callback) and after runs of a loop and asyncio.run (AGEN-1.1);
 * generators made in the main body, first iterated in a run of L1, some exhausted, then
 * shutdown_asyncgens awaited twice (the second with none kept), one more first iterated after
 * it (the warning) and shut down again (AGEN-1.2, AGEN-1.3); a generator left suspended inside
 * asyncio.run, and one left suspended in a loop that is closed (AGEN-1.4). Every generator
 * stays bound to its own variable until the program ends. Every statement is removable.
 */
import fc from 'fast-check';
import type { Stmt } from '../../language/program.ts';
import { flagged, keeps, program } from './blocks.ts';

const mark = (t: string): Stmt => ({ op: 'mark', tag: t });
const hooks: Stmt = { op: 'asyncgen_hooks' };
const next = (g: string): Stmt => ({ op: 'agen_next', agen: g });
const shutdown = (loop: string): Stmt => ({ op: 'shutdown_asyncgens', loop });
type Keep = (...stmts: Stmt[]) => Stmt[];
/** A finally that observes where it runs (alone), or only marks and its thread (one of several closing at once): each statement removable. */
const richBody = (keep: Keep): Stmt[] => [
  ...keep(mark('f')),
  ...keep({ op: 'current_thread' }),
  ...keep({ op: 'peek_running_loop' }),
  ...keep({ op: 'current_task' }),
];
const plainBody = (keep: Keep, t: string): Stmt[] => [...keep(mark(t)), ...keep({ op: 'current_thread' })];

/** AGEN-1.1: the hooks of the main thread around runs, inside a run and its callback. */
export const hookPrograms = fc.tuple(fc.boolean(), keeps(12)).map(([viaRun, flags]) => {
  const keep = flagged(flags);
  return program([
    ...keep(hooks),
    ...keep({ op: 'new_event_loop', as: 'L1' }),
    ...keep({
      op: 'run_until_complete',
      loop: 'L1',
      body: [...keep(hooks), ...keep({ op: 'call_soon', loop: 'L1', body: keep(hooks) }), ...keep({ op: 'sleep', delay: 0 })],
    }),
    ...keep(hooks),
    ...(viaRun
      ? keep({ op: 'asyncio_run', body: keep(hooks) })
      : keep({ op: 'call_soon', loop: 'L1', body: [hooks, { op: 'stop', loop: 'L1' }] }, { op: 'run_forever', loop: 'L1' })),
    ...keep(hooks),
  ]);
});

/** AGEN-1.2, AGEN-1.3: generators first iterated in a run of L1, shut down, one more after the shutdown. */
export const shutdownPrograms = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), keeps(32)).map(([two, exhaust, soon, flags]) => {
  const keep = flagged(flags);
  return program([
    ...keep({ op: 'new_event_loop', as: 'L1' }),
    ...keep({ op: 'async_gen', as: 'G1', body: two ? plainBody(keep, 'f') : richBody(keep) }),
    ...(two ? keep({ op: 'async_gen', as: 'G2', body: plainBody(keep, 'g') }) : []),
    ...keep({ op: 'async_gen', as: 'G3', body: richBody(keep) }),
    ...keep({
      op: 'run_until_complete',
      loop: 'L1',
      body: [
        ...keep(hooks),
        ...keep(next('G1')),
        ...(exhaust ? [...keep(next('G1')), ...keep(next('G1'))] : []),
        ...(two ? keep(next('G2')) : []),
        ...(soon ? keep({ op: 'call_soon', loop: 'L1', body: keep(mark('c')) }) : []),
        ...keep(shutdown('L1')),
        ...keep(mark('a')),
        ...keep(next('G1')),
        ...keep(shutdown('L1')),
        ...keep(mark('b')),
        ...keep(next('G3')),
        ...keep(shutdown('L1')),
        ...keep(mark('e')),
      ],
    }),
    ...keep(hooks),
  ]);
});

/** AGEN-1.4: a generator left suspended in asyncio.run (beside a leftover task), one in a loop closed without a shutdown. */
export const runPrograms = fc.tuple(fc.boolean(), keeps(22)).map(([task, flags]) => {
  const keep = flagged(flags);
  return program([
    ...keep({ op: 'async_gen', as: 'G1', body: richBody(keep) }),
    ...keep({ op: 'async_gen', as: 'G2', body: plainBody(keep, 'g') }),
    ...keep({
      op: 'asyncio_run',
      body: [
        ...keep(next('G1')),
        ...(task ? keep({ op: 'create_task', as: 'K1', body: [...keep(mark('k')), ...keep({ op: 'sleep', delay: 5 })] }) : []),
        ...keep(mark('r')),
        ...keep({ op: 'return', value: 1 }),
      ],
    }),
    ...keep(mark('x')),
    ...keep({ op: 'new_event_loop', as: 'L1' }),
    ...keep({ op: 'run_until_complete', loop: 'L1', body: keep(next('G2')) }),
    ...keep({ op: 'close', loop: 'L1' }),
    ...keep(mark('y')),
  ]);
});

/** Every shape of AGEN-1. */
export const agenPrograms = fc.oneof(
  { weight: 2, arbitrary: hookPrograms },
  { weight: 5, arbitrary: shutdownPrograms },
  { weight: 3, arbitrary: runPrograms },
);
