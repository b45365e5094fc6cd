/**
 * Benchmark: the full suite at default settings against the reference, and against the
 * oracle alone (the cost of generating and predicting, with no implementation behind it),
 * measured in one run so the two compare. Prints a table; record it in the README.
 * Usage: npm run bench [-- --runs N --seed S]
 */
import { parseArgs } from 'node:util';
import os from 'node:os';
import type { Adapter } from '../conformance/adapter.ts';
import { oracleAdapter } from '../conformance/adapters/oracle.ts';
import { referenceAdapter } from '../conformance/adapters/reference.ts';
import { DEFAULT_RUNS, runSuite } from '../conformance/runner.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, repeat: { type: 'string' } } });
const runs = Number(values.runs ?? DEFAULT_RUNS);
const seed = Number(values.seed ?? 1);
const repeat = Number(values.repeat ?? 3);

async function measure(make: () => Adapter) {
  const times: number[] = [];
  let programs = 0;
  let verdicts = '';
  for (let i = 0; i < repeat; i++) {
    const adapter = make();
    const started = performance.now();
    const r = await runSuite({ adapter, runs, seed });
    times.push(performance.now() - started);
    await adapter.close();
    programs = r.rules.reduce((n, x) => n + x.runs, 0);
    verdicts = `${r.rules.filter((x) => x.verdict === 'pass').length}/${r.rules.length} pass`;
  }
  const best = Math.min(...times) / 1000;
  return { name: make().name, best, median: times.sort((a, b) => a - b)[Math.floor(times.length / 2)] / 1000, programs, verdicts };
}

const rows = [await measure(() => referenceAdapter()), await measure(() => oracleAdapter())];
console.log(
  `loopspec suite benchmark: ${runs} programs per rule, seed ${seed}, best and median of ${repeat}; ${os.cpus().length} cores, node ${process.version}`,
);
console.log(
  [
    'implementation'.padEnd(22),
    'verdicts'.padEnd(12),
    'programs'.padStart(8),
    'best s'.padStart(8),
    'median s'.padStart(9),
    'programs/s'.padStart(11),
  ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      r.name.padEnd(22),
      r.verdicts.padEnd(12),
      String(r.programs).padStart(8),
      r.best.toFixed(2).padStart(8),
      r.median.toFixed(2).padStart(9),
      Math.round(r.programs / r.best)
        .toString()
        .padStart(11),
    ].join(' '),
  );
}
console.log(`reference / oracle-only time: ${(rows[0].best / rows[1].best).toFixed(2)}x`);
