/**
 * The exception handler (base_events.py set_exception_handler, get_exception_handler,
 * call_exception_handler; events.py Handle._run), with the rule that decides it (ERR-1).
 */
import type { Stmt } from '../../language/program.ts';
import { walk as statements } from '../../language/program.ts';
import { tag } from '../predictions.ts';
import { OutOfModel, PyErr } from './state.ts';
import type { MLoop, MThread } from './state.ts';
import type { ClauseTags, StmtOf, Walk, Where } from './walk.ts';

/** What a handler was called with (handler_context reads the innermost call of its thread). */
export interface HandlerCall {
  thread: MThread;
  loop: MLoop;
  /** The context's keys, sorted. */
  keys: string[];
  message: string;
  exception: PyErr | null;
  /** ERR-1.2 (a callback raised) or ERR-1.3 (call_exception_handler called directly). */
  clause: 'ERR-1.2' | 'ERR-1.3';
}

/**
 * Statements whose outcome asyncio may hand to the exception handler when the garbage
 * collector reclaims a task or a future ("Task exception was never retrieved", "Task was
 * destroyed but it is pending!", "Future exception was never retrieved"), or that leave a task
 * to it: with a handler whose body observes, the program is out of the model (ERR-1 rationale).
 */
const GC_REPORTED = new Set(['create_task', 'run_in_executor', 'stop', 'run_forever', 'fork', 'create_future', 'run_coroutine_threadsafe']);

/** `L.set_exception_handler(h)` (ERR-1.1). */
export function setExceptionHandler(walk: Walk, s: StmtOf<'set_exception_handler'>, tags: ClauseTags): null {
  const m = walk.m;
  const loop = walk.guards.loopVar(s.loop, 'set_exception_handler');
  // Which handler a callback raising in the loop's thread meets would be a race.
  if (loop.thread !== null && loop.thread !== m.thread) throw new OutOfModel('set_exception_handler on a loop running in another thread');
  tags.outcome.push('ERR-1.1');
  if (s.arg === undefined) {
    if (s.body.length > 0 && walk.programOps().some((op) => GC_REPORTED.has(op)))
      throw new OutOfModel('an exception handler that observes, where the garbage collector may call it (a task or a future)');
    loop.handler = { sid: s.id!, body: s.body };
    return null;
  }
  if (s.arg === null) {
    loop.handler = null;
    return null;
  }
  throw new PyErr('TypeError', `A callable object or None is expected, got ${pyInt(s.arg)}`);
}

/** An int's repr (the language passes integers here; a float is out of the model). */
function pyInt(n: number): string {
  if (!Number.isInteger(n)) throw new OutOfModel('set_exception_handler of a float: its repr is not modelled');
  return String(n);
}

/** `L.get_exception_handler()` (ERR-1.1): None, or the statement that set it. */
export function getExceptionHandler(walk: Walk, s: StmtOf<'get_exception_handler'>, tags: ClauseTags): string | null {
  const loop = walk.guards.loopVar(s.loop, 'get_exception_handler');
  tags.outcome.push('ERR-1.1');
  return loop.handler?.sid ?? null;
}

/** `L.call_exception_handler({'message': ..., 'exception': ...})` (ERR-1.3, ERR-1.4). */
export function callExceptionHandler(walk: Walk, s: StmtOf<'call_exception_handler'>, tags: ClauseTags): null {
  const loop = walk.guards.loopVar(s.loop, 'call_exception_handler');
  const exception = s.exception === undefined ? null : new PyErr('ValueError', s.exception);
  const keys = exception ? ['exception', 'message'] : ['message'];
  // handler_context shows a message that names a callback's source by its prefix alone
  const message = s.message.startsWith('Exception in callback ') ? 'Exception in callback' : s.message;
  const raised = callHandler(walk, loop, { keys, message, exception, clause: 'ERR-1.3' });
  tags.outcome.push(raised ? 'ERR-1.4' : 'ERR-1.3');
  return null;
}

/** Handle._run: a callback raised `e`; its loop's handler is called with the handle's context (ERR-1.2). */
export function callbackRaised(walk: Walk, { loop, scheduledInDebug }: Where, e: PyErr): void {
  if (!loop.handler) return; // the default handler logs it
  // The context has the handle's source_traceback too (text with paths) where the loop was in
  // debug mode when the callback was scheduled: Handle.__init__ takes it then (3.8 to 3.13).
  if (loop.debug || scheduledInDebug)
    throw new OutOfModel('a callback raises in a loop in debug mode, or scheduled in debug mode, that has an exception handler');
  const raised = callHandler(walk, loop, {
    keys: ['exception', 'handle', 'message'],
    message: 'Exception in callback',
    exception: e,
    clause: 'ERR-1.2',
  });
  if (raised) walk.handlerRaised.add(loop);
}

/** A callback starts: the first after one whose handler raised shows that the loop went on (ERR-1.4). */
export function callbackStarts(walk: Walk, loop: MLoop, body: Stmt[]): void {
  if (!walk.handlerRaised.delete(loop)) return;
  const first = body.find((x) => x.op !== 'return' && x.op !== 'raise');
  if (first) walk.expect({ ...tag('ERR-1.4'), kind: 'ran', stmt: first.id!, expected: true });
}

/**
 * call_exception_handler: the handler's body runs now, in this thread; an exception it raises
 * goes to the default handler, which logs it (ERR-1.4). Returns whether it raised.
 */
function callHandler(walk: Walk, loop: MLoop, call: Omit<HandlerCall, 'thread' | 'loop'>): boolean {
  const handler = loop.handler;
  if (!handler) return false; // the default handler logs, and returns None
  // A handler that calls its own loop's handler recurses until CPython's RecursionError, which call_exception_handler logs.
  if (walk.handlerCalls.some((c) => c.loop === loop)) throw new OutOfModel('a handler calls its own loop handler again');
  const body = [...statements(handler.body)];
  // A handler called again: what its statements observe is the last call's (the trace keeps one observation a statement).
  if (body.some((x) => x.id! in walk.obs)) {
    if (body.some((x) => x.op === 'mark' || 'body' in x)) throw new OutOfModel('a handler with marks or nested bodies called twice');
    walk.forget(new Set(body.map((x) => x.id!)));
  }
  const first = handler.body.find((x) => x.op !== 'return' && x.op !== 'raise');
  if (first) walk.expect({ ...tag(call.clause), kind: 'ran', stmt: first.id!, expected: true });
  walk.handlerCalls.push({ ...call, thread: walk.m.thread, loop });
  try {
    walk.syncBody(handler.body);
    return false;
  } catch (e) {
    if (!(e instanceof PyErr)) throw e;
    return true;
  } finally {
    walk.handlerCalls.pop();
  }
}

/** `handler_context(key)`: what the innermost handler call of this thread was given. */
export function handlerContext(walk: Walk, s: StmtOf<'handler_context'>, tags: ClauseTags): unknown {
  const call = [...walk.handlerCalls].reverse().find((c) => c.thread === walk.m.thread);
  if (!call) throw new PyErr('LoopspecInvalid', 'handler_context outside an exception handler');
  tags.outcome.push(call.clause);
  switch (s.key) {
    case 'loop':
      return call.loop;
    case 'keys':
      return call.keys.join(',');
    case 'message':
      return call.message;
    case 'exception':
      return call.exception ? `${call.exception.type}: ${call.exception.message}` : null;
  }
}
