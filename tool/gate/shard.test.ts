// Sharding: a partition of the rules, balanced, deterministic, stable when rules are added.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../spec/rules.ts';
import { GateError } from './errors.ts';
import { parseShard, ShardError, shardRules } from './shard.ts';

const shardsOf = (ids: string[], n: number) => Array.from({ length: n }, (_, k) => shardRules(ids, k + 1, n));
const ruleIds = fc.uniqueArray(fc.stringMatching(/^[A-Z]{2,5}-[1-9]\d?$/), { maxLength: 80 });
const counts = fc.integer({ min: 1, max: 12 });

describe('shardRules', () => {
  it('puts every rule in exactly one shard (union = all, disjoint)', () => {
    fc.assert(
      fc.property(ruleIds, counts, (ids, n) => {
        const all = shardsOf(ids, n).flat();
        expect(all.length).toBe(ids.length);
        expect(new Set(all)).toEqual(new Set(ids));
      }),
    );
  });

  it('balances: shard sizes differ by at most one', () => {
    fc.assert(
      fc.property(ruleIds, counts, (ids, n) => {
        const sizes = shardsOf(ids, n).map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is deterministic, does not depend on the input order, and keeps it', () => {
    fc.assert(
      fc.property(ruleIds, counts, fc.nat(), (ids, n, seed) => {
        const shuffled = [...ids].sort((a, b) => ((a.charCodeAt(0) * 31 + seed) % 7) - ((b.charCodeAt(0) * 31 + seed) % 7));
        for (let k = 1; k <= n; k++) {
          const s = shardRules(ids, k, n);
          expect(shardRules(ids, k, n)).toEqual(s);
          expect(new Set(shardRules(shuffled, k, n))).toEqual(new Set(s));
          expect(s).toEqual(ids.filter((id) => s.includes(id)));
        }
      }),
    );
  });

  it('is stable: adding a rule moves at most count-1 of the others', () => {
    fc.assert(
      fc.property(ruleIds, fc.stringMatching(/^[A-Z]{2,5}-[1-9]\d?$/), counts, (ids, added, n) => {
        fc.pre(!ids.includes(added));
        const before = shardsOf(ids, n);
        const after = shardsOf([...ids, added], n);
        const shardOf = (s: string[][], id: string) => s.findIndex((x) => x.includes(id));
        const moved = ids.filter((id) => shardOf(before, id) !== shardOf(after, id));
        expect(moved.length).toBeLessThanOrEqual(n - 1);
      }),
    );
  });

  it('splits the real registry in 3 shards of 13 or 14 rules', () => {
    const sizes = shardsOf([...RULE_IDS], 3).map((s) => s.length);
    expect(sizes.reduce((a, b) => a + b)).toBe(RULE_IDS.size);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('spreads each group over the shards (no shard holds a whole group of 3 or more)', () => {
    const shards = shardsOf([...RULE_IDS], 3);
    const groups = [...new Set([...RULE_IDS].map((id) => id.split('-')[0]))];
    for (const g of groups) {
      const members = [...RULE_IDS].filter((id) => id.startsWith(`${g}-`));
      if (members.length < 3) continue;
      for (const s of shards)
        expect(
          members.every((id) => s.includes(id)),
          g,
        ).toBe(false);
    }
  });

  it('rejects an index or count out of range', () => {
    expect(() => shardRules(['A-1'], 0, 2)).toThrow(ShardError);
    expect(() => shardRules(['A-1'], 3, 2)).toThrow(/at most the count/);
  });
});

describe('parseShard', () => {
  it('reads i/n', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  const bad: [string, RegExp][] = [
    ['', /must be <index>\/<count>, like 2\/3, got ''/],
    ['3', /must be <index>\/<count>/],
    ['a/b', /must be <index>\/<count>/],
    ['1/2/3', /must be <index>\/<count>/],
    ['-1/3', /must be <index>\/<count>/],
    ['1.5/3', /must be <index>\/<count>/],
    ['0/3', /numbered from 1/],
    ['1/0', /count must be a positive whole number/],
    ['4/3', /index must be at most the count \(3\)/],
    ['1/99999999999999999999', /count must be a positive whole number/],
  ];
  for (const [spec, message] of bad) {
    it(`rejects '${spec}'`, () => {
      expect(() => parseShard(spec)).toThrow(message);
      expect(() => parseShard(spec)).toThrow(GateError);
    });
  }
});
