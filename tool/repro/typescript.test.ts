import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { oracleAdapter } from '../../conformance/adapters/oracle.ts';
import implicitCreationAnyThread from '../../fixtures/mutants/implicit-creation-any-thread.ts';
import type { SavedCounterexample } from './counterexample.ts';
import { formatReplay, replay } from './replay.ts';
import { reproTypeScript } from './typescript.ts';
import { noImplicitCreationInThreads, runningLoopIsTheLoop } from '../../fixtures/helpers/counterexamples.ts';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/adapters/${name}`, import.meta.url));
// Outside the checkout, as a user would save it: the snippet must not depend on where it lies.
const dir = mkdtempSync(join(tmpdir(), 'loopspec-repro-ts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(c: SavedCounterexample, adapterModule: string) {
  const file = join(dir, `repro-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, reproTypeScript(c, adapterModule));
  const r = spawnSync(TSX, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('reproTypeScript', () => {
  it('runs (tsx) against a deviating adapter module and reports what replay reports', async () => {
    const r = run(noImplicitCreationInThreads, fixture('deviant.ts'));
    expect(r.err).toBe('');
    expect(r.out).toContain('s2 outcome: DEVIATES');
    expect(r.out.trimEnd()).toBe(formatReplay(await replay(noImplicitCreationInThreads, implicitCreationAnyThread.adapter)));
    expect(r.code).toBe(1);
  });

  it('exits 0 against a conforming adapter module (a factory export)', async () => {
    const r = run(runningLoopIsTheLoop, fixture('oracle.ts'));
    expect(r.out.trimEnd()).toBe(formatReplay(await replay(runningLoopIsTheLoop, oracleAdapter())));
    expect(r.code).toBe(0);
  });

  it('names the adapter module and embeds the counterexample', () => {
    const s = reproTypeScript(noImplicitCreationInThreads, 'fixtures/adapters/deviant.ts');
    expect(s).toContain(`// ${fixture('deviant.ts')}`);
    expect(s).toContain('"rule": "GET-4"');
    expect(s).toMatch(/from "file:\/\/.*\/repro\/replay\.ts"/);
  });
});
