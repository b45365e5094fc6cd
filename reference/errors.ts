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
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.codePointAt(0)! < 0x20 || ch.codePointAt(0) === 0x7f) out += `\\x${ch.codePointAt(0)!.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** `type(x).__name__` for the plain values a program can pass (objects name their class). */
export function pyTypeName(x: unknown): string {
  // Stryker disable next-line LogicalOperator,StringLiteral: equivalent: None never reaches pyTypeName (both type checks accept None)
  if (x === null || x === undefined) return 'NoneType';
  // Stryker disable next-line StringLiteral: not in any trace: no statement passes a bool to set_event_loop(_policy)
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'number') return Number.isInteger(x) ? 'int' : 'float';
  // Stryker disable next-line StringLiteral: not in any trace: no statement passes a str (a string argument is a variable name)
  if (typeof x === 'string') return 'str';
  const ctor = (x as { constructor?: { pyName?: string; name?: string } }).constructor;
  // Stryker disable next-line StringLiteral: equivalent: every object reaching this line has a named constructor
  return ctor?.pyName ?? ctor?.name ?? 'object';
}
