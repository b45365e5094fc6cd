/**
 * Python exceptions and warnings, as seen by the reference.
 *
 * Every Python exception is a `PyError` carrying the Python class name ('RuntimeError',
 * 'TypeError', 'CancelledError', ...) and the message `str(exc)` would give. The reference
 * catches only `PyError` where CPython catches `BaseException`; any other JS exception
 * (a bug, or a simulation signal such as `SimulationHang`) unwinds everything.
 */

export class PyError extends Error {
  constructor(
    /** The Python class name, without module prefix. */
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/**
 * ERR-2: SystemExit and KeyboardInterrupt, the BaseExceptions asyncio re-raises where it catches
 * the others (`except (SystemExit, KeyboardInterrupt): raise` in Handle._run, Task.__step).
 */
export function escapes(e: unknown): e is PyError {
  return e instanceof PyError && (e.type === 'KeyboardInterrupt' || e.type === 'SystemExit');
}

/** The simulated program cannot make progress: a deadlock (it would hang forever). */
export class SimulationHang extends Error {
  constructor(detail: string) {
    super(detail);
    // Stryker disable next-line StringLiteral: equivalent: SimulationHang is caught by class; its name is never read
    this.name = 'SimulationHang';
  }
}

export interface PyWarning {
  category: string;
  message: string;
}

/**
 * `warnings.warn`: warnings go to the sink installed by whoever drives the runtime (the
 * interpreter installs one per statement); with no sink they are kept in `unhandled`.
 */
export class Warnings {
  sink: ((w: PyWarning) => void) | null = null;
  readonly unhandled: PyWarning[] = [];
  warn(category: string, message: string): void {
    const w = { category, message };
    if (this.sink) this.sink(w);
    else this.unhandled.push(w);
  }
}

/** Python's repr() of a str (what %r and !r print). */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) out += ch === quote || ch === '\\' ? `\\${ch}` : escapeControl(ch);
  return quote + out + quote;
}

// Stryker disable all: not in any trace: thread names are printable ASCII (the program schema): no control character gets here
/** repr()'s escapes of control characters; any other character stands for itself. */
function escapeControl(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}
// Stryker restore all

/** `type(x).__name__` for the plain values a program can pass (objects name their class). */
export function pyTypeName(x: unknown): string {
  // Stryker disable next-line LogicalOperator,StringLiteral: equivalent: None never reaches pyTypeName (both type checks accept None)
  // Stryker disable next-line ConditionalExpression: equivalent: None never reaches pyTypeName (both type checks accept None) (the killed mutants of this line are ignored with it)
  if (x === null || x === undefined) return 'NoneType';
  // Stryker disable next-line StringLiteral: not in any trace: no statement passes a bool to set_event_loop(_policy)
  // Stryker disable next-line ConditionalExpression: not in any trace: no statement passes a bool (the killed mutants of this line are ignored with it)
  if (typeof x === 'boolean') return 'bool';
  // Stryker disable next-line StringLiteral: not in any trace: number arguments are whole numbers (program schema), never 'float' (the killed mutants of this line are ignored with it)
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  // Stryker disable next-line StringLiteral: not in any trace: no statement passes a str (a string argument is a variable name)
  // Stryker disable next-line ConditionalExpression: not in any trace: a string argument is a variable name, never a str (the killed mutants of this line are ignored with it)
  if (typeof x === 'string') return 'str';
  const ctor = (x as { constructor?: { pyName?: string; name?: string } }).constructor;
  // Stryker disable next-line StringLiteral: equivalent: every object reaching this line has a named constructor
  return ctor?.pyName ?? ctor?.name ?? 'object';
}
