// Bad input, all of it (fixtures/helpers/bad-inputs.ts): every case exits 2 before anything
// runs, with a short message that says what is wrong, no stack trace, nothing on stdout, and
// nothing written. The table runs in-process through main(), the function bin/loopspec.mjs
// calls (a throw out of it is what would print a stack trace); a few cases run through the
// real binary too, to show it is the same there.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BAD_INPUTS, writeBadInputFiles } from '../../fixtures/helpers/bad-inputs.ts';
import { main } from './main.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loopspec-bad-input-'));
const args = (a: string[]) => a.map((x) => x.replaceAll('$D', dir));

/** Every file under `dir`, with its size and time: what a case must leave as it was. */
function snapshot(d = dir): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = join(d, e.name);
    const s = statSync(p);
    return e.isDirectory() ? [`${p}/`, ...snapshot(p)] : [`${p} ${s.size} ${s.mtimeMs}`];
  });
}

/** What a user sees on stderr is one short message: no stack, no internals. */
function expectShortMessage(err: string, message: RegExp): void {
  expect(err).toMatch(message);
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toMatch(/node:internal|\.ts:\d+:\d+|Error: /);
  // Commander's help for a missing command is long, and is what `loopspec --help` prints.
  if (!err.startsWith('Usage: loopspec')) expect(err.trim().split('\n').length).toBeLessThanOrEqual(6);
}

beforeAll(() => writeBadInputFiles(dir));

describe('bad input', () => {
  it('is a table of at least 100 distinct cases', () => {
    expect(new Set(BAD_INPUTS.map((c) => JSON.stringify(c.args))).size).toBe(BAD_INPUTS.length);
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(100);
  });

  it.each(BAD_INPUTS.map((c) => [c.args.join(' '), c] as const))('exits 2 with a short message: %s', async (_, c) => {
    const before = snapshot();
    let out = '';
    let err = '';
    const io = {
      out: (s: string) => {
        out += `${s}\n`;
      },
      err: (s: string) => {
        err += `${s}\n`;
      },
      isTTY: false,
      env: { CI: 'true' },
    };
    const code = await main(args(c.args), io);
    expect({ code, err }).toMatchObject({ code: 2 });
    expectShortMessage(err, c.message);
    expect(out).toBe('');
    expect(snapshot()).toEqual(before);
  });
});

describe('bad input through bin/loopspec.mjs', () => {
  const run = (a: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/loopspec.mjs', ...args(a)], { cwd: root, env: { ...process.env, CI: 'true' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  // The issue's own examples: each used to crash with a stack trace, spin, or be accepted.
  const cases: Array<[string[], RegExp]> = [
    [['run', '--json', '/proc/x/r.json'], /cannot write to \/proc\/x\/r\.json/],
    [['merge', '-o', '$D/a-folder', '$D/shard1.json', '$D/shard2.json', '$D/shard3.json'], /a-folder is a folder/],
    [['repro', '$D/cx-deep.json', '--as', 'python'], /nests statements 2001 deep/],
    [['repro', '$D/cx-unknown-rule.json', '--as', 'python'], /unknown rule 'NOPE-9'/],
    [['replay', '$D/cx.json', '--profile', 'cpython-2.7'], /unknown profile 'cpython-2.7'/],
    [['diff', '$D/report.json', '$D/shard1.json'], /cannot compare a whole run/],
  ];
  it('exits 2 with the same short messages, two processes at a time', async () => {
    const results: Array<Awaited<ReturnType<typeof run>>> = [];
    for (let i = 0; i < cases.length; i += 2) results.push(...(await Promise.all(cases.slice(i, i + 2).map(([a]) => run(a)))));
    for (const [i, r] of results.entries()) {
      expect({ args: cases[i][0], code: r.code, err: r.err }).toMatchObject({ code: 2 });
      expectShortMessage(r.err, cases[i][1]);
      expect(r.out).toBe('');
    }
  }, 120_000);
});
