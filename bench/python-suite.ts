/**
 * Benchmark: the full default suite (40 rules, 100 programs each) against a real CPython
 * through the Python driver, with 1, 2, 4, 8 and 16 drivers and the command's default number
 * (conformance/concurrency.ts), and its CPU-bound floor: the CPU
 * time the run cost (the harness, the drivers and the programs they forked) divided by the
 * cores, read from /proc. Prints a table; record it in the README. Linux only (/proc).
 * Usage: npm run bench:suite-python [-- --python PATH --seed S --jobs 1,2,4,8,16,default]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { findPython, startPythonAdapter } from '../conformance/adapters/python.ts';
import { runSuite } from '../conformance/runner.ts';
import { driversFor, sampleOfRun } from '../conformance/concurrency.ts';
import { requireProfile } from '../spec/profiles.ts';

const { values } = parseArgs({ options: { python: { type: 'string' }, seed: { type: 'string' }, jobs: { type: 'string' } } });
const python = values.python ?? findPython();
if (!python) throw new Error('no python3 here: pass --python');
const seed = Number(values.seed ?? 5);
const counts = (values.jobs ?? '1,2,4,8,16,default').split(',');
const cores = os.availableParallelism();
const tick = 100; // USER_HZ on Linux

/**
 * CPU seconds of this process (the harness) and of its children that ended and were waited
 * for (the drivers, and the programs they forked and waited for).
 */
function cpuSeconds(): { harness: number; drivers: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ').map(Number);
  // utime, stime, cutime, cstime: fields 14 to 17 of stat(5), 12 to 15 after the name.
  return { harness: (fields[11] + fields[12]) / tick, drivers: (fields[13] + fields[14]) / tick };
}

const rows: string[] = [];
for (const count of counts) {
  const first = await startPythonAdapter({ python });
  const profile = requireProfile(first.profile ?? 'cpython-3.12');
  const jobs = count === 'default' ? driversFor(sampleOfRun(undefined, profile, seed), cores) : Number(count);
  const adapters = [first, ...(await Promise.all(Array.from({ length: jobs - 1 }, () => startPythonAdapter({ python }))))];
  const cpu0 = cpuSeconds();
  const t0 = performance.now();
  const r = await runSuite({ adapter: adapters, runs: 100, seed, profile });
  const wall = (performance.now() - t0) / 1000;
  await Promise.all(adapters.map((a) => a.close()));
  // Closing waits for the drivers, so their CPU time is counted.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cpu1 = cpuSeconds();
  const harness = cpu1.harness - cpu0.harness;
  const drivers = cpu1.drivers - cpu0.drivers;
  const floor = (harness + drivers) / cores;
  const passed = r.rules.filter((x) => x.verdict === 'pass').length;
  rows.push(
    `| ${count === 'default' ? `${jobs} (the default here)` : jobs} | ${wall.toFixed(1)} s | ${harness.toFixed(1)} s | ${drivers.toFixed(1)} s | ${floor.toFixed(1)} s | ${(wall / floor).toFixed(2)}x | ${passed}/${r.rules.length} |`,
  );
}
console.log(
  `the full suite against ${python} (${adapters0Version()}), 100 programs per rule, seed ${seed}; ${cores} cores, node ${process.version}`,
);
console.log('| drivers | wall time | harness CPU | drivers CPU | CPU-bound floor | wall / floor | rules passed |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);

function adapters0Version(): string {
  return python!.replace(/.*versions\//, '').replace(/\/bin.*/, '');
}
