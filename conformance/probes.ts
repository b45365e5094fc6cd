/**
 * State probes (one deviation, one rule): a failing program run again with queries of the
 * state the loop keeps, to find where that state first went wrong. A loop whose running flag
 * stays set after its run refuses the next run (LIFE-1's observation) long before any program
 * asks is_running(); with `L.is_running()` after each statement, the first wrong observation
 * is LIFE-6's, the rule the implementer must fix.
 *
 * A probe reads, and changes nothing the rules speak of: `_get_running_loop()`,
 * `L.is_running()` and `L.is_closed()` of each loop bound so far, `get_event_loop_policy()`
 * (which installs the default policy, as any first lookup does); `get_running_loop()` before a
 * statement that looks the running loop up inside (create_task, current_task);
 * with `fresh`, `new_event_loop()` before one that may make a loop inside (get_event_loop,
 * asyncio.run): it makes a loop, and sets nothing where the rules hold (where they do not, it
 * is the probe that shows it, diagnosis.ts). `get_running_loop()` also binds asyncio.run's loop, and a
 * Runner's, at the start of its coroutine, so that probes after the run can read it; an executor job and a
 * callback sent from another thread start with `current_thread()`. The oracle predicts the
 * probed program like any other, so a probe can only move the blame to a real, earlier
 * divergence.
 */
import type { Program, Stmt, Var } from '../language/program.ts';
import { bodyOf, numberProgram, walk } from '../language/program.ts';
import { predicted } from './check.ts';
import type { Profile } from '../spec/profiles.ts';

/** A program with probes, numbered, and the ids of the probes in it. */
export interface Probed {
  program: Program;
  probes: ReadonlySet<string>;
}

/** Statements that bind a loop to their `as` variable. */
const BINDS_LOOP = new Set<Stmt['op']>(['new_event_loop', 'get_event_loop', 'get_running_loop']);
/** Statements that look the running loop up inside (asyncio.tasks): probed with get_running_loop() before them. */
const LOOKS_UP_RUNNING = new Set<Stmt['op']>(['create_task', 'current_task']);
/** Statements that may make a loop inside: probed with new_event_loop() before them (is a new loop new?). */
const MAKES_LOOP = new Set<Stmt['op']>(['get_event_loop', 'asyncio_run']);
/** Statements whose body runs on a thread the rules decide (an executor's, the loop's): probed with current_thread() first. */
const ON_THREAD = new Set<Stmt['op']>(['run_in_executor', 'to_thread', 'call_soon_threadsafe']);
/** Statements whose coroutine runs on a loop no variable names (asyncio.run's, a Runner's): the probe at its start binds it. */
const RUNS_LOOP = new Set<Stmt['op']>(['asyncio_run', 'runner_run']);
/** Statements after which nothing of their body runs. */
const ENDS_BODY = new Set<Stmt['op']>(['return', 'raise']);

/** How much a probed program may read: the more, the more likely a read races a thread (and the program leaves the model). */
type Reach = 'all' | 'own-thread' | 'running-only';

/**
 * The program with probes after every statement and at the start of every body (`fresh`: and a
 * new loop made before each statement that may make one inside), or undefined
 * when no probed variant stays deterministic under the profile. A probe that takes the program
 * out of the model (it reads a loop another thread may be running) is dropped, one at a time.
 */
export function probe(program: Program, profile: Profile, fresh = false): Probed | undefined {
  for (const reach of ['all', 'own-thread', 'running-only'] as const) {
    let p = withProbes(program, reach, fresh);
    for (let tries = 0; tries < MAX_DROPPED; tries++) {
      const pred = predicted(p.program, profile);
      if (pred.deterministic) return p;
      // The walk stopped in the statement it could not speak for: the last one started.
      const open = Object.keys(pred.timeline.start).filter((id) => !(id in pred.timeline.end));
      const last = open.reduce<string | undefined>(
        (a, b) => (a === undefined || pred.timeline.start[b] > pred.timeline.start[a] ? b : a),
        undefined,
      );
      if (last === undefined || !p.probes.has(last)) break;
      p = dropping(p, new Set([last]));
    }
  }
  return undefined;
}

/**
 * The program with each `asyncio.run(coro())` written out as the calls it makes (3.12's Runner):
 * `L = new_event_loop(); set_event_loop(L); L.run_until_complete(coro()); set_event_loop(None);
 * L.close()`. Not the same program (no cancellation of leftover tasks, no shutdown of async
 * generators or the executor), but one the oracle predicts like any
 * other: with probes, it shows which of those calls' state went wrong first, where
 * asyncio.run's own outcome only shows that something inside it did. Undefined without
 * asyncio.run.
 */
export function unfoldRuns(program: Program): Program | undefined {
  let runs = 0;
  const unfold = (body: Stmt[]): Stmt[] =>
    body.flatMap((s): Stmt[] => {
      const inner = bodyOf(s);
      if (s.op !== 'asyncio_run') return [(inner ? { ...s, body: unfold(inner) } : s) as Stmt];
      const loop = `${UNFOLDED}${++runs}`;
      return [
        { op: 'new_event_loop', as: loop },
        { op: 'set_event_loop', arg: loop },
        { op: 'run_until_complete', loop, body: unfold(s.body) },
        { op: 'set_event_loop', arg: null },
        { op: 'close', loop },
      ];
    });
  const main = unfold(program.main);
  return runs > 0 ? numberProgram({ version: 1, main }) : undefined;
}

/** The variables of the loops unfoldRuns writes out (LU1, LU2, ...). */
const UNFOLDED = 'LU';

/** The names of the threads a probe starts (TP1, TP2, ...): no generated program names a thread so. */
export const PROBE_THREAD = 'TP';

/** Probes dropped from one program before a coarser reach is tried. */
const MAX_DROPPED = 8;

/** The probed program with only the probes in `keep`, renumbered. */
export function keepOnly(p: Probed, keep: ReadonlySet<string>): Probed {
  const all = [...walk(p.program.main)];
  const read = new Set(all.filter((s) => keep.has(s.id!) && 'loop' in s).map((s) => (s as { loop: Var }).loop));
  // A kept probe's loop variable stays bound: the probe that bound asyncio.run's loop stays with it.
  const kept = new Set([...keep, ...all.filter((s) => p.probes.has(s.id!) && 'as' in s && s.as && read.has(s.as)).map((s) => s.id!)]);
  // A kept probe inside another (a read in a thread, a witness's mark) keeps it, and a thread its join.
  for (const s of all) {
    const inner = bodyOf(s);
    if (!p.probes.has(s.id!) || !inner || ![...walk(inner)].some((x) => kept.has(x.id!))) continue;
    kept.add(s.id!);
    const join = s.op === 'start_thread' && all.find((x) => x.op === 'join_thread' && x.thread === s.thread);
    if (join) kept.add(join.id!);
  }
  return dropping(p, new Set([...p.probes].filter((id) => !kept.has(id))));
}

/** The probed program without the statements `drop`, renumbered, its probes tracked. */
export function dropping(p: Probed, drop: ReadonlySet<string>): Probed {
  const probes = new Set<Stmt>();
  const strip = (body: Stmt[]): Stmt[] =>
    body
      .filter((s) => !drop.has(s.id!))
      .map((s) => {
        const inner = bodyOf(s);
        const copy = (inner ? { ...s, body: strip(inner) } : { ...s }) as Stmt;
        if (p.probes.has(s.id!)) probes.add(copy);
        return copy;
      });
  return numbered(strip(p.program.main), probes);
}

/** Numbers a probed body; numbering copies every statement, so the probes are found by position. */
export function numbered(main: Stmt[], probes: ReadonlySet<Stmt>): Probed {
  const program = numberProgram({ version: 1, main });
  const order = [...walk(main)];
  const ids = new Set([...walk(program.main)].filter((_, i) => probes.has(order[i])).map((s) => s.id!));
  return { program, probes: ids };
}

function withProbes(program: Program, reach: Reach, fresh: boolean): Probed {
  const probes = new Set<Stmt>();
  const made = (s: Stmt): Stmt => {
    probes.add(s);
    return s;
  };
  // Loop variables in the order the program binds them (pre-order: what a body can have seen).
  const bound: Var[] = [];
  const reads = (vars: readonly Var[]): Stmt[] => [
    made({ op: 'peek_running_loop' }),
    ...(reach === 'running-only'
      ? []
      : [...vars.flatMap((loop) => [made({ op: 'is_running', loop }), made({ op: 'is_closed', loop })]), made({ op: 'get_policy' })]),
  ];
  // What another thread reads, from the program's own thread between its statements: state
  // kept per thread that should be the process's (the policy) shows there first.
  let threads = 0;
  const elsewhere = (top: boolean): Stmt[] => {
    if (!top || reach !== 'all') return [];
    const thread = `${PROBE_THREAD}${++threads}`;
    return [
      made({ op: 'start_thread', thread, body: [made({ op: 'get_policy' }), made({ op: 'get_event_loop' })] }),
      made({ op: 'join_thread', thread }),
    ];
  };
  // The loops each started thread bound, visible to the probes after its join.
  const joined = new Map<string, Var[]>();
  // `own`: the loops this body's thread bound (a thread's or an executor's body starts with none of the others' at 'own-thread').
  let runs = 0;
  const probeBody = (body: Stmt[], own: Var[], runLoop?: Var, onThread = false, top = false): Stmt[] => {
    const visible = () => (reach === 'all' ? [...bound] : own);
    // asyncio.run's loop, and a Runner's, has no variable: the probe binds one, so that later probes can read it.
    if (runLoop && reach !== 'running-only') {
      bound.push(runLoop);
      own = [...own, runLoop];
    }
    const out: Stmt[] = [
      ...(onThread ? [made({ op: 'current_thread' })] : []),
      ...(runLoop && reach !== 'running-only' ? [made({ op: 'get_running_loop', as: runLoop })] : []),
      ...reads(visible()),
    ];
    body.forEach((s, i) => {
      if (LOOKS_UP_RUNNING.has(s.op)) out.push(made({ op: 'get_running_loop' }));
      if (fresh && MAKES_LOOP.has(s.op) && reach !== 'running-only') out.push(made({ op: 'new_event_loop' }));
      const inner = bodyOf(s);
      const newThread = s.op === 'start_thread' || s.op === 'run_in_executor' || s.op === 'to_thread';
      const innerOwn = newThread && reach !== 'all' ? [] : own;
      const runLoop = RUNS_LOOP.has(s.op) ? `LR${++runs}` : undefined;
      // A fork child's variables are its own: the parent never sees what the child bound. A
      // thread's, the starter sees once it joined the thread (before, a read would race the binding).
      const parentSees = s.op === 'fork' || s.op === 'start_thread' ? [...bound] : undefined;
      const copy = (inner ? { ...s, body: probeBody(inner, innerOwn, runLoop, ON_THREAD.has(s.op)) } : { ...s }) as Stmt;
      if (s.op === 'start_thread')
        joined.set(
          s.thread,
          bound.filter((v) => !parentSees!.includes(v)),
        );
      if (parentSees) bound.splice(0, bound.length, ...parentSees);
      if (s.op === 'join_thread') bound.push(...(joined.get(s.thread) ?? []).filter((v) => !bound.includes(v)));
      out.push(copy);
      if ('as' in s && s.as && BINDS_LOOP.has(s.op) && !bound.includes(s.as)) {
        bound.push(s.as);
        if (!own.includes(s.as)) own = [...own, s.as];
      }
      // Nothing between a thread's start and its join at once: the oracle speaks for such a
      // thread only when its starter does nothing in between (determinism.ts).
      const next = body[i + 1];
      const joinedAtOnce = s.op === 'start_thread' && next?.op === 'join_thread' && next.thread === s.thread;
      if (!ENDS_BODY.has(s.op) && !joinedAtOnce) out.push(...reads(visible()), ...elsewhere(top));
    });
    return out;
  };
  return numbered(probeBody(program.main, [], undefined, false, true), probes);
}
