// GET-4's message names the thread as Python's %r does. The expected messages are what CPython
// 3.8.18, 3.12.1 and 3.13.0 raised for these programs through the Python driver (2026-11-30).
import { describe, expect, it } from 'vitest';
import type { Program } from '../../language/program.ts';
import { numberProgram } from '../../language/program.ts';
import { schemaErrors } from '../../protocol/validate.ts';
import { predict } from './oracle.ts';

const lookupIn = (thread: string): Program =>
  numberProgram({
    version: 1,
    main: [
      { op: 'start_thread', thread, body: [{ op: 'get_event_loop' }] },
      { op: 'join_thread', thread },
    ],
  });

describe('GET-4.2: the thread in the message', () => {
  it.each([
    ['T 1', "'T 1'"],
    ["a'b", `"a'b"`],
    ['a"b', `'a"b'`],
    [`a'"b`, `'a\\'"b'`],
    ['a\\b', "'a\\\\b'"],
  ])('%s is named %s', (name, repr) => {
    const s2 = predict(lookupIn(name)).trace.obs.s2.outcome;
    expect(s2).toEqual({ error: { type: 'RuntimeError', message: `There is no current event loop in thread ${repr}.` } });
  });

  it('takes thread names of printable ASCII only, and integer arguments (the program schema)', () => {
    expect(schemaErrors('program', lookupIn('T\n1'))).not.toEqual([]);
    expect(schemaErrors('program', lookupIn('Tä'))).not.toEqual([]);
    expect(schemaErrors('program', { version: 1, main: [{ id: 's1', op: 'set_event_loop', arg: 1.5 }] })).not.toEqual([]);
    expect(schemaErrors('program', lookupIn('T 1'))).toEqual([]);
  });
});
