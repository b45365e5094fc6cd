/**
 * Records the corpus: every probe program plus generated programs from every rule's
 * property, run on each CPython found here, traces committed under fixtures/corpus/. The
 * replay test (fixtures/corpus.test.ts) then checks the oracle against real CPython in CI
 * without Python. Run it when the program language, the arbitraries or the driver change,
 * or to add an interpreter:
 *
 *     npm run record-corpus [-- --per-rule 10 --python /path/to/python3 ...]
 *
 * By default it uses every `pyenv` CPython from 3.8 to 3.13 it can find.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { numberProgram } from '../language/program.ts';
import type { Program } from '../language/program.ts';
import { CLAUSE_SHAPES } from '../conformance/arbitraries/reach-clauses.ts';
import { PROPERTIES } from '../conformance/properties/index.ts';
import { predict } from '../conformance/oracle/oracle.ts';
import { profileForVersion } from '../spec/profiles.ts';
import { pyenvInterpreters } from './pyenv.ts';

const { values } = parseArgs({
  options: { 'per-rule': { type: 'string' }, python: { type: 'string', multiple: true }, seed: { type: 'string' } },
});
const perRule = Number(values['per-rule'] ?? 12);
const seed = Number(values.seed ?? 2026);
const DIR = 'fixtures/corpus';
const DRIVER = 'drivers/python/loopspec_driver.py';

function interpreters(): string[] {
  return values.python ?? pyenvInterpreters(/^3\.(8|9|10|11|12|13)\.\d+$/);
}

/** The corpus: probes first, then programs deterministic under every profile we record. */
function corpus(): Array<{ name: string; program: Program }> {
  const out: Array<{ name: string; program: Program }> = [];
  for (const f of readdirSync('fixtures/probes')
    .filter((f) => /^[A-Z]+-\d+\.json$/.test(f))
    .sort()) {
    out.push({ name: `probe:${f.replace('.json', '')}`, program: JSON.parse(readFileSync(`fixtures/probes/${f}`, 'utf8')) });
  }
  for (const prop of PROPERTIES) {
    const programs = fc.sample(
      prop.programs.map(numberProgram).filter((p) => predict(p).deterministic),
      { numRuns: perRule, seed },
    );
    for (const [i, program] of programs.entries()) out.push({ name: `${prop.rule}#${i + 1}`, program });
  }
  // Each shape by clause too (conformance/arbitraries/reach-clauses.ts), named by its first clause.
  const shapes = new Map<fc.Arbitrary<Program>, string>();
  for (const { clause, shape } of CLAUSE_SHAPES) if (!shapes.has(shape)) shapes.set(shape, clause);
  for (const [shape, clause] of shapes) {
    const programs = fc.sample(
      shape.map(numberProgram).filter((p) => predict(p).deterministic),
      { numRuns: 2, seed },
    );
    for (const [i, program] of programs.entries()) out.push({ name: `shape:${clause}#${i + 1}`, program });
  }
  // The same program twice (a shape's sample equal to a family's) is recorded once.
  const seen = new Set<string>();
  return out.filter(({ program }) => {
    const key = JSON.stringify(program);
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

const programs = corpus();
writeFileSync(`${DIR}/programs.json`, `${JSON.stringify(programs, null, 0)}\n`);
console.log(`corpus: ${programs.length} programs (${perRule} per rule, seed ${seed})`);
for (const python of interpreters()) {
  const version = execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
  if (!profileForVersion(version)) {
    console.log(`skipped ${python}: no profile for ${version}`);
    continue;
  }
  const started = Date.now();
  const traces = programs.map(({ name, program }) => {
    // Exit 3 is the driver's own deadline: the trace says 'hang' and is recorded as such.
    const r = spawnSync(python, [DRIVER], {
      input: JSON.stringify(program),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LOOPSPEC_TIMEOUT: '5' },
    });
    if (r.status !== 0 && r.status !== 3) throw new Error(`${name} on ${version}: driver exited ${r.status}: ${r.stderr.slice(-400)}`);
    return { name, trace: JSON.parse(r.stdout) };
  });
  writeFileSync(
    `${DIR}/traces.cpython-${version}.json`,
    `${JSON.stringify({ interpreter: `CPython ${version}`, recorded: new Date().toISOString().slice(0, 10), traces })}\n`,
  );
  console.log(`CPython ${version}: ${traces.length} traces in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
