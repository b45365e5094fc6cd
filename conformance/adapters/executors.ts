/**
 * The executors a program makes (EXEC-3), as the Python driver's recorder makes them:
 * `X = ThreadPoolExecutor(thread_name_prefix='loopspec_X')`; `current_thread` in one of its
 * workers observes X. The statements on executors and on a loop's default executor.
 */
import type { Stmt } from '../../language/program.ts';
import { type BaseEventLoop, type Coro, PyError, type Runtime, type Thread, ThreadPoolExecutor } from '../../reference/index.ts';
import { attributeError } from './values.ts';
import type { Variables } from './variables.ts';

type StmtOf<O extends Stmt['op']> = Extract<Stmt, { op: O }>;

export class ProgramExecutors {
  private readonly names = new Map<ThreadPoolExecutor, string>();

  constructor(
    private readonly rt: Runtime,
    private readonly vars: Variables,
  ) {}

  /** `new_executor`: binds X. */
  make(s: StmtOf<'new_executor'>): null {
    const ex = new ThreadPoolExecutor(this.rt, `loopspec_${s.as}`);
    this.names.set(ex, s.as);
    this.vars.set(s.as, ex);
    return null;
  }

  /** The variable of the program executor whose worker `t` is, if any. */
  nameOf(t: Thread): string | undefined {
    for (const [ex, name] of this.names) if (ex._threads.includes(t)) return name;
    return undefined;
  }

  /** `L.set_default_executor(X)`, or of None. */
  setDefault(s: StmtOf<'set_default_executor'>): null {
    const loop = this.vars.loop(s.loop, 'set_default_executor');
    loop.set_default_executor(s.executor === null ? null : this.vars.lookup(s.executor));
    return null;
  }

  /** The loop and the executor of a run_in_executor statement (None: the default executor). */
  target(s: StmtOf<'run_in_executor'>): { loop: BaseEventLoop; executor: ThreadPoolExecutor | null } {
    const loop = s.loop !== undefined ? this.vars.loop(s.loop, 'run_in_executor') : (this.rt.events.get_running_loop() as BaseEventLoop);
    if (s.executor === undefined) return { loop, executor: null };
    const ex = this.vars.lookup(s.executor);
    // executor.submit is called after the loop's checks.
    if (!(ex instanceof ThreadPoolExecutor)) {
      loop._check_closed();
      throw attributeError(ex, 'submit');
    }
    return { loop, executor: ex };
  }

  /** `await asyncio.get_running_loop().shutdown_default_executor(timeout=t)` (EXEC-3.3). */
  *shutdownDefault(s: StmtOf<'shutdown_default_executor'>): Coro<null> {
    const loop = this.rt.events.get_running_loop() as BaseEventLoop;
    // 3.8 has no shutdown_default_executor (the switch says asyncio.run calls it: 3.9+).
    if (!this.rt.sw.runShutsDownExecutor) throw attributeError(loop, 'shutdown_default_executor');
    if (s.timeout !== undefined && !this.rt.sw.shutdownExecutorTimeout)
      throw new PyError('TypeError', "BaseEventLoop.shutdown_default_executor() got an unexpected keyword argument 'timeout'");
    yield* loop.shutdown_default_executor();
    return null;
  }
}
