// The loop contract's table against the CPythons here: every public method of their
// AbstractEventLoop is in it, and each entry exists from the version it says.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cpython } from '../fixtures/helpers/cpython.ts';
import { LOOP_METHODS, MODULE_FUNCTIONS } from './contract.ts';
import { RULES } from './rules.ts';

const VERSIONS = ['3.8.18', '3.9.18', '3.10.13', '3.11.7', '3.12.1', '3.13.0'];
const LIST = "import asyncio; print(' '.join(m for m in dir(asyncio.AbstractEventLoop) if not m.startswith('_')))";

/** 3.9.18 -> 309, for comparing with an entry's `since`. */
const number = (v: string) => {
  const [major, minor] = v.split('.').map(Number);
  return major * 100 + minor;
};

describe('the loop contract table', () => {
  it('names only rules that exist, and says what is planned where no rule judges yet', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const e of [...LOOP_METHODS, ...MODULE_FUNCTIONS]) {
      for (const r of e.rules) expect(ids.has(r), `${e.name}: ${r}`).toBe(true);
      expect(e.rules.length > 0 || e.planned !== undefined, `${e.name} has neither rules nor a plan`).toBe(true);
    }
    expect(new Set(LOOP_METHODS.map((e) => e.name)).size).toBe(LOOP_METHODS.length);
  });

  it('has 27 methods besides I/O in 3.12, as issue 12 counts them', () => {
    const nonIo = LOOP_METHODS.filter((e) => !e.planned?.startsWith('I/O') && (!e.since || number(e.since) <= 312));
    expect(nonIo).toHaveLength(27);
  });

  it.for(VERSIONS)("lists every public method of CPython %s's AbstractEventLoop, and no method it lacks", (version, ctx) => {
    const py = cpython(version);
    if (!py) return ctx.skip(`CPython ${version} is not installed here (pyenv prefix ${version})`);
    const methods = execFileSync(py, ['-c', LIST], { encoding: 'utf8' }).trim().split(' ');
    const listed = new Set(LOOP_METHODS.map((e) => e.name.replace(/^loop\./, '')));
    expect(methods.filter((x) => !listed.has(x))).toEqual([]);
    const here = LOOP_METHODS.filter((e) => !e.since || number(e.since) <= number(version)).map((e) => e.name.replace(/^loop\./, ''));
    expect([...here].sort()).toEqual([...methods].sort());
  });
});
