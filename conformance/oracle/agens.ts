/**
 * Asynchronous generators and the loop's hooks (AGEN-1): `async_gen`, `agen_next`,
 * `shutdown_asyncgens`, `asyncgen_hooks`, and asyncio.run's shutdown_asyncgens step, as
 * CPython's base_events.py (3.8 to 3.13) does them. What the walk keeps of them is a book per
 * walk (a WeakMap), so that the walk itself holds none of it.
 */
import { CORO_ONLY, walk as statements } from '../../language/program.ts';
import type { Stmt } from '../../language/program.ts';
import type { Expectation } from '../predictions.ts';
import { tag } from '../predictions.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { Coro, MFuture, MLoop, MTask } from './state.ts';
import type { ClauseTags, StmtOf, Walk } from './walk.ts';

/** A generator `async def agen(): try: yield None / finally: <body>`. */
interface MAgen {
  agen: true;
  body: Stmt[];
  state: 'created' | 'suspended' | 'running' | 'closed';
  hooksInited: boolean;
}

interface Book {
  /** Each loop's `_asyncgens` (insertion order; CPython's WeakSet has none) and `_asyncgens_shutdown_called`. */
  registered: Map<MLoop, Set<MAgen>>;
  shutdownCalled: Set<MLoop>;
  made: MAgen[];
  /** The variables async_gen bound. */
  names: Set<string>;
  /** Finally statements that must run before a statement (the one after the shutdown), with the clause. */
  before: Array<{ clause: string; ran: string[]; next?: Stmt; once?: true }>;
  /** The warnings of suspending statements (the walk's sinks are for statements that do not suspend). */
  warned: Map<string, Array<{ category: string; message: string }>>;
}

const books = new WeakMap<Walk, Book>();

function book(walk: Walk): Book {
  let b = books.get(walk);
  if (!b) {
    b = { registered: new Map(), shutdownCalled: new Set(), made: [], names: new Set(), before: [], warned: new Map() };
    books.set(walk, b);
  }
  return b;
}

/** A fork child inherits its thread's hooks and the generators: left out. */
function inParent(walk: Walk): void {
  if (walk.m.thread.pid !== 1) throw new OutOfModel('asynchronous generators in a fork child');
}

function agenVar(walk: Walk, name: string, op: string): MAgen {
  const g = walk.guards.useVar(name, op) as unknown as MAgen;
  if (!('agen' in g)) throw new OutOfModel(`${name} is not an asynchronous generator`);
  return g;
}

/** `G = agen()`: nothing registered until its first iteration (AGEN-1.2). */
export function asyncGen(walk: Walk, s: StmtOf<'async_gen'>, tags: ClauseTags): null {
  inParent(walk);
  // A finally that suspends or raises: the generator's close interleaves with others, or goes to the handler.
  if ([...statements(s.body)].some((x) => CORO_ONLY.has(x.op) || x.op === 'raise' || 'body' in x))
    throw new OutOfModel('a finally that suspends, raises or schedules');
  const b = book(walk);
  // Dropping a generator the program made finalizes it when it is collected: left out.
  if (s.as !== undefined && b.names.has(s.as)) throw new OutOfModel('a generator dropped (its finalizer runs when it is collected)');
  if (s.as !== undefined) b.names.add(s.as);
  tags.outcome.push('AGEN-1.2');
  const g: MAgen = { agen: true, body: s.body, state: 'created', hooksInited: false };
  b.made.push(g);
  walk.guards.bind(s.as, g);
  return null;
}

/** async_gen_init_hooks: the thread's firstiter hook is its running loop's (AGEN-1.1), which keeps the generator (AGEN-1.2). */
function initHooks(walk: Walk, g: MAgen, tags: ClauseTags, sid: string): void {
  if (g.hooksInited) return;
  g.hooksInited = true;
  const loop = walk.m.runningLoop();
  if (!loop) return;
  const b = book(walk);
  tags.warnings.push('AGEN-1.2');
  const message = 'asynchronous generator <agen> was scheduled after loop.shutdown_asyncgens() call';
  if (b.shutdownCalled.has(loop)) b.warned.set(sid, [{ category: 'ResourceWarning', message }]);
  if (!b.registered.has(loop)) b.registered.set(loop, new Set());
  b.registered.get(loop)!.add(g);
}

function* runFinally(walk: Walk, g: MAgen): Coro {
  g.state = 'running';
  try {
    yield* walk.coroBody(g.body);
  } finally {
    g.state = 'closed';
  }
  return null;
}

/** `await G.__anext__()`: None at the yield; then its finally runs in this step, and StopAsyncIteration. */
export function* agenNext(walk: Walk, s: StmtOf<'agen_next'>, tags: ClauseTags): Coro {
  inParent(walk);
  const g = agenVar(walk, s.agen, 'agen_next');
  // Only the first iteration calls the firstiter hook (async_gen_init_hooks: ag_hooks_inited):
  // a later __anext__ of a closed generator runs nothing and does not warn, also after a
  // shutdown_asyncgens of the running loop (AGEN-1.2).
  if (g.hooksInited && g.state === 'closed' && walk.m.runningLoop()) tags.warnings.push('AGEN-1.2');
  initHooks(walk, g, tags, s.id!);
  if (g.state === 'created') {
    tags.outcome.push('AGEN-1.2');
    g.state = 'suspended';
    return null;
  }
  tags.outcome.push('AGEN-1.3');
  if (g.state === 'running') throw new OutOfModel('a generator stepped while it runs');
  if (g.state === 'suspended') {
    // Its finally runs here, once, before the statement after this one (AGEN-1.3: a later
    // shutdown_asyncgens does not run it again).
    book(walk).before.push({ clause: 'AGEN-1.3', ran: g.body.map((x) => x.id!), next: walk.nextSibling.get(s.id!), once: true });
    yield* runFinally(walk, g);
  }
  throw new PyErr('StopAsyncIteration', '');
}

/** `sys.get_asyncgen_hooks()`: the running loop's while it runs in this thread, else the thread's previous (None) (AGEN-1.1). */
export function asyncgenHooks(walk: Walk, _s: StmtOf<'asyncgen_hooks'>, tags: ClauseTags): MLoop | null {
  inParent(walk);
  tags.outcome.push('AGEN-1.1');
  return walk.m.runningLoop();
}

/**
 * BaseEventLoop.shutdown_asyncgens on `loop`, run by a task of `loop`: every generator kept
 * is closed by gather(*[ag.aclose()...]), each aclose a task of the loop; none kept: returns
 * without suspending. Which of several finallys runs first is the WeakSet's order (addresses):
 * only bodies whose observations do not depend on it are in the model.
 */
export function* shutdownOf(walk: Walk, loop: MLoop, clause: string, next?: Stmt): Coro {
  const b = book(walk);
  b.shutdownCalled.add(loop);
  const kept = [...(b.registered.get(loop) ?? [])];
  if (kept.length === 0) return null;
  b.registered.delete(loop);
  const running = kept.filter((g) => g.state === 'suspended');
  if (running.length > 1 && running.some((g) => g.body.some((x) => x.op !== 'mark' && x.op !== 'current_thread')))
    throw new OutOfModel('several finallys whose observations depend on the order of the WeakSet');
  if (loop !== walk.m.runningLoop())
    throw new OutOfModel("shutdown_asyncgens of a loop that does not run here (gather's loop differs by version)");
  if (loop.taskFactory) throw new OutOfModel('shutdown_asyncgens through a task factory');
  const m = walk.m;
  b.before.push({ clause, ran: running.flatMap((g) => g.body.map((x) => x.id!)), next });
  const tasks: MTask[] = kept.map((g) =>
    m.createTask(
      loop,
      (function* (): Coro {
        if (g.state === 'suspended') yield* runFinally(walk, g);
        g.state = 'closed';
        return null;
      })(),
    ),
  );
  const outer: MFuture = m.newFuture(loop);
  let left = tasks.length;
  for (const t of tasks) m.addDoneCallback(t, () => --left === 0 && outer.state === 'pending' && m.setResult(outer, null));
  yield* m.await(outer);
  return null;
}

/** `await L.shutdown_asyncgens()` (AGEN-1.3). */
export function* shutdownAsyncgens(walk: Walk, s: StmtOf<'shutdown_asyncgens'>, tags: ClauseTags): Coro {
  inParent(walk);
  const loop = walk.guards.loopVar(s.loop, 'shutdown_asyncgens');
  tags.outcome.push('AGEN-1.3');
  return yield* shutdownOf(walk, loop, 'AGEN-1.3', walk.nextSibling.get(s.id!));
}

/** The warnings a suspending statement gave (a first __anext__ after the shutdown, AGEN-1.2). */
export function warnedBy(walk: Walk, sid: string): Array<{ category: string; message: string }> {
  return books.get(walk)?.warned.get(sid) ?? [];
}

/**
 * The finallys that ran by a shutdown ran before the statement after it (AGEN-1.3, AGEN-1.4:
 * asyncio.run returns after them); the finally of a generator never closed never runs:
 * loop.close() does not close it, nothing else does while the program keeps it (AGEN-1.4).
 */
export function expectations(walk: Walk): Expectation[] {
  const b = books.get(walk);
  if (!b) return [];
  const out: Expectation[] = [];
  for (const { clause, ran, next, once } of b.before) {
    for (const id of ran) {
      if (!(id in walk.obs)) continue;
      out.push({ ...tag(clause), kind: 'ran', stmt: id, expected: true });
      const ctx = Object.keys(walk.order).find((c) => walk.order[c].includes(id));
      if (next && ctx && walk.order[ctx].includes(next.id!))
        out.push({ ...tag(clause), kind: 'order', context: ctx, expected: [id, next.id!] });
      // A finally run by __anext__ runs once: an order of it alone fails where it runs again.
      else if (once && ctx) out.push({ ...tag(clause), kind: 'order', context: ctx, expected: [id] });
    }
  }
  for (const g of b.made)
    if (g.state === 'suspended') for (const x of g.body) out.push({ ...tag('AGEN-1.4'), kind: 'ran', stmt: x.id!, expected: false });
  return out;
}
