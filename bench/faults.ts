/**
 * Benchmark: what hangs cost. The whole suite against the Python driver behind
 * fixtures/drivers/forward.py, once conforming and once leaving about 1 program in N without
 * an answer (`--hang-every N`), at the same seed: the wall time of each, the ratio, how many
 * rules ended in a timeout, and how many driver (re)starts it took. Issue 9's bar: at most 3x
 * with 1 program in 10 hanging.
 *
 * Usage: npm run bench:faults [-- --python PATH --seed S --runs N --every N]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { startProcessAdapter } from '../conformance/adapters/process.ts';
import { findPython } from '../conformance/adapters/python.ts';
import { runSuite } from '../conformance/runner.ts';
import { profileForVersion } from '../spec/profiles.ts';

const { values } = parseArgs({
  options: { python: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' }, every: { type: 'string' } },
});
const python = findPython(values.python ?? 'python3');
if (!python) {
  console.error('bench:faults: no Python interpreter found (give one with --python PATH)');
  process.exit(2);
}
const FORWARD = fileURLToPath(new URL('../fixtures/drivers/forward.py', import.meta.url));
const seed = Number(values.seed ?? 3);
const runs = Number(values.runs ?? 100);
const every = Number(values.every ?? 10);

async function timed(args: string[]) {
  const adapter = await startProcessAdapter({ argv: [python!, FORWARD, ...args] });
  const started = performance.now();
  const r = await runSuite({ adapter, runs, seed, profile: profileForVersion(adapter.version)! });
  const seconds = (performance.now() - started) / 1000;
  const starts = adapter.starts();
  await adapter.close();
  const timeouts = r.rules.filter((x) => x.fault === 'timeout').length;
  const failing = r.rules.filter((x) => x.verdict !== 'pass').length;
  return { version: adapter.version, seconds, timeouts, failing, starts };
}

const conforming = await timed([]);
const hanging = await timed(['--hang-every', String(every)]);
console.log(
  `bench:faults ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, CPython ${conforming.version}, seed ${seed}, ${runs} runs per rule`,
);
console.log('| driver | wall time | rules not passing | rules with a timeout | driver starts |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, x] of [
  ['conforming', conforming],
  [`1 in ${every} programs hang`, hanging],
] as const)
  console.log(`| ${name} | ${x.seconds.toFixed(1)} s | ${x.failing} | ${x.timeouts} | ${x.starts} |`);
console.log(`ratio: ${(hanging.seconds / conforming.seconds).toFixed(2)}x (issue 9's bar: 3x)`);
