// The out-of-process adapter against drivers that misbehave: every fault is a verdict of its
// own, names the rule and the program, and the run goes on with a new driver.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Program } from '../../language/program.ts';
import { walk } from '../../language/program.ts';
import { runSuite } from '../runner.ts';
import { DriverStartError, RESTART_BUDGET, startProcessAdapter, type ProcessAdapter, type ProcessAdapterOptions } from './process.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string) => [process.execPath, '--import', 'tsx', `fixtures/drivers/${name}.ts`];
const open: ProcessAdapter[] = [];
async function start(name: string, o: Omit<ProcessAdapterOptions, 'argv'> = {}): Promise<ProcessAdapter> {
  const a = await startProcessAdapter({ argv: fixture(name), cwd: root, timeoutMs: 3000, ...o });
  open.push(a);
  return a;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

const trigger: Program = { version: 1, main: [{ op: 'set_policy', arg: 'new' }, { op: 'get_policy' }] };
const plain: Program = {
  version: 1,
  main: [
    { op: 'new_event_loop', as: 'L1' },
    { op: 'is_closed', loop: 'L1' },
  ],
};
const policyAfterTwo: Program = {
  version: 1,
  main: [{ op: 'new_event_loop', as: 'L1' }, { op: 'is_closed', loop: 'L1' }, { op: 'set_policy', arg: 'new' }, { op: 'get_policy' }],
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const env = (mode: string) => ({ env: { ...process.env, LOOPSPEC_FIXTURE_MODE: mode } });
const forking: Program = { version: 1, main: [{ op: 'fork', body: [{ op: 'mark', tag: 'a' }] }] };

describe('process adapter: handshake', () => {
  it('takes name, version and capabilities from the hello, and answers a ping', async () => {
    const a = await start('hang');
    expect([a.name, a.version, a.capabilities]).toEqual(['oracle-driver', '1.0', { threads: true, fork: true, executor: true }]);
    expect(await a.ping()).toBeGreaterThan(0);
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  });

  it('refuses a malformed hello, saying what is missing', async () => {
    const err = await start('bad-handshake').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverStartError);
    expect((err as Error).message).toMatch(
      /malformed handshake: .*\/implementation must have required property 'version'.*must have required property 'capabilities'/s,
    );
  });

  it('says so when the driver cannot be started', async () => {
    const err = await startProcessAdapter({ argv: ['/nonexistent/driver'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverStartError);
    expect((err as Error).message).toMatch(/could not be started: spawn \/nonexistent\/driver ENOENT/);
  });
});

describe('process adapter: each fault is a verdict, then a new driver runs the next program', () => {
  it('a driver that hangs: timeout', async () => {
    const a = await start('hang', { timeoutMs: 400 });
    expect((await a.run(trigger)).end).toEqual({ kind: 'timeout', detail: 'no reply within 400 ms' });
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
    expect(a.starts()).toBe(2);
  });

  it('a driver that dies: crash, with its exit status and the end of its stderr', async () => {
    const a = await start('crash');
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe('crash');
    expect('detail' in end && end.detail).toMatch(
      /exited with status 3; the end of its stderr:\nfatal: set_event_loop_policy corrupted the heap/,
    );
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
    expect(a.starts()).toBe(2); // a death with a nonzero status is the program's: not run again
    expect(a.incidents()).toEqual([]);
  });

  it('a driver that prints garbage: protocol-error, with the line cut short', async () => {
    const a = await start('garbage');
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe('protocol-error');
    const detail = 'detail' in end ? end.detail : '';
    expect(detail).toMatch(/not the protocol \(not JSON\): DEBUG policy=x+\.\.\. \(513 chars\)$/);
    expect(detail.length).toBeLessThan(300);
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  });

  it("a driver's own error: error, with its context; a skip is a skip", async () => {
    const a = await start('error-reply');
    expect((await a.run(trigger)).end).toEqual({
      kind: 'error',
      detail: 'the driver reported: unsupported: set_event_loop_policy\nop: "set_policy"',
    });
    expect((await a.run(forking)).end).toEqual({ kind: 'skipped', detail: 'this loop cannot fork' });
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  });

  it('--validate-protocol names the message, the schema and the place that broke it', async () => {
    const a = await start('bad-trace', { validate: true });
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe('protocol-error');
    expect('detail' in end && end.detail).toMatch(
      /'result' breaks protocol\/schemas\/result\.json: \/trace\/obs\/s1\/outcome must have required property 'value'/,
    );
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  });

  it('without --validate-protocol too, a trace that breaks its schema is a protocol error', async () => {
    const a = await start('bad-trace', {});
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe('protocol-error');
    expect('detail' in end && end.detail).toMatch(/\/trace\/obs\/s1\/outcome must have required property 'value'/);
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  });
});

describe('process adapter: in a suite run', () => {
  it.each([
    ['crash', 'crash', {}],
    ['garbage', 'protocol-error', {}],
    ['error-reply', 'error', {}],
    ['hang', 'timeout', { timeoutMs: 500 }],
  ] as const)('%s: the rule gets verdict error (%s) with its program, and the next rule still passes', async (driver, fault, o) => {
    const a = await start(driver, o);
    const r = await runSuite({ adapter: a, rules: ['POL-2', 'GET-1'], runs: 8, seed: 5 });
    const [pol, get] = r.rules;
    expect([pol.id, pol.verdict, pol.fault]).toEqual(['POL-2', 'error', fault]);
    expect(pol.error).toMatch(new RegExp(`^${fault}: `));
    expect([...walk(pol.counterexample!.program.main)].some((s) => s.op === 'set_policy')).toBe(true);
    expect([get.id, get.verdict]).toEqual(['GET-1', 'pass']);
    expect(a.starts()).toBeGreaterThan(1);
  });
});

describe('process adapter: a fault with the trace so far', () => {
  it.for(['crash', 'timeout'] as const)(
    "a worker's %s with a trace: the observations before, the statement in flight started, the adapter's own detail",
    async (fault) => {
      const a = await start('fault-trace', env(fault === 'timeout' ? 'timeout' : 'good'));
      const t = await a.run(policyAfterTwo);
      expect(t.end).toEqual({ kind: fault, detail: 'the driver reported: the worker of request 1 died\nexit_status: 3' });
      expect(t.order).toEqual({ main: ['s1', 's2', 's3'] });
      expect(Object.keys(t.obs)).toEqual(['s1', 's2']);
      expect(t.obs.s2).toEqual({ outcome: { value: false }, warnings: [] });
      expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
      expect(a.starts()).toBe(2); // any fault: a new driver for the next program
    },
  );

  it('a trace so far that breaks its schema is a protocol error, even without --validate-protocol', async () => {
    const a = await start('fault-trace', env('malformed'));
    const end = (await a.run(policyAfterTwo)).end;
    expect(end.kind).toBe('protocol-error');
    expect('detail' in end && end.detail).toMatch(
      /'error' breaks protocol\/schemas\/error\.json: \/trace\/obs\/s1 must have required property 'outcome'/,
    );
  });
});

describe("process adapter: what a driver does while no request waits is an incident, not the next program's fault", () => {
  it('exits with status 1 between requests: an incident with its status, and the next program runs on a new driver', async () => {
    const a = await start('after-reply', env('exit-at-once'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    await sleep(800); // the exit is seen before the next request
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
    expect(a.incidents()).toEqual([
      'driver #1, after its reply to request 1, the driver exited with status 1; the end of its stderr:\nfatal: the driver could not clean up after request 1',
    ]);
    expect(a.starts()).toBe(2);
  });

  it('leaves (status 0) when the next request arrives, before a word of reply: that program runs again on a new driver', async () => {
    const a = await start('after-reply', env('leave-on-next'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    const t = await a.run(plain);
    expect(t.end).toEqual({ kind: 'ok' });
    expect(t.obs.s2?.outcome).toEqual({ value: false });
    expect(a.incidents()).toEqual([
      'driver #1, after its reply to request 1 and before a word of its reply to request 2, the driver exited with status 0 (nothing on stderr); its program was run again, as request 3, by a new driver',
    ]);
    expect(a.starts()).toBe(2);
  });

  it('dies (status 1) when the next request arrives: the program gets the crash (it cannot be told from one it caused), no incident', async () => {
    const a = await start('after-reply', env('crash-on-next'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    const end = (await a.run(plain)).end;
    expect(end).toEqual({ kind: 'crash', detail: 'the driver exited with status 1 (nothing on stderr)' });
    expect(a.incidents()).toEqual([]);
    expect(a.starts()).toBe(1);
  });

  it('exits with status 0 between requests: restarted for the next program, no incident', async () => {
    const a = await start('after-reply', env('exit-quietly'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    await sleep(800);
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
    expect(a.incidents()).toEqual([]);
    expect(a.starts()).toBe(2);
  });

  it('replies twice: an incident naming the request, and the next program runs on a new driver', async () => {
    const a = await start('after-reply', env('reply-twice'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
    expect(a.incidents()).toEqual([
      expect.stringMatching(
        /^driver #1, after its reply to request 1, the driver wrote a second reply to request 1 while no request was waiting: \{"type":"result","id":1,/,
      ),
    ]);
    expect(a.starts()).toBe(2);
  });

  it('replies again to the last request while the next one waits: the next program runs again on a new driver', async () => {
    const a = await start('after-reply', env('reply-twice-late'));
    expect((await a.run(trigger)).end).toEqual({ kind: 'ok' });
    const t = await a.run(plain);
    expect(t.end).toEqual({ kind: 'ok' });
    expect(a.incidents()).toEqual([
      expect.stringMatching(
        /^driver #1, after its reply to request 1, the driver wrote a second reply to it while request 2 waited: \{"type":"result","id":1,.*; its program was run again, as request 3, by a new driver$/,
      ),
    ]);
    expect(a.starts()).toBe(2);
  });
});

describe('process adapter: hygiene', () => {
  // (no timing asserted: the bound is vitest's; a reader that rescans its buffer at each chunk took 10 s here)
  it('reads a 50,000,000-character line in one pass: a protocol error with the line cut, then the next program', async () => {
    const a = await start('huge-line');
    const end = (await a.run(trigger)).end;
    expect(end).toEqual({
      kind: 'protocol-error',
      detail: `the driver wrote a line that is not the protocol (not JSON): ${'x'.repeat(200)}... (50000000 chars)`,
    });
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  }, 20_000);

  it('refuses a line longer than the limit before it ends', async () => {
    const a = await start('huge-line', { maxLine: 5_000_000 });
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe('protocol-error');
    expect('detail' in end && end.detail).toMatch(/^a line longer than 5000000 characters: x{200}\.\.\. \(\d+ chars\)$/);
    expect((await a.run(plain)).end).toEqual({ kind: 'ok' });
  }, 20_000);

  // what must never reach a terminal from a driver: C0 controls but newline and tab, DEL, C1
  const raw = (s: string) =>
    [...s].filter((c) => {
      const n = c.charCodeAt(0);
      return (n < 0x20 && n !== 0x0a && n !== 0x09) || (n >= 0x7f && n <= 0x9f);
    });
  it.for([
    ['stderr', 'crash', /fatal:\tx\\x1b\[2J\\x9b31m\\x07\nline two$/],
    [
      'error',
      'error',
      /^the driver reported: boom x\\x1b\[2J\\x9b31m\\x07\\x0d\ntraceback:\nTraceback:\n {2}x\\x1b\[2J\\x9b31m\\x07\nop: "x\\u001b\[2J\\x9b31m\\u0007\\r"$/,
    ],
    ['garbage', 'protocol-error', /\(not JSON\): DEBUG x\\x1b\[2J\\x9b31m\\x07\\x0d$/],
  ] as const)('escapes control characters in what a driver says (%s)', async ([mode, kind, shown]) => {
    const a = await start('control-bytes', env(mode));
    const end = (await a.run(trigger)).end;
    expect(end.kind).toBe(kind);
    const detail = 'detail' in end ? end.detail : '';
    expect(detail).toMatch(shown);
    expect(raw(detail)).toEqual([]);
  });

  it('handshakeMs bounds the wait for the hello', async () => {
    const err = await startProcessAdapter({ argv: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'], handshakeMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DriverStartError);
    expect((err as Error).message).toMatch(/no handshake: no reply within 300 ms/);
  });

  it('kill() ends the driver and its children at once, a program in flight as a crash; close() after it is safe', async () => {
    const a = await start('hang', { timeoutMs: 20_000 });
    const pending = a.run(trigger);
    await sleep(200);
    a.kill();
    expect((await pending).end).toEqual({ kind: 'crash', detail: 'the driver was killed by the harness' });
    expect((await a.run(plain)).end.kind).toBe('crash'); // no new driver after kill()
    expect(a.starts()).toBe(1);
    await a.close();
  });
});

describe('process adapter: a driver that cannot restart', () => {
  it('is given up on after RESTART_BUDGET failed restarts: later programs are a crash at once', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'loopspec-restart-')), 'started');
    const a = await start('no-restart', { env: { ...process.env, LOOPSPEC_FIXTURE_MARKER: marker } });
    expect((await a.run(trigger)).end.kind).toBe('crash');
    for (let i = 0; i < RESTART_BUDGET; i++)
      expect((await a.run(plain)).end).toMatchObject({ kind: 'crash', detail: /could not be restarted/ });
    const startsBefore = a.starts();
    const end = (await a.run(plain)).end as { kind: string; detail: string };
    expect(end.kind).toBe('crash');
    expect(end.detail).toMatch(/gave up after 3 failed restarts in a row/);
    expect(a.starts()).toBe(startsBefore); // no further handshake deadline spent
  });
});
