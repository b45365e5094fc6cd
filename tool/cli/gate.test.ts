// The CI gate end to end: report files, expectations, diff, shards and merge, replay, repro,
// and an interrupted run that still writes its report.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportProblems } from '../../protocol/validate.ts';
import { RULE_COUNT } from '../../fixtures/helpers/rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = { ...process.env, CI: 'true' };
function loopspec(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/loopspec.mjs', ...args], { cwd: root, encoding: 'utf8', env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const SILENT = 'fixtures/adapters/silent-oracle.ts';

describe('loopspec as a CI gate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopspec-gate-'));
  const f = (name: string) => join(dir, name);
  let first: ReturnType<typeof loopspec>;

  beforeAll(() => {
    first = loopspec(
      'run',
      '--impl',
      SILENT,
      '--seed',
      '9',
      '--json',
      f('silent.json'),
      '--junit',
      f('silent.xml'),
      '--markdown',
      f('silent.md'),
      '--write-expect',
      f('silent.expect'),
      '--save-failures',
      f('cx'),
    );
  });

  it('writes a JSON report that validates, JUnit that is well-formed, and one counterexample per failure', () => {
    expect(first.code).toBe(1);
    const report = JSON.parse(readFileSync(f('silent.json'), 'utf8'));
    expect(reportProblems(report)).toEqual([]);
    expect(report.rules.filter((r: { verdict: string }) => r.verdict === 'fail').map((r: { id: string }) => r.id)).toEqual([
      'GET-3',
      'FORK-2',
    ]);
    expect(XMLValidator.validate(readFileSync(f('silent.xml'), 'utf8'))).toBe(true);
    expect(readFileSync(f('silent.md'), 'utf8')).toContain('GET-3');
    expect(readdirSync(f('cx')).sort()).toEqual([expect.stringMatching(/^FORK-2\./), expect.stringMatching(/^GET-3\./)]);
  });

  it('passes the gate when the results match the expectations file', () => {
    writeFileSync(
      f('silent.expect'),
      readFileSync(f('silent.expect'), 'utf8').replace(/TODO.*$/gm, 'no DeprecationWarning, by design of the fixture'),
    );
    const r = loopspec('run', '--impl', SILENT, '--seed', '9', '--expect', f('silent.expect'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('as expected (2 known deviations: GET-3, FORK-2)');
  });

  it('names a stale expectation, with the lines to delete, when a rule starts passing', () => {
    const r = loopspec('run', '--impl', 'oracle', '--seed', '9', '--expect', f('silent.expect'), '--json', f('oracle.json'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/UNEXPECTED PASS\s+GET-3 \(listed as fail on line \d+\): delete line \d+/);
    expect(r.out).toMatch(/is stale: delete lines \d+, \d+/);
  });

  it('checks against the expectations file as it was before the run, when --write-expect rewrites it', () => {
    writeFileSync(f('rewritten.expect'), '# loopspec expectations v1\n');
    const r = loopspec('run', '--impl', SILENT, '--seed', '9', '--expect', f('rewritten.expect'), '--write-expect', f('rewritten.expect'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REGRESSION\s+GET-3/);
    expect(readFileSync(f('rewritten.expect'), 'utf8')).toMatch(/^GET-3 fail /m);
  });

  it('names a regression that the expectations file does not list', () => {
    writeFileSync(f('only-get3.expect'), '# loopspec expectations v1\nGET-3 fail known\n');
    const r = loopspec('run', '--impl', SILENT, '--seed', '9', '--expect', f('only-get3.expect'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/REGRESSION\s+FORK-2/);
  });

  it.each([
    ['# loopspec expectations v1\nGET-3 fail a\nGET-3 fail b\n', /:3: GET-3 is already listed on line 2/],
    ['# loopspec expectations v1\nNOPE-1 fail a\n', /:2: .*NOPE-1/],
    ['# loopspec expectations v1\nGET-3 maybe a\n', /:2: .*maybe/],
    ['# loopspec expectations v1\nGET-3 fail\n', /:2: .*reason/],
    ['GET-3 fail a\n', /:1: /],
  ])('refuses a broken expectations file before running, with its line (exit 2): %j', (text, message) => {
    writeFileSync(f('bad.expect'), text);
    const r = loopspec('run', '--impl', 'oracle', '--expect', f('bad.expect'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).not.toMatch(/PASS|FAIL/);
  });

  it('diffs two reports: regressions exit 1, fixes exit 0', () => {
    const worse = loopspec('diff', f('oracle.json'), f('silent.json'));
    expect(worse.code).toBe(1);
    expect(worse.out).toMatch(/REGRESSED\s+GET-3\s+pass -> fail/);
    const better = loopspec('diff', f('silent.json'), f('oracle.json'));
    expect(better.code).toBe(0);
    expect(better.out).toMatch(/fixed\s+GET-3\s+fail -> pass/);
  });

  it('runs shards whose merged report equals the whole run', () => {
    for (const i of [1, 2, 3]) loopspec('run', '--impl', SILENT, '--seed', '9', '--shard', `${i}/3`, '--json', f(`shard${i}.json`));
    const m = loopspec('merge', '-o', f('merged.json'), f('shard1.json'), f('shard2.json'), f('shard3.json'));
    expect(m.code).toBe(1); // the merged run has failures
    const verdicts = (file: string) =>
      JSON.parse(readFileSync(file, 'utf8')).rules.map((r: { id: string; verdict: string; counterexample: unknown }) => [
        r.id,
        r.verdict,
        r.counterexample && JSON.stringify((r.counterexample as { program: unknown }).program),
      ]);
    expect(verdicts(f('merged.json'))).toEqual(verdicts(f('silent.json')));
    expect(loopspec('merge', '-o', f('m2.json'), f('shard1.json'), f('shard2.json')).err).toMatch(/shard 3\/3 missing/);
    // A shard beside a whole run is no diff: its missing rules would read as removed.
    const partial = loopspec('diff', f('silent.json'), f('shard1.json'));
    expect(partial.code).toBe(2);
    expect(partial.err).toMatch(/cannot compare a whole run .* with shard 1\/3 .*loopspec merge/);
  });

  it('replays a saved counterexample and prints a Python reproducer', () => {
    const cx = join(f('cx'), readdirSync(f('cx')).find((n) => n.startsWith('GET-3'))!);
    const onOracle = loopspec('replay', cx, '--impl', 'oracle');
    expect(onOracle.code).toBe(0);
    expect(onOracle.out).toContain('CONFORMS');
    const onSilent = loopspec('replay', cx, '--impl', SILENT);
    expect(onSilent.code).toBe(1);
    expect(onSilent.out).toContain('DEVIATES');
    const py = loopspec('repro', cx, '--as', 'python');
    expect(py.code).toBe(0);
    expect(py.out).toMatch(/^#!\/usr\/bin\/env python3/);
    expect(py.out).toContain('asyncio.get_event_loop()');
  });

  it('writes the report of the rules that finished when interrupted (SIGINT), and exits 130', async () => {
    const child = spawn(
      process.execPath,
      ['bin/loopspec.mjs', 'run', '--impl', 'fixtures/adapters/slow-oracle.ts', '--json', f('partial.json'), '--progress'],
      { cwd: root, env },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      // Interrupt once two rules are done.
      if (err.includes(`[2/${RULE_COUNT}]`) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const report = JSON.parse(readFileSync(f('partial.json'), 'utf8'));
    expect(report.interrupted).toBe(true);
    expect(report.rules.length).toBeGreaterThanOrEqual(2);
    expect(report.rules.length).toBeLessThan(RULE_COUNT);
    expect(reportProblems(report)).toEqual([]);
  });
});
