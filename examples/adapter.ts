/**
 * An adapter, complete: a TypeScript port of asyncio that cannot fork. Run the suite on it:
 *
 *     npx loopspec run --impl examples/adapter.ts
 *
 * The FORK rules are reported as skipped (capability missing), every other rule must pass.
 * A real port would interpret each statement with its own primitives, the way
 * conformance/adapters/interpreter.ts does for the reference; here the port is
 * stood in for by the reference itself.
 */
import type { Adapter } from '../conformance/adapter.ts';
import type { Program } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';
import { runOnReference } from '../conformance/adapters/reference.ts';

const adapter: Adapter = {
  name: 'my-asyncio-port',
  version: '0.0.1',
  // What the implementation can do; programs that need more are skipped, never passed.
  capabilities: { threads: true, fork: false, executor: true },
  // Run one program from pristine state and report what every statement observed.
  async run(program: Program): Promise<Trace> {
    return runOnReference(program);
  },
  async close(): Promise<void> {},
};

export default adapter;
