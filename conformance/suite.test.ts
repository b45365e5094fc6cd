// The suite against the built-in reference: every rule passes, and every rule was reached.
import { describe, expect, it } from 'vitest';
import { referenceAdapter } from './adapters/reference.ts';
import { PROPERTIES } from './properties/index.ts';
import { runRule, ruleSeed } from './runner.ts';

describe('the reference implementation', () => {
  const adapter = referenceAdapter();
  it.each(PROPERTIES.map((p) => [p.rule, p] as const))('conforms to %s', async (_rule, prop) => {
    const r = await runRule(prop, adapter, 200, ruleSeed(20261125, prop.rule));
    expect(r.error).toBeNull();
    expect(r.counterexample?.mismatches ?? []).toEqual([]);
    expect(r.verdict).toBe('pass');
    expect(r.exercised).toBeGreaterThan(0);
  });
});
