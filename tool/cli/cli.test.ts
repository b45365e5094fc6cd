// The command line end to end, as a user or a CI job runs it: output and exit codes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULE_COUNT } from '../../fixtures/helpers/rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
function loopspec(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/loopspec.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('loopspec run', () => {
  it('exits 0 and prints a table when every rule passes', () => {
    const r = loopspec('run', '--impl', 'oracle', '--rule', 'GET', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^GET-3\s+PASS\s+100\s+\d+/m);
    expect(r.out).toContain('4 rules: 4 passed, 0 failed');
    expect(r.err).toBe(''); // quiet in CI unless --progress
  });

  it('prints progress on request', () => {
    const r = loopspec('run', '--impl', 'oracle', '--rule', 'GET-1', '--runs', '5', '--progress');
    expect(r.err).toMatch(/\[1\/1\] GET-1 \w+ \(\d+\.\d s elapsed\)/);
  });

  it('exits 1 with a shrunk counterexample and a replay command when a rule fails', () => {
    const r = loopspec('run', '--impl', 'fixtures/adapters/silent-oracle.ts', '--rule', 'GET-3', '--seed', '9');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^GET-3\s+FAIL/m);
    expect(r.out).toContain('asyncio.get_event_loop()');
    expect(r.out).toMatch(/expected: DeprecationWarning\("There is no current event loop"\)/);
    expect(r.out).toMatch(/actual:\s+no warning/);
    const replay = r.out.match(/replay: npx loopspec (run .*)/)![1].split(' ');
    expect(replay.join(' ')).toContain('--seed 9 ');
    const again = loopspec(...replay);
    expect(again.code).toBe(1);
    const shrunk = (out: string) => out.match(/program \(JSON\):\n(.*)/)![1];
    expect(shrunk(again.out)).toBe(shrunk(r.out));
  });

  it.each([
    [['run', '--runs', 'abc'], /--runs must be a positive whole number/],
    [['run', '--runs', '0'], /--runs must be a positive whole number/],
    [['run', '--seed', 'x'], /seed must be a whole number/],
    [['run', '--verify', '101'], /--verify must be a whole number from 0 to 100/],
    [['run', '--seed', '2147483648'], /seed must be a whole number from -2147483648 to 2147483647/],
    [['run', '--runs', '99999999999999999999'], /--runs must be at most 1000000/],
    [['run', '--timeout', '2147483648'], /--timeout must be at most 2147483647/],
    [['run', '--profile', ''], /unknown profile ''/],
    [['run', '--json', 'tool', '--rule', 'GET-1', '--runs', '1'], /tool is a folder: name a file to write/],
    [['run', '--verify', '1.5'], /--verify must be a whole number from 0 to 100/],
    [['run', '--bogus'], /unknown option '--bogus'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run', '--rule', 'NOPE-9'], /unknown rule 'NOPE-9'/],
    [['run', '--impl', 'nosuchimpl'], /unknown implementation 'nosuchimpl'/],
    [['run', '--impl', './missing/adapter.ts'], /adapter module not found: .*missing\/adapter\.ts/],
    [
      ['run', '--impl', 'fixtures/adapters/malformed.ts'],
      /malformed:\n\s+- `run\(program\)` must be a function[\s\S]*capabilities\.threads/,
    ],
    [['run', '--impl', 'fixtures/adapters/no-export.ts'], /exports no adapter/],
    [['run', '--impl', 'fixtures/adapters/throws-on-load.ts'], /threw: cannot find libmyloop\.so/],
    [['run', '--path', '1:2'], /--path replays one counterexample/],
    [['run', '--rule', 'GET-3', '--seed', '1', '--path', 'abc'], /a replay path is numbers separated by colons/],
    [['run', '--shard', '99/99'], /nothing to run: shard 99\/99/],
    [['run', '--shard', '3/2'], /shard/],
    [['run', '--jobs', '2'], /--jobs applies to out-of-process implementations/],
    [['run', '--impl', 'oracle', '--json', '/dev/null/report.json'], /cannot write to \/dev\/null/],
    [['run', '--profile', 'cpython-2.7'], /unknown profile 'cpython-2.7'/],
  ])('exits 2 with a clear message for bad input: %j', (args, message) => {
    const r = loopspec(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).not.toMatch(/PASS|FAIL/);
  });

  it('lists the rules', () => {
    const r = loopspec('rules');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(RULE_COUNT);
  });
});
