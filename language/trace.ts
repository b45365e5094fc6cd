/**
 * Traces: what an adapter reports after running a program.
 *
 * Every executed statement yields one observation, keyed by the statement's id. Objects are
 * reported with an opaque identity of the adapter's choosing (any string, unique per object
 * for the program's whole run, fork children included); `canonicalize` renames them to L1,
 * L2 (loops), K1 (tasks), P1 (policies) in order of first appearance by statement id, so
 * that a trace from CPython, one from the reference and the oracle's prediction compare
 * directly.
 *
 * `order` lists, per execution context, the statement ids in the order they started (a
 * statement with a body before the statements of its body; return and raise are not listed,
 * having no observation). Contexts:
 * 'main' (the main thread), a thread's name (start_thread), `exec:<id>` (the function of the
 * run_in_executor statement <id>), `fork:<id>` (the child of the fork statement <id>).
 * Callbacks run in the context of the thread that runs their loop.
 */
import type { Plain } from './program.ts';

export type ObjKind = 'loop' | 'task' | 'policy';
export interface ObjRef {
  obj: ObjKind;
  id: string;
}
export type Value = Plain | ObjRef;

export interface Warning {
  /** The warning's class name, e.g. 'DeprecationWarning'. */
  category: string;
  message: string;
}

export interface ErrorInfo {
  /** The exception's class name, e.g. 'RuntimeError' (no module prefix). */
  type: string;
  message: string;
}

export type Outcome = { value: Value } | { error: ErrorInfo };

export interface Observation {
  outcome: Outcome;
  /** Warnings the statement itself raised (not those of nested statements), in order. */
  warnings: Warning[];
}

/**
 * How the program ended.
 * - 'ok': it ran to its end.
 * - 'hang': it could not make progress (a deadlock in a simulation, or the implementation's
 *   own deadline passed); the observations so far are kept and compared.
 * - 'skipped': the implementation declined the program (with a reason); never a pass.
 * - 'timeout', 'crash', 'protocol-error', 'error': faults of an out-of-process
 *   implementation (past the harness's deadline, the driver died, it spoke something that is
 *   not the protocol, it reported an error of its own). Each is a verdict of its own.
 */
export type Ending =
  | { kind: 'ok' }
  | { kind: 'hang'; detail: string }
  | { kind: 'skipped'; detail: string }
  | { kind: 'timeout' | 'crash' | 'protocol-error' | 'error'; detail: string };

export const FAULTS: ReadonlySet<Ending['kind']> = new Set(['timeout', 'crash', 'protocol-error', 'error']);

export interface Trace {
  obs: Record<string, Observation>;
  order: Record<string, string[]>;
  end: Ending;
}

export function isObjRef(v: Value | undefined): v is ObjRef {
  return typeof v === 'object' && v !== null && 'obj' in v;
}

const PREFIX: Record<ObjKind, string> = { loop: 'L', task: 'K', policy: 'P' };

const stmtNumber = (id: string): number => Number(id.replace(/^s/, ''));

/** Statement ids of a trace in program order. */
export function idsInOrder(obs: Record<string, unknown>): string[] {
  return Object.keys(obs).sort((a, b) => stmtNumber(a) - stmtNumber(b));
}

/**
 * The renaming that canonicalize applies: object identities to L1/K1/P1... by first
 * appearance in statement-id order.
 */
export function canonicalRenamer(trace: Pick<Trace, 'obs'>): (v: Value) => Value {
  const names = new Map<string, string>();
  const counters: Record<ObjKind, number> = { loop: 0, task: 0, policy: 0 };
  const rename = (v: Value): Value => {
    if (!isObjRef(v)) return v;
    const key = `${v.obj}:${v.id}`;
    let name = names.get(key);
    if (!name) {
      name = `${PREFIX[v.obj]}${++counters[v.obj]}`;
      names.set(key, name);
    }
    return { obj: v.obj, id: name };
  };
  for (const id of idsInOrder(trace.obs)) {
    const o = trace.obs[id].outcome;
    if ('value' in o) rename(o.value);
  }
  return rename;
}

export function renameOutcome(o: Outcome, rename: (v: Value) => Value): Outcome {
  return 'value' in o ? { value: rename(o.value) } : o;
}

/** The trace with object identities renamed to L1/K1/P1... (see canonicalRenamer). */
export function canonicalize(trace: Trace): Trace {
  const rename = canonicalRenamer(trace);
  const obs: Record<string, Observation> = {};
  for (const id of idsInOrder(trace.obs)) {
    obs[id] = { outcome: renameOutcome(trace.obs[id].outcome, rename), warnings: trace.obs[id].warnings };
  }
  return { obs, order: trace.order, end: trace.end };
}

export function formatValue(v: Value): string {
  if (isObjRef(v)) return v.id;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return JSON.stringify(v);
}

export function formatOutcome(o: Outcome | undefined): string {
  if (!o) return '(not executed)';
  if ('value' in o) return formatValue(o.value);
  return `${o.error.type}(${JSON.stringify(o.error.message)})`;
}

export function formatWarnings(ws: Warning[]): string {
  return ws.length === 0 ? 'no warning' : ws.map((w) => `${w.category}(${JSON.stringify(w.message)})`).join(', ');
}
