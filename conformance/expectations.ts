/**
 * Expectations: what the oracle predicts, each tagged with the rule that decides it, and how
 * an actual (canonical) trace is checked against them.
 */
import type { Outcome, Trace, Warning } from './trace.ts';
import { formatOutcome, formatWarnings, isObjRef } from './trace.ts';

export type Expectation =
  /** The statement executed with this outcome (value, or error class and message). */
  | { rule: string; kind: 'outcome'; stmt: string; expected: Outcome; match?: 'exact' | 'prefix' }
  /** The statement raised exactly these warnings (none, if empty). */
  | { rule: string; kind: 'warnings'; stmt: string; expected: Warning[] }
  /** These statements ran in this context, in this relative order (others may interleave). */
  | { rule: string; kind: 'order'; context: string; expected: string[] }
  /** The statement ran (or, with false, never ran). */
  | { rule: string; kind: 'ran'; stmt: string; expected: boolean }
  /** The program ran to its end (no hang). */
  | { rule: string; kind: 'terminates' };

export interface Mismatch {
  expectation: Expectation;
  actual: string;
  expected: string;
}

function sameOutcome(exp: Outcome, act: Outcome | undefined, match: 'exact' | 'prefix'): boolean {
  if (!act) return false;
  if ('value' in exp) {
    if (!('value' in act)) return false;
    const [e, a] = [exp.value, act.value];
    if (isObjRef(e) || isObjRef(a)) return isObjRef(e) && isObjRef(a) && e.obj === a.obj && e.id === a.id;
    return e === a;
  }
  if (!('error' in act) || act.error.type !== exp.error.type) return false;
  return match === 'exact' ? act.error.message === exp.error.message : act.error.message.startsWith(exp.error.message);
}

const sameWarnings = (e: Warning[], a: Warning[]): boolean =>
  e.length === a.length && e.every((w, i) => w.category === a[i].category && w.message === a[i].message);

/** Checks one expectation against a canonical trace; undefined when it holds. */
export function check(x: Expectation, trace: Trace): Mismatch | undefined {
  switch (x.kind) {
    case 'outcome': {
      const act = trace.obs[x.stmt]?.outcome;
      const match = x.match ?? 'exact';
      if (sameOutcome(x.expected, act, match)) return undefined;
      const prefix = match === 'prefix' ? ' (message prefix)' : '';
      return { expectation: x, expected: formatOutcome(x.expected) + prefix, actual: formatOutcome(act) };
    }
    case 'warnings': {
      const o = trace.obs[x.stmt];
      if (!o) return { expectation: x, expected: formatWarnings(x.expected), actual: '(not executed)' };
      if (sameWarnings(x.expected, o.warnings)) return undefined;
      return { expectation: x, expected: formatWarnings(x.expected), actual: formatWarnings(o.warnings) };
    }
    case 'order': {
      const wanted = new Set(x.expected);
      const ran = (trace.order[x.context] ?? []).filter((id) => wanted.has(id));
      if (ran.length === x.expected.length && ran.every((id, i) => id === x.expected[i])) return undefined;
      return { expectation: x, expected: `${x.context}: ${x.expected.join(' < ')}`, actual: `${x.context}: ${ran.join(' < ') || '(none ran)'}` };
    }
    case 'ran': {
      const ran = x.stmt in trace.obs;
      if (ran === x.expected) return undefined;
      return { expectation: x, expected: x.expected ? 'runs' : 'never runs', actual: ran ? 'ran' : 'never ran' };
    }
    case 'terminates':
      return trace.end.kind === 'ok' ? undefined : { expectation: x, expected: 'the program ends', actual: `${trace.end.kind}: ${trace.end.detail}` };
  }
}

/** Where an expectation points, for reports: a statement id or a context. */
export function locate(x: Expectation): string {
  if (x.kind === 'order') return `order in ${x.context}`;
  if (x.kind === 'terminates') return 'end of program';
  return `${x.stmt} ${x.kind}`;
}
