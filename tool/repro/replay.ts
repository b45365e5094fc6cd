/**
 * Replay: one saved program, run against an implementation and predicted by the oracle.
 * The counterexample's rule is shown expectation by expectation; the other rules' mismatches
 * are listed apart, and the profiles under which the implementation's observations satisfy
 * the rule are named, so a difference between Python versions is not mistaken for a bug.
 */
import type { Adapter } from '../../conformance/adapter.ts';
import type { Expectation } from '../../conformance/predictions.ts';
import { checker, firstSeen, locate } from '../../conformance/predictions.ts';
import { formatProgram } from '../../language/python.ts';
import { predict } from '../../conformance/oracle/oracle.ts';
import type { Program } from '../../language/program.ts';
import type { Trace } from '../../language/trace.ts';
import { canonicalize, FAULTS } from '../../language/trace.ts';
import { PROFILES } from '../../spec/profiles.ts';
import type { Profile } from '../../spec/profiles.ts';
import { ruleById } from '../../spec/rules.ts';
import type { SavedCounterexample } from './counterexample.ts';
import { describeActual, describeExpected, predictCounterexample } from './expected.ts';

export interface ReplayCheck {
  rule: string;
  /** True for the counterexample's rule; false for another rule's mismatch. */
  ofRule: boolean;
  kind: Expectation['kind'];
  where: string;
  expected: string;
  actual: string;
  ok: boolean;
}

export type ReplayStatus =
  | 'deviates'
  | 'conforms'
  /** The oracle makes no check of the rule on this program under this profile. */
  | 'not-exercised'
  /** The implementation lacks a capability the program needs, or declined it. */
  | 'skipped'
  /** The implementation faulted (timeout, crash, protocol error, its own error). */
  | 'fault';

export interface ReplayResult {
  rule: string;
  profile: string;
  implementation: { name: string; version: string };
  program: Program;
  status: ReplayStatus;
  detail?: string;
  /** Every expectation of the rule, in the oracle's order. */
  checks: ReplayCheck[];
  /** The other rules' expectations that the implementation does not meet. */
  others: ReplayCheck[];
  /** Profiles under which the observations satisfy the rule (empty unless it ran). */
  holdsUnder: string[];
  predicted: Trace;
  actual?: Trace;
}

export async function replay(c: SavedCounterexample, adapter: Adapter, profile?: Profile): Promise<ReplayResult> {
  const { profile: p, prediction, expectations } = predictCounterexample(c, profile);
  const base = {
    rule: c.rule,
    profile: p.name,
    implementation: { name: adapter.name, version: adapter.version },
    program: c.program,
    checks: [],
    others: [],
    holdsUnder: [],
    predicted: prediction.trace,
  };
  const missing = prediction.needs.filter((cap) => !adapter.capabilities[cap]);
  if (missing.length > 0) return { ...base, status: 'skipped', detail: `${adapter.name} lacks ${missing.join(', ')}` };
  const actual = canonicalize(await adapter.run(c.program));
  if (actual.end.kind === 'skipped') return { ...base, actual, status: 'skipped', detail: actual.end.detail };
  if (FAULTS.has(actual.end.kind))
    return { ...base, actual, status: 'fault', detail: `${actual.end.kind}: ${'detail' in actual.end ? actual.end.detail : ''}` };
  const check = checker(prediction.trace, actual);
  const first = firstSeen(prediction.trace);
  const row = (x: Expectation, ofRule: boolean): ReplayCheck => {
    const m = check(x);
    return {
      rule: x.rule,
      ofRule,
      kind: x.kind,
      where: locate(x),
      expected: m?.expected ?? describeExpected(x, first),
      actual: m?.actual ?? describeActual(x, actual),
      ok: !m,
    };
  };
  const checks = expectations.map((x) => row(x, true));
  const others = prediction.expectations
    .filter((x) => x.rule !== c.rule)
    .map((x) => row(x, false))
    .filter((r) => !r.ok);
  const status: ReplayStatus = checks.length === 0 ? 'not-exercised' : checks.some((r) => !r.ok) ? 'deviates' : 'conforms';
  return { ...base, actual, status, checks, others, holdsUnder: holdsUnder(c.rule, c.program, actual) };
}

/** The profiles whose prediction of the rule the actual trace meets. */
export function holdsUnder(rule: string, program: Program, actual: Trace): string[] {
  return PROFILES.filter((p) => {
    const pred = predict(program, p);
    if (!pred.deterministic) return false;
    const xs = pred.expectations.filter((x) => x.rule === rule);
    const check = checker(pred.trace, actual);
    return xs.length > 0 && xs.every((x) => !check(x));
  }).map((p) => p.name);
}

export function formatReplay(r: ReplayResult): string {
  const title = ruleById(r.rule)?.title;
  const out = [
    `Replay of ${r.rule}${title ? ` (${title})` : ''}, expecting ${r.profile}, against ${r.implementation.name} ${r.implementation.version}`,
    '',
    formatProgram(r.program),
    '',
  ];
  const rows = (cs: ReplayCheck[]) =>
    cs.flatMap((k) => [
      `  ${k.ofRule ? '' : `${k.rule} `}${k.where}: ${k.ok ? 'OK' : 'DEVIATES'}`,
      `      expected: ${k.expected}`,
      `      actual:   ${k.actual}`,
    ]);
  if (r.checks.length > 0) out.push(`${r.rule}:`, ...rows(r.checks));
  if (r.others.length > 0) out.push('', `Other rules' mismatches (not ${r.rule}, shown for context):`, ...rows(r.others));
  out.push('', verdict(r));
  return out.join('\n');
}

function verdict(r: ReplayResult): string {
  switch (r.status) {
    case 'conforms':
      return `CONFORMS: ${r.implementation.name} meets ${r.rule} on this program under ${r.profile}.`;
    case 'not-exercised':
      return `NOT EXERCISED: under ${r.profile} the oracle makes no check of ${r.rule} on this program.`;
    case 'skipped':
      return `SKIPPED: ${r.detail}`;
    case 'fault':
      return `FAULT: ${r.detail}`;
    case 'deviates': {
      const n = r.checks.filter((k) => !k.ok).length;
      const head = `DEVIATES: ${n} of ${r.checks.length} expectations of ${r.rule} under ${r.profile} do not hold.`;
      if (r.holdsUnder.length === 0)
        return `${head}\nNo profile allows these observations: a bug of the implementation, not a difference between Python versions.`;
      return `${head}\nThey satisfy ${r.rule} under ${r.holdsUnder.join(', ')}: the behaviour of another Python version (is the expected profile the right one?), not necessarily a bug.`;
    }
  }
}
