/**
 * Signals during `loopspec run`. The first Ctrl-C stops the run between rules: the current
 * rule finishes, the reports are written, exit 130. A second Ctrl-C, or SIGTERM at any time
 * (a CI job cancelled, a container stopped), stops at once: every driver's process group is
 * killed (drivers run in their own group, so the terminal's signal never reaches them), the
 * reports are written with the rules that finished, and loopspec exits 130 (SIGINT) or 143
 * (SIGTERM). All of it runs synchronously inside the handler, so no program can start and no
 * driver can be restarted between the kill and the exit.
 */
import type { Adapter } from '../../conformance/adapter.ts';
import { EXIT, type Io } from './options.ts';

export interface Interrupt {
  /** Aborted by the first Ctrl-C: the runner stops between rules. */
  signal: AbortSignal;
  release: () => void;
}

/** What a stop at once does besides killing the drivers: write what finished (synchronously). */
export type OnStop = (code: number) => void;

/** Kills the process group of every out-of-process driver (ProcessAdapter.kill): at once, synchronously. */
export function killAll(adapters: readonly Adapter[]): void {
  for (const a of adapters) (a as Adapter & { kill?: () => void }).kill?.();
}

/**
 * Installs the handlers until `release`. `adapters` is read when a signal comes: the drivers
 * started by then are killed. `exit` is process.exit but in tests.
 */
export function interruptible(
  io: Io,
  adapters: readonly Adapter[],
  onStop: OnStop,
  exit: (code: number) => void = process.exit,
): Interrupt {
  const controller = new AbortController();
  const stop = (code: number, why: string) => {
    io.err(`loopspec: ${why}: stopping the implementation now, then writing the reports of the rules that finished`);
    killAll(adapters);
    try {
      onStop(code);
    } catch (e) {
      io.err(`loopspec: the reports could not be written: ${e instanceof Error ? e.message : String(e)}`);
    }
    exit(code);
  };
  const onSigint = () => {
    if (controller.signal.aborted) return stop(EXIT.interrupted, 'interrupted again');
    io.err('loopspec: interrupted: finishing the current rule, then writing the reports (Ctrl-C again stops at once)');
    controller.abort();
  };
  const onSigterm = () => stop(EXIT.terminated, 'terminated (SIGTERM)');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    },
  };
}

/**
 * For commands that run one program (replay): any Ctrl-C or SIGTERM stops at once, drivers
 * killed, exit 130 or 143. Returns the function that removes the handlers.
 */
export function stopAtOnce(io: Io, adapters: readonly Adapter[], exit: (code: number) => void = process.exit): () => void {
  const stop = (code: number, why: string) => {
    io.err(`loopspec: ${why}: stopping the implementation`);
    killAll(adapters);
    exit(code);
  };
  const onSigint = () => stop(EXIT.interrupted, 'interrupted');
  const onSigterm = () => stop(EXIT.terminated, 'terminated (SIGTERM)');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
}

/** How long an adapter's close() may take before loopspec gives up on it (ms). */
const CLOSE_MS = 15_000;

/**
 * Closes every adapter. A close() that throws, rejects or does not settle is one line on
 * stderr (once, however many instances fail alike), and its drivers are killed: the reports
 * are written by then, and the exit code stays the run's.
 */
export async function closeAll(adapters: readonly Adapter[], io: Io): Promise<void> {
  const failures = new Set<string>();
  await Promise.all(
    adapters.map(async (a) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`it did not settle within ${CLOSE_MS} ms`)), CLOSE_MS);
      });
      try {
        await Promise.race([Promise.resolve().then(() => a.close()), late]);
      } catch (e) {
        failures.add((e instanceof Error ? e.message : String(e)).split('\n')[0]);
        killAll([a]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  for (const f of failures) io.err(`loopspec: the adapter's close() failed: ${f}`);
}
