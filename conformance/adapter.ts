/**
 * The adapter interface: how the suite drives an implementation. An adapter runs one
 * program at a time and reports its trace (see program.ts and trace.ts for what a program
 * means and what a trace holds).
 */
import type { Program } from '../language/program.ts';
import type { Trace } from '../language/trace.ts';

/** What an implementation can do. A program that needs more is skipped, never passed. */
export interface Capabilities {
  /** start_thread / join_thread, and call_soon_threadsafe from a thread. */
  threads: boolean;
  /** fork: a child process that inherits the parent's state. */
  fork: boolean;
  /** run_in_executor on a thread pool. */
  executor: boolean;
}

export type Capability = keyof Capabilities;

export interface Adapter {
  /** Human-readable name of the implementation, e.g. 'loopspec-reference'. */
  name: string;
  /** Its version, reported in the run's header. */
  version: string;
  capabilities: Capabilities;
  /**
   * The profile (spec/profiles.ts) this implementation follows when the user names none,
   * e.g. the one of the Python version a driver's handshake reported.
   */
  profile?: string;
  /**
   * Runs one program from pristine state: nothing of an earlier program may leak in.
   * `limits.deadlineMs` is the harness's deadline for this program (from the oracle's run of
   * it, see conformance/deadlines.ts); an adapter that can stop a stuck program should end it
   * a little before, with a trace ending in 'hang'. Adapters may ignore it.
   */
  run(program: Program, limits?: RunLimits): Promise<Trace>;
  close(): Promise<void>;
  /**
   * What the implementation did wrong between programs, when no program was running (a
   * driver that exited after its reply, or replied twice): put in the report, no verdict.
   */
  incidents?(): string[];
}

/** What the harness allows one program. */
export interface RunLimits {
  /** Wall-clock deadline for this program, ms. */
  deadlineMs?: number;
  /** Set by a pool of adapters (pool.ts) when an instance takes the program: its wait in the queue is no run time. */
  startedAt?: number;
}

export const ALL_CAPABILITIES: Capabilities = { threads: true, fork: true, executor: true };
