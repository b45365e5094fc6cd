// Adapter modules wherever they live (issue 10), through the real command line: one fixture
// package of each module kind (fixtures/adapter-packages/: a package.json without "type",
// "type": "commonjs", "type": "module"), each holding adapter modules of several extensions
// (.ts .mts .cts .js .mjs .cjs) and export shapes (a default export, a named `adapter`, a
// factory), run from the package's folder as `npx loopspec run --impl ./adapter.ts` is; an
// ordinary npm project that installed loopspec and imports it by name, as the README tells;
// and modules that cannot be loaded, each exit 2 with one line and no stack trace.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const packages = join(root, 'fixtures/adapter-packages');
const out = mkdtempSync(join(tmpdir(), 'loopspec-adapter-packages-'));

/** Two loopspec processes at a time: each takes about a second of this machine's two cores. */
const slots: Array<() => void> = [];
let running = 0;
async function inSlot<T>(f: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((go) => slots.push(go));
  running++;
  try {
    return await f();
  } finally {
    running--;
    slots.shift()?.();
  }
}

/** `loopspec run --impl <module> --rule GET-1 --runs 3` from the module's folder. */
function loopspec(cwd: string, module: string, json: string) {
  return inSlot(
    () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const args = ['run', '--impl', module, '--rule', 'GET-1', '--runs', '3', '--seed', '1', '--json', json];
        const child = spawn(process.execPath, [join(root, 'bin/loopspec.mjs'), ...args], { cwd, env: { ...process.env, CI: 'true' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ code, out, err }));
      }),
  );
}

async function expectPasses(cwd: string, module: string, name: string): Promise<void> {
  const json = join(out, `${name}.json`);
  const r = await loopspec(cwd, module, json);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  expect(report.implementation.name).toBe(name); // this module's adapter, not another's
  expect(report.rules.map((x: { id: string; verdict: string }) => `${x.id} ${x.verdict}`)).toEqual(['GET-1 pass']);
}

// [package, module, what it exports, the name its adapter reports]
const LOADS: Array<[string, string, string, string]> = [
  ['untyped', 'adapter.ts', 'TypeScript, default export of an annotated object', 'untyped-ts-default'],
  ['untyped', 'adapter.js', 'CommonJS, exports.createAdapter', 'untyped-js-create-adapter'],
  ['untyped', 'factory.cjs', 'CommonJS, module.exports = a factory', 'untyped-cjs-factory'],
  ['untyped', 'named.mjs', 'ES module, named adapter', 'untyped-mjs-named'],
  ['commonjs', 'adapter.ts', 'TypeScript, named createAdapter with annotations', 'commonjs-ts-create-adapter'],
  ['commonjs', 'adapter.cts', 'TypeScript as CommonJS, named adapter', 'commonjs-cts-named'],
  ['commonjs', 'adapter.js', 'CommonJS, module.exports = the adapter', 'commonjs-js-module-exports'],
  ['commonjs', 'adapter.mjs', 'ES module, default-exported factory', 'commonjs-mjs-default-factory'],
  ['module', 'adapter.ts', 'TypeScript, default-exported async factory', 'module-ts-default-factory'],
  ['module', 'adapter.mts', 'TypeScript as ES module, named adapter', 'module-mts-named'],
  ['module', 'adapter.js', 'ES module, default export of an object', 'module-js-default'],
  ['module', 'adapter.cjs', 'CommonJS, exports.adapter', 'module-cjs-named'],
];

/**
 * An npm project that installed loopspec (node_modules/loopspec, as `npm install -D loopspec`
 * makes it) and imports it by name, as the README tells: its types, and here its reference,
 * which stands in for the implementation.
 */
function installedProject(): string {
  const dir = join(out, 'my-loop');
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules/loopspec'), 'dir');
  const json = (file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
  json('package.json', { name: 'my-loop', private: true, devDependencies: { loopspec: '*' } });
  // loopspec's code needs Node's types, which such a project has installed too (here: loopspec's).
  const compilerOptions = { module: 'nodenext', strict: true, noEmit: true, allowImportingTsExtensions: true, types: ['node'] };
  json('tsconfig.json', { compilerOptions: { ...compilerOptions, typeRoots: [join(root, 'node_modules/@types')] } });
  writeFileSync(
    join(dir, 'adapter.ts'),
    `import type { Adapter } from 'loopspec/conformance/adapter.ts';
import type { Program } from 'loopspec/language/program.ts';
import type { Trace } from 'loopspec/language/trace.ts';
import { runOnReference } from 'loopspec/conformance/adapters/reference.ts';

const adapter: Adapter = {
  name: 'installed-ts-default',
  version: '1.0.0',
  capabilities: { threads: true, fork: true, executor: true },
  async run(program: Program): Promise<Trace> {
    return runOnReference(program);
  },
  async close(): Promise<void> {},
};

export default adapter;
`,
  );
  return dir;
}

/** tsc on a project: its exit code and what it said. */
function typecheck(dir: string) {
  return inSlot(
    () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir]);
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      }),
  );
}

// [module, what the one line must say]
const BROKEN: Array<[string, RegExp]> = [
  [
    'syntax-error.cts',
    /^loopspec: adapter module \S+syntax-error\.cts failed to load: Expected identifier but found ";" \(line 7, column 1\)$/,
  ],
  ['exports-nothing.cjs', /^loopspec: adapter module \S+exports-nothing\.cjs exports no adapter: set module\.exports to an adapter object/],
  [
    'not-an-adapter.mjs',
    /^loopspec: adapter module \S+not-an-adapter\.mjs exports a string \('my-asyncio-port'\) where the adapter should be: /,
  ],
  [
    'factory-returns-nothing.cjs',
    /^loopspec: adapter factory in \S+factory-returns-nothing\.cjs returned undefined, not an adapter object$/,
  ],
];

describe.concurrent('an adapter module in a package of its own', () => {
  it.each(LOADS)('%s/%s (%s) loads and passes', async (pkg, module, _, name) => {
    await expectPasses(join(packages, pkg), `./${module}`, name);
  });

  it('in an npm project that installed loopspec, importing it by name, type-checks, loads and passes', async () => {
    const dir = installedProject();
    const [tsc] = await Promise.all([typecheck(dir), expectPasses(dir, './adapter.ts', 'installed-ts-default')]);
    expect(tsc).toEqual({ code: 0, out: '' });
  });

  it.each(BROKEN)('broken/%s: exit 2, one line, no stack trace', async (module, message) => {
    const r = await loopspec(join(packages, 'broken'), `./${module}`, join(out, `${module}.json`));
    expect(r.out).toBe('');
    expect(r.err.trimEnd()).toMatch(message);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).not.toMatch(/^\s+at |node:internal/m);
    expect(r.code).toBe(2);
  });
});
