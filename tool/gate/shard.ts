/**
 * Sharding: splitting the rules of one run across n machines, each running `--shard i/n`, and
 * merging their reports (merge.ts) into the report of the whole run.
 *
 * The suite runs in loopspec's own runner (conformance/runner.ts), not as vitest tests, so
 * vitest's --shard does not apply: it would split test files, and the suite is one loop.
 * A rule's verdict does not depend on its shard: each rule gets its own seed from the run's
 * seed and its ID (ruleSeed), so the shards together do exactly what the whole run does.
 *
 * The split: order the rules by a fixed hash of their ID (FNV-1a + murmur3 finalizer, ties by ID), then cut that
 * order into n contiguous runs of sizes differing by at most one.
 * - Balanced: shard sizes differ by at most one rule.
 * - Deterministic: depends only on the set of IDs and n, not on their order or the machine.
 * - Stable: adding or retiring a rule moves at most n-1 other rules (one across each cut),
 *   whereas round-robin moves every rule after the insertion. Hash mod n would move none but
 *   is badly unbalanced for ~40 rules (10/12/18 over 3 shards today).
 * - Hashing, not registry order, spreads each group (whose rules tend to cost alike, e.g.
 *   FORK) across shards.
 */
import { GateError } from './errors.ts';

export class ShardError extends GateError {}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** `"2/3"` -> { index: 2, count: 3 }. */
export function parseShard(spec: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(spec);
  if (!m) throw new ShardError(`--shard must be <index>/<count>, like 2/3, got '${spec}'`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  checkShard(index, count, spec);
  return { index, count };
}

function checkShard(index: number, count: number, spec = `${index}/${count}`): void {
  if (!Number.isSafeInteger(count) || count < 1) throw new ShardError(`shard '${spec}': the count must be a positive whole number`);
  if (!Number.isSafeInteger(index) || index < 1)
    throw new ShardError(`shard '${spec}': shards are numbered from 1, so the index must be at least 1`);
  if (index > count) throw new ShardError(`shard '${spec}': the index must be at most the count (${count})`);
}

/** FNV-1a, then murmur3's finalizer: without it IDs that differ in the last digit sort together. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The rules of shard `index` of `count`, in the order given (duplicates once). */
export function shardRules(ruleIds: string[], index: number, count: number): string[] {
  checkShard(index, count);
  const ids = [...new Set(ruleIds)];
  const hashed = ids.map((id) => ({ id, h: hash(id) })).sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Shard k (0-based) takes positions [start(k), start(k+1)): the first `extra` shards one more.
  const q = Math.floor(ids.length / count);
  const extra = ids.length % count;
  const start = (k: number) => k * q + Math.min(k, extra);
  const mine = new Set(hashed.slice(start(index - 1), start(index)).map((x) => x.id));
  return ids.filter((id) => mine.has(id));
}
