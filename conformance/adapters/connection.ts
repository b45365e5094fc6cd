/**
 * One incarnation of an out-of-process driver (protocol/PROTOCOL.md): the process, its lines
 * in and out, its stderr, and how it ended. The process adapter (process.ts) starts one,
 * talks through it, and starts another after any fault.
 *
 * Lines are read in linear time (each character is looked at once, however long the line),
 * and everything a driver wrote that reaches a fault's detail or an incident is made
 * printable first (control characters escaped), so that no driver can drive the terminal.
 *
 * A driver that misbehaves when no request is waiting for it (a line after its reply, or a
 * death that was not the harness's doing) is blamed in an incident, never in the next
 * program's verdict: the driver is killed, and the next program gets a new one. Two things seen
 * while a request waits are not that request's doing either, and settle it as a Suspect (the
 * adapter sends the program again, to a new driver): a second reply to the previous request,
 * and an exit with status 0 before a byte of the reply (a driver that left after its previous
 * reply without saying `retire`). Any other death while a request waits is that program's
 * crash: from outside, a driver that dies as the next request arrives cannot be told from one
 * that the program killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { protocolProblem } from '../../protocol/validate.ts';

const STDERR_KEEP = 8192;

export type Fault = { kind: 'timeout' | 'crash' | 'protocol-error' | 'error'; detail: string };
export type Reply = Record<string, unknown> & { type: string };
/** A fault that may be another request's: `incident` says what happened, if it was. */
export type Suspect = Fault & { incident: string };
export type Settled = Reply | Fault | Suspect;

export const isFault = (r: Settled): r is Fault | Suspect => !('type' in r);
export const isSuspect = (r: Settled): r is Suspect => 'incident' in r;

/**
 * `s` with its control characters (C0, DEL, C1) written as `\x1b` etc. Multi-line text keeps
 * its newlines and tabs (a CRLF is a newline); a single line keeps none.
 */
export function printable(s: string, multiline = true): string {
  const text = multiline ? s.replace(/\r\n/g, '\n') : s;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = c < 0x20 ? !(multiline && (c === 0x0a || c === 0x09)) : c >= 0x7f && c <= 0x9f;
    if (!control) continue;
    out += `${text.slice(from, i)}\\x${c.toString(16).padStart(2, '0')}`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** An offending line cut to a readable size, printable. */
export function cut(s: string, n = 200, length = s.length): string {
  const one = s.replace(/\r?\n$/, '');
  const size = length === s.length ? one.length : length;
  return size > n ? `${printable(one.slice(0, n), false)}... (${size} chars)` : printable(one, false);
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with status ${code}`;
}

export interface ConnectionOptions {
  validate?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Longest line accepted (characters). */
  maxLine: number;
  /** Which start of the driver this is (1, 2, ...), named in incidents. */
  start: number;
  /** Told of a misbehaviour that no program is to blame for. */
  onIncident: (what: string) => void;
}

export class Connection {
  private child: ChildProcess;
  /** The line being read: its pieces so far, and their length. */
  private parts: string[] = [];
  private partsLength = 0;
  private stderr = '';
  private waiting?: { id: number | null; settle: (r: Settled) => void; heard: boolean };
  private exited?: string;
  private closed: Promise<void>;
  private isClosed = false;
  /** The harness sent SIGKILL while the process was alive (as far as Node knew). */
  private killed = false;
  private closing = false;
  /** False once the harness killed it: what it wrote after is nobody's business. */
  private reading = true;
  /** The id of the last request that got its reply (null: none yet, only the hello). */
  private lastReplied: number | null = null;
  /** No request may be sent to it any more (it exited, or was killed). */
  dead = false;

  constructor(
    argv: string[],
    private opts: ConnectionOptions,
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
    this.closed = new Promise((resolve) =>
      this.child.on('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
    this.child.on('error', (e) => this.onExit(`could not be started: ${e.message}`, false, false));
    this.child.on('exit', (code, signal) => this.onExit(describeExit(code, signal), code === 0, signal === 'SIGKILL'));
  }

  stderrTail(n = 2000): string {
    return printable(this.stderr.slice(-n).trimEnd());
  }

  /** Which driver, and which reply its misbehaviour followed, for an incident. */
  private after(): string {
    const which = this.lastReplied === null ? 'its hello' : `its reply to request ${this.lastReplied}`;
    return `driver #${this.opts.start}, after ${which}`;
  }

  private settle(r: Settled): void {
    const w = this.waiting;
    if (!w) return;
    this.waiting = undefined;
    w.settle(r);
  }

  private async onExit(how: string, clean: boolean, sigkill: boolean): Promise<void> {
    if (this.exited) return;
    this.exited = how;
    this.dead = true;
    const byHarness = this.killed && sigkill;
    // the stderr of a dying driver arrives a little after its exit
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 300))]);
    const tail = this.stderrTail();
    const what = `the driver ${how}${tail ? `; the end of its stderr:\n${tail}` : ' (nothing on stderr)'}`;
    const w = this.waiting;
    if (!w) {
      // between requests: restarted for the next program; only a death is an incident
      if (!byHarness && !clean && !this.closing) this.opts.onIncident(`${this.after()}, ${what}`);
      return;
    }
    if (byHarness) this.settle({ kind: 'crash', detail: 'the driver was killed by the harness' });
    else if (w.id !== null && !w.heard && clean)
      this.settle({ kind: 'crash', detail: what, incident: `${this.after()} and before a word of its reply to request ${w.id}, ${what}` });
    else this.settle({ kind: 'crash', detail: what });
  }

  /**
   * Text from the driver, split into lines, each character looked at once. Read until the
   * harness kills it, even past its exit: a reply may arrive after the exit event.
   */
  private onData(s: string): void {
    if (!this.reading) return;
    if (this.waiting) this.waiting.heard = true;
    let from = 0;
    for (let nl = s.indexOf('\n'); nl >= 0 && this.reading; nl = s.indexOf('\n', from)) {
      const piece = s.slice(from, nl);
      const length = this.partsLength + piece.length;
      const line = this.parts.length === 0 ? piece : this.parts.join('') + piece;
      this.parts = [];
      this.partsLength = 0;
      from = nl + 1;
      if (length > this.opts.maxLine) {
        this.tooLong(line, length);
        return;
      }
      this.onLine(line);
    }
    if (!this.reading || from === s.length) return;
    this.parts.push(from === 0 ? s : s.slice(from));
    this.partsLength += s.length - from;
    if (this.partsLength > this.opts.maxLine) this.tooLong(this.head(), this.partsLength);
  }

  /** The first characters of the line being read (enough to show it cut). */
  private head(n = 201): string {
    let out = '';
    for (const p of this.parts) {
      if (out.length >= n) break;
      out += p.slice(0, n - out.length);
    }
    return out;
  }

  private tooLong(line: string, length: number): void {
    const detail = `a line longer than ${this.opts.maxLine} characters: ${cut(line, 200, length)}`;
    if (this.waiting) this.settle({ kind: 'protocol-error', detail });
    else this.opts.onIncident(`${this.after()}, while no request was waiting: ${detail}`);
    this.kill();
  }

  private onLine(line: string): void {
    if (!this.waiting) {
      const id = (() => {
        try {
          return (JSON.parse(line) as { id?: unknown }).id;
        } catch {
          return undefined;
        }
      })();
      const what = typeof id === 'number' && id === this.lastReplied ? `a second reply to request ${id}` : 'a line';
      this.opts.onIncident(`${this.after()}, the driver wrote ${what} while no request was waiting: ${cut(line)}`);
      this.kill();
      return;
    }
    const r = this.problem(line, this.waiting.id);
    if (isFault(r)) {
      this.settle(r);
      this.kill();
      return;
    }
    if (this.waiting.id !== null) this.lastReplied = this.waiting.id;
    this.settle(r);
  }

  /** The reply a line carries, or why it is not the protocol. */
  private problem(line: string, id: number | null): Reply | Fault | Suspect {
    const bad = (why: string): Fault => ({
      kind: 'protocol-error',
      detail: `the driver wrote a line that is not the protocol (${why}): ${cut(line)}`,
    });
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return bad('not JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg) || typeof (msg as Reply).type !== 'string')
      return bad('not an object with a "type"');
    const reply = msg as Reply;
    if (typeof reply.id === 'number' && id !== null && reply.id < id && reply.id === this.lastReplied) {
      const f = bad(`a reply to request ${reply.id}, expected ${id}`);
      return { ...f, incident: `${this.after()}, the driver wrote a second reply to it while request ${id} waited: ${cut(line)}` };
    }
    // the handshake is always checked in full; the rest in full only with validation on
    if (this.opts.validate || id === null) {
      const p = protocolProblem('from-driver', reply);
      if (p) return bad(p);
    }
    if (id === null)
      return reply.type === 'hello' || reply.type === 'error' ? reply : bad(`a '${reply.type}' where the handshake's hello was expected`);
    if (reply.id !== id && !(reply.type === 'error' && reply.id === null))
      return bad(`a reply to request ${JSON.stringify(reply.id)}, expected ${JSON.stringify(id)}`);
    return reply;
  }

  /** Sends one message and waits for its reply, a fault, or the deadline. */
  request(msg: Record<string, unknown> & { type: string }, id: number | null, ms: number): Promise<Settled> {
    if (this.dead) {
      const detail = `the driver ${this.exited ?? 'was killed'} before the request was sent`;
      return Promise.resolve({ kind: 'crash', detail, incident: `${this.after()}, ${detail}` });
    }
    if (this.opts.validate) {
      const p = protocolProblem('to-driver', msg);
      if (p) throw new Error(`loopspec itself sent a message that is not the protocol: ${p}`);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle({ kind: 'timeout', detail: `no reply within ${ms} ms` });
        this.kill();
      }, ms);
      this.waiting = {
        id,
        heard: false,
        settle: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      this.child.stdin!.write(`${JSON.stringify(msg)}\n`);
    });
  }

  /** Kills the driver's whole process group now (also its children after the driver itself died). */
  kill(): void {
    this.dead = true;
    this.reading = false;
    if (this.isClosed) return; // the driver and whatever held its pipes are gone
    if (this.child.exitCode === null && this.child.signalCode === null) this.killed = true;
    try {
      if (process.platform !== 'win32' && this.child.pid) process.kill(-this.child.pid, 'SIGKILL');
      else this.child.kill('SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /** Asks the driver to leave (shutdown, then end of input); kills it if it lingers. */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.dead) {
      await this.request({ type: 'shutdown', id: 0 }, 0, 2000).catch(() => undefined);
      this.child.stdin!.end();
    }
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    this.kill();
    this.child.stdout!.destroy();
    this.child.stderr!.destroy();
  }
}
