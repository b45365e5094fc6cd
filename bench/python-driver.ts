/**
 * Benchmark: isolated programs per second through the persistent Python driver, next to a
 * fresh interpreter per program (naive), a fork on demand through the same protocol, a bare
 * fork per program from a warm parent (the floor of fork isolation, no program run), and a
 * no-op ping round trip on the same pipe. Programs are sampled from the suite's own
 * properties (every rule's families, as the suite runs them).
 *
 * Programs that wait on real timers (sleep or call_later with a delay > 0) are left out of
 * the sample: their wall time is the timers', the same in every mode, and would hide the
 * cost being measured (how many were left out is printed).
 *
 * Usage: npm run bench:python [-- --python PATH --programs N --naive N --seed S --rounds R]
 */
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { DRIVER_PATH, findPython, startPythonAdapter } from '../conformance/adapters/python.ts';
import { adapterPool } from '../conformance/pool.ts';
import type { Program } from '../language/program.ts';
import { walk } from '../language/program.ts';
import { PROPERTIES } from '../conformance/properties/index.ts';
import { programsOf } from '../conformance/runner.ts';
import { canonicalize, type Trace } from '../language/trace.ts';

const { values } = parseArgs({
  options: {
    python: { type: 'string' },
    programs: { type: 'string' },
    naive: { type: 'string' },
    seed: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const pyenv312 = `${process.env.PYENV_ROOT ?? `${os.homedir()}/.pyenv`}/versions/3.12.1/bin/python3`;
const python = findPython(values.python ?? (existsSync(pyenv312) ? pyenv312 : 'python3'));
if (!python) {
  console.error('bench:python: no Python interpreter found (give one with --python PATH)');
  process.exit(2);
}
const total = Number(values.programs ?? 400);
const naiveCount = Number(values.naive ?? 30);
const seed = Number(values.seed ?? 1);
const rounds = Number(values.rounds ?? 3);

// ---- the sample -------------------------------------------------------------------------
const waits = (p: Program) => [...walk(p.main)].some((s) => (s.op === 'sleep' || s.op === 'call_later') && s.delay > 0);
const sampled = PROPERTIES.flatMap((prop, i) =>
  fc.sample(programsOf(prop), { numRuns: Math.ceil((total * 2) / PROPERTIES.length), seed: seed + i }),
);
const quick = sampled.filter((p) => !waits(p));
const programs = quick.slice(0, total);
const statements = programs.reduce((n, p) => n + [...walk(p.main)].length, 0);

interface Row {
  mode: string;
  count: number;
  seconds: number;
  note?: string;
}
const rows: Row[] = [];

async function timed(f: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await f();
  return (performance.now() - started) / 1000;
}

// ---- the modes ----------------------------------------------------------------------------
/**
 * The CPU time (ms) and the page faults of this process's one Python driver and of the
 * children it reaped, from /proc (Linux; undefined elsewhere or with several drivers).
 */
function driverCpu(): { parent: number; children: number; parentFaults: number; childFaults: number } | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const mine = readdirSync('/proc').filter((d) => {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return (
        stat.split(') ')[1].split(' ')[1] === String(process.pid) && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('loopspec_driver')
      );
    } catch {
      return false;
    }
  });
  if (mine.length !== 1) return undefined;
  const f = readFileSync(`/proc/${mine[0]}/stat`, 'utf8').split(') ')[1].split(' ');
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  // stat(5) fields 10 to 17 (minflt, cminflt, majflt, cmajflt, utime, stime, cutime, cstime) are 7 to 14 here
  return {
    parent: (Number(f[11]) + Number(f[12])) * tick,
    children: (Number(f[13]) + Number(f[14])) * tick,
    parentFaults: Number(f[7]),
    childFaults: Number(f[8]),
  };
}

/** CPU per program of the persistent driver's best round: its parent, its children, the harness. */
let cpuPerProgram: { parent: number; children: number; harness: number; faults: number } | undefined;

/** Runs `programs` through the protocol driver; pings on the same pipe afterwards. */
async function throughDriver(flags: { pool?: number; warmUp?: boolean }, pings: number) {
  const adapter = await startPythonAdapter({ python, ...flags, timeoutMs: 30_000 });
  for (const p of programs.slice(0, 10)) await adapter.run(p); // warm up the harness and the first children
  const traces: Trace[] = [];
  const before = driverCpu();
  const harness = process.cpuUsage();
  const seconds = await timed(async () => {
    for (const p of programs) traces.push(await adapter.run(p));
  });
  const after = driverCpu();
  const used = process.cpuUsage(harness);
  const cpu =
    before && after
      ? {
          parent: (after.parent - before.parent) / programs.length,
          children: (after.children - before.children) / programs.length,
          harness: (used.user + used.system) / 1000 / programs.length,
          faults: (after.parentFaults - before.parentFaults + after.childFaults - before.childFaults) / programs.length,
        }
      : undefined;
  const pingSeconds = await timed(async () => {
    for (let i = 0; i < pings; i++) await adapter.ping();
  });
  await adapter.close();
  const bad = traces.filter((t) => t.end.kind !== 'ok').length;
  return { traces, seconds, pingSeconds, cpu, note: bad ? `${bad} did not end ok` : undefined };
}

/**
 * Runs `programs` through one driver per core at once (the suite's pool, conformance/pool.ts),
 * as many in flight as drivers: what isolated programs cost when both cores work.
 */
async function throughDrivers(drivers: number) {
  const pool = adapterPool(await Promise.all(Array.from({ length: drivers }, () => startPythonAdapter({ python, timeoutMs: 30_000 }))));
  await Promise.all(programs.slice(0, 10 * drivers).map((p) => pool.run(p))); // warm up every driver
  const traces: Trace[] = new Array(programs.length);
  let next = 0;
  const seconds = await timed(async () => {
    const worker = async () => {
      for (let i = next++; i < programs.length; i = next++) traces[i] = await pool.run(programs[i]);
    };
    await Promise.all(Array.from({ length: drivers }, worker));
  });
  await pool.close();
  const bad = traces.filter((t) => t.end.kind !== 'ok').length;
  return { traces, seconds, note: bad ? `${bad} did not end ok` : undefined };
}

/** CPU (ms) per fork + exit + wait of the last bareForks, parent and child together. */
let bareForkCpu: number | undefined;

/** fork + exit + wait in a warm parent, nothing else: what the syscalls alone cost (wall seconds). */
function bareForks(forks: number): number {
  const r = spawnSync(
    python!,
    [
      '-c',
      `import sys, os, time, gc
sys.dont_write_bytecode = True
sys.path.insert(0, ${JSON.stringify(DRIVER_PATH.replace(/\/[^/]+$/, ''))})
import asyncio, loopspec_driver, loopspec_server, resource  # as warm as the driver's parent
gc.collect(); gc.freeze()
def cpu():
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))
c = cpu()
t = time.perf_counter()
for _ in range(${forks}):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print(time.perf_counter() - t, (cpu() - c) * 1000 / ${forks})`,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`bare fork measurement failed: ${r.stderr}`);
  const [seconds, cpuMs] = r.stdout.trim().split(' ').map(Number);
  bareForkCpu = Math.min(bareForkCpu ?? Infinity, cpuMs);
  return seconds;
}

/** A fresh interpreter per program: the single-shot driver. */
function once(p: Program): Promise<Trace> {
  return new Promise((resolve, reject) => {
    const child = spawn(python!, [DRIVER_PATH], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out)));
    child.stdin.end(JSON.stringify(p));
  });
}

// The machine may be shared: every mode runs once per round, rounds interleaved, best kept.
const naivePrograms = programs.slice(0, naiveCount);
const PINGS = 2000;
const FORKS = 2000;
const best = new Map<string, Row>();
const keep = (r: Row) => {
  if (r.seconds < (best.get(r.mode)?.seconds ?? Infinity)) best.set(r.mode, r);
};
let persistent: Trace[] = [];
let naiveTraces: Trace[] = [];
for (let round = 0; round < rounds; round++) {
  const warm = await throughDriver({}, PINGS);
  persistent = warm.traces;
  if (warm.seconds < (best.get('persistent driver (2 warm children ahead)')?.seconds ?? Infinity)) cpuPerProgram = warm.cpu;
  keep({ mode: 'persistent driver (2 warm children ahead)', count: programs.length, seconds: warm.seconds, note: warm.note });
  keep({ mode: 'no-op ping round trip (same pipe)', count: PINGS, seconds: warm.pingSeconds });
  const cores = os.cpus().length;
  const both = await throughDrivers(cores);
  keep({ mode: `${cores} drivers at once (one per core, the pool)`, count: programs.length, seconds: both.seconds, note: both.note });
  const cold = await throughDriver({ pool: 0, warmUp: false }, 0);
  keep({ mode: 'bare fork per program (--pool 0, cold)', count: programs.length, seconds: cold.seconds, note: cold.note });
  keep({ mode: 'fork + exit + wait alone (no program run)', count: FORKS, seconds: bareForks(FORKS), note: 'the syscalls alone' });
  naiveTraces = [];
  const seconds = await timed(async () => {
    for (const p of naivePrograms) naiveTraces.push(await once(p));
  });
  keep({ mode: 'fresh interpreter per program (naive)', count: naivePrograms.length, seconds });
}
rows.push(...best.values());
const naiveSeconds = best.get('fresh interpreter per program (naive)')!.seconds;

// the persistent driver must say what a fresh interpreter says
const same = (a: Trace, b: Trace) => isDeepStrictEqual(canonicalize(a).obs, canonicalize(b).obs);
const differ = naiveTraces.filter((t, i) => !same(t, persistent[i])).length;

// ---- the table --------------------------------------------------------------------------
const version = spawnSync(python, ['-c', 'import platform; print(platform.python_implementation(), platform.python_version())'], {
  encoding: 'utf8',
}).stdout.trim();
console.log(`loopspec Python driver benchmark: ${version} (${python}); ${os.cpus().length} cores, node ${process.version}`);
console.log(
  `${programs.length} programs sampled from the properties of all ${PROPERTIES.length} rules (seed ${seed}, ${statements} statements; ${sampled.length - quick.length} of ${sampled.length} sampled left out for waiting on real timers); best of ${rounds}`,
);
const naiveRate = naivePrograms.length / naiveSeconds;
console.log(['mode'.padEnd(44), 'count'.padStart(6), 'ms each'.padStart(9), 'per s'.padStart(8), 'vs naive'.padStart(9)].join(' '));
for (const r of rows) {
  const rate = r.count / r.seconds;
  console.log(
    [
      r.mode.padEnd(44),
      String(r.count).padStart(6),
      ((r.seconds * 1000) / r.count).toFixed(3).padStart(9),
      rate.toFixed(0).padStart(8),
      `${(rate / naiveRate).toFixed(1)}x`.padStart(9),
      r.note ?? '',
    ]
      .join(' ')
      .trimEnd(),
  );
}
console.log(`traces of the persistent driver and of a fresh interpreter: ${naiveTraces.length - differ} of ${naiveTraces.length} the same`);
if (cpuPerProgram) {
  const { parent, children, harness, faults } = cpuPerProgram;
  const total = parent + children + harness;
  console.log(
    `CPU per program, persistent driver (from /proc): driver parent ${parent.toFixed(2)} ms, its children ${children.toFixed(2)} ms, ` +
      `harness ${harness.toFixed(2)} ms; ${total.toFixed(2)} ms over ${os.cpus().length} cores: a floor of ${(total / os.cpus().length).toFixed(2)} ms per program`,
  );
  // What fork isolation costs before any program runs, and the copy-on-write faults a program's run takes.
  console.log(
    `of which fork + exit + wait alone (best round): ${bareForkCpu?.toFixed(2)} ms of CPU; page faults per program (driver and child): ${faults.toFixed(0)}`,
  );
}
