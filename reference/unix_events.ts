/**
 * asyncio/unix_events.py: `_UnixSelectorEventLoop`, the loop new_event_loop() makes on Unix,
 * and its signal handlers (SIG-1, SIG-2). The reference has one selector loop, so what
 * selector_events.py's BaseSelectorEventLoop does with the self-pipe (its reader,
 * `_read_from_self`, and closing it) is here too, with base_events.py's `_add_callback` and
 * `_add_callback_signalsafe`, which only the reader uses.
 *
 * How a signal reaches its handler: the C-level handler writes the signal's number to the
 * wakeup fd, this loop's self-pipe (reference/signal.ts); the loop's next iteration finds the
 * self-pipe readable and queues its reader (reference/selector.ts); the reader, when it runs,
 * queues the handler registered for that signal then, as a Handle at the end of the ready
 * queue, which runs in the following iteration.
 */
import { BaseEventLoop } from './base_events.ts';
import { PyError, pyStrRepr } from './errors.ts';
import { type Callback, Handle } from './events.ts';
import { iscoroutine } from './futures.ts';
import type { Runtime } from './index.ts';
import { EINVAL, OSError, SIGINT } from './signal.ts';

/** The functions that are coroutine functions (`async def`): what coroutines.iscoroutinefunction tells. */
const coroutineFunctions = new WeakSet<object>();

/** Marks `f` as a coroutine function (the interpreter's `async def` callbacks). */
export function markCoroutineFunction<F extends object>(f: F): F {
  coroutineFunctions.add(f);
  return f;
}

export const iscoroutinefunction = (f: unknown): boolean => typeof f === 'function' && coroutineFunctions.has(f);

/** repr() of what a statement passes as a signal: None, a str, an int. */
const sigRepr = (sig: unknown): string =>
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: a statement's None is null, never undefined (conformance/adapters/signals.ts sigArg) (the killed mutants of this line are ignored with it)
  sig === null || sig === undefined ? 'None' : typeof sig === 'string' ? pyStrRepr(sig) : String(sig);

/** The Python-level handler the loop installs: a no-op, the self-pipe does the work. */
function _sighandler_noop(): void {}

export class SelectorEventLoop extends BaseEventLoop {
  // Stryker disable next-line StringLiteral: not in any trace: no statement makes a message name a loop type
  static override pyName = '_UnixSelectorEventLoop';
  /** The handler of each signal this loop handles (SIG-1.1): a Handle, the same one each time. */
  readonly _signal_handlers = new Map<number, Handle>();

  constructor(rt: Runtime) {
    super(rt);
    this._make_self_pipe();
  }

  /** selector_events: the self-pipe's reader is _read_from_self, a Handle of this loop. */
  _make_self_pipe(): void {
    // Stryker disable next-line ArrayDeclaration: equivalent: the reader's function takes no argument, and its Handle is shown nowhere (the reader never raises)
    const reader = new Handle(() => this._read_from_self(), [], this);
    this._selector.add_reader(() => this._add_callback(reader));
  }

  /** base_events._add_callback: to the ready queue, unless cancelled. */
  _add_callback(handle: Handle): void {
    // Stryker disable next-line ConditionalExpression: equivalent: no handle queued this way is ever cancelled (the language cannot reach a signal's Handle)
    if (!handle._cancelled) this._ready.push(handle);
  }

  /** base_events._add_callback_signalsafe: queued, and the self-pipe written (the reader reads that byte too). */
  _add_callback_signalsafe(handle: Handle): void {
    this._add_callback(handle);
    this._write_to_self();
  }

  /** selector_events._read_from_self: until the self-pipe is empty, bytes written meanwhile too (SIG-2.2). */
  _read_from_self(): void {
    for (let data = this._selector.recv(); data.length > 0; data = this._selector.recv()) this._process_self_data(data);
  }

  /** Each signal's number, in the order they came (SIG-2.2); the null bytes of _write_to_self are nothing. */
  _process_self_data(data: number[]): void {
    // Stryker disable next-line ConditionalExpression: equivalent: no loop has a handler for 0 (_check_signal refuses it), so _handle_signal(0) does nothing
    for (const signum of data) if (signum) this._handle_signal(signum);
  }

  /** SIG-2.1: the handler registered for the signal now, queued; none, nothing. */
  _handle_signal(sig: number): void {
    const handle = this._signal_handlers.get(sig);
    if (handle === undefined) return;
    // Stryker disable next-line ConditionalExpression: equivalent: the language cannot cancel a signal's Handle
    if (handle._cancelled) this.remove_signal_handler(sig);
    else this._add_callback_signalsafe(handle);
  }

  /**
   * SIG-1.1: the checks in CPython's order (a coroutine, the signal, the loop closed, the main
   * thread: set_wakeup_fd's, an uncatchable signal: signal.signal's); then `callback` is the
   * signal's handler, replacing any earlier one, and this loop's self-pipe the wakeup fd.
   */
  add_signal_handler(sig: unknown, callback: Callback, ...args: unknown[]): void {
    if (iscoroutine(callback) || iscoroutinefunction(callback)) {
      throw new PyError('TypeError', 'coroutines cannot be used with add_signal_handler()');
    }
    const signum = this._check_signal(sig);
    this._check_closed();
    const signal = this._rt.signal;
    try {
      signal.set_wakeup_fd(this._selector);
    } catch (exc) {
      if (!(exc instanceof PyError)) throw exc;
      throw new PyError('RuntimeError', exc.message);
    }
    const handle = new Handle(callback, args, this);
    this._signal_handlers.set(signum, handle);
    try {
      signal.signal(signum, _sighandler_noop);
      // Stryker disable next-line BooleanLiteral: equivalent: siginterrupt is a no-op here (SA_RESTART: the simulation has no interrupted system call)
      signal.siginterrupt(signum, false);
    } catch (exc) {
      if (!(exc instanceof OSError)) throw exc;
      this._signal_handlers.delete(signum);
      // Stryker disable next-line ConditionalExpression: not compared: `→ false` leaves the wakeup fd to a loop that holds no handler, which shows only through another loop's handlers (they silently stop when a loop gives the fd up), the two loops holding handlers SIG-2 leaves out (the killed `→ true` of this line is ignored with it)
      if (this._signal_handlers.size === 0) signal.set_wakeup_fd(null);
      // Stryker disable next-line ConditionalExpression: equivalent: signal.signal raises only EINVAL (an uncatchable signal)
      if (exc.errno === EINVAL) throw new PyError('RuntimeError', `sig ${signum} cannot be caught`);
      throw exc;
    }
  }

  /**
   * SIG-1.2: True when this loop had a handler for the signal, now removed (the signal back to
   * its default action, the wakeup fd unset with the last one), False when it had none.
   */
  remove_signal_handler(sig: unknown): boolean {
    const signum = this._check_signal(sig);
    if (!this._signal_handlers.delete(signum)) return false;
    const signal = this._rt.signal;
    // Stryker disable next-line ConditionalExpression,StringLiteral: not in any trace: the language handles no SIGINT
    // Stryker disable next-line EqualityOperator: not compared: a removed signal's disposition shows only when the signal is sent again (at its default action it ends the process), which SIG-2 leaves out
    signal.signal(signum, signum === SIGINT ? 'default_int_handler' : 'SIG_DFL');
    // Stryker disable next-line ConditionalExpression: not compared: `→ false` leaves the wakeup fd to a loop that holds no handler, which shows only through another loop's handlers (they silently stop when a loop gives the fd up), the two loops holding handlers SIG-2 leaves out (the killed `→ true` of this line is ignored with it)
    if (this._signal_handlers.size === 0) signal.set_wakeup_fd(null);
    return true;
  }

  /** TypeError for what is not an int, ValueError for an int that is no signal. */
  _check_signal(sig: unknown): number {
    if (typeof sig !== 'number' || !Number.isInteger(sig)) throw new PyError('TypeError', `sig must be an int, not ${sigRepr(sig)}`);
    if (!this._rt.signal.valid_signals().has(sig)) throw new PyError('ValueError', `invalid signal number ${sig}`);
    return sig;
  }

  /**
   * selector_events.BaseSelectorEventLoop.close (3.8.18, 3.12.1): a running loop refused before
   * anything changes, a closed one left as it is, else the self-pipe closed with the loop; then
   * SIG-1.3: every handler removed.
   */
  override close(): void {
    if (this.is_running()) throw new PyError('RuntimeError', 'Cannot close a running event loop');
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: equivalent: the self-pipe of a closed loop, left open or closed again, is never read: a closed loop never runs again, and close() removed its handlers, so the wakeup fd left it
    if (!this._closed) this._selector.close();
    super.close();
    for (const sig of [...this._signal_handlers.keys()]) this.remove_signal_handler(sig);
  }
}
