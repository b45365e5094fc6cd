/**
 * Joins the reports of a sharded run (`--shard i/n` on n machines) into the report of the
 * whole run. They must belong together: same tool, implementation, profile, seed and runs,
 * the same shard count, every index 1..n exactly once, and no rule in two shards. Anything
 * else is a MergeError naming the report at fault.
 */
import type { Report } from '../../conformance/report.ts';
import { GateError } from './errors.ts';
import { byRegistryOrder } from './order.ts';

export class MergeError extends GateError {}

/** `names` label the reports in errors (their file names); by default "report 1", ... */
export function mergeReports(reports: Report[], names: string[] = []): Report {
  const name = (i: number) => names[i] ?? `report ${i + 1}`;
  if (reports.length === 0) throw new MergeError('nothing to merge: give the report of every shard');
  const first = reports[0];
  const same: [string, (r: Report) => string][] = [
    ['format version', (r) => `${r.format} v${r.version}`],
    ['loopspec version', (r) => r.tool.version],
    ['implementation', (r) => `${r.implementation.name} ${r.implementation.version}`],
    ['profile', (r) => r.profile],
    ['seed', (r) => String(r.seed)],
    ['runs', (r) => String(r.runs)],
  ];
  for (const [what, get] of same) {
    const i = reports.findIndex((r) => get(r) !== get(first));
    if (i > 0) throw new MergeError(`${name(i)} is not from the same run as ${name(0)}: ${what} ${get(reports[i])} vs ${get(first)}`);
  }
  const shards = reports.map((r, i) => {
    if (!r.shard) throw new MergeError(`${name(i)} is not a shard (it has shard null): only shard reports are merged`);
    return r.shard;
  });
  const count = shards[0].count;
  const odd = shards.findIndex((s) => s.count !== count);
  if (odd > 0)
    throw new MergeError(
      `${name(odd)} is shard ${shards[odd].index}/${shards[odd].count} but ${name(0)} is one of ${count}: the shard counts differ`,
    );
  const byIndex = new Map<number, number>();
  for (const [i, s] of shards.entries()) {
    const other = byIndex.get(s.index);
    if (other !== undefined) throw new MergeError(`${name(other)} and ${name(i)} are both shard ${s.index}/${count}`);
    byIndex.set(s.index, i);
  }
  const missing = Array.from({ length: count }, (_, k) => k + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0)
    throw new MergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} missing: give the report of every shard`,
    );
  const owner = new Map<string, number>();
  for (const [i, r] of reports.entries()) {
    for (const rule of r.rules) {
      const other = owner.get(rule.id);
      if (other !== undefined) throw new MergeError(`rule ${rule.id} is in both ${name(other)} and ${name(i)}: the shards overlap`);
      owner.set(rule.id, i);
    }
  }
  // The merged run spans from the first shard's start to the last shard's end.
  const starts = reports.map((r) => Date.parse(r.startedAt));
  const ends = reports.map((r, i) => starts[i] + r.durationMs);
  const start = Math.min(...starts);
  const known = starts.every(Number.isFinite);
  return {
    ...first,
    shard: null,
    startedAt: known ? new Date(start).toISOString() : first.startedAt,
    durationMs: known ? Math.max(...ends) - start : Math.max(...reports.map((r) => r.durationMs)),
    interrupted: reports.some((r) => r.interrupted),
    rules: reports.flatMap((r) => r.rules).sort((a, b) => byRegistryOrder(a.id, b.id)),
  };
}
