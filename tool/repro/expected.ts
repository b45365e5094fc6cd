/**
 * Expectations of one saved program, described for people and for the generated scripts:
 * the oracle's prediction under a profile, and each object-valued expectation resolved to
 * its identity anchor ("the same object as at s3" / "a new object, not those of s1, s3")
 * by conformance/predictions.ts, which checks it.
 */
import type { Anchor, Expectation, FirstSeen } from '../../conformance/predictions.ts';
import { anchorOf, describeAnchored, endsText } from '../../conformance/predictions.ts';
import { predict } from '../../conformance/oracle/oracle.ts';
import type { Prediction } from '../../conformance/oracle/oracle.ts';
import type { Trace } from '../../language/trace.ts';
import { formatOutcome, formatWarnings, isObjRef } from '../../language/trace.ts';
import type { Profile } from '../../spec/profiles.ts';
import type { SavedCounterexample } from './counterexample.ts';
import { CounterexampleError, profileOf } from './counterexample.ts';

/** The identity anchor of an object-valued outcome expectation (undefined for any other). */
export function objectAnchor(x: Expectation, first: FirstSeen): Anchor | undefined {
  if (x.kind !== 'outcome' || !('value' in x.expected) || !isObjRef(x.expected.value)) return undefined;
  return anchorOf(x.stmt, x.expected.value, first);
}

/** The expected side of an expectation, in words. */
export function describeExpected(x: Expectation, first: FirstSeen): string {
  switch (x.kind) {
    case 'outcome': {
      if ('value' in x.expected && isObjRef(x.expected.value))
        return describeAnchored(x.expected.value, anchorOf(x.stmt, x.expected.value, first));
      return formatOutcome(x.expected) + (x.match === 'prefix' ? ' (message prefix)' : '');
    }
    case 'warnings':
      return formatWarnings(x.expected);
    case 'order':
      return `${x.context}: ${x.expected.join(' < ')}${x.backToBack ? ' (if both run)' : ''}`;
    case 'not-same':
      return `not the object of ${x.others.join(', ')}`;
    case 'ran':
      return x.expected ? 'runs' : 'never runs';
    case 'terminates':
      return endsText(x);
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
