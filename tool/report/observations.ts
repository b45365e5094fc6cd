/**
 * A counterexample's two traces side by side, one row per statement (then per context's
 * order, then the ending), so a reader sees every observation, not only the broken ones.
 */
import type { ReportCounterexample } from '../../conformance/report.ts';
import type { Ending, Observation, Trace } from '../../language/trace.ts';
import { formatOutcome, formatWarnings, idsInOrder } from '../../language/trace.ts';

export interface ObservationRow {
  /** A statement id, 'order in <context>', or 'end'. */
  what: string;
  expected: string;
  actual: string;
  differs: boolean;
}

function observation(o: Observation | undefined): string {
  if (!o) return '(not executed)';
  return o.warnings.length === 0 ? formatOutcome(o.outcome) : `${formatOutcome(o.outcome)}; warns ${formatWarnings(o.warnings)}`;
}

const ending = (e: Ending): string => (e.kind === 'ok' ? 'ran to its end' : `${e.kind}: ${e.detail}`);
const row = (what: string, expected: string, actual: string): ObservationRow => ({ what, expected, actual, differs: expected !== actual });

export function observationRows(cx: Pick<ReportCounterexample, 'predicted' | 'actual'>): ObservationRow[] {
  const p: Trace = cx.predicted;
  const a: Trace = cx.actual;
  const ids = idsInOrder({ ...p.obs, ...a.obs });
  const rows = ids.map((id) => row(id, observation(p.obs[id]), observation(a.obs[id])));
  for (const ctx of new Set([...Object.keys(p.order), ...Object.keys(a.order)])) {
    const [e, x] = [p.order[ctx], a.order[ctx]].map((o) => (o ? o.join(' ') : '(did not run)'));
    // Orders that agree add nothing the statement rows do not already say.
    if (e !== x) rows.push(row(`order in ${ctx}`, e, x));
  }
  rows.push(row('end', ending(p.end), ending(a.end)));
  return rows;
}
