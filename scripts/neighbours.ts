/**
 * Every pyenv CPython judged by its neighbour versions' profiles: each must fail exactly the
 * rules that depend on a switch the two profiles set differently (spec/differences.ts), and
 * nothing else. Prints a table; exits 1 when a row is not exact, 2 on bad arguments.
 *
 *     npm run neighbours -- --seed 9915 [--runs 100] [--python /path/to/python3 ...]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { rulesThatDiffer } from '../spec/differences.ts';
import { PROFILES, profileForVersion } from '../spec/profiles.ts';
import { pyenvInterpreters } from './pyenv.ts';

let values: { seed?: string; runs?: string; python?: string[] };
try {
  ({ values } = parseArgs({ options: { seed: { type: 'string' }, runs: { type: 'string' }, python: { type: 'string', multiple: true } } }));
} catch (e) {
  console.error(`neighbours: ${(e as Error).message}`);
  process.exit(2);
}
const seed = Number(values.seed);
const runs = Number(values.runs ?? 100);
if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) {
  console.error('neighbours: --seed <integer> is required, --runs a positive integer');
  process.exit(2);
}

function interpreters(): string[] {
  return values.python ?? pyenvInterpreters(/^3\.(8|9|10|11|12|13|14)\.\d+$/);
}

const versionOf = (py: string) =>
  execFileSync(py, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
const dir = mkdtempSync(join(tmpdir(), 'loopspec-neighbours-'));
const rows: string[][] = [];
let inexact = 0;
const pythons = interpreters();
if (pythons.length === 0) {
  console.error('neighbours: no CPython 3.8 to 3.14 found (pyenv, or --python)');
  process.exit(2);
}
for (const py of pythons) {
  const version = versionOf(py);
  const own = profileForVersion(version);
  if (!own) continue;
  const i = PROFILES.indexOf(own);
  for (const other of [PROFILES[i - 1], PROFILES[i + 1]].filter((p) => p !== undefined)) {
    const json = join(dir, `${version}-as-${other.name}.json`);
    const args = [
      'loopspec',
      'run',
      '--impl',
      `python:${py}`,
      '--profile',
      other.name,
      '--runs',
      String(runs),
      '--seed',
      String(seed),
      '--no-progress',
      '--json',
      json,
    ];
    const r = spawnSync('npx', args, { encoding: 'utf8' });
    // Exit 0 and 1 are verdicts; anything else is a run that could not judge.
    if (r.status !== 0 && r.status !== 1) {
      console.error(`neighbours: CPython ${version} as ${other.name}: exit ${r.status}\n${r.stderr}`);
      process.exit(2);
    }
    const report = JSON.parse(readFileSync(json, 'utf8')) as { rules: Array<{ id: string; verdict: string }> };
    const failed = report.rules.filter((x) => x.verdict !== 'pass').map((x) => `${x.id} (${x.verdict})`.replace(' (fail)', ''));
    const expected = rulesThatDiffer(own, other);
    const exact = failed.join() === expected.join();
    if (!exact) inexact++;
    rows.push([version, other.name, expected.join(', ') || 'none', failed.join(', ') || 'none', exact ? 'yes' : 'NO']);
    console.error(`CPython ${version} as ${other.name}: ${exact ? 'exact' : 'NOT exact'}`);
  }
}
console.log(`seed ${seed}, ${runs} runs per rule\n`);
console.log('| CPython | judged as | rules that differ | rules that failed | exact |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
process.exit(inexact === 0 ? 0 : 1);
