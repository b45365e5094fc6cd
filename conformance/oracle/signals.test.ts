// The signal statements in the oracle (SIG-1, SIG-2): what it leaves out of the model, and why,
// and what it asserts where a handler runs more than once or a timer is about.
import { describe, expect, it } from 'vitest';
import type { Program, Stmt } from '../../language/program.ts';
import { numberProgram } from '../../language/program.ts';
import { canonicalize } from '../../language/trace.ts';
import { runOnReference } from '../adapters/reference.ts';
import { checker } from '../predictions.ts';
import { predict } from './oracle.ts';

const numbered = (main: Program['main']) => numberProgram({ version: 1, main });
const handler = (loop: string, body: Stmt[] = [{ op: 'mark', tag: 'h' }]): Stmt => ({
  op: 'add_signal_handler',
  loop,
  sig: 'SIGUSR1',
  body,
});
const run = (body: Stmt[]): Stmt => ({ op: 'run_until_complete', loop: 'L1', body });
const sleep0: Stmt = { op: 'sleep', delay: 0 };

describe('signals in the oracle', () => {
  it('leaves out a signal sent from another thread, and one sent while another thread is alive', () => {
    const fromThread = predict(
      numbered([
        { op: 'new_event_loop', as: 'L1' },
        handler('L1'),
        { op: 'start_thread', thread: 'T1', body: [{ op: 'signal_self', sig: 'SIGUSR1' }] },
        { op: 'join_thread', thread: 'T1' },
      ]),
    );
    expect(fromThread.reason).toBe('a signal sent from a thread other than the main thread');
    const alive = predict(
      numbered([
        { op: 'new_event_loop', as: 'L1' },
        handler('L1'),
        { op: 'start_thread', thread: 'T1', body: [] },
        { op: 'signal_self', sig: 'SIGUSR1' },
        { op: 'join_thread', thread: 'T1' },
      ]),
    );
    expect(alive.reason).toMatch(/another thread is alive/);
  });

  it('leaves out a signal while two loops hold handlers, or one at its default action', () => {
    const two = predict(
      numbered([
        { op: 'new_event_loop', as: 'L1' },
        { op: 'new_event_loop', as: 'L2' },
        handler('L1'),
        { op: 'add_signal_handler', loop: 'L2', sig: 'SIGUSR2', body: [] },
        { op: 'signal_self', sig: 'SIGUSR1' },
      ]),
    );
    expect(two.reason).toMatch(/one loop holding handlers/);
    const removed = predict(
      numbered([
        { op: 'new_event_loop', as: 'L1' },
        handler('L1'),
        { op: 'remove_signal_handler', loop: 'L1', sig: 'SIGUSR1' },
        { op: 'signal_self', sig: 'SIGUSR1' },
      ]),
    );
    expect(removed.reason).toMatch(/default action/);
  });

  it('asserts how often a handler runs, and where, against the reference', () => {
    const program = numbered([
      { op: 'new_event_loop', as: 'L1' },
      handler('L1', [
        { op: 'mark', tag: 'h' },
        { op: 'call_soon', loop: 'L1', body: [{ op: 'mark', tag: 'hc' }] },
      ]),
      run([
        { op: 'mark', tag: 't0' },
        { op: 'signal_self', sig: 'SIGUSR1' },
        { op: 'signal_self', sig: 'SIGUSR1' },
        sleep0,
        sleep0,
        sleep0,
      ]),
      run([{ op: 'signal_self', sig: 'SIGUSR1' }, sleep0, sleep0, { op: 'mark', tag: 'u' }]),
      { op: 'close', loop: 'L1' },
    ]);
    const p = predict(program);
    expect(p.deterministic).toBe(true);
    // s3 (the handler's mark) runs three times: once a signal
    expect(p.expectations).toContainEqual(expect.objectContaining({ clause: 'SIG-2.1', kind: 'order', expected: ['s3', 's3', 's3'] }));
    expect(p.expectations.some((x) => x.clause === 'SIG-2.2' && x.kind === 'order')).toBe(true);
    const actual = canonicalize(runOnReference(program));
    expect(p.expectations.map(checker(p.trace, actual)).filter(Boolean)).toEqual([]);
  });

  it('asserts no order against the loop where a timer comes due in real time', () => {
    const p = predict(
      numbered([
        { op: 'new_event_loop', as: 'L1' },
        handler('L1'),
        run([
          { op: 'signal_self', sig: 'SIGUSR1' },
          { op: 'mark', tag: 'after' },
          { op: 'sleep', delay: 0.01 },
          { op: 'mark', tag: 'late' },
        ]),
      ]),
    );
    expect(p.deterministic).toBe(true);
    expect(p.expectations.filter((x) => x.clause === 'SIG-2.2')).toEqual([]);
    expect(p.expectations.some((x) => x.clause === 'SIG-2.1' && x.kind === 'ran')).toBe(true);
  });
});
