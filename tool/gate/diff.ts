/**
 * Two reports rule by rule: the same implementation across versions, or two implementations
 * side by side. Only 'regressed' makes `loopspec diff` exit 1; the other classes inform.
 *
 * Verdicts fall in three classes (conformance/verdicts.ts): pass; bad (fail, error, unexercised);
 * skipped. A move between fail, error and unexercised stays 'unchanged-failing' (both verdicts
 * are shown). Skipped to skipped is 'unchanged-skipped', a class the brief did not name but
 * every rule needs one.
 */
import type { Report } from '../../conformance/report.ts';
import type { Verdict } from '../../conformance/verdicts.ts';
import { oneLine, problemLine, verdictClass } from '../../conformance/verdicts.ts';
import { byRegistryOrder } from './order.ts';

export type DiffClass =
  | 'regressed'
  | 'fixed'
  | 'unchanged-failing'
  | 'unchanged-passing'
  | 'unchanged-skipped'
  | 'newly-skipped'
  | 'new'
  | 'removed';

export interface RuleDiff {
  rule: string;
  class: DiffClass;
  /** null when the rule is not in that report. */
  old: Verdict | null;
  new: Verdict | null;
  /** For regressed and unchanged-failing: the new run's first mismatch or error. */
  detail: string | null;
}

export function classify(old: Verdict | null, now: Verdict | null): DiffClass {
  if (old === null) return 'new';
  if (now === null) return 'removed';
  const [a, b] = [verdictClass(old), verdictClass(now)];
  if (b === 'skipped') return a === 'skipped' ? 'unchanged-skipped' : 'newly-skipped';
  if (b === 'bad') return a === 'bad' ? 'unchanged-failing' : 'regressed';
  // Now passing: it was failing, or skipped and now runs and holds.
  return a === 'pass' ? 'unchanged-passing' : 'fixed';
}

/** Every rule of either report, in registry order. */
export function diffReports(old: Report, now: Report): RuleDiff[] {
  const before = new Map(old.rules.map((r) => [r.id, r]));
  const after = new Map(now.rules.map((r) => [r.id, r]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(byRegistryOrder);
  return ids.map((rule) => {
    const a = before.get(rule);
    const b = after.get(rule);
    const cls = classify(a?.verdict ?? null, b?.verdict ?? null);
    const detail =
      b && (cls === 'regressed' || cls === 'unchanged-failing' || cls === 'new') && verdictClass(b.verdict) === 'bad'
        ? problemLine(b, 'gate')
        : null;
    return { rule, class: cls, old: a?.verdict ?? null, new: b?.verdict ?? null, detail };
  });
}

const LABEL: Record<DiffClass, string> = {
  regressed: 'REGRESSED',
  fixed: 'fixed',
  'unchanged-failing': 'still failing',
  'unchanged-passing': 'still passing',
  'unchanged-skipped': 'still skipped',
  'newly-skipped': 'newly skipped',
  new: 'new',
  removed: 'removed',
};

/** Which of the two runs' settings differ: a different seed or runs can explain a change. */
function settingsDiffer(old: Report, now: Report): string[] {
  const out: string[] = [];
  if (old.profile !== now.profile) out.push(`profile ${old.profile} -> ${now.profile}`);
  if (old.seed !== now.seed) out.push(`seed ${old.seed} -> ${now.seed}`);
  if (old.runs !== now.runs) out.push(`runs ${old.runs} -> ${now.runs}`);
  if (old.tool.version !== now.tool.version) out.push(`loopspec ${old.tool.version} -> ${now.tool.version}`);
  return out;
}

const verdictText = (v: Verdict | null) => v ?? '(absent)';

/** The terminal text; `regressed` is true when any rule regressed (exit 1). */
export function formatDiff(old: Report, now: Report, diffs: RuleDiff[] = diffReports(old, now)): { text: string; regressed: boolean } {
  const name = (r: Report) => oneLine(`${r.implementation.name} ${r.implementation.version}`, 80);
  const out = [`diff: ${name(old)} -> ${name(now)}`];
  const differ = settingsDiffer(old, now);
  if (differ.length > 0) out.push(`note: the runs differ in ${differ.join(', ')}; generated programs may differ too`);
  // Changes first, most serious first; the unchanged only as counts.
  const order: DiffClass[] = ['regressed', 'newly-skipped', 'fixed', 'new', 'removed', 'unchanged-failing'];
  for (const cls of order) {
    for (const d of diffs.filter((x) => x.class === cls)) {
      const change = `${verdictText(d.old)} -> ${verdictText(d.new)}`;
      out.push(`${LABEL[cls].padEnd(14)} ${d.rule.padEnd(8)} ${change}${d.detail ? `: ${d.detail}` : ''}`);
    }
  }
  const counts = (Object.keys(LABEL) as DiffClass[])
    .map((c) => [c, diffs.filter((d) => d.class === c).length] as const)
    .filter(([, n]) => n > 0);
  out.push(`${diffs.length} rules: ${counts.map(([c, n]) => `${n} ${LABEL[c]}`).join(', ')}`);
  const regressed = diffs.some((d) => d.class === 'regressed');
  return { text: out.join('\n'), regressed };
}
