// The README documents every flag and exit code of the program, and nothing it does not have.
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { EXIT } from './main.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const help = (...cmd: string[]) =>
  spawnSync(process.execPath, ['bin/loopspec.mjs', ...cmd, '--help'], { cwd: root, encoding: 'utf8' }).stdout;
const flags = (text: string) => new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]+/g)].map((m) => m[0]));

it('documents every option of every command, and no option that does not exist', () => {
  const commands = ['run', 'rules', 'diff', 'merge', 'report', 'replay', 'repro', 'matrix'];
  const real = new Set([...flags(help()), ...commands.flatMap((c) => [...flags(help(c))])]);
  const documented = flags(readme);
  expect([...real].filter((f) => !documented.has(f)).sort()).toEqual([]);
  // Flags of other tools the README quotes (npm, the Python driver, Stryker, the benchmarks) are not loopspec's.
  const foreign = new Set(['--no-audit', '--no-fund', '--serve', '--mutate', '--python']);
  expect([...documented].filter((f) => !real.has(f) && !foreign.has(f)).sort()).toEqual([]);
});

it('documents every exit code', () => {
  // The table is padded to its widest cell.
  for (const code of Object.values(EXIT)) expect(readme).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'));
});
