/**
 * Expectations of one saved program, described for people and for the generated scripts:
 * the oracle's prediction under a profile, and each object-valued expectation resolved to
 * its identity anchor ("the same object as at s3" / "a new object, not those of s1, s3"),
 * as conformance/predictions.ts checks it.
 */
import type { Expectation } from '../../conformance/predictions.ts';
import { predict } from '../../conformance/oracle/oracle.ts';
import type { Prediction } from '../../conformance/oracle/oracle.ts';
import type { Trace } from '../../language/trace.ts';
import { formatOutcome, formatWarnings, idsInOrder, isObjRef } from '../../language/trace.ts';
import type { Profile } from '../../spec/profiles.ts';
import type { SavedCounterexample } from './counterexample.ts';
import { CounterexampleError, profileOf } from './counterexample.ts';

/** Where the prediction first shows each object: canonical name -> statement id. */
export function firstSeen(predicted: Trace): Map<string, string> {
  const first = new Map<string, string>();
  for (const id of idsInOrder(predicted.obs)) {
    const o = predicted.obs[id].outcome;
    if ('value' in o && isObjRef(o.value) && !first.has(o.value.id)) first.set(o.value.id, id);
  }
  return first;
}

export type Anchor = { kind: 'loop' | 'task' | 'policy' } & ({ sameAs: string } | { newNot: string[] });

/** The identity check of an object-valued outcome at `stmt`, as Identities makes it. */
export function anchorOf(x: Expectation, first: Map<string, string>): Anchor | undefined {
  if (x.kind !== 'outcome' || !('value' in x.expected) || !isObjRef(x.expected.value)) return undefined;
  const { obj, id } = x.expected.value;
  const at = first.get(id);
  if (at && at !== x.stmt) return { kind: obj, sameAs: at };
  const n = (s: string) => Number(s.slice(1));
  const newNot = [...first].filter(([name, s]) => name !== id && n(s) < n(x.stmt)).map(([, s]) => s);
  return { kind: obj, newNot };
}

/** The expected side of an expectation, in words. */
export function describeExpected(x: Expectation, first: Map<string, string>): string {
  switch (x.kind) {
    case 'outcome': {
      const a = anchorOf(x, first);
      const prefix = x.match === 'prefix' ? ' (message prefix)' : '';
      if (!a) return formatOutcome(x.expected) + prefix;
      const name = 'value' in x.expected && isObjRef(x.expected.value) ? x.expected.value.id : '?';
      return 'sameAs' in a ? `${name} (the ${a.kind} of ${a.sameAs})` : `${name} (a new ${a.kind})`;
    }
    case 'warnings':
      return formatWarnings(x.expected);
    case 'order':
      return `${x.context}: ${x.expected.join(' < ')}`;
    case 'not-same':
      return `not the object of ${x.others.join(', ')}`;
    case 'ran':
      return x.expected ? 'runs' : 'never runs';
    case 'terminates':
      return 'the program ends';
  }
}

/** The actual side, in the same words as the checker's mismatches. */
export function describeActual(x: Expectation, actual: Trace): string {
  switch (x.kind) {
    case 'outcome':
      return formatOutcome(actual.obs[x.stmt]?.outcome);
    case 'warnings': {
      const o = actual.obs[x.stmt];
      return o ? formatWarnings(o.warnings) : '(not executed)';
    }
    case 'order': {
      const wanted = new Set(x.expected);
      const ran = (actual.order[x.context] ?? []).filter((id) => wanted.has(id));
      return `${x.context}: ${ran.join(' < ') || '(none ran)'}`;
    }
    case 'not-same':
      return formatOutcome(actual.obs[x.stmt]?.outcome);
    case 'ran':
      return x.stmt in actual.obs ? 'ran' : 'never ran';
    case 'terminates':
      return actual.end.kind === 'ok' ? 'the program ends' : `${actual.end.kind}: ${'detail' in actual.end ? actual.end.detail : ''}`;
  }
}

export interface RulePrediction {
  profile: Profile;
  prediction: Prediction;
  /** The expectations tagged with the counterexample's rule. */
  expectations: Expectation[];
}

/** The oracle's prediction of the saved program; errors when it cannot be a test. */
export function predictCounterexample(c: SavedCounterexample, profile: Profile = profileOf(c)): RulePrediction {
  const prediction = predict(c.program, profile);
  if (!prediction.deterministic)
    throw new CounterexampleError(
      `under ${profile.name} the program leaves the deterministic part of the language (${prediction.reason}); it cannot be replayed as a test`,
    );
  return { profile, prediction, expectations: prediction.expectations.filter((x) => x.rule === c.rule) };
}
