/**
 * The cancellation statements (CANCEL-1), as the Python driver runs them: `K.cancel(msg)`,
 * `K.cancelled()`, `K.cancelling()`, `K.uncancel()` and `asyncio.all_tasks(L)`.
 */
import type { Stmt } from '../../language/program.ts';
import { type BaseEventLoop, type Runtime, Task } from '../../reference/index.ts';
import { attributeError } from './values.ts';

type CancelStmt = Extract<Stmt, { op: 'cancel_task' | 'task_call' | 'all_tasks' }>;

/** One cancellation statement over the reference runtime; `lookup` reads a program variable. */
export function cancellation(rt: Runtime, s: CancelStmt, lookup: (name: string) => unknown): unknown {
  if (s.op === 'all_tasks') {
    const loop = s.loop === undefined ? null : (lookup(s.loop) as BaseEventLoop);
    const all = rt.tasks.all_tasks(loop);
    return s.task === undefined ? all.length : all.includes(lookup(s.task) as Task);
  }
  const t = lookup(s.task);
  if (s.op === 'cancel_task') {
    if (!(t instanceof Task)) throw attributeError(t, 'cancel');
    return t.cancel(s.message ?? null);
  }
  // cancelling() and uncancel() exist from 3.11 (CANCEL-1.5)
  if (!(t instanceof Task) || (s.method !== 'cancelled' && !rt.sw.taskCancelling)) throw attributeError(t, s.method);
  return s.method === 'cancelled' ? t.cancelled() : s.method === 'cancelling' ? t.cancelling() : t.uncancel();
}
