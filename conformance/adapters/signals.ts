/**
 * The signal statements (SIG-1, SIG-2) over the reference, as the Python driver runs them:
 * a signal passed by name is signal.<name>, a number that int, null None; the process sends
 * itself a signal with os.kill(os.getpid(), sig).
 */
import { type BaseEventLoop, PyError, type Runtime, SelectorEventLoop, markCoroutineFunction } from '../../reference/index.ts';
import { SIGNAL_NUMBERS, type Sig } from '../../language/program.ts';
import { attributeError } from './values.ts';

/** What a statement's `sig` passes, as the driver's signal_arg gives it. */
function sigArg(sig: Sig): number | null {
  if (sig === null) return null;
  if (typeof sig === 'string') return SIGNAL_NUMBERS[sig];
  if (Number.isInteger(sig) && (sig < 1 || sig > 64)) return sig;
  throw new PyError('LoopspecInvalid', `signal ${sig} is not one the language passes`);
}

/** The Unix loop a signal statement calls `method` of. */
function unixLoop(loop: BaseEventLoop, method: string): SelectorEventLoop {
  if (!(loop instanceof SelectorEventLoop)) throw attributeError(loop, method);
  return loop;
}

/** `L.add_signal_handler(sig, cb)`: cb the body's function, or with `coro` a coroutine function (never called). */
export function addSignalHandler(loop: BaseEventLoop, sig: Sig, coro: boolean | undefined, callback: () => unknown): null {
  unixLoop(loop, 'add_signal_handler').add_signal_handler(sigArg(sig), coro ? markCoroutineFunction(() => {}) : callback);
  return null;
}

/** `L.remove_signal_handler(sig)`. */
export function removeSignalHandler(loop: BaseEventLoop, sig: Sig): boolean {
  return unixLoop(loop, 'remove_signal_handler').remove_signal_handler(sigArg(sig));
}

/** `os.kill(os.getpid(), signal.<sig>)`. */
export function signalSelf(rt: Runtime, sig: 'SIGUSR1' | 'SIGUSR2'): null {
  if (sig !== 'SIGUSR1' && sig !== 'SIGUSR2') throw new PyError('LoopspecInvalid', `signal_self of ${sig}: only SIGUSR1 and SIGUSR2`);
  rt.os.kill(rt.os.getpid(), SIGNAL_NUMBERS[sig]);
  return null;
}
