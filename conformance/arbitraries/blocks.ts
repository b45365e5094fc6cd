/**
 * Building blocks of program arbitraries: statements by context (leaves, sync bodies,
 * coroutine bodies, callbacks, executor functions) and the top-level soup. Every program is
 * meaningful whatever fast-check shrinks it to (unbound variables are an observation of their
 * own, see program.ts); programs outside the deterministic part of the language are filtered
 * out by the runner.
 */
import fc from 'fast-check';
import type { Plain, Program, Stmt } from '../../language/program.ts';

export type Arb<T> = fc.Arbitrary<T>;

export const mainLoop = fc.constantFrom('L1', 'L2');
export const tag = fc.constantFrom('a', 'b', 'c', 'd', 'e');
/** Delays far apart, so that real interpreters order timers as the model does. */
export const delay = fc.constantFrom(0, 0.05, 0.1);
export const plain: Arb<Plain> = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 9 }), fc.constantFrom('x', 'y'));

export const st = <S extends Stmt>(s: S): S => s;

// ---- removable scaffolding -----------------------------------------------------------------

/**
 * A family's fixed statements (a prelude, a loop to run, a join, a check at the end) are
 * removable: always generated, drawing nothing more from the random source (so every family
 * generates, seed for seed, the programs it did before), and the shrinker tries leaving each
 * out first, so a shrunk counterexample keeps only the statements its failure needs. A program
 * left without a statement it needs to be deterministic (a join, a stop) is filtered out by
 * the runner, shrink candidates included.
 */
class Removable<T> extends fc.Arbitrary<T | null> {
  private readonly arb: Arb<T>;
  constructor(arb: Arb<T>) {
    super();
    this.arb = arb;
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<T | null> {
    return this.arb.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T | null {
    return value === null || this.arb.canShrinkWithoutContext(value);
  }
  shrink(value: T | null, context: unknown): fc.Stream<fc.Value<T | null>> {
    if (value === null) return fc.Stream.nil();
    return fc.Stream.of<fc.Value<T | null>>(new fc.Value(null, undefined)).join(this.arb.shrink(value, context));
  }
}

/** The value arb generates, that the shrinker tries to remove (null) before shrinking it. */
export const removable = <T>(arb: Arb<T>): Arb<T | null> => new Removable(arb);

/** Whether to keep a fixed statement: generated true, shrinks to false. */
export const kept: Arb<boolean> = removable(fc.constant(true)).map((k) => k === true);

/** n independent keep-flags, for families that build their fixed statements in a map. */
export const keeps = (n: number): Arb<boolean[]> => fc.tuple(...Array.from({ length: n }, () => kept));

/** Reads flags in order: each call keeps its statements or leaves them out (flags past the end keep). */
export function flagged(flags: boolean[]): (...stmts: Stmt[]) => Stmt[] {
  let i = 0;
  return (...stmts) => (flags[i++] === false ? [] : stmts);
}

/** A sequence of fixed statements (each removable) and lists of statements (which shrink by themselves). */
export function seq(...parts: Array<Stmt | Arb<Stmt[]>>): Arb<Stmt[]> {
  const lists = parts.map((p) => (p instanceof fc.Arbitrary ? p : kept.map((k): Stmt[] => (k ? [p] : []))));
  return fc.tuple(...lists).map((ls) => ls.flat());
}

/** One of these statement lists, as a whole. */
export const pick = (...choices: Stmt[][]): Arb<Stmt[]> => fc.constantFrom(...choices);

// ---- leaves ------------------------------------------------------------------------------

/** Finding and binding loops: no nested body. */
export function findingLeaf(loops: Arb<string> = mainLoop): Arb<Stmt> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(st({ op: 'get_event_loop' })) },
    { weight: 2, arbitrary: fc.constant(st({ op: 'get_running_loop' })) },
    { weight: 2, arbitrary: fc.constant(st({ op: 'peek_running_loop' })) },
    { weight: 2, arbitrary: loops.map((as) => st({ op: 'new_event_loop', as })) },
    { weight: 3, arbitrary: fc.oneof(loops, fc.constant(null), fc.constant(42)).map((arg) => st({ op: 'set_event_loop', arg })) },
    { weight: 1, arbitrary: fc.constant(st({ op: 'get_policy' })) },
  );
}

export function lifecycleLeaf(loops: Arb<string>): Arb<Stmt> {
  return fc.oneof(
    loops.map((loop) => st({ op: 'is_running', loop })),
    loops.map((loop) => st({ op: 'is_closed', loop })),
    loops.map((loop) => st({ op: 'close', loop })),
    loops.map((loop) => st({ op: 'stop', loop })),
  );
}

export const markStmt = tag.map((t) => st({ op: 'mark', tag: t }));
export const ending: Arb<Stmt> = fc.oneof(
  plain.map((value) => st({ op: 'return', value })),
  fc.constantFrom('boom', 'bad').map((message) => st({ op: 'raise', message })),
);

// ---- bodies --------------------------------------------------------------------------------

export interface Mix {
  finding: number;
  lifecycle: number;
  nested: number;
  scheduling: number;
  tasks: number;
  threads: number;
}

export const FLAT: Mix = { finding: 3, lifecycle: 2, nested: 1, scheduling: 1, tasks: 1, threads: 0 };

/** A statement for a sync body (main, callback) of the given mix, `depth` levels of nesting left. */
export function syncStmt(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt> {
  const options: Array<{ weight: number; arbitrary: Arb<Stmt> }> = [
    { weight: mix.finding, arbitrary: findingLeaf(loops) },
    { weight: mix.lifecycle, arbitrary: lifecycleLeaf(loops) },
    { weight: 1, arbitrary: markStmt },
  ];
  if (depth > 0) {
    const coro = coroBody(mix, depth - 1, loops);
    const cb = callbackBody(mix, depth - 1, loops);
    options.push(
      { weight: mix.nested * 2, arbitrary: fc.tuple(loops, coro).map(([loop, body]) => st({ op: 'run_until_complete', loop, body })) },
      { weight: mix.nested, arbitrary: coro.map((body) => st({ op: 'asyncio_run', body })) },
      { weight: mix.scheduling, arbitrary: fc.tuple(loops, cb).map(([loop, body]) => st({ op: 'call_soon', loop, body })) },
      {
        weight: mix.scheduling,
        arbitrary: fc.tuple(loops, delay, cb).map(([loop, d, body]) => st({ op: 'call_later', loop, delay: d, body })),
      },
      { weight: mix.scheduling, arbitrary: loops.map((loop) => st({ op: 'run_forever', loop })) },
    );
  }
  return fc.oneof(...options.filter((o) => o.weight > 0));
}

/** A callback: a mark first (ordering rules read it; the shrinker may remove it), then a few statements. */
export function callbackBody(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt[]> {
  return fc
    .tuple(removable(markStmt), fc.array(syncStmt({ ...mix, nested: Math.floor(mix.nested / 2) }, depth, loops), { maxLength: 2 }))
    .map(([m, rest]) => (m ? [m, ...rest] : rest));
}

export function coroStmt(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt> {
  const options: Array<{ weight: number; arbitrary: Arb<Stmt> }> = [
    { weight: 4, arbitrary: syncStmt(mix, depth, loops) },
    { weight: mix.tasks, arbitrary: fc.constant(st({ op: 'current_task' })) },
    { weight: mix.tasks, arbitrary: fc.constantFrom(0, 0, 0.05).map((d) => st({ op: 'sleep', delay: d })) },
    { weight: mix.tasks, arbitrary: fc.constantFrom('K1', 'K2').map((task) => st({ op: 'await', task })) },
    { weight: Math.ceil(mix.tasks / 2), arbitrary: fc.constantFrom('K1', 'K2').map((task) => st({ op: 'task_state', task })) },
  ];
  if (depth > 0) {
    options.push({
      weight: mix.tasks,
      arbitrary: fc
        .tuple(fc.constantFrom('K1', 'K2'), coroBody(mix, depth - 1, loops))
        .map(([as, body]) => st({ op: 'create_task', as, body })),
    });
    options.push({ weight: mix.threads, arbitrary: executorBody().map((body) => st({ op: 'run_in_executor', body })) });
  }
  return fc.oneof(...options.filter((o) => o.weight > 0));
}

/** A coroutine body: statements, sometimes ended by return or raise. */
export function coroBody(mix: Mix, depth: number, loops: Arb<string>): Arb<Stmt[]> {
  return fc
    .tuple(fc.array(coroStmt(mix, depth, loops), { maxLength: 4 }), fc.option(ending, { freq: 3 }))
    .map(([body, end]) => (end ? [...body, end] : body));
}

/** The function given to run_in_executor: what it sees of loops, then its outcome (each removable). */
export function executorBody(): Arb<Stmt[]> {
  const look = fc.constantFrom<Stmt>(
    { op: 'current_thread' },
    { op: 'get_event_loop' },
    { op: 'get_running_loop' },
    { op: 'peek_running_loop' },
  );
  return fc
    .tuple(removable(fc.array(look, { minLength: 1, maxLength: 3 })), removable(ending))
    .map(([b, e]) => [...(b ?? []), ...(e ? [e] : [])]);
}

// ---- programs ------------------------------------------------------------------------------

export const program = (main: Stmt[]): Program => ({ version: 1, main });

/** Loops bound first, so most references resolve (at least one; this also creates the policy). */
export const boundLoops = fc
  .array(mainLoop, { minLength: 1, maxLength: 2 })
  .map((names) => [...new Set(names)].map((as) => st({ op: 'new_event_loop', as })));

/** Loops bound first, so most references resolve (removable, and each loop of it too). */
export const prelude = removable(fc.array(mainLoop, { minLength: 1, maxLength: 2 })).map((names) =>
  [...new Set(names ?? [])].map((as) => st({ op: 'new_event_loop', as })),
);

/** Top-level statement soup of one mix. */
export function soup(mix: Mix, maxLength = 6): Arb<Program> {
  return fc
    .tuple(prelude, fc.array(syncStmt(mix, 2, mainLoop), { minLength: 1, maxLength }))
    .map(([pre, body]) => program([...pre, ...body]));
}
