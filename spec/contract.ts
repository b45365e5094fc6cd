/**
 * The loop contract, method by method: every public method of `asyncio.AbstractEventLoop`
 * (CPython 3.8 to 3.14) and the module functions around it, with the rules that judge it, or
 * the part of the work that will (issue 12's groups; I/O is the next part). A test asks each
 * CPython here for its AbstractEventLoop's public methods and fails when one is missing
 * (spec/contract.test.ts); RULES.md renders the table.
 */

/** Where a method stands: judged by rules, or planned in a part of the contract not yet written. */
export interface ContractEntry {
  /** `loop.<name>` for a method of AbstractEventLoop, `asyncio.<name>` for a module function. */
  name: string;
  /** The rules that judge it today. */
  rules: string[];
  /** The part of the contract that will judge what the rules do not yet: issue 12's group, or I/O. */
  planned?: string;
  /** The first version that has it, where later than 3.8. */
  since?: string;
}

const IO = 'I/O (the next part)';

const m = (name: string, rules: string[], planned?: string, since?: string): ContractEntry => ({
  name: `loop.${name}`,
  rules,
  ...(planned ? { planned } : {}),
  ...(since ? { since } : {}),
});
const f = (name: string, rules: string[], planned?: string, since?: string): ContractEntry => ({
  name: `asyncio.${name}`,
  rules,
  ...(planned ? { planned } : {}),
  ...(since ? { since } : {}),
});
const io = (...names: string[]) => names.map((n) => m(n, [], IO));

/** The public methods of AbstractEventLoop, CPython 3.12.1 (`dir(asyncio.AbstractEventLoop)`), and those of other versions. */
export const LOOP_METHODS: ContractEntry[] = [
  // running and stopping
  m('run_forever', ['LIFE-2', 'LIFE-3', 'LIFE-4', 'LIFE-6', 'LIFE-7', 'ERR-2']),
  m('run_until_complete', ['LIFE-1', 'LIFE-2', 'LIFE-3', 'LIFE-4', 'LIFE-6', 'LIFE-8', 'THR-1', 'ERR-2']),
  m('stop', ['LIFE-7', 'LIFE-8']),
  m('is_running', ['LIFE-6', 'FORK-1']),
  m('is_closed', ['LIFE-5', 'LIFE-6']),
  m('close', ['LIFE-5', 'LIFE-2', 'SCHED-4', 'SIG-1']),
  m('shutdown_asyncgens', ['AGEN-1']),
  m('shutdown_default_executor', ['ARUN-2', 'EXEC-3'], undefined, '3.9'),
  // scheduling and time
  m('call_soon', ['SCHED-1', 'SCHED-4', 'SCHED-5', 'DEBUG-1', 'ERR-1', 'CTX-1', 'ERR-2']),
  m('call_later', ['SCHED-1', 'SCHED-2', 'SCHED-4', 'SCHED-5', 'DEBUG-1', 'ERR-1', 'TIME-1', 'CTX-1', 'ERR-2']),
  m('call_at', ['TIME-1', 'ERR-2']),
  m('time', ['TIME-1']),
  m('call_soon_threadsafe', ['SCHED-1', 'SCHED-3', 'SCHED-4', 'ERR-1', 'CTX-1']),
  // futures and tasks
  m('create_future', ['FUT-1']),
  m('create_task', ['TASK-1', 'LIFE-1', 'TFACT-1', 'CTX-1', 'TASK-6']),
  m('set_task_factory', ['TFACT-1']),
  m('get_task_factory', ['TFACT-1']),
  // executors
  m('run_in_executor', ['EXEC-1', 'EXEC-2', 'EXEC-3', 'CTX-1']),
  m('set_default_executor', ['EXEC-3']),
  // errors
  m('set_exception_handler', ['ERR-1']),
  m('get_exception_handler', ['ERR-1']),
  m('default_exception_handler', ['ERR-1']),
  m('call_exception_handler', ['ERR-1']),
  // debug and signals
  m('get_debug', ['DEBUG-1']),
  m('set_debug', ['DEBUG-1']),
  m('add_signal_handler', ['SIG-1', 'SIG-2']),
  m('remove_signal_handler', ['SIG-1', 'SIG-2']),
  // I/O
  ...io('add_reader', 'remove_reader', 'add_writer', 'remove_writer'),
  ...io('create_connection', 'create_server', 'create_unix_connection', 'create_unix_server'),
  ...io('create_datagram_endpoint', 'connect_read_pipe', 'connect_write_pipe'),
  m('connect_accepted_socket', [], IO, '3.10'),
  ...io('getaddrinfo', 'getnameinfo', 'sendfile', 'start_tls', 'subprocess_exec', 'subprocess_shell'),
  ...io('sock_accept', 'sock_connect', 'sock_recv', 'sock_recv_into', 'sock_sendall', 'sock_sendfile'),
  ...['sock_recvfrom', 'sock_recvfrom_into', 'sock_sendto'].map((n) => m(n, [], IO, '3.11')),
];

/** The module functions and classes the rules speak of, and those issue 12 names. */
export const MODULE_FUNCTIONS: ContractEntry[] = [
  f('get_event_loop_policy', ['POL-1']),
  f('set_event_loop_policy', ['POL-2']),
  f('get_event_loop', ['GET-1', 'GET-2', 'GET-3', 'GET-4', 'FORK-2', 'THR-1', 'EXEC-2']),
  f('set_event_loop', ['NEW-3', 'NEW-4', 'NEW-5']),
  f('new_event_loop', ['NEW-1', 'NEW-2']),
  f('get_running_loop', ['RUN-1', 'RUN-3', 'FORK-1']),
  f('_get_running_loop', ['RUN-2', 'RUN-3', 'FORK-1']),
  f('create_task', ['TASK-1', 'TASK-2', 'TFACT-1', 'CANCEL-1', 'CTX-1', 'TASK-6', 'ERR-2']),
  f('current_task', ['TASK-3', 'TASK-4']),
  f('sleep', ['TASK-5']),
  f('run', ['ARUN-1', 'ARUN-2', 'ARUN-3', 'ARUN-4', 'DEBUG-1', 'AGEN-1', 'RUNNER-2', 'ERR-2']),
  f('all_tasks', ['CANCEL-1']),
  f('Runner', ['RUNNER-1', 'RUNNER-2', 'ERR-2'], undefined, '3.11'),
  f('run_coroutine_threadsafe', ['RCT-1']),
  f('wrap_future', ['RCT-1']),
  f('to_thread', ['CTX-1'], undefined, '3.9'),
  f('eager_task_factory', ['TFACT-1'], undefined, '3.12'),
];

/** Whether a contract entry is judged by rules (fully: nothing planned for it). */
export const covered = (e: ContractEntry): boolean => e.rules.length > 0 && !e.planned;
