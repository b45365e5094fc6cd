// No rule without a property, no property without a rule.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../spec/profiles.ts';
import { clauseApplies, RULES, RULE_IDS } from '../spec/rules.ts';
import { PROPERTIES } from './properties/index.ts';

describe('the rule registry and the properties', () => {
  it('gives every rule a stable, unique GROUP-N id in its group', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[A-Z]+-\d+$/);
      expect(r.id.startsWith(`${r.group}-`)).toBe(true);
    }
  });

  it('gives every live rule at least one property', () => {
    const covered = new Set(PROPERTIES.map((p) => p.rule));
    expect([...RULE_IDS].filter((id) => !covered.has(id))).toEqual([]);
  });

  it('names only known, live rules in properties', () => {
    expect(PROPERTIES.map((p) => p.rule).filter((id) => !RULE_IDS.has(id))).toEqual([]);
  });

  it('states every rule normatively, clause by clause, with a source', () => {
    for (const r of RULES) {
      expect(r.clauses.length, r.id).toBeGreaterThan(0);
      for (const c of r.clauses) expect(c.text, c.id).toMatch(/\b(MUST|SHALL|MUST NOT|SHOULD)\b/);
      expect(r.sources.length, r.id).toBeGreaterThan(0);
    }
  });

  it('numbers every clause GROUP-N.k in its rule, and applies each under some profile', () => {
    for (const r of RULES) {
      for (const [i, c] of r.clauses.entries()) expect(c.id).toBe(`${r.id}.${i + 1}`);
      for (const c of r.clauses) {
        for (const k of Object.keys(c.when ?? {})) expect(Object.keys(PROFILES[0].switches), c.id).toContain(k);
        expect(
          PROFILES.some((p) => clauseApplies(c, p)),
          c.id,
        ).toBe(true);
      }
    }
  });
});
