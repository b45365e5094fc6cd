// The matrix config (protocol/schemas/matrix.schema.json, tool/matrix/config.ts): what a good
// file becomes (paths against the file's folder, kinds, environment), --only, and the example
// config: valid, and covering every CPython pyenv has here. Bad files are rows of the bad-input
// table (fixtures/helpers/matrix-configs.ts), run through the command by tool/cli/bad-input.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../conformance/load-adapter.ts';
import { matrixConfigProblems } from '../../protocol/validate.ts';
import { PROFILES } from '../../spec/profiles.ts';
import { chooseEntries, entryEnv, implKind, readMatrixConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'loopspec-matrix-config-'));
const sub = join(dir, 'ci');
mkdirSync(sub);
writeFileSync(join(sub, 'mine.expect'), '# loopspec expectations v1\nGET-3 fail we never warn\n');

function configFile(value: unknown): string {
  const file = join(sub, `m${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('a matrix config', () => {
  it('resolves every path against its own folder, and keeps what is no path', () => {
    const file = configFile({
      version: 1,
      runs: 7,
      seed: -3,
      implementations: [
        { name: 'ref', impl: 'reference' },
        { name: 'mine', impl: '../adapters/mine.ts', expect: 'mine.expect', timeout: 500 },
        { name: 'py', impl: 'python:../venv/bin/python3', policy: 'my.loop:Policy', pythonPath: ['../src', '/abs'], optional: true },
        { name: 'py-on-path', impl: 'python:python3.11' },
        { name: 'pyenv', impl: 'pyenv:3.12.1', setup: 'm:f', env: { PYTHONPATH: '/extra', X: '1' }, pythonPath: ['lib'] },
        { name: 'driver', impl: 'exec:./driver.sh', driverArgs: ['-v'] },
        { name: 'driver-on-path', impl: 'exec:node', driverArgs: ['d.js'] },
        { name: 'pyodide', impl: 'pyodide:dist/pyodide' },
        { name: 'unknown', impl: 'pyodide-next' },
      ],
    });
    const c = readMatrixConfig(file);
    expect({ runs: c.runs, seed: c.seed, file: c.file }).toEqual({ runs: 7, seed: -3, file });
    const by = new Map(c.implementations.map((e) => [e.name, e]));
    const get = (name: string) => by.get(name)!;
    expect(c.implementations.map((e) => [e.name, e.target, e.kind])).toEqual([
      ['ref', 'reference', 'built-in'],
      ['mine', join(dir, 'adapters/mine.ts'), 'module'],
      ['py', `python:${join(dir, 'venv/bin/python3')}`, 'python'],
      ['py-on-path', 'python:python3.11', 'python'],
      ['pyenv', 'pyenv:3.12.1', 'python'],
      ['driver', `exec:${join(sub, 'driver.sh')}`, 'exec'],
      ['driver-on-path', 'exec:node', 'exec'],
      ['pyodide', `pyodide:${join(sub, 'dist/pyodide')}`, 'module'],
      ['unknown', 'pyodide-next', 'module'],
    ]);
    expect(get('mine').expectations?.entries.map((e) => [e.rule, e.status])).toEqual([['GET-3', 'fail']]);
    expect(get('mine').impl).toBe('../adapters/mine.ts');
    expect(get('py').optional).toBe(true);
    expect(get('ref').optional).toBe(false);
    expect(get('py').pythonPath).toEqual([join(dir, 'src'), '/abs']);
    // pythonPath goes first, before the entry's own PYTHONPATH, or else the one it runs under.
    expect(entryEnv(get('pyenv'), { PYTHONPATH: '/outer' })).toEqual({ PYTHONPATH: [join(sub, 'lib'), '/extra'].join(delimiter), X: '1' });
    expect(entryEnv(get('py'), { PYTHONPATH: '/outer' })).toEqual({ PYTHONPATH: [join(dir, 'src'), '/abs', '/outer'].join(delimiter) });
    expect(entryEnv(get('ref'), { PYTHONPATH: '/outer' })).toEqual({});
  });

  it('runs the entries --only names, in the file order, and refuses a name it does not have', () => {
    const c = readMatrixConfig(configFile({ version: 1, implementations: ['a', 'b', 'c'].map((name) => ({ name, impl: 'reference' })) }));
    expect(chooseEntries(c, undefined).map((e) => e.name)).toEqual(['a', 'b', 'c']);
    expect(chooseEntries(c, ['c', 'a']).map((e) => e.name)).toEqual(['a', 'c']);
    expect(chooseEntries(c, ['b,c']).map((e) => e.name)).toEqual(['b', 'c']);
    expect(() => chooseEntries(c, ['d'])).toThrow(UsageError);
    expect(() => chooseEntries(c, ['d'])).toThrow(/no implementation named 'd' \(it has a, b, c\)/);
  });

  it('knows the kind of every --impl, as loadAdapter does', () => {
    expect(['reference', 'oracle', 'python', 'python:x', 'pyenv:3.8.18', 'exec:d', 'a.ts', 'pyodide'].map(implKind)).toEqual([
      'built-in',
      'built-in',
      'python',
      'python',
      'python',
      'exec',
      'module',
      'module',
    ]);
  });

  it('is refused by the schema where a field is wrong, saying where', () => {
    expect(matrixConfigProblems({ version: 1, implementations: [{ name: 'a', impl: 'reference' }] })).toEqual([]);
    expect(matrixConfigProblems({ version: 1, implementations: [{ name: 'a', impl: 'x', driverArgs: [1], optional: 'yes' }] })).toEqual([
      '/implementations/0/driverArgs/0 must be string',
      '/implementations/0/optional must be boolean',
    ]);
  });
});

describe('examples/matrix.json', () => {
  const example = new URL('../../examples/matrix.json', import.meta.url).pathname;

  it('is a valid config whose every deviant has an expectations file listing what it fails', () => {
    const c = readMatrixConfig(example);
    const deviants = c.implementations.filter((e) => e.name.startsWith('deviant-'));
    expect(deviants.length).toBeGreaterThanOrEqual(12);
    expect(deviants.filter((d) => !d.expectations?.entries.length).map((d) => d.name)).toEqual([]);
    expect(c.implementations.find((e) => e.name === 'pyodide')).toMatchObject({ impl: 'pyodide', optional: true });
    const reference = c.implementations.find((e) => e.name === 'reference');
    expect([reference?.impl, reference?.expectations]).toEqual(['reference', undefined]);
  });

  it('covers every CPython that pyenv has here and loopspec has a profile for', (ctx) => {
    let versions: string[];
    try {
      versions = execFileSync('pyenv', ['versions', '--bare'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      return ctx.skip('pyenv is not installed here');
    }
    const profiled = versions.filter((v) => PROFILES.some((p) => p.name === `cpython-${v.split('.').slice(0, 2).join('.')}`));
    const listed = readMatrixConfig(example).implementations.map((e) => e.impl);
    expect(profiled.length).toBeGreaterThan(0);
    expect(profiled.filter((v) => !listed.includes(`pyenv:${v}`))).toEqual([]);
  });
});
