/**
 * Task names (TASK-6), as the Python driver handles them: `K.get_name()` and `K.set_name(x)`.
 * The reference's counter starts with the program, so its default names need no offset (the
 * driver observes CPython's relative to a task it makes just before the program).
 */
import type { Stmt } from '../../language/program.ts';
import { Task } from '../../reference/tasks.ts';
import { attributeError } from './values.ts';
import type { Variables } from './variables.ts';

type StmtOf<O extends Stmt['op']> = Extract<Stmt, { op: O }>;

/** `K.get_name()` or `K.set_name(value)` (observes None); anything but a task: the AttributeError. */
export function nameStatement(vars: Variables, s: StmtOf<'task_name' | 'set_task_name'>): string | null {
  const t = vars.lookup(s.task);
  if (!(t instanceof Task)) throw attributeError(t, s.op === 'task_name' ? 'get_name' : 'set_name');
  if (s.op === 'task_name') return t.get_name();
  t.set_name(s.value);
  return null;
}
