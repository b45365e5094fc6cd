/**
 * The one statement-to-Python printer, in two forms:
 * - a listing (formatProgram): one statement a line with its id, each nested body inline after
 *   its call's opening (`coro():`, `lambda:`), so a counterexample reads like a script;
 * - a script (straightLine): runnable straight-line Python, each statement in a
 *   `with stmt('sN') as s:` block that records what it did with loopspec's recorder
 *   (drivers/python/loopspec_recorder.py), each nested body a function defined just before the
 *   statement that uses it. Program variables are Python globals, as they are global to the
 *   program.
 */
import type { Program, Sig, Stmt } from './program.ts';
import { CORO_ONLY } from './program.ts';

/** A Python literal of JSON data (JSON's string escapes are Python's too). */
export function py(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(py).join(', ')}]`;
  return `{${Object.entries(v as object)
    .map(([k, x]) => `${JSON.stringify(k)}: ${py(x)}`)
    .join(', ')}}`;
}

type Form = 'listing' | 'script';

/** A signal as Python passes it: `signal.SIGUSR1`, an int, None. */
const sig = (x: Sig): string => (typeof x === 'string' ? `signal.${x}` : py(x));

/**
 * One statement's Python. A listing shows `X = ` where the statement binds X; a script binds
 * apart (see `statement`). In a script, `fn` names the function that holds the nested body,
 * and the recorder's helpers stand where the listing's Python would not say what is observed
 * (the program's thread names, an executor's context, the policy class `set_policy new` makes).
 */
/** An await whose CancelledError is caught (CANCEL-1.3): the listing says so; the script wraps its block. */
const catching = (c: boolean | undefined, expr: string, listing: boolean): string =>
  c && listing ? `${expr}  # except CancelledError: goes on` : expr;

function python(s: Stmt, form: Form, fn = ''): string {
  const listing = form === 'listing';
  const as = (name?: string) => (listing && name ? `${name} = ` : '');
  // a nested body: inline in a listing (the call is closed on a line of its own), else by name
  // context=C (CTX-1): before the nested body in a listing, after it in a script
  const kw = 'context' in s && s.context !== undefined ? s.context : undefined;
  const pre = listing && kw !== undefined ? `context=${kw}, ` : '';
  const post = !listing && kw !== undefined ? `, context=${kw}` : '';
  const coro = (call: string) => (listing ? `${call}${pre}coro():` : `${call}${fn}()${post})`);
  const lambda = (call: string) => (listing ? `${call}${pre}lambda:` : `${call}${fn}${post})`);
  switch (s.op) {
    case 'new_event_loop':
    case 'get_event_loop':
    case 'get_running_loop':
      return `${as(s.as)}asyncio.${s.op}()`;
    case 'peek_running_loop':
      return 'asyncio._get_running_loop()';
    case 'set_event_loop':
      return `asyncio.set_event_loop(${typeof s.arg === 'string' ? s.arg : py(s.arg)})`;
    case 'get_policy':
      return 'asyncio.get_event_loop_policy()';
    case 'set_policy':
      return `asyncio.set_event_loop_policy(${s.arg !== 'new' ? py(s.arg) : listing ? 'asyncio.DefaultEventLoopPolicy()' : 'new_policy()'})`;
    case 'close':
    case 'is_closed':
    case 'is_running':
    case 'stop':
    case 'run_forever':
      return `${s.loop}.${s.op}()`;
    case 'run_until_complete':
      return coro(`${s.loop}.run_until_complete(`);
    case 'asyncio_run': {
      // debug= and loop_factory= (RUNNER-2.3), before the nested body in a listing, after it in a script
      const kws = [
        ...(s.debug === undefined ? [] : [`debug=${py(s.debug)}`]),
        ...(s.loop_factory ? ['loop_factory=asyncio.new_event_loop'] : []),
      ];
      if (kws.length === 0) return coro('asyncio.run(');
      return listing ? `asyncio.run(${kws.join(', ')}, main=coro():` : `asyncio.run(${fn}(), ${kws.join(', ')})`;
    }
    case 'get_debug':
      return `${s.loop}.get_debug()`;
    case 'set_debug':
      return `${s.loop}.set_debug(${py(s.value)})`;
    case 'set_exception_handler':
      if (s.arg !== undefined) return `${s.loop}.set_exception_handler(${py(s.arg)})`;
      return listing
        ? `${s.loop}.set_exception_handler(lambda loop, context:`
        : `${s.loop}.set_exception_handler(handler(${py(s.id)}, ${fn}))`;
    case 'get_exception_handler':
      return listing ? `${s.loop}.get_exception_handler()` : `handler_id(${s.loop}.get_exception_handler())`;
    case 'call_exception_handler': {
      const exception = s.exception === undefined ? '' : `, 'exception': ValueError(${py(s.exception)})`;
      return `${s.loop}.call_exception_handler({'message': ${py(s.message)}${exception}})`;
    }
    case 'handler_context':
      return `handler_context(${py(s.key)})`;
    case 'set_task_factory':
      if (s.arg === 'eager') return `${s.loop}.set_task_factory(asyncio.eager_task_factory)`;
      if (s.arg !== undefined) return `${s.loop}.set_task_factory(${py(s.arg)})`;
      return listing ? `${s.loop}.set_task_factory(factory(loop, coro):` : `${s.loop}.set_task_factory(factory(${py(s.id)}, ${fn}))`;
    case 'get_task_factory':
      return listing ? `${s.loop}.get_task_factory()` : `factory_id(${s.loop}.get_task_factory())`;
    case 'call_soon':
      return lambda(`${as(s.as)}${s.loop}.call_soon(`);
    case 'call_soon_threadsafe':
      return lambda(`${s.loop}.${s.op}(`);
    case 'call_later':
      // A script remembers t0 and t1 around the call for timer_when (TIME-1.2).
      return listing ? lambda(`${as(s.as)}${s.loop}.call_later(${py(s.delay)}, `) : `call_later(${s.loop}, ${py(s.delay)}, ${fn}${post})`;
    case 'loop_time':
      return listing ? `${s.loop}.time()` : `loop_time(${s.loop})`;
    case 'call_at':
      return listing
        ? `${as(s.as)}${s.loop}.call_at(${s.loop}.time() + ${py(s.delay)}, lambda:`
        : `call_at(${s.loop}, ${py(s.delay)}, ${fn})`;
    case 'timer_when':
      return listing ? `${s.handle}.when()` : `timer_when(${s.handle})`;
    case 'timer_due':
      return listing ? `${s.handle}._loop.time() + resolution > ${s.handle}.when()` : `timer_due(${s.handle})`;
    case 'cancel_handle':
      return `${s.handle}.cancel()`;
    case 'handle_cancelled':
      return `${s.handle}.cancelled()`;
    case 'create_future':
      return `${as(s.as)}${s.loop}.create_future()`;
    case 'future_call':
      if (s.method === 'set_result') return `${s.future}.set_result(${py(s.value)})`;
      if (s.method === 'set_exception') return `${s.future}.set_exception(ValueError(${py(s.message ?? '')}))`;
      if (s.method === 'exception' && !listing) return `exception_text(${s.future}.exception())`;
      return `${s.future}.${s.method}()`;
    case 'add_done_callback':
      return listing ? `${s.future}.add_done_callback(lambda fut:` : `${s.future}.add_done_callback(lambda fut: ${fn}())`;
    case 'add_signal_handler':
      if (listing) return `${s.loop}.add_signal_handler(${sig(s.sig)}, ${s.coro ? 'async ' : ''}lambda:`;
      return `${s.loop}.add_signal_handler(${sig(s.sig)}, ${fn})`;
    case 'remove_signal_handler':
      return `${s.loop}.remove_signal_handler(${sig(s.sig)})`;
    case 'signal_self':
      return `os.kill(os.getpid(), ${sig(s.sig)})`;
    case 'sleep':
      return catching(s.catch, `await asyncio.sleep(${py(s.delay)})`, listing);
    case 'create_task': {
      // TASK-6: name=N (before the body in a listing, after it in a script), and loop.create_task
      const fnName = s.loop_method ? 'asyncio.get_running_loop().create_task(' : 'asyncio.create_task(';
      if (s.name === undefined) return coro(`${as(s.as)}${fnName}`);
      const name = `name=${py(s.name)}`;
      return listing ? `${as(s.as)}${fnName}${pre}${name}, coro():` : `${fnName}${fn}()${post}, ${name})`;
    }
    case 'await':
      return catching(s.catch, `await ${s.task}`, listing);
    case 'current_task':
      return `${as(s.as)}asyncio.current_task()`;
    case 'task_state':
      return `state(${s.task})`;
    case 'run_in_executor': {
      const loop = s.loop ?? (listing ? 'loop' : 'asyncio.get_running_loop()');
      const ex = s.executor ?? 'None';
      return listing
        ? `await ${loop}.run_in_executor(${ex}, lambda:`
        : `await ${loop}.run_in_executor(${ex}, in_executor(${py(s.id)}, ${fn}))`;
    }
    case 'ctx_set':
      return `var.set(${py(s.value)})`;
    case 'ctx_get':
      return 'var.get()';
    case 'copy_context':
      return `${as(s.as)}contextvars.copy_context()`;
    case 'to_thread':
      return listing ? 'await asyncio.to_thread(lambda:' : `await asyncio.to_thread(in_executor(${py(s.id)}, ${fn}))`;
    case 'return':
      return `return ${py(s.value)}`;
    case 'raise':
      return `raise ${s.exc ?? 'ValueError'}(${py(s.message)})`;
    case 'start_thread':
      return listing ? `${s.thread} = threading.Thread(name=${py(s.thread)}, target=lambda:` : `start_thread(${py(s.thread)}, ${fn})`;
    case 'join_thread':
      return listing ? `${s.thread}.join()` : `join_thread(${py(s.thread)})`;
    case 'fork':
      if (!listing) throw new Error('fork has no straight-line form');
      return 'if os.fork() == 0:  # child';
    case 'current_thread':
      return listing ? 'threading.current_thread()' : 'thread_name()';
    case 'cancel_task':
      return `${s.task}.cancel(${s.message === undefined ? '' : py(s.message)})`;
    case 'task_call':
      return `${s.task}.${s.method}()`;
    case 'task_name':
      return listing ? `${s.task}.get_name()` : `task_name(${s.task})`;
    case 'set_task_name':
      return `${s.task}.set_name(${py(s.value)})`;
    case 'all_tasks': {
      const all = `asyncio.all_tasks(${s.loop ?? ''})`;
      return s.task === undefined ? `len(${all})` : `${s.task} in ${all}`;
    }
    case 'mark':
      return `mark(${py(s.tag)})`;
    case 'async_gen':
      return listing ? `${as(s.as)}agen(finally_=coro():` : `make_agen(${fn})`;
    case 'agen_next':
      return `await ${s.agen}.__anext__()`;
    case 'shutdown_asyncgens':
      return `await ${s.loop}.shutdown_asyncgens()`;
    case 'asyncgen_hooks':
      return listing ? 'sys.get_asyncgen_hooks()' : 'asyncgen_hooks(sys.get_asyncgen_hooks())';
    case 'new_executor':
      return listing
        ? `${s.as} = concurrent.futures.ThreadPoolExecutor(thread_name_prefix=${py(`loopspec_${s.as}`)})`
        : `new_executor(${py(s.as)})`;
    case 'set_default_executor':
      return `${s.loop}.set_default_executor(${s.executor ?? 'None'})`;
    case 'shutdown_default_executor':
      return `await asyncio.get_running_loop().shutdown_default_executor(${s.timeout === undefined ? '' : `timeout=${py(s.timeout)}`})`;
    case 'runner_new':
      return `${as(s.as)}asyncio.Runner(${s.loop_factory ? 'loop_factory=asyncio.new_event_loop' : ''})`;
    case 'runner_run':
      return coro(`${s.runner}.run(`);
    case 'runner_get_loop':
      return `${as(s.as)}${s.runner}.get_loop()`;
    case 'runner_close':
      return `${s.runner}.close()`;
    case 'run_coroutine_threadsafe':
      if (s.arg !== undefined) return `${as(s.as)}asyncio.run_coroutine_threadsafe(${py(s.arg)}, ${s.loop})`;
      return listing
        ? `${as(s.as)}asyncio.run_coroutine_threadsafe(${s.loop}, coro():`
        : `asyncio.run_coroutine_threadsafe(${fn}(), ${s.loop})`;
    case 'cfuture_call':
      if (s.method === 'result') return `${s.future}.result(timeout=0)`;
      if (s.method === 'exception')
        return listing ? `${s.future}.exception(timeout=0)` : `exception_text(${s.future}.exception(timeout=0))`;
      return `${s.future}.${s.method}()`;
    case 'wrap_future':
      return `${as(s.as)}asyncio.wrap_future(${s.arg !== undefined ? py(s.arg) : s.future}, loop=${s.loop})`;
    case 'runner_with':
      // A block, not a call: a listing only (tool/repro's straightLineProblem sends it to the embedded style).
      if (!listing) throw new Error('runner_with has no straight-line form');
      return `with ${s.runner}${s.as ? ` as ${s.as}` : ''}:`;
  }
}

// ---- the listing ------------------------------------------------------------------------

function lines(body: Stmt[], indent: string): string[] {
  const out: string[] = [];
  for (const s of body) {
    const id = (s.id ?? '').padEnd(5);
    out.push(`${id}${indent}${python(s, 'listing')}`);
    // set_exception_handler and set_task_factory with an argument pass it, not their (empty) body
    if ('body' in s && !passesArg(s)) {
      out.push(...lines(s.body, `${indent}    `));
      if (s.op === 'start_thread') out.push(`     ${indent}).start()`);
      else if (s.op !== 'fork' && s.op !== 'runner_with') out.push(`     ${indent})`);
    }
  }
  return out;
}

/** The program as a listing: one statement a line, with its id. */
export function formatProgram(p: Program): string {
  return lines(p.main, '').join('\n');
}

// ---- the script -------------------------------------------------------------------------

/** `def program():` and the functions of its nested bodies. */
export function straightLine(main: Stmt[]): string {
  return fn('program', main, 'sync', '').join('\n');
}

const FN_PREFIX: Partial<Record<Stmt['op'], string>> = {
  run_until_complete: 'coro',
  asyncio_run: 'coro',
  create_task: 'coro',
  call_soon: 'callback',
  call_later: 'callback',
  call_soon_threadsafe: 'callback',
  call_at: 'callback',
  run_in_executor: 'executor',
  start_thread: 'thread',
  set_exception_handler: 'handler',
  add_done_callback: 'callback',
  set_task_factory: 'factory',
  async_gen: 'finally',
  to_thread: 'executor',
  add_signal_handler: 'signal_handler',
  runner_run: 'coro',
  run_coroutine_threadsafe: 'coro',
};

/** A statement with a body that passes an argument instead (the body is empty). */
const passesArg = (s: Stmt): boolean => (s.op === 'set_exception_handler' || s.op === 'set_task_factory') && s.arg !== undefined;

/** Ops that always return an object or raise: `as` binds their value directly. */
const ALWAYS_OBJECT = new Set<Stmt['op']>(['new_event_loop', 'get_event_loop', 'get_running_loop', 'create_task', 'runner_get_loop']);
/** Ops whose value the recorder takes as None, as the driver observes them (call_soon's Handle is not). */
const NO_VALUE = new Set<Stmt['op']>([
  'call_soon',
  'call_soon_threadsafe',
  'call_later',
  'start_thread',
  'join_thread',
  'create_future',
  'add_done_callback',
  'call_at',
  'async_gen',
  'ctx_set',
  'copy_context',
  'new_executor',
  'runner_new',
  'run_coroutine_threadsafe',
]);
const CORO_BODY = new Set<Stmt['op']>([
  'run_until_complete',
  'asyncio_run',
  'create_task',
  'async_gen',
  'runner_run',
  'run_coroutine_threadsafe',
]);

function fn(name: string, body: Stmt[], kind: 'sync' | 'coro', indent: string): string[] {
  const inner = `${indent}    `;
  const lines: string[] = [];
  const assigned = new Set<string>();
  for (const s of body) {
    if (s.op === 'return' || s.op === 'raise') {
      lines.push(`${inner}${python(s, 'script')}`);
      break;
    }
    const nested =
      'body' in s && s.op !== 'fork' && !passesArg(s)
        ? fn(
            `${FN_PREFIX[s.op]}_${s.id}`,
            s.body,
            CORO_BODY.has(s.op) || (s.op === 'add_signal_handler' && s.coro) ? 'coro' : 'sync',
            inner,
          )
        : [];
    lines.push(...nested);
    if ('as' in s && s.as) assigned.add(s.as);
    const block = [`with stmt(${py(s.id)}) as s:`, ...statement(s, kind).map((l) => `    ${l}`)];
    // CANCEL-1.3: a caught CancelledError is observed by the statement, then the body goes on
    const caught = 'catch' in s && s.catch && kind === 'coro';
    const wrapped = caught ? ['try:', ...block.map((l) => `    ${l}`), 'except asyncio.CancelledError:', '    pass'] : block;
    lines.push(...wrapped.map((l) => `${inner}${l}`));
  }
  const head = `${indent}${kind === 'coro' ? 'async ' : ''}def ${name}():`;
  const globals = assigned.size > 0 ? [`${inner}global ${[...assigned].sort().join(', ')}`] : [];
  return [head, ...globals, ...(lines.length > 0 ? lines : [`${inner}pass`])];
}

/** The Python of one statement, inside its `with` block. */
function statement(s: Stmt, kind: 'sync' | 'coro'): string[] {
  if (kind === 'sync' && CORO_ONLY.has(s.op)) return [`invalid(${py(s.op)})`];
  const expr = python(s, 'script', `${FN_PREFIX[s.op]}_${s.id}`);
  const as = 'as' in s ? s.as : undefined;
  // A handle is bound, never observed.
  if (NO_VALUE.has(s.op)) return [as ? `${as} = ${expr}` : expr];
  // wrap_future observes whether it returned its argument itself (RCT-1.4)
  if (s.op === 'wrap_future') {
    const given = s.arg !== undefined ? py(s.arg) : s.future;
    return [`${as ?? '_wrapped'} = ${expr}`, `s.value = 'same' if ${as ?? '_wrapped'} is ${given} else None`];
  }
  if (!as) return [`s.value = ${expr}`];
  if (ALWAYS_OBJECT.has(s.op)) return [`s.value = ${as} = ${expr}`];
  // Only objects are bound, as the driver binds them (current_task may return None).
  return [`s.value = ${expr}`, `if s.value is not None and not isinstance(s.value, (bool, int, float, str)):`, `    ${as} = s.value`];
}
