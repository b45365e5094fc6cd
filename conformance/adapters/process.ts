/**
 * The out-of-process adapter: runs any driver that speaks the loopspec protocol (JSON lines
 * over stdio, protocol/PROTOCOL.md), started from an argument vector (never a shell string).
 *
 * Faults are verdicts, not exceptions: past the deadline -> 'timeout', the driver died ->
 * 'crash' (exit status, tail of its stderr), a line that is not the protocol ->
 * 'protocol-error' (the line, cut), an error reply -> 'error' (or the fault it names). After
 * any fault the driver is killed and a new one is started for the next program.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { protocolProblem } from '../../protocol/validate.ts';
import { PROTOCOL_VERSION } from '../../protocol/version.ts';
import type { Adapter, Capabilities, RunLimits } from '../adapter.ts';
import { ensureNumbered, type Program } from '../../language/program.ts';
import { LOOPSPEC_VERSION } from '../version.ts';
import type { Trace } from '../../language/trace.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
const HANDSHAKE_MS = 15_000;
const STDERR_KEEP = 8192;
const MAX_LINE = 64 * 1024 * 1024;

export interface ProcessAdapterOptions {
  /** The driver's command: [executable, ...arguments]. */
  argv: string[];
  /** Per-program deadline (ms); past it the program's verdict is 'timeout'. */
  timeoutMs?: number;
  /** Validate every message both ways against protocol/schemas. */
  validate?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
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
}

/** The driver could not be started, or its handshake was not the protocol. */
export class DriverStartError extends Error {}

type Fault = { kind: 'timeout' | 'crash' | 'protocol-error' | 'error'; detail: string };
type Reply = Record<string, unknown> & { type: string };

const HARNESS_VERSION = LOOPSPEC_VERSION;

/** Cuts an offending line to a readable size. */
export function cut(s: string, n = 200): string {
  const one = s.replace(/\r?\n$/, '');
  return one.length > n ? `${one.slice(0, n)}... (${one.length} chars)` : one;
}

/** A reply's free-form context for people: tracebacks as text, the rest as JSON. */
function formatContext(ctx: unknown): string {
  if (typeof ctx !== 'object' || ctx === null || Array.isArray(ctx)) return cut(JSON.stringify(ctx), 2000);
  return Object.entries(ctx)
    .map(([k, v]) =>
      typeof v === 'string' && v.includes('\n') ? `${k}:\n${v.trimEnd().slice(-2000)}` : `${k}: ${cut(JSON.stringify(v), 500)}`,
    )
    .join('\n');
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with status ${code}`;
}

/** One incarnation of the driver process: lines in, lines out, and how it ended. */
class Connection {
  private child: ChildProcess;
  private buffer = '';
  private stderr = '';
  private waiting?: { id: number | null; settle: (r: Reply | Fault) => void };
  private exited?: string;
  private closed: Promise<void>;
  /** A fault seen while no request was waiting, reported with the next request. */
  private pendingFault?: Fault;
  dead = false;

  constructor(
    argv: string[],
    private opts: ProcessAdapterOptions,
  ) {
    // its own process group, so that a kill reaches the children a driver forks
    this.child = spawn(argv[0], argv.slice(1), {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      env: opts.env,
      cwd: opts.cwd,
    });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => this.onData(s));
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-STDERR_KEEP);
    });
    this.child.stdin!.on('error', () => {}); // EPIPE from a dead driver: its exit tells why
    this.closed = new Promise((resolve) => this.child.on('close', () => resolve()));
    this.child.on('error', (e) => this.onExit(`could not be started: ${e.message}`));
    this.child.on('exit', (code, signal) => this.onExit(describeExit(code, signal)));
  }

  stderrTail(n = 2000): string {
    return this.stderr.slice(-n).trimEnd();
  }

  private fault(f: Fault): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.settle(f);
    } else this.pendingFault ??= f;
  }

  private async onExit(how: string): Promise<void> {
    if (this.exited) return;
    this.exited = how;
    this.dead = true;
    // the stderr of a dying driver arrives a little after its exit
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 300))]);
    const tail = this.stderrTail();
    this.fault({ kind: 'crash', detail: `the driver ${how}${tail ? `; the end of its stderr:\n${tail}` : ' (nothing on stderr)'}` });
  }

  private onData(s: string): void {
    if (this.dead) return;
    this.buffer += s;
    if (this.buffer.length > MAX_LINE) {
      this.fault({ kind: 'protocol-error', detail: `a line longer than ${MAX_LINE} bytes: ${cut(this.buffer)}` });
      this.kill();
      return;
    }
    for (let nl = this.buffer.indexOf('\n'); !this.dead && nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const problem = this.problem(line);
    if ('fault' in problem) {
      this.fault(problem.fault);
      this.kill();
      return;
    }
    const w = this.waiting!;
    this.waiting = undefined;
    w.settle(problem.reply);
  }

  /** The reply a line carries, or why it is not the protocol. */
  private problem(line: string): { reply: Reply } | { fault: Fault } {
    const bad = (why: string): { fault: Fault } => ({
      fault: { kind: 'protocol-error', detail: `the driver wrote a line that is not the protocol (${why}): ${cut(line)}` },
    });
    if (!this.waiting) return bad('no request was waiting for a reply');
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return bad('not JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof (msg as Reply).type !== 'string')
      return bad('not an object with a "type"');
    const reply = msg as Reply;
    // the handshake is always checked in full; the rest in full only with validation on
    if (this.opts.validate || this.waiting.id === null) {
      const p = protocolProblem('from-driver', reply);
      if (p) return bad(p);
    }
    if (this.waiting.id === null)
      return reply.type === 'hello' || reply.type === 'error'
        ? { reply }
        : bad(`a '${reply.type}' where the handshake's hello was expected`);
    if (reply.id !== this.waiting.id && !(reply.type === 'error' && reply.id === null))
      return bad(`a reply to request ${JSON.stringify(reply.id)}, expected ${JSON.stringify(this.waiting.id)}`);
    return { reply };
  }

  /** Sends one message and waits for its reply, a fault, or the deadline. */
  request(msg: Record<string, unknown> & { type: string }, id: number | null, ms: number): Promise<Reply | Fault> {
    if (this.pendingFault) {
      const f = this.pendingFault;
      this.pendingFault = undefined;
      return Promise.resolve(f);
    }
    if (this.opts.validate) {
      const p = protocolProblem('to-driver', msg);
      if (p) throw new Error(`loopspec itself sent a message that is not the protocol: ${p}`);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fault({ kind: 'timeout', detail: `no reply within ${ms} ms` });
        this.kill();
      }, ms);
      this.waiting = {
        id,
        settle: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
    });
  }

  kill(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.dead = true;
    try {
      if (process.platform !== 'win32' && this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
      else this.child.kill('SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** Asks the driver to leave (shutdown, then end of input); kills it if it lingers. */
  async close(): Promise<void> {
    if (!this.dead) {
      const done = this.request({ type: 'shutdown', id: 0 }, 0, 2000).catch(() => undefined);
      await done;
      this.child.stdin!.end();
    }
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    this.kill();
    this.child.stdout!.destroy();
    this.child.stderr!.destroy();
  }
}

const isFault = (r: Reply | Fault): r is Fault => !('type' in r);

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
    if (problem) return { kind: 'protocol-error', detail: `${problem}: ${cut(JSON.stringify(reply))}` };
    return t;
  }
  if (reply.type === 'skip') return { obs: {}, order: {}, end: { kind: 'skipped', detail: String(reply.reason ?? 'no reason given') } };
  if (reply.type === 'error') {
    const kind = reply.fault === 'crash' || reply.fault === 'timeout' ? reply.fault : 'error';
    const context = reply.context === undefined ? '' : `\n${formatContext(reply.context)}`;
    return { kind, detail: `the driver reported: ${String(reply.message)}${context}` };
  }
  return { kind: 'protocol-error', detail: `a '${reply.type}' where a result, skip or error was expected: ${cut(JSON.stringify(reply))}` };
}

async function handshake(conn: Connection, argv: string[]): Promise<Hello> {
  const r = await conn.request(
    { type: 'hello', protocol: PROTOCOL_VERSION, harness: { name: 'loopspec', version: HARNESS_VERSION } },
    null,
    HANDSHAKE_MS,
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
    throw new DriverStartError(`${who} refused the handshake: ${String(r.message)}${r.context ? `\n${formatContext(r.context)}` : ''}`);
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
  let starts = 0;
  const connect = async (): Promise<{ conn: Connection; hello: Hello }> => {
    const conn = new Connection(opts.argv, opts);
    starts++;
    return { conn, hello: await handshake(conn, opts.argv) };
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

  const live = async (): Promise<Connection> => {
    if (current && !current.dead) return current;
    current = undefined;
    current = (await connect()).conn;
    return current;
  };

  const run = (program: Program, limits?: RunLimits): Promise<Trace> =>
    serial(async () => {
      // the harness's deadline for this program, never past --timeout
      const ms = Math.min(limits?.deadlineMs ?? timeoutMs, timeoutMs);
      let conn: Connection;
      try {
        conn = await live();
      } catch (e) {
        return faultTrace({ kind: 'crash', detail: `the driver could not be restarted: ${e instanceof Error ? e.message : String(e)}` });
      }
      const numbered = ensureNumbered(program);
      const id = nextId++;
      const reply = await conn.request({ type: 'run', id, program: numbered, timeout_ms: ms }, id, ms);
      const out = isFault(reply) ? reply : traceOf(reply);
      if (!isFault(reply) && reply.retire === true) conn.kill(); // it leaves after this reply: not a fault
      if ('obs' in out) return out;
      conn.kill(); // any fault: the next program gets a new driver
      return faultTrace(out);
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
    close: () =>
      serial(async () => {
        const c = current;
        current = undefined;
        await c?.close();
      }),
  };
}
