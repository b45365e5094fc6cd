// The out-of-process adapter against drivers that misbehave: every fault is a verdict of its
// own, names the rule and the program, and the run goes on with a new driver.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Program } from '../../language/program.ts';
import { walk } from '../../language/program.ts';
import { runSuite } from '../runner.ts';
import { DriverStartError, startProcessAdapter, type ProcessAdapter, type ProcessAdapterOptions } from './process.ts';

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
    expect(a.starts()).toBe(2);
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
