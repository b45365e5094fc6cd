/**
 * The `signal` module, reduced to what the Unix loop uses (SIG-1, SIG-2), and the C-level
 * handler behind it: per process, each signal's disposition and the wakeup fd.
 *
 * CPython's C handler runs when the signal is delivered: for `os.kill(os.getpid(), sig)` from
 * the main thread, before os.kill returns. For a signal with a Python handler, it writes the
 * signal's number to the wakeup fd, if one is set (signal.set_wakeup_fd); the Python handler
 * itself runs later in the main thread (the Unix loop's is a no-op). A signal left at its
 * default action (SIG_DFL: SIGUSR1 and SIGUSR2 end the process) kills the process:
 * ProcessKilled ends the simulated program (a fork child's too: a simplification, no program
 * the model keeps does it). A fork child starts with a copy of its parent's state.
 */
import { PyError } from './errors.ts';
import type { Runtime } from './index.ts';
import type { Selector } from './selector.ts';
import { ProcessLocal } from './world.ts';

export const SIGINT = 2;
export const SIGKILL = 9;
export const SIGUSR1 = 10;
export const SIGUSR2 = 12;
export const SIGSTOP = 19;

/** EINVAL: signal.signal() of a signal that cannot be caught. */
export const EINVAL = 22;

/** OSError with its errno, as signal.signal raises it. */
export class OSError extends PyError {
  constructor(
    readonly errno: number,
    strerror: string,
  ) {
    super('OSError', `[Errno ${errno}] ${strerror}`);
  }
}

/** The end of the simulated program: the process died of a signal's default action. */
export class ProcessKilled extends Error {
  constructor(readonly sig: number) {
    super(`the process was killed by signal ${sig}`);
    // Stryker disable next-line StringLiteral: equivalent: ProcessKilled is caught by class; its name is never read
    this.name = 'ProcessKilled';
  }
}

/** A disposition: the default action, SIGINT's default handler, or a Python handler. */
export type Disposition = 'SIG_DFL' | 'default_int_handler' | (() => void);

interface ProcessSignals {
  /** signal.set_wakeup_fd: the self-pipe written to, or none (-1). */
  wakeup: Selector | null;
  /** The dispositions set by signal.signal; the others are SIG_DFL (SIGINT's: default_int_handler). */
  handlers: Map<number, Disposition>;
}

export class SignalModule {
  readonly SIGINT = SIGINT;
  readonly SIGKILL = SIGKILL;
  readonly SIGUSR1 = SIGUSR1;
  readonly SIGUSR2 = SIGUSR2;
  private readonly state: ProcessLocal<ProcessSignals>;

  constructor(readonly _rt: Runtime) {
    this.state = new ProcessLocal<ProcessSignals>(
      _rt.world,
      () => ({ wakeup: null, handlers: new Map() }),
      (s) => ({ wakeup: s.wakeup, handlers: new Map(s.handlers) }),
    );
  }

  /** signal.valid_signals() on Linux (glibc): 1 to 64, but 32 and 33, which the C library keeps. */
  valid_signals(): Set<number> {
    const all = new Set<number>();
    for (let sig = 1; sig <= 64; sig++) if (sig !== 32 && sig !== 33) all.add(sig);
    return all;
  }

  /** The main thread's check of set_wakeup_fd and signal (SIG-1.1: signalMainInterpreter). */
  private checkMainThread(what: string): void {
    if (this._rt.world.currentThread.isMain) return;
    const where = this._rt.sw.signalMainInterpreter ? 'main thread of the main interpreter' : 'main thread';
    throw new PyError('ValueError', `${what} only works in ${where}`);
  }

  /** signal.set_wakeup_fd(fd): the previous one is returned (null: -1). */
  set_wakeup_fd(fd: Selector | null): Selector | null {
    this.checkMainThread('set_wakeup_fd');
    const s = this.state.value;
    const old = s.wakeup;
    s.wakeup = fd;
    return old;
  }

  /** signal.signal(sig, handler): SIGKILL and SIGSTOP cannot be caught (sigaction's EINVAL). */
  signal(sig: number, handler: Disposition): Disposition {
    this.checkMainThread('signal');
    if (sig === SIGKILL || sig === SIGSTOP) throw new OSError(EINVAL, 'Invalid argument');
    const old = this.getsignal(sig);
    this.state.value.handlers.set(sig, handler);
    return old;
  }

  getsignal(sig: number): Disposition {
    return this.state.value.handlers.get(sig) ?? (sig === SIGINT ? 'default_int_handler' : 'SIG_DFL');
  }

  /** signal.siginterrupt(sig, False): SA_RESTART, which the simulation has no use for. */
  siginterrupt(_sig: number, _flag: boolean): void {}

  /**
   * The process receives `sig` (os.kill to itself, from its main thread): the C-level handler,
   * at once. With a Python handler, the signal's number goes to the wakeup fd; at its default
   * action, SIGUSR1 and SIGUSR2 end the process.
   */
  deliver(sig: number): void {
    const handler = this.getsignal(sig);
    if (handler === 'SIG_DFL') throw new ProcessKilled(sig);
    this.state.value.wakeup?.write(sig);
  }
}
