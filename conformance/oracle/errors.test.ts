// What the oracle leaves out of ERR-1 and DEBUG-1, found by a review: each program below is
// one CPython 3.8.18 to 3.13.0 runs differently from the simple reading of the rules.
import { describe, expect, it } from 'vitest';
import type { Stmt } from '../../language/program.ts';
import { numberProgram } from '../../language/program.ts';
import { profileByName } from '../../spec/profiles.ts';
import { predict } from './oracle.ts';

const predicted = (main: Stmt[], profile = 'cpython-3.12') => predict(numberProgram({ version: 1, main }), profileByName(profile)!);
const handler: Stmt = { op: 'set_exception_handler', loop: 'L1', body: [{ op: 'handler_context', key: 'keys' }] };

describe('the exception handler and debug mode', () => {
  it('leaves out a raising callback scheduled in debug mode: its context has source_traceback, whatever the mode when it runs', () => {
    const p = predicted([
      { op: 'new_event_loop', as: 'L1' },
      handler,
      { op: 'set_debug', loop: 'L1', value: true },
      { op: 'call_soon', loop: 'L1', body: [{ op: 'raise', message: 'cb' }] },
      { op: 'set_debug', loop: 'L1', value: false },
      { op: 'run_until_complete', loop: 'L1', body: [{ op: 'sleep', delay: 0 }] },
    ]);
    expect(p.deterministic).toBe(false);
  });

  it('leaves out a handler that calls its own loop handler (CPython recurses until a RecursionError, which it logs)', () => {
    const p = predicted([
      { op: 'new_event_loop', as: 'L1' },
      { op: 'set_exception_handler', loop: 'L1', body: [{ op: 'call_exception_handler', loop: 'L1', message: 'again' }] },
      { op: 'call_exception_handler', loop: 'L1', message: 'first' },
    ]);
    expect(p.deterministic).toBe(false);
  });

  it("lets a fork child call call_soon on the debug-mode loop it inherited: the child's thread has the forking thread's ident", () => {
    const p = predicted(
      [
        {
          op: 'asyncio_run',
          debug: true,
          body: [
            {
              op: 'fork',
              body: [
                { op: 'get_event_loop', as: 'L2' },
                { op: 'call_soon', loop: 'L2', body: [] },
              ],
            },
          ],
        },
      ],
      'cpython-3.8',
    );
    const outcomes = Object.values(p.trace.obs).map((o) => o.outcome);
    expect(outcomes).not.toContainEqual({
      error: { type: 'RuntimeError', message: 'Non-thread-safe operation invoked on an event loop other than the current one' },
    });
  });
});
