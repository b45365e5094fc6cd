/**
 * Which rules a version difference touches: the rules that depend on a profile switch two
 * profiles set differently. An implementation of one profile judged by another's suite must
 * fail exactly these (and pass them under its own).
 */
import { differingSwitches, type Profile, type SwitchName, type Switches } from './profiles.ts';
import { RULES } from './rules.ts';

/**
 * Switches seen one way only: judged by a profile whose switch is `judge`, an implementation
 * whose switch is `impl` fails `rule`; the other way round no program shows it, because that
 * profile leaves those programs out of the model (profiles.ts SWITCH_NOTES).
 */
const ONE_WAY: Array<{ [K in SwitchName]: { switch: K; judge: Switches[K]; impl: Switches[K]; rule: string } }[SwitchName]> = [
  // 3.9+ waits for the executor's jobs (ARUN-2.3); 3.8's profile leaves a job outliving asyncio.run out.
  { switch: 'runShutsDownExecutor', judge: true, impl: false, rule: 'ARUN-2' },
  // shutdown_default_executor(timeout=) is in the model from 3.12 only (EXEC-3.3).
  { switch: 'shutdownExecutorTimeout', judge: true, impl: false, rule: 'EXEC-3' },
  // 3.13.0's failed run_forever leaves the loop inconsistent (python/cpython#130145); its own
  // profile leaves programs that go on after it out. The others see it in what the run does
  // after a refusal, which has the refusal as condition: of a running loop (LIFE-3.2) or of
  // another loop (LIFE-4.2).
  { switch: 'failedRunForeverCleansUp', judge: false, impl: true, rule: 'LIFE-3' },
  { switch: 'failedRunForeverCleansUp', judge: false, impl: true, rule: 'LIFE-4' },
];

/** The ids of the rules `impl` fails when judged by `judge`'s suite, in the suite's order. */
export function rulesThatDiffer(impl: Profile, judge: Profile): string[] {
  const switches = new Set(differingSwitches(impl, judge));
  const oneWay = new Set(
    ONE_WAY.filter((x) => judge.switches[x.switch] === x.judge && impl.switches[x.switch] === x.impl).map((x) => x.rule),
  );
  // A rule that sees a switch only through another rule's clauses is that rule's to fail.
  return RULES.filter((r) => !r.retired && (oneWay.has(r.id) || r.dependsOn.some((s) => switches.has(s) && !r.through?.[s]))).map(
    (r) => r.id,
  );
}
