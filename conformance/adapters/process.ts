/**
 * The out-of-process adapter: runs any driver that speaks the loopspec protocol (JSON lines
 * over stdio, protocol/PROTOCOL.md), started from an argument vector (never a shell string).
 *
 * Faults are verdicts, not exceptions: past the deadline -> 'timeout', the driver died ->
 * 'crash' (exit status, tail of its stderr), a line that is not the protocol ->
 * 'protocol-error' (the line, cut), an error reply -> 'error' (or the fault it names; a
 * 'crash' or 'timeout' reply may carry the trace so far). After any fault the driver is
 * killed and a new one is started for the next program. What a driver does while no request
 * waits is no program's fault: it is an incident (see connection.ts), and the driver is
 * replaced.
 */
import { PROTOCOL_VERSION } from '../../protocol/version.ts';
import { protocolProblem } from '../../protocol/validate.ts';
import type { Adapter, Capabilities, RunLimits } from '../adapter.ts';
import { ensureNumbered, type Program } from '../../language/program.ts';
import { LOOPSPEC_VERSION } from '../version.ts';
import { FAULTS, type Trace } from '../../language/trace.ts';
import { Connection, cut, type Fault, isFault, isSuspect, printable, type Reply } from './connection.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Failed restarts in a row after which the driver is not started again in this run. */
export const RESTART_BUDGET = 3;
export const DEFAULT_HANDSHAKE_MS = 15_000;
const MAX_LINE = 64 * 1024 * 1024;

export interface ProcessAdapterOptions {
  /** The driver's command: [executable, ...arguments]. */
  argv: string[];
  /** Per-program deadline (ms); past it the program's verdict is 'timeout'. */
  timeoutMs?: number;
  /** How long a driver has to answer the hello, at the start and at every restart (ms, default 15000). */
  handshakeMs?: number;
  /** Validate every message both ways against protocol/schemas. */
  validate?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The longest line accepted from the driver, in characters (default 64 Mi); a longer one is a protocol error. */
  maxLine?: number;
}

/** The driver's hello (protocol/schemas/hello.json). */
export interface Hello {
  type: 'hello';
  protocol: number;
  implementation: { name: string; version: string; build?: string; variant?: string };
  driver: { name: string; version: string };
  capabilities: Capabilities;
  isolation?: string;
  profile?: string;
  details?: Record<string, unknown>;
}

export interface ProcessAdapter extends Adapter {
  hello: Hello;
  /** A no-op round trip; resolves to its duration in ms. */
  ping(): Promise<number>;
  /** How many times the driver was (re)started. */
  starts(): number;
  /** What drivers did that no program is to blame for, in the order seen (see Adapter.incidents). */
  incidents(): string[];
  /**
   * Kills the current driver's whole process group now, synchronously (e.g. on SIGTERM). A
   * program in flight ends as a crash; no driver is started after it. close() may follow.
   */
  kill(): void;
}

/** The driver could not be started, or its handshake was not the protocol. */
export class DriverStartError extends Error {}

const HARNESS_VERSION = LOOPSPEC_VERSION;

/** A reply's free-form context for people: tracebacks as text, the rest as JSON. */
function formatContext(ctx: unknown): string {
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return cut(JSON.stringify(ctx), 2000);
  return Object.entries(ctx)
    .map(([k, v]) =>
      typeof v === 'string' && v.includes('\n')
        ? `${printable(k, false)}:\n${printable(v.trimEnd().slice(-2000))}`
        : `${printable(k, false)}: ${cut(JSON.stringify(v), 500)}`,
    )
    .join('\n');
}

function faultTrace(f: Fault): Trace {
  return { obs: {}, order: {}, end: f };
}

/** The trace a reply carries, or the fault it stands for. */
function traceOf(reply: Reply): Trace | Fault {
  if (reply.type === 'result') {
    const t = reply.trace as Trace | undefined;
    const ok =
      t &&
      typeof t.obs === 'object' &&
      t.obs !== null &&
      typeof t.order === 'object' &&
      t.order !== null &&
      (t.end?.kind === 'ok' || t.end?.kind === 'hang');
    if (!ok)
      return {
        kind: 'protocol-error',
        detail: `a result without a trace of { obs, order, end: ok | hang }: ${cut(JSON.stringify(reply))}`,
      };
    // A trace is always checked against its schema: the comparison must never trip over one.
    const problem = protocolProblem('from-driver', reply);
    if (problem) return { kind: 'protocol-error', detail: `${printable(problem)}: ${cut(JSON.stringify(reply))}` };
    return t;
  }
  if (reply.type === 'skip')
    return { obs: {}, order: {}, end: { kind: 'skipped', detail: printable(String(reply.reason ?? 'no reason given')) } };
  if (reply.type === 'error') {
    const kind = reply.fault === 'crash' || reply.fault === 'timeout' ? reply.fault : 'error';
    const context = reply.context === undefined ? '' : `\n${formatContext(reply.context)}`;
    const detail = `the driver reported: ${printable(String(reply.message))}${context}`;
    if (reply.trace === undefined) return { kind, detail };
    // the trace so far of a worker that died or was killed: checked like any trace
    const problem = protocolProblem('from-driver', reply);
    if (problem) return { kind: 'protocol-error', detail: `${printable(problem)}: ${cut(JSON.stringify(reply))}` };
    const t = reply.trace as Trace;
    return { obs: t.obs, order: t.order, end: { kind, detail } };
  }
  return {
    kind: 'protocol-error',
    detail: `a '${printable(reply.type, false)}' where a result, skip or error was expected: ${cut(JSON.stringify(reply))}`,
  };
}

async function handshake(conn: Connection, argv: string[], ms: number): Promise<Hello> {
  const r = await conn.request(
    { type: 'hello', protocol: PROTOCOL_VERSION, harness: { name: 'loopspec', version: HARNESS_VERSION } },
    null,
    ms,
  );
  const who = `driver \`${argv.join(' ')}\``;
  if (isFault(r)) {
    conn.kill();
    const tail = conn.stderrTail();
    const extra = r.kind === 'crash' || !tail ? '' : `\nthe end of its stderr:\n${tail}`;
    const what =
      r.kind === 'protocol-error' ? 'malformed handshake' : r.kind === 'timeout' ? 'no handshake' : 'no handshake, the driver died';
    throw new DriverStartError(`${who}: ${what}: ${r.detail}${extra}`);
  }
  if (r.type === 'error') {
    conn.kill();
    throw new DriverStartError(
      `${who} refused the handshake: ${printable(String(r.message))}${r.context ? `\n${formatContext(r.context)}` : ''}`,
    );
  }
  if (r.type !== 'hello') {
    conn.kill();
    throw new DriverStartError(`${who}: malformed handshake: expected a hello, got ${cut(JSON.stringify(r))}`);
  }
  return r as unknown as Hello;
}

/** Starts the driver, shakes hands, and returns the adapter. Throws DriverStartError. */
export async function startProcessAdapter(opts: ProcessAdapterOptions): Promise<ProcessAdapter> {
  if (opts.argv.length === 0) throw new DriverStartError('a driver needs a command to run');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const incidents: string[] = [];
  let starts = 0;
  let latest: Connection | undefined; // the newest driver, even while it shakes hands
  let stopped = false; // kill() was called: no driver is started any more
  const connect = async (): Promise<{ conn: Connection; hello: Hello }> => {
    if (stopped) throw new DriverStartError('the driver was killed by the harness');
    const n = ++starts;
    const conn = new Connection(opts.argv, {
      ...opts,
      maxLine: opts.maxLine ?? MAX_LINE,
      start: n,
      onIncident: (what) => incidents.push(what),
    });
    latest = conn;
    return { conn, hello: await handshake(conn, opts.argv, opts.handshakeMs ?? DEFAULT_HANDSHAKE_MS) };
  };
  let current: Connection | undefined;
  const first = await connect();
  current = first.conn;
  let nextId = 1;
  // one request at a time: the protocol has no pipelining
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f);
    queue = p.catch(() => undefined);
    return p;
  };

  // Restarts that failed in a row: past RESTART_BUDGET the driver is given up on, and each
  // later program is a crash at once instead of another handshake deadline.
  let failedRestarts = 0;
  let gaveUp: string | undefined;
  const live = async (): Promise<Connection> => {
    if (current && !current.dead) return current;
    current = undefined;
    if (gaveUp) throw new DriverStartError(gaveUp);
    try {
      current = (await connect()).conn;
    } catch (e) {
      if (++failedRestarts >= RESTART_BUDGET)
        gaveUp = `gave up after ${failedRestarts} failed restarts in a row (the budget), the last: ${e instanceof Error ? e.message : String(e)}`;
      throw e;
    }
    failedRestarts = 0;
    return current;
  };

  /** One attempt at a program: its trace, or a suspect fault that may be the driver's alone. */
  const attempt = async (numbered: Program, ms: number): Promise<Trace | { suspect: Fault; incident: string; id: number }> => {
    let conn: Connection;
    try {
      conn = await live();
    } catch (e) {
      return faultTrace({
        kind: 'crash',
        detail: printable(`the driver could not be restarted: ${e instanceof Error ? e.message : String(e)}`),
      });
    }
    const id = nextId++;
    const reply = await conn.request({ type: 'run', id, program: numbered, timeout_ms: ms }, id, ms);
    if (isSuspect(reply)) {
      conn.kill();
      return { suspect: { kind: reply.kind, detail: reply.detail }, incident: reply.incident, id };
    }
    const out = isFault(reply) ? reply : traceOf(reply);
    if (!isFault(reply) && reply.retire === true) conn.kill(); // it leaves after this reply: not a fault
    if ('obs' in out && !FAULTS.has(out.end.kind)) return out;
    conn.kill(); // any fault: the next program gets a new driver
    return 'obs' in out ? out : faultTrace(out);
  };

  const run = (program: Program, limits?: RunLimits): Promise<Trace> =>
    serial(async () => {
      // the harness's deadline for this program, never past --timeout
      const ms = Math.min(limits?.deadlineMs ?? timeoutMs, timeoutMs);
      const numbered = ensureNumbered(program);
      const first = await attempt(numbered, ms);
      if ('obs' in first) return first;
      // the driver left (status 0) before a word of its reply, or answered the previous request
      // again: the program is innocent, so a new driver runs it; blamed only if that fails too
      if (stopped) return faultTrace(first.suspect);
      const again = await attempt(numbered, ms);
      if ('obs' in again) {
        incidents.push(`${first.incident}; its program was run again, as request ${nextId - 1}, by a new driver`);
        return again;
      }
      return faultTrace(again.suspect);
    });

  const name = `${first.hello.implementation.name}${first.hello.implementation.variant ? ` [${first.hello.implementation.variant}]` : ''}`;
  return {
    name,
    version: first.hello.implementation.version,
    ...(first.hello.profile ? { profile: first.hello.profile } : {}),
    capabilities: {
      threads: !!first.hello.capabilities.threads,
      fork: !!first.hello.capabilities.fork,
      executor: !!first.hello.capabilities.executor,
    },
    hello: first.hello,
    run,
    ping: () =>
      serial(async () => {
        const conn = await live();
        const id = nextId++;
        const started = performance.now();
        const r = await conn.request({ type: 'ping', id }, id, timeoutMs);
        if (isFault(r) || r.type !== 'pong') throw new Error(`ping failed: ${isFault(r) ? r.detail : cut(JSON.stringify(r))}`);
        return performance.now() - started;
      }),
    starts: () => starts,
    incidents: () => [...incidents],
    kill: () => {
      stopped = true;
      latest?.kill();
      current?.kill();
    },
    close: () =>
      serial(async () => {
        const c = current;
        current = undefined;
        await c?.close();
      }),
  };
}
