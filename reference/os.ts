/**
 * The `os` module, reduced to what the programs use: getpid, fork and kill.
 */
import { PyError } from './errors.ts';
import type { Runtime } from './index.ts';
import type { Blocking, Work } from './world.ts';

export class OsModule {
  constructor(readonly _rt: Runtime) {}

  getpid(): number {
    return this._rt.world.currentProcess.pid;
  }

  /**
   * `os.kill(pid, sig)` of this very process (the language sends signals only to itself, from
   * its main thread): the signal is delivered before os.kill returns (reference/signal.ts).
   */
  kill(pid: number, sig: number): void {
    // Stryker disable next-line ConditionalExpression,BlockStatement,StringLiteral: not in any trace: the language kills only its own process
    if (pid !== this.getpid()) throw new PyError('ProcessLookupError', '[Errno 3] No such process');
    this._rt.signal.deliver(sig);
  }

  /**
   * `os.fork()`, with the child's code given as a function (the parent waits for the child
   * to exit; see world.ts). Returns the child's pid, in the parent.
   * It warns in the parent when the process has other live threads, as CPython does from
   * 3.12 on, and does so under every profile: the fork statement's own warnings are outside
   * the specification (FORK-1), so no switch or rule covers them.
   */
  *fork(childFn: Work): Blocking<number> {
    const pid = this.getpid();
    const r = yield* this._rt.world.fork(childFn);
    // Stryker disable next-line BlockStatement,ConditionalExpression: not compared: fork's own DeprecationWarning (outside FORK-1)
    if (r.multiThreaded) {
      this._rt.warnings.warn(
        // Stryker disable next-line StringLiteral: not compared: fork's own DeprecationWarning (outside FORK-1)
        'DeprecationWarning',
        // Stryker disable next-line StringLiteral: not compared: fork's own DeprecationWarning (outside FORK-1)
        `This process (pid=${pid}) is multi-threaded, use of fork() may lead to deadlocks in the child.`,
      );
    }
    return r.pid;
  }
}
