// `loopspec matrix` end to end through bin/loopspec.mjs: two fast in-process implementations
// (the built-in reference, and fixtures/adapters/silent-oracle.ts with its expectations file)
// and one that cannot be started (optional), at a small --runs: the files written, each
// implementation's report the one `loopspec run` writes, the exit code; an implementation with
// a failure its (missing) expectations file does not list exits 1; --from-reports makes the same
// matrix from the files. Bad configs are rows of the bad-input table (tool/cli/bad-input.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportProblems } from '../../protocol/validate.ts';
import { entry } from '../../fixtures/helpers/matrices.ts';
import { wantsJspi } from './matrix.ts';
import { RULE_COUNT } from '../../fixtures/helpers/rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SILENT = join(root, 'fixtures/adapters/silent-oracle.ts');

function loopspec(args: string[]) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/loopspec.mjs', ...args], { cwd: root, env: { ...process.env, CI: 'true' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A report as JSON, without what differs between two runs of the same thing: times. */
function timeless(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  expect(reportProblems(r)).toEqual([]);
  const { startedAt: _, durationMs: __, ...rest } = r;
  return { ...rest, rules: rest.rules.map(({ durationMs: _d, ...rule }: { durationMs: number }) => rule) };
}

describe('loopspec matrix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopspec-matrix-'));
  const f = (...p: string[]) => join(dir, ...p);
  const config = f('matrix.json');
  let first: Awaited<ReturnType<typeof loopspec>>;
  let alone: Awaited<ReturnType<typeof loopspec>>;

  beforeAll(async () => {
    writeFileSync(f('silent.expect'), '# loopspec expectations v1\nGET-3 fail never warns\nFORK-2 fail a child warns its own\n');
    writeFileSync(
      config,
      JSON.stringify({
        version: 1,
        runs: 50,
        seed: 4,
        implementations: [
          { name: 'reference', impl: 'reference' },
          { name: 'silent', impl: SILENT, expect: 'silent.expect', description: 'never warns' },
          { name: 'wasm', impl: 'wasm-loop-not-here', optional: true },
          { name: 'silent-bare', impl: SILENT },
        ],
      }),
    );
    // The matrix, and `loopspec run` on its own with the same flags, side by side.
    [first, alone] = await Promise.all([
      loopspec(['matrix', config, '--only', 'reference,silent,wasm', '--out', f('out'), '--progress']),
      loopspec(['run', '--impl', SILENT, '--runs', '50', '--seed', '4', '--expect', f('silent.expect'), '--json', f('alone.json')]),
    ]);
  }, 60_000);

  it('runs each implementation, prints a line for each, and exits 0 when each did as its expectations say', () => {
    expect(first.code).toBe(0);
    expect(first.out.split('\n')).toEqual([
      `loopspec matrix: 3 implementations of ${config}, seed 4, 50 programs per rule, reports in ${f('out')}`,
      expect.stringMatching(
        new RegExp(`^\\[1/3\\] reference: loopspec-reference \\S+, cpython-3\\.12: ${RULE_COUNT} pass · as expected \\(\\d+\\.\\d s\\)$`),
      ),
      expect.stringMatching(
        new RegExp(
          `^\\[2/3\\] silent: silent-oracle cpython-3\\.12, cpython-3\\.12: ${RULE_COUNT - 2} pass, 2 fail · as expected \\(2 known deviations: GET-3, FORK-2\\) \\(\\d+\\.\\d s\\)$`,
        ),
      ),
      expect.stringMatching(
        /^\[3\/3\] wasm: could not start: unknown implementation 'wasm-loop-not-here'.* \(optional: not counted\) \(\d+\.\d s\)$/,
      ),
      `wrote ${f('out', 'matrix.html')}`,
      `wrote ${f('out', 'matrix.md')}`,
      'loopspec matrix: 2 of 3 implementations as expected, 1 could not start (optional)',
      '',
    ]);
    // Progress, per implementation and per rule, on stderr.
    expect(first.err).toContain('[2/3] silent: running --impl');
    expect(first.err).toMatch(new RegExp(`^silent: \\[${RULE_COUNT}/${RULE_COUNT}\\] \\S+ (pass|fail) `, 'm'));
  });

  it("writes each implementation's files, the report the same as `loopspec run` writes", () => {
    expect(readdirSync(f('out')).sort()).toEqual(['matrix.html', 'matrix.md', 'reference', 'silent', 'wasm']);
    expect(readdirSync(f('out', 'silent')).sort()).toEqual([
      'counterexamples',
      'junit.xml',
      'report.html',
      'report.json',
      'run.log',
      'summary.md',
    ]);
    expect(readdirSync(f('out', 'silent', 'counterexamples')).sort()).toEqual([
      expect.stringMatching(/^FORK-2\.silent-oracle\.seed-?\d+\.counterexample\.json$/),
      expect.stringMatching(/^GET-3\.silent-oracle\.seed-?\d+\.counterexample\.json$/),
    ]);
    expect(alone.code).toBe(0);
    expect(timeless(f('out', 'silent', 'report.json'))).toEqual(timeless(f('alone.json')));
    expect(XMLValidator.validate(readFileSync(f('out', 'silent', 'junit.xml'), 'utf8'))).toBe(true);
    // What `loopspec run` printed, gate included, is the row's log.
    const log = readFileSync(f('out', 'silent', 'run.log'), 'utf8');
    expect(log).toContain('as expected (2 known deviations: GET-3, FORK-2)');
    expect(log).toMatch(/^--- FORK-2 FAIL/m);
    expect(readFileSync(f('out', 'wasm', 'unavailable.txt'), 'utf8')).toMatch(/^unknown implementation 'wasm-loop-not-here'/);
  });

  it('writes the matrix as HTML and as Markdown', () => {
    const html = readFileSync(f('out', 'matrix.html'), 'utf8');
    expect(html.match(/<tr class="impl-row"/g)?.length).toBe(3);
    expect(html.match(/<tr class="cx-row"/g)?.length).toBe(2);
    expect(html).toContain('silent/counterexamples/GET-3.silent-oracle.seed');
    const md = readFileSync(f('out', 'matrix.md'), 'utf8');
    expect(md).toContain('| `silent` | silent-oracle cpython-3.12 | `cpython-3.12` | ✅ as expected (2 known deviations: GET-3, FORK-2) |');
    expect(md).not.toContain('<details>');
  });

  it('exits 1 when an implementation fails a rule no expectations file lists, and says which', async () => {
    const r = await loopspec(['matrix', config, '--only', 'silent-bare', '--out', f('bare'), '--runs', '50']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 surprises: GET-3 fail, FORK-2 fail (no expectations file)');
    expect(r.out).toContain('loopspec matrix: 0 of 1 implementation as expected, 1 with surprises');
    const md = readFileSync(f('bare', 'matrix.md'), 'utf8');
    expect(md).toContain('**GET-3 FAIL (unexpected)**, **FORK-2 FAIL (unexpected)**');
    expect(md.match(/<details>/g)?.length).toBe(2);
  }, 30_000);

  it('makes the same matrix from the files with --from-reports, running nothing', async () => {
    const before = readFileSync(f('out', 'matrix.md'), 'utf8');
    const r = await loopspec(['matrix', config, '--only', 'reference,silent,wasm', '--out', f('out'), '--from-reports']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`from the reports in ${f('out')}`);
    expect(readFileSync(f('out', 'matrix.md'), 'utf8')).toBe(before);
    // A row with neither a report nor a reason is not run: it fails the matrix.
    const all = await loopspec(['matrix', config, '--out', f('out'), '--from-reports']);
    expect(all.code).toBe(1);
    expect(all.out).toContain(`[4/4] silent-bare: not run: no report in ${f('out', 'silent-bare')}`);
  }, 30_000);

  it('stops after the current rule on Ctrl-C, and writes the matrix of what finished (exit 130)', async () => {
    const slow = f('slow.json');
    const rows = [
      { name: 'first', impl: 'reference' },
      { name: 'slow', impl: join(root, 'fixtures/adapters/slow-oracle.ts') },
      { name: 'after', impl: 'reference' },
    ];
    writeFileSync(slow, JSON.stringify({ version: 1, runs: 20, seed: 1, implementations: rows }));
    const child = spawn(process.execPath, ['bin/loopspec.mjs', 'matrix', slow, '--out', f('stopped'), '--progress'], {
      cwd: root,
      env: { ...process.env, CI: 'true' },
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (new RegExp(`^slow: \\[2/${RULE_COUNT}\\]`, 'm').test(err) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    const md = readFileSync(f('stopped', 'matrix.md'), 'utf8');
    expect(md).toMatch(/^\| `first` .* ✅ as expected \|/m);
    expect(md).toMatch(/^\| `slow` .* ❌ run interrupted: not every rule finished \|/m);
    expect(md).toMatch(/^\| `after` \| `reference` \| {2}\| ⏭️ not run: the matrix was interrupted \| {2}\|$/m);
    expect(JSON.parse(readFileSync(f('stopped', 'slow', 'report.json'), 'utf8')).interrupted).toBe(true);
  }, 30_000);

  it('runs itself again with stack switching for a Pyodide row, as bin/loopspec.mjs does for run --impl pyodide', () => {
    const bin = join(root, 'bin/loopspec.mjs');
    const flag = '--experimental-wasm-stack-switching';
    const [pyodide, folder, ref] = [entry('p', 'pyodide'), entry('f', 'pyodide:/opt/pyodide'), entry('r', 'reference')];
    expect(wantsJspi([ref, pyodide], {}, [], bin)).toBe(true);
    expect(wantsJspi([folder], {}, ['--no-warnings'], join(root, 'bin/../bin/loopspec.mjs'))).toBe(true);
    expect(wantsJspi([ref], {}, [], bin)).toBe(false);
    expect(wantsJspi([pyodide], {}, [flag], bin)).toBe(false);
    expect(wantsJspi([pyodide], { LOOPSPEC_NO_JSPI: '1' }, [], bin)).toBe(false);
    // In process (a test calling main()), never: this process is not the command.
    expect(wantsJspi([pyodide], {}, [], process.argv[1])).toBe(false);
  });

  it('documents its options in the README', () => {
    const help = spawnSync(process.execPath, ['bin/loopspec.mjs', 'matrix', '--help'], { cwd: root, encoding: 'utf8' }).stdout;
    const flags = [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]))];
    expect(flags).toEqual(expect.arrayContaining(['--out', '--only', '--runs', '--seed', '--from-reports', '--no-progress']));
    const matrixSection =
      readFileSync(join(root, 'README.md'), 'utf8')
        .split(/^## Matrix/m)[1]
        ?.split(/^## /m)[0] ?? '';
    expect(flags.filter((flag) => !matrixSection.includes(`\`${flag}`))).toEqual(['--help']);
  });
});
