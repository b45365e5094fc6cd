/**
 * The oracle: the specification in executable form. It walks a program over an abstract
 * machine of CPython's asyncio (walk.ts, machine.ts), predicts every observation, and names
 * the rule (spec/rules.ts) that decides each one. A rule's property compares only the
 * expectations tagged with that rule, so a failure names the rule that was broken.
 *
 * Programs outside the deterministic part of the language are reported as such (and are
 * never used as tests): observations that would depend on how real threads interleave, on a
 * fork child changing what it inherited, or programs that would hang (determinism.ts).
 *
 * What each statement does is modelled by the module named after the CPython module that
 * does it: events.ts, base_events.ts, tasks.ts, runners.ts, threading.ts, os.ts.
 */
import type { Program } from '../../language/program.ts';
import { walk } from '../../language/program.ts';
import type { Trace } from '../../language/trace.ts';
import { canonicalRenamer, renameOutcome } from '../../language/trace.ts';
import { defaultProfile } from '../../spec/profiles.ts';
import type { Profile, Switches } from '../../spec/profiles.ts';
import type { Capability } from '../adapter.ts';
import type { Timeline } from '../attribution.ts';
import type { Expectation } from '../predictions.ts';
import { notDeterministic } from './determinism.ts';
import { Walk } from './walk.ts';

export interface Prediction {
  /** The predicted trace, canonical. */
  trace: Trace;
  /** Every check the rules make on this program, canonical. */
  expectations: Expectation[];
  /** False when the program leaves the deterministic part of the language. */
  deterministic: boolean;
  reason?: string;
  /** Capabilities an adapter needs to run it. */
  needs: Capability[];
  /** When the oracle's run started and ended each statement: what "first" means in attribution.ts. */
  timeline: Timeline;
}

export function predict(program: Program, profile: Profile = defaultProfile()): Prediction {
  return new Oracle(profile.switches).predict(program);
}

export function capabilitiesNeeded(program: Program): Capability[] {
  const needs = new Set<Capability>();
  for (const s of walk(program.main)) {
    if (s.op === 'start_thread' || s.op === 'join_thread') needs.add('threads');
    if (s.op === 'fork') needs.add('fork');
    if (s.op === 'run_in_executor' || s.op === 'new_executor' || s.op === 'shutdown_default_executor') needs.add('executor');
  }
  return [...needs].sort();
}

/** Predicts programs under one profile's switches: each prediction is a walk of its own. */
export class Oracle {
  constructor(private sw: Switches) {}

  predict(program: Program): Prediction {
    const needs = capabilitiesNeeded(program);
    const walker = new Walk(this.sw, program);
    let end: Trace['end'] = { kind: 'ok' };
    let deterministic = true;
    let reason: string | undefined;
    try {
      walker.run();
    } catch (e) {
      const why = notDeterministic(e);
      deterministic = false;
      reason = why.reason;
      if (why.end) end = why.end;
    }
    const expectations = walker.expectations();
    const rename = canonicalRenamer({ obs: walker.obs });
    const trace: Trace = {
      obs: Object.fromEntries(
        Object.entries(walker.obs).map(([id, o]) => [id, { outcome: renameOutcome(o.outcome, rename), warnings: o.warnings }]),
      ),
      order: walker.order,
      end,
    };
    return {
      trace,
      expectations: expectations.map((x) => (x.kind === 'outcome' ? { ...x, expected: renameOutcome(x.expected, rename) } : x)),
      deterministic,
      reason,
      needs,
      timeline: walker.timeline,
    };
  }
}
