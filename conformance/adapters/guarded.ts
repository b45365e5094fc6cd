/**
 * An in-process adapter loaded from a module, kept from stalling or crashing the harness: a
 * `run` that does not settle by its deadline ends in a 'timeout' trace, and one that throws
 * (or returns something that is not a trace) ends in an 'error' trace with its message, the
 * faults an out-of-process driver gets (process.ts). Without this, a promise that never
 * settles left Node with nothing to do, and it exited (status 13) without a word.
 *
 * The adapter is wrapped in a Proxy, so its own methods still run on the object itself
 * (classes with private fields work) and everything but `run` is untouched.
 */
import type { Adapter, RunLimits } from '../adapter.ts';
import type { Program } from '../../language/program.ts';
import type { Trace } from '../../language/trace.ts';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function looksLikeTrace(t: unknown): t is Trace {
  const o = t as Partial<Trace> | null;
  return typeof o === 'object' && o !== null && typeof o.obs === 'object' && typeof o.order === 'object' && typeof o.end === 'object';
}

/**
 * `adapter` with each run raced against its deadline: the harness's (`limits.deadlineMs`),
 * never past `timeoutMs`.
 */
export function withDeadline(adapter: Adapter, timeoutMs: number): Adapter {
  const run = async (program: Program, limits?: RunLimits): Promise<Trace> => {
    const ms = Math.min(limits?.deadlineMs ?? timeoutMs, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Trace>((resolve) => {
      timer = setTimeout(
        () => resolve({ obs: {}, order: {}, end: { kind: 'timeout', detail: `run() did not settle within ${ms} ms` } }),
        ms,
      );
    });
    try {
      const trace = await Promise.race([Promise.resolve().then(() => adapter.run(program, limits)), deadline]);
      if (!looksLikeTrace(trace)) {
        const what = typeof trace === 'object' && trace !== null ? 'an object without obs, order and end' : String(trace);
        return { obs: {}, order: {}, end: { kind: 'error', detail: `run() resolved to ${what}, not a trace` } };
      }
      return trace;
    } catch (e) {
      return { obs: {}, order: {}, end: { kind: 'error', detail: `run() threw: ${message(e)}` } };
    } finally {
      clearTimeout(timer);
    }
  };
  return new Proxy(adapter, {
    get(target, key) {
      if (key === 'run') return run;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
