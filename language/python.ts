/**
 * Programs printed as the Python they stand for, one statement a line with its id, so a
 * counterexample reads like a script.
 */
import type { Program, Stmt } from './program.ts';

const py = (v: unknown): string => (v === null ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : JSON.stringify(v));

function head(s: Stmt): string {
  switch (s.op) {
    case 'new_event_loop':
      return `${s.as ? `${s.as} = ` : ''}asyncio.new_event_loop()`;
    case 'get_event_loop':
      return `${s.as ? `${s.as} = ` : ''}asyncio.get_event_loop()`;
    case 'get_running_loop':
      return `${s.as ? `${s.as} = ` : ''}asyncio.get_running_loop()`;
    case 'peek_running_loop':
      return 'asyncio._get_running_loop()';
    case 'set_event_loop':
      return `asyncio.set_event_loop(${typeof s.arg === 'string' ? s.arg : py(s.arg)})`;
    case 'get_policy':
      return 'asyncio.get_event_loop_policy()';
    case 'set_policy':
      return `asyncio.set_event_loop_policy(${s.arg === 'new' ? 'asyncio.DefaultEventLoopPolicy()' : py(s.arg)})`;
    case 'close':
    case 'is_closed':
    case 'is_running':
    case 'stop':
    case 'run_forever':
      return `${s.loop}.${s.op}()`;
    case 'run_until_complete':
      return `${s.loop}.run_until_complete(coro():`;
    case 'asyncio_run':
      return 'asyncio.run(coro():';
    case 'call_soon':
    case 'call_soon_threadsafe':
      return `${s.loop}.${s.op}(lambda:`;
    case 'call_later':
      return `${s.loop}.call_later(${s.delay}, lambda:`;
    case 'sleep':
      return `await asyncio.sleep(${s.delay})`;
    case 'create_task':
      return `${s.as} = asyncio.create_task(coro():`;
    case 'await':
      return `await ${s.task}`;
    case 'current_task':
      return `${s.as ? `${s.as} = ` : ''}asyncio.current_task()`;
    case 'task_state':
      return `state(${s.task})`;
    case 'run_in_executor':
      return 'await loop.run_in_executor(None, lambda:';
    case 'return':
      return `return ${py(s.value)}`;
    case 'raise':
      return `raise ValueError(${py(s.message)})`;
    case 'start_thread':
      return `${s.thread} = threading.Thread(name=${py(s.thread)}, target=lambda:`;
    case 'join_thread':
      return `${s.thread}.join()`;
    case 'fork':
      return 'if os.fork() == 0:  # child';
    case 'current_thread':
      return 'threading.current_thread()';
    case 'mark':
      return `mark(${py(s.tag)})`;
  }
}

function lines(body: Stmt[], indent: string): string[] {
  const out: string[] = [];
  for (const s of body) {
    const id = (s.id ?? '').padEnd(5);
    out.push(`${id}${indent}${head(s)}`);
    if ('body' in s) {
      out.push(...lines(s.body, `${indent}    `));
      if (s.op === 'start_thread') out.push(`     ${indent}).start()`);
      else if (s.op !== 'fork') out.push(`     ${indent})`);
    }
  }
  return out;
}

export function formatProgram(p: Program): string {
  return lines(p.main, '').join('\n');
}
