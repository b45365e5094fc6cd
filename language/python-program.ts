/**
 * A program as straight-line Python: each statement in a `with stmt('sN') as s:` block (see
 * py/runtime.py), each nested body a function defined just before the statement that uses
 * it. Program variables are Python globals, as they are global to the program.
 */
import type { Stmt } from './program.ts';
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
  run_in_executor: 'executor',
  start_thread: 'thread',
};

/** Ops that always return an object or raise: `as` binds their value directly. */
const ALWAYS_OBJECT = new Set<Stmt['op']>(['new_event_loop', 'get_event_loop', 'get_running_loop', 'create_task']);

function fn(name: string, body: Stmt[], kind: 'sync' | 'coro', indent: string): string[] {
  const inner = `${indent}    `;
  const lines: string[] = [];
  const assigned = new Set<string>();
  for (const s of body) {
    if (s.op === 'return') {
      lines.push(`${inner}return ${py(s.value)}`);
      break;
    }
    if (s.op === 'raise') {
      lines.push(`${inner}raise ValueError(${py(s.message)})`);
      break;
    }
    const nested =
      'body' in s && s.op !== 'fork'
        ? fn(
            `${FN_PREFIX[s.op]}_${s.id}`,
            s.body,
            s.op === 'run_until_complete' || s.op === 'asyncio_run' || s.op === 'create_task' ? 'coro' : 'sync',
            inner,
          )
        : [];
    lines.push(...nested);
    if ('as' in s && s.as) assigned.add(s.as);
    lines.push(`${inner}with stmt(${py(s.id)}) as s:`, ...statement(s, kind).map((l) => `${inner}    ${l}`));
  }
  const head = `${indent}${kind === 'coro' ? 'async ' : ''}def ${name}():`;
  const globals = assigned.size > 0 ? [`${inner}global ${[...assigned].sort().join(', ')}`] : [];
  return [head, ...globals, ...(lines.length > 0 ? lines : [`${inner}pass`])];
}

/** The Python of one statement, inside its `with` block. */
function statement(s: Stmt, kind: 'sync' | 'coro'): string[] {
  if (kind === 'sync' && CORO_ONLY.has(s.op)) return [`invalid(${py(s.op)})`];
  const fnName = `${FN_PREFIX[s.op]}_${s.id}`;
  const bind = (expr: string): string[] => {
    const as = 'as' in s ? s.as : undefined;
    if (!as) return [`s.value = ${expr}`];
    if (ALWAYS_OBJECT.has(s.op)) return [`s.value = ${as} = ${expr}`];
    // Only objects are bound, as the driver binds them (current_task may return None).
    return [`s.value = ${expr}`, `if s.value is not None and not isinstance(s.value, (bool, int, float, str)):`, `    ${as} = s.value`];
  };
  const arg = (a: string | number | null) => (typeof a === 'string' ? a : py(a));
  switch (s.op) {
    case 'new_event_loop':
    case 'get_event_loop':
    case 'get_running_loop':
      return bind(`asyncio.${s.op}()`);
    case 'peek_running_loop':
      return bind('asyncio._get_running_loop()');
    case 'set_event_loop':
      return bind(`asyncio.set_event_loop(${arg(s.arg)})`);
    case 'get_policy':
      return bind('asyncio.get_event_loop_policy()');
    case 'set_policy':
      return bind(`asyncio.set_event_loop_policy(${s.arg === 'new' ? 'policy_class()' : arg(s.arg)})`);
    case 'close':
    case 'is_closed':
    case 'is_running':
    case 'stop':
    case 'run_forever':
      return bind(`${s.loop}.${s.op}()`);
    case 'run_until_complete':
      return bind(`${s.loop}.run_until_complete(${fnName}())`);
    case 'asyncio_run':
      return bind(`asyncio.run(${fnName}())`);
    case 'call_soon':
    case 'call_soon_threadsafe':
      return [`${s.loop}.${s.op}(${fnName})`];
    case 'call_later':
      return [`${s.loop}.call_later(${py(s.delay)}, ${fnName})`];
    case 'sleep':
      return bind(`await asyncio.sleep(${py(s.delay)})`);
    case 'create_task':
      return bind(`asyncio.create_task(${fnName}())`);
    case 'await':
      return bind(`await ${s.task}`);
    case 'current_task':
      return bind('asyncio.current_task()');
    case 'task_state':
      return bind(`state(${s.task})`);
    case 'run_in_executor':
      return bind(`await asyncio.get_running_loop().run_in_executor(None, in_executor(${py(s.id)}, ${fnName}))`);
    case 'start_thread':
      return [`start_thread(${py(s.thread)}, ${fnName})`];
    case 'join_thread':
      return [`join_thread(${py(s.thread)})`];
    case 'current_thread':
      return bind('thread_name()');
    case 'mark':
      return bind(`mark(${py(s.tag)})`);
    case 'return':
    case 'raise':
    case 'fork':
      throw new Error(`${s.op} has no straight-line form here`);
  }
}
