/** What Pyodide throws into JavaScript, in words, and whether it is Pyodide's end (pyodide.ts). */

/**
 * What a value thrown into JavaScript says, in one line of a trace's detail, never
 * '[object Object]': an Error's message (Pyodide's PythonError; its Exit, "Program terminated
 * with exit(138)"), else the message of an object that has one, else, for Emscripten's
 * FS.ErrnoError (no message, not an Error: what every call that formats a Python error threw
 * once a fatal error had left Pyodide's /dev/capture_stderr behind, errno 20, EEXIST), its name
 * and errno, with the errno's name when `errnoNames` (Pyodide's ERRNO_CODES) has it.
 */
export function describeThrown(e: unknown, errnoNames: Readonly<Record<string, number>> = {}): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e !== 'object' || e === null) return String(e);
  const o = e as { name?: unknown; message?: unknown; errno?: unknown; status?: unknown };
  if (typeof o.message === 'string' && o.message !== '') return o.message;
  const name = typeof o.name === 'string' && o.name !== '' ? o.name : (e.constructor?.name ?? 'Object');
  if (typeof o.errno === 'number') {
    const code = Object.keys(errnoNames).find((k) => errnoNames[k] === o.errno);
    return `${name}: errno ${o.errno}${code ? ` (${code})` : ''}`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(e);
  } catch {
    // cyclic, or a BigInt in it
  }
  return json && json !== '{}' ? `${name} ${json}` : name;
}

/**
 * Pyodide's end, when `e` is one: Emscripten's exit of the runtime (an ExitStatus, "Program
 * terminated with exit(138)") or a fatal error (a WebAssembly trap...), which Pyodide marks
 * `pyodide_fatal_error`; after either it can no longer be used.
 */
export function fatalOf(e: unknown): string | undefined {
  const o = e as { status?: unknown; message?: unknown; pyodide_fatal_error?: unknown } | null;
  if (typeof o !== 'object' || o === null) return undefined;
  if (o.pyodide_fatal_error || (typeof o.status === 'number' && /^Program terminated with exit\(/.test(String(o.message))))
    return describeThrown(e);
  return undefined;
}
