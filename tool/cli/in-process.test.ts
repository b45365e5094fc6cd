// In-process adapter modules that misbehave, end to end through bin/loopspec.mjs: a run()
// that never settles (Node used to exit 13 without a word: an unsettled top-level await)
// gets a timeout verdict, one that throws an error verdict with its message, and a close()
// that fails is one line on stderr after the reports are written, the exit code the run's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reportProblems } from '../../protocol/validate.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loopspec-in-process-'));
const f = (name: string) => join(dir, name);

function loopspec(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['bin/loopspec.mjs', ...args], { cwd: root, env: { ...process.env, CI: 'true', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const report = (name: string) => {
  const r = JSON.parse(readFileSync(f(name), 'utf8'));
  expect(reportProblems(r)).toEqual([]);
  return r;
};

describe('an in-process adapter module', () => {
  it('whose run() never settles gets a timeout verdict within --timeout', async () => {
    const r = await loopspec([
      'run',
      '--impl',
      'fixtures/adapters/never-settles.ts',
      '--rule',
      'GET-1',
      '--runs',
      '3',
      '--seed',
      '1',
      '--timeout',
      '300',
      '--json',
      f('never.json'),
    ]);
    expect(r.code).toBe(1);
    const [rule] = report('never.json').rules;
    expect(rule).toMatchObject({ id: 'GET-1', verdict: 'error', fault: 'timeout' });
    expect(rule.error).toContain('run() did not settle within 300 ms');
  }, 60_000);

  it('whose run() throws gets an error verdict with the message', async () => {
    const r = await loopspec([
      'run',
      '--impl',
      'fixtures/adapters/run-throws.ts',
      '--rule',
      'GET-1',
      '--runs',
      '3',
      '--seed',
      '1',
      '--json',
      f('throws.json'),
    ]);
    expect(r.code).toBe(1);
    const [rule] = report('throws.json').rules;
    expect(rule).toMatchObject({ id: 'GET-1', verdict: 'error', fault: 'error' });
    expect(rule.error).toContain('run() threw: the loop exploded');
  }, 60_000);

  it.each([
    ['throws', {}, 'cannot unload libmyloop.so'],
    ['rejects', { LOOPSPEC_FIXTURE_CLOSE: 'reject' }, 'libmyloop.so would not unload'],
  ])(
    'whose close() %s: one line on stderr, the reports written, the exit code the run verdict',
    async (how, env, message) => {
      const r = await loopspec(
        [
          'run',
          '--impl',
          'fixtures/adapters/close-fails.ts',
          '--rule',
          'GET-1',
          '--runs',
          '20',
          '--seed',
          '1',
          '--json',
          f(`close-${how}.json`),
        ],
        env,
      );
      expect(r.code).toBe(0); // the oracle passes GET-1
      expect(r.err).toBe(`loopspec: the adapter's close() failed: ${message}\n`);
      expect(report(`close-${how}.json`).rules.map((x: { verdict: string }) => x.verdict)).toEqual(['pass']);
    },
    60_000,
  );

  it('whose close() fails after a replay: the same line, the replay verdict kept', async () => {
    const cx = f('cx.json');
    writeFileSync(
      cx,
      JSON.stringify({
        format: 'loopspec-counterexample',
        version: 1,
        rule: 'GET-3',
        profile: 'cpython-3.12',
        program: { version: 1, main: [{ op: 'get_event_loop' }] },
        seed: 1,
        path: '',
        implementation: { name: 'x', version: '1' },
      }),
    );
    const r = await loopspec(['replay', cx, '--impl', 'fixtures/adapters/close-fails.ts']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('CONFORMS');
    expect(r.err).toBe("loopspec: the adapter's close() failed: cannot unload libmyloop.so\n");
  }, 60_000);
});
