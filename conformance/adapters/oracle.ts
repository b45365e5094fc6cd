/**
 * The oracle as an adapter: it "runs" a program by predicting it. The suite against it must
 * pass every rule, which checks the harness itself; replaying a counterexample on it shows
 * what the specification says the program does.
 */
import type { Adapter } from '../adapter.ts';
import { ALL_CAPABILITIES } from '../adapter.ts';
import { predict } from '../oracle/oracle.ts';
import type { Program } from '../../language/program.ts';
import type { Trace } from '../../language/trace.ts';
import { defaultProfile } from '../../spec/profiles.ts';
import type { Profile } from '../../spec/profiles.ts';

export function oracleAdapter(profile: Profile = defaultProfile()): Adapter {
  return {
    name: 'loopspec-oracle',
    version: profile.name,
    capabilities: ALL_CAPABILITIES,
    run: async (program: Program): Promise<Trace> => predict(program, profile).trace,
    close: async () => {},
  };
}
