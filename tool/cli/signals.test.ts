// Stopping `loopspec run` with signals, end to end: SIGTERM, or a second Ctrl-C, kills every
// driver's process group at once (the drivers run in groups of their own, so the signal
// never reaches them by itself), writes the reports of the rules that finished, and exits
// 143 or 130. Checked on a fake driver that hangs with a child process (no Python needed)
// and on the real Python driver.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { findPython } from '../../conformance/adapters/python.ts';
import { reportProblems } from '../../protocol/validate.ts';
import { alive, childGroupLeaders, eventually, liveMembers } from '../../fixtures/helpers/processes.ts';
import { RULE_COUNT } from '../../fixtures/helpers/rules.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'loopspec-signals-'));
const f = (name: string) => join(dir, name);
const onLinux = process.platform === 'linux';

/** Runs a test left going when it failed: killed with their drivers' groups, so nothing outlives the test. */
const started: Array<{ pid: number; exited: () => boolean }> = [];
afterEach(() => {
  for (const s of started.splice(0)) {
    if (s.exited()) continue;
    for (const g of childGroupLeaders(s.pid)) process.kill(-g, 'SIGKILL');
    process.kill(s.pid, 'SIGKILL');
  }
});

function start(args: string[]) {
  const child = spawn(process.execPath, ['bin/loopspec.mjs', ...args], { cwd: root, env: { ...process.env, CI: 'true' } });
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  started.push({ pid: child.pid!, exited: () => child.exitCode !== null || child.signalCode !== null });
  return { child, err: () => err, exited };
}

/**
 * The fake driver (fixtures/drivers/sleeper.ts) on LIFE-1, which it passes, and NEW-1, whose
 * first program that sets the policy it never answers, with a `sleep` child in its group.
 */
function startSleeper(name: string) {
  const pids = f(`${name}.pids`);
  writeFileSync(pids, '');
  const run = start([
    'run',
    '--impl',
    `exec:${process.execPath}`,
    '--driver-arg=--import',
    '--driver-arg=tsx',
    '--driver-arg=fixtures/drivers/sleeper.ts',
    `--driver-arg=${pids}`,
    '--jobs',
    '2',
    '--rule',
    'LIFE-1,NEW-1',
    '--seed',
    '1',
    '--timeout',
    '600000',
    '--deadline-floor',
    '600000',
    '--progress',
    '--json',
    f(`${name}.json`),
    '--junit',
    f(`${name}.xml`),
  ]);
  const listed = (what: string) => [...readFileSync(pids, 'utf8').matchAll(new RegExp(`^${what} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
  return { ...run, drivers: () => listed('driver'), sleepers: () => listed('sleeping') };
}

/** Once LIFE-1 finished and NEW-1 hangs: the premise of a stop at once. */
async function hanging(run: ReturnType<typeof startSleeper>): Promise<void> {
  expect(await eventually(() => /\[1\/2\] LIFE-1 pass/.test(run.err()) && run.sleepers().length > 0, 60_000)).toBe(true);
  expect(run.drivers()).toHaveLength(2);
  for (const s of run.sleepers()) expect(alive(s)).toBe(true);
}

function expectPartialReport(name: string, rules: string[]): void {
  const report = JSON.parse(readFileSync(f(`${name}.json`), 'utf8'));
  expect(reportProblems(report)).toEqual([]);
  expect(report.interrupted).toBe(true);
  expect(report.rules.map((r: { id: string }) => r.id)).toEqual(rules);
  expect(XMLValidator.validate(readFileSync(f(`${name}.xml`), 'utf8'))).toBe(true);
}

describe.skipIf(!onLinux)('signals during loopspec run (process groups read from /proc: Linux only)', () => {
  it('SIGTERM kills every driver group at once, writes the reports of the finished rules, exits 143', async () => {
    const run = startSleeper('term');
    await hanging(run);
    const groups = run.drivers();
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(await eventually(() => groups.every((g) => liveMembers(g).length === 0))).toBe(true);
    for (const s of run.sleepers()) expect(alive(s)).toBe(false);
    expect(run.err()).toMatch(/terminated \(SIGTERM\): stopping the implementation now/);
    expectPartialReport('term', ['LIFE-1']);
  }, 120_000);

  it('a second Ctrl-C stops at once the same way, exits 130; the first only asks to stop after the rule', async () => {
    const run = startSleeper('int');
    await hanging(run);
    const groups = run.drivers();
    run.child.kill('SIGINT');
    expect(await eventually(() => /interrupted: finishing the current rule/.test(run.err()))).toBe(true);
    // The first Ctrl-C waits for the rule in flight, which hangs: the drivers stay.
    expect(groups.every((g) => liveMembers(g).length > 0)).toBe(true);
    expect(existsSync(f('int.json'))).toBe(false);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await eventually(() => groups.every((g) => liveMembers(g).length === 0))).toBe(true);
    for (const s of run.sleepers()) expect(alive(s)).toBe(false);
    expectPartialReport('int', ['LIFE-1']);
  }, 120_000);

  it('SIGTERM during a replay kills the driver group at once and exits 143', async () => {
    const pids = f('replay.pids');
    writeFileSync(pids, '');
    const cx = f('sets-policy.json');
    writeFileSync(
      cx,
      JSON.stringify({
        format: 'loopspec-counterexample',
        version: 1,
        rule: 'POL-2',
        profile: 'cpython-3.12',
        program: { version: 1, main: [{ op: 'set_policy', arg: 'new' }, { op: 'get_policy' }] },
        seed: 1,
        path: '',
        implementation: { name: 'x', version: '1' },
      }),
    );
    const run = start([
      'replay',
      cx,
      '--impl',
      `exec:${process.execPath}`,
      '--driver-arg=--import',
      '--driver-arg=tsx',
      '--driver-arg=fixtures/drivers/sleeper.ts',
      `--driver-arg=${pids}`,
      '--timeout',
      '600000',
    ]);
    const listed = (what: string) =>
      [...readFileSync(pids, 'utf8').matchAll(new RegExp(`^${what} (\\d+)$`, 'gm'))].map((m) => Number(m[1]));
    expect(await eventually(() => listed('sleeping').length > 0, 60_000)).toBe(true);
    const [group] = listed('driver');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(143);
    expect(await eventually(() => liveMembers(group).length === 0)).toBe(true);
    for (const s of listed('sleeping')) expect(alive(s)).toBe(false);
  }, 120_000);

  const python = findPython('python3');
  it.skipIf(!python)(
    `SIGTERM against the Python driver leaves none of its processes (${python ?? 'skipped: no python3 on PATH'})`,
    async () => {
      const run = start(['run', '--impl', 'python', '--jobs', '2', '--progress', '--json', f('python.json'), '--junit', f('python.xml')]);
      expect(await eventually(() => run.err().includes(`[1/${RULE_COUNT}]`), 60_000)).toBe(true);
      const groups = childGroupLeaders(run.child.pid!);
      expect(groups).toHaveLength(2);
      // Each driver with the children it forked ahead of need: more than the drivers to kill.
      const members = groups.flatMap((g) => liveMembers(g));
      expect(members.length).toBeGreaterThan(groups.length);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(143);
      expect(await eventually(() => groups.every((g) => liveMembers(g).length === 0))).toBe(true);
      for (const p of members) expect(alive(p)).toBe(false);
      const report = JSON.parse(readFileSync(f('python.json'), 'utf8'));
      expect(reportProblems(report)).toEqual([]);
      expect(report.interrupted).toBe(true);
      expect(report.rules.length).toBeGreaterThanOrEqual(1);
      expect(report.rules.length).toBeLessThan(RULE_COUNT);
    },
    120_000,
  );
});
