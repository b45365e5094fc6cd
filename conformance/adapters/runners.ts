/**
 * asyncio.Runner (RUNNER-1), as the Python driver drives it: `R = asyncio.Runner()` (with
 * `loop_factory=asyncio.new_event_loop` or not) bound and never observed; R.run, R.get_loop
 * and R.close on the runner bound to a variable.
 */
import type { Stmt } from '../../language/program.ts';
import type { Plain } from '../../language/program.ts';
import { type BaseEventLoop, type Context, type Coro, PyError, Runner, type Runtime } from '../../reference/index.ts';
import type { Blocking } from '../../reference/world.ts';
import { attributeError } from './values.ts';
import type { Variables } from './variables.ts';

type StmtOf<O extends Stmt['op']> = Extract<Stmt, { op: O }>;

export class ProgramRunners {
  constructor(
    private readonly rt: Runtime,
    private readonly vars: Variables,
  ) {}

  /** `R = asyncio.Runner(...)`: 3.11+ (switch runner); before, reading asyncio.Runner raises. */
  make(s: StmtOf<'runner_new'>): null {
    if (!this.rt.sw.runner) throw new PyError('AttributeError', "module 'asyncio' has no attribute 'Runner'");
    const factory = s.loop_factory ? () => this.rt.events.new_event_loop() as BaseEventLoop : null;
    this.vars.set(s.as, this.rt.runners.Runner(factory));
    return null;
  }

  /** `R.run(coro())`, with context=C where the statement names one (RUNNER-2.2; read before the call). */
  *run(s: StmtOf<'runner_run'>, coro: Coro<unknown>, context: Context | null): Blocking<unknown> {
    return yield* this.runner(s.runner, 'run').run(coro, context);
  }

  /** `with R as W:` around the body (RUNNER-2.1): __exit__ however the body ends; its exception goes on. */
  *with(s: StmtOf<'runner_with'>, body: () => Blocking<Plain>): Blocking<Plain> {
    const r = this.runner(s.runner, '__enter__');
    const entered = r.__enter__();
    if (s.as !== undefined) this.vars.set(s.as, entered);
    try {
      return yield* body();
    } finally {
      yield* r.__exit__();
    }
  }

  getLoop(s: StmtOf<'runner_get_loop'>): BaseEventLoop {
    return this.runner(s.runner, 'get_loop').get_loop();
  }

  *close(s: StmtOf<'runner_close'>): Blocking<null> {
    yield* this.runner(s.runner, 'close').close();
    return null;
  }

  private runner(name: string, method: string): Runner {
    const v = this.vars.lookup(name);
    if (!(v instanceof Runner)) throw attributeError(v, method);
    return v;
  }
}
