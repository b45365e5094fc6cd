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

/** signal.NSIG on Linux: the signals are 1 to NSIG - 1. */
export const NSIG = 65;

/** EINVAL: signal.signal() of a signal that cannot be caught. */
export const EINVAL = 22;

/** OSError with its errno, as signal.signal raises it. */
export class OSError extends PyError {
  constructor(
    readonly errno: number,
    strerror: string,
  ) {
    // Stryker disable next-line StringLiteral: equivalent: no program sees this OSError: signal.signal raises it for SIGKILL and SIGSTOP only, and its one caller with those, add_signal_handler, raises a RuntimeError in its place (it reads errno, never the type or the text)
    super('OSError', `[Errno ${errno}] ${strerror}`);
  }
}

/** The end of the simulated program: the process died of a signal's default action. */
export class ProcessKilled extends Error {
  constructor(readonly sig: number) {
    // Stryker disable next-line StringLiteral: not in any trace: a crash's detail is shown, never compared (and no program the model keeps sends a signal at its default action: SIG-2 leaves it out)
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

  /**
   * signal.valid_signals() on Linux (glibc): 1 to NSIG - 1, but 32 and 33, which the C library
   * keeps (measured: 32 and 33 not in it, 64 in it, on CPython 3.8.18 to 3.13.0).
   */
  valid_signals(): Set<number> {
    const all = new Set<number>();
    for (let sig = 1; sig < NSIG; sig++) {
      // Stryker disable next-line ConditionalExpression: not in any trace: the language passes no int from 1 to 64 (program.ts Sig: signals by name, ints at most 0 or from 65) (the killed mutants of this line are ignored with it)
      if (sig !== 32 && sig !== 33) all.add(sig);
    }
    return all;
  }

  /** The main thread's check of set_wakeup_fd and signal (SIG-1.1: signalMainInterpreter). */
  private checkMainThread(what: string): void {
    if (this._rt.world.currentThread.isMain) return;
    const where = this._rt.sw.signalMainInterpreter ? 'main thread of the main interpreter' : 'main thread';
    throw new PyError(
      // Stryker disable next-line StringLiteral: not compared: the ValueError reaches a program only from remove_signal_handler or close() of a handler from another thread than the main thread, the half-removal SIG-1 leaves out (add_signal_handler raises a RuntimeError with its message)
      'ValueError',
      `${what} only works in ${where}`,
    );
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
    // Stryker disable next-line StringLiteral: not compared: signal.signal's own check of the thread raises only in remove_signal_handler or close() of a handler from another thread than the main thread (add_signal_handler's set_wakeup_fd refuses first), the half-removal SIG-1 leaves out
    this.checkMainThread('signal');
    // Stryker disable next-line StringLiteral: equivalent: the OSError's text is read by nothing (see OSError)
    if (sig === SIGKILL || sig === SIGSTOP) throw new OSError(EINVAL, 'Invalid argument');
    const old = this.getsignal(sig);
    this.state.value.handlers.set(sig, handler);
    return old;
  }

  getsignal(sig: number): Disposition {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: not compared: the default only decides what a signal never caught does when delivered: another than SIGINT ends the process (a signal at its default action, which SIG-2 leaves out), SIGINT is neither named nor sent by the language (SIG-1 leaves it out)
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
    // Stryker disable next-line ConditionalExpression: not compared: `→ false` leaves alive a process sent a signal at its default action, which SIG-2 leaves out (the oracle: out of the model) (the killed mutants of this line are ignored with it)
    if (handler === 'SIG_DFL') throw new ProcessKilled(sig);
    this.state.value.wakeup?.write(sig);
  }
}
