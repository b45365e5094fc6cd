// The oracle's fork: what the child does to process globals stays in the child. Measured on
// CPython 3.8.18 and 3.12.1 (the driver, single-shot): a policy the child creates first is not
// the parent's, whose own get_event_loop_policy() creates another.
import { describe, expect, it } from 'vitest';
import { numberProgram, type Stmt } from '../../language/program.ts';
import { canonicalize } from '../../language/trace.ts';
import { PROFILES } from '../../spec/profiles.ts';
import { runOnReference } from '../adapters/reference.ts';
import { checker } from '../predictions.ts';
import { predict } from './oracle.ts';

describe('oracle: fork', () => {
  const program = numberProgram({
    version: 1,
    main: [{ op: 'fork', body: [{ op: 'get_policy' }] }, { op: 'get_policy' }, { op: 'get_policy' }] as Stmt[],
  });
  it.each(PROFILES.map((p) => [p.name, p] as const))('keeps a policy the child creates in the child (%s)', (_name, profile) => {
    const prediction = predict(program, profile);
    expect(prediction.deterministic).toBe(true);
    const reference = canonicalize(runOnReference(program, undefined, profile));
    expect(prediction.expectations.map(checker(prediction.trace, reference)).filter(Boolean)).toEqual([]);
    // The parent's two look-ups agree with each other, not with the child's.
    expect(prediction.trace.obs.s3.outcome).toEqual(prediction.trace.obs.s4.outcome);
    expect(prediction.trace.obs.s3.outcome).not.toEqual(prediction.trace.obs.s2.outcome);
  });
});
