/**
 * Every property of the suite, one module per rule group (as test262 lays out features). Each
 * rule's programs are its group module's, with the shapes that reach its rarer clauses added
 * (arbitraries/reach-clauses.ts).
 */
import { ruleById } from '../../spec/rules.ts';
import { withShapes } from '../arbitraries/reach-clauses.ts';
import ARUN from './ARUN.ts';
import DEBUG from './DEBUG.ts';
import ERR from './ERR.ts';
import TIME from './TIME.ts';
import EXEC from './EXEC.ts';
import FORK from './FORK.ts';
import FUT from './FUT.ts';
import GET from './GET.ts';
import LIFE from './LIFE.ts';
import NEW from './NEW.ts';
import POL from './POL.ts';
import RUN from './RUN.ts';
import SCHED from './SCHED.ts';
import SIG from './SIG.ts';
import TASK from './TASK.ts';
import TFACT from './TFACT.ts';
import CANCEL from './CANCEL.ts';
import CTX from './CTX.ts';
import RUNNER from './RUNNER.ts';
import RCT from './RCT.ts';
import NAMES from './NAMES.ts';
import THR from './THR.ts';
import type { RuleProperty } from './types.ts';
import AGEN from './AGEN.ts';

export type { RuleProperty } from './types.ts';

export const PROPERTIES: RuleProperty[] = [
  ...POL,
  ...GET,
  ...RUN,
  ...NEW,
  ...LIFE,
  ...THR,
  ...TASK,
  ...NAMES,
  ...SCHED,
  ...EXEC,
  ...ARUN,
  ...FORK,
  ...DEBUG,
  ...ERR,
  ...FUT,
  ...TIME,
  ...TFACT,
  ...AGEN,
  ...CANCEL,
  ...CTX,
  ...SIG,
  ...RUNNER,
  ...RCT,
].map((p) => ({
  rule: p.rule,
  programs: withShapes(ruleById(p.rule)?.clauses.map((c) => c.id) ?? [], p.programs),
}));
