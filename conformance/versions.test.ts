// Real interpreters judged by the suite: a CPython fails exactly the rules that differ
// between its version and the profile it is judged by, and a policy with deliberate
// deviations (fixtures/python/deviant_policy.py) fails exactly the rules it breaks.
// Without the interpreter, each test says it was skipped, and why: never a pass. `npm test`
// judges the first CPython only; `npm run test:catalogue` judges all (fixtures/helpers/catalogue.ts).
import { describe, expect, it } from 'vitest';
import { rulesThatDiffer } from '../spec/differences.ts';
import { profileByName } from '../spec/profiles.ts';
import type { PythonDriverOptions } from './adapters/python.ts';
import { NOT_SAMPLED, WHOLE_CATALOGUE } from '../fixtures/helpers/catalogue.ts';
import { cpython, DEVIANTS_ENV, judge } from '../fixtures/helpers/cpython.ts';

async function failingRules(python: string, profile: string, o: PythonDriverOptions = {}, env?: NodeJS.ProcessEnv): Promise<string[]> {
  const judged = await judge(python, profile, { ...o, ...(env ? { env } : {}) });
  expect(judged.errors).toEqual([]);
  return judged.failing;
}

const dependents = (a: string, b: string) => rulesThatDiffer(profileByName(a)!, profileByName(b)!);

describe.concurrent('real CPythons judged by the suite', () => {
  it.for([
    ['3.11.7', 'cpython-3.11', 'cpython-3.12'],
    ['3.10.13', 'cpython-3.10', 'cpython-3.14'],
  ])('CPython %s (profile %s) judged as %s fails exactly the rules that differ', async ([version, own, other], ctx) => {
    if (version !== '3.11.7' && !WHOLE_CATALOGUE) return ctx.skip(NOT_SAMPLED);
    const py = cpython(version);
    if (!py) return ctx.skip(`CPython ${version} is not installed here (pyenv prefix ${version})`);
    expect(await failingRules(py, other)).toEqual(dependents(own, other));
  });

  it('a policy with two deliberate deviations fails exactly the rules they break', async (ctx) => {
    if (!WHOLE_CATALOGUE) return ctx.skip(NOT_SAMPLED);
    const py = cpython('3.12.1');
    if (!py) return ctx.skip('CPython 3.12.1 is not installed here (pyenv prefix 3.12.1)');
    // One deviation, one rule: the fork child's silent creation is GET-3's (it fails on its
    // own the same way), the main thread's creation after set_event_loop(None) is NEW-4's.
    expect(await failingRules(py, 'cpython-3.12', { policy: 'deviant_policy:DeviantPolicy' }, DEVIANTS_ENV)).toEqual(['GET-3', 'NEW-4']);
  });
});
