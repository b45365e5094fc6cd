// Real interpreters judged by the suite: a CPython fails exactly the rules that differ
// between its version and the profile it is judged by, and a policy with deliberate
// deviations (fixtures/python/deviant_policy.py) fails exactly the rules it breaks.
// Without the interpreter, each test says it was skipped, and why: never a pass.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { differingSwitches, profileByName } from '../spec/profiles.ts';
import { RULES } from '../spec/rules.ts';
import { startPythonAdapter } from './adapters/python.ts';
import type { PythonDriverOptions } from './adapters/python.ts';
import { runSuite } from './runner.ts';

function cpython(version: string): string | undefined {
  try {
    const py = `${execFileSync('pyenv', ['prefix', version], { encoding: 'utf8' }).trim()}/bin/python3`;
    return existsSync(py) ? py : undefined;
  } catch {
    return undefined;
  }
}

async function failingRules(python: string, profile: string, o: PythonDriverOptions = {}, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const adapter = await startPythonAdapter({ python, ...o, ...(env ? { env } : {}) });
  try {
    const r = await runSuite({ adapter, runs: 30, seed: 5, profile: profileByName(profile)! });
    expect(r.rules.filter((x) => x.verdict === 'error').map((x) => `${x.id}: ${x.error}`)).toEqual([]);
    return r.rules.filter((x) => x.verdict !== 'pass').map((x) => x.id);
  } finally {
    await adapter.close();
  }
}

const dependents = (a: string, b: string) => {
  const switches = new Set(differingSwitches(profileByName(a)!, profileByName(b)!));
  return RULES.filter((r) => r.dependsOn.some((s) => switches.has(s))).map((r) => r.id);
};

describe('real CPythons judged by the suite', () => {
  it.for([
    ['3.11.7', 'cpython-3.11', 'cpython-3.12'],
    ['3.10.13', 'cpython-3.10', 'cpython-3.14'],
  ])('CPython %s (profile %s) judged as %s fails exactly the rules that differ', async ([version, own, other], ctx) => {
    const py = cpython(version);
    if (!py) return ctx.skip(`CPython ${version} is not installed here (pyenv prefix ${version})`);
    expect(await failingRules(py, other)).toEqual(dependents(own, other));
  });

  it('a policy with two deliberate deviations fails exactly the rules they break', async (ctx) => {
    const py = cpython('3.12.1');
    if (!py) return ctx.skip('CPython 3.12.1 is not installed here (pyenv prefix 3.12.1)');
    const env = { ...process.env, PYTHONPATH: fileURLToPath(new URL('../fixtures/python/', import.meta.url)) };
    expect(await failingRules(py, 'cpython-3.12', { policy: 'deviant_policy:DeviantPolicy' }, env)).toEqual([
      'GET-3',
      'GET-4',
      'NEW-4',
      'FORK-2',
    ]);
  });
});
