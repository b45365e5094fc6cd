// The layout's promises, checked on the tree itself: each folder imports only from the folders
// below it, no module grows past about 400 lines, test helpers live in fixtures/, and the
// Python driver's modules import each other in one direction. (Runtime import cycles in
// TypeScript are Biome's noImportCycles, which `npm test` runs.)
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = dirname(fileURLToPath(import.meta.url));
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '');
const sources = tracked.filter((f) => /\.(ts|mts|mjs)$/.test(f) && !f.startsWith('node_modules/'));
const isTest = (f: string) => f.endsWith('.test.ts');
const folderOf = (f: string) => (f.includes('/') ? f.split('/')[0] : '.');

/** Repository-relative files that `file` imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(root, join(root, dirname(file), s)));
}
const graph = new Map(sources.map((f) => [f, importsOf(f)]));

// What each production folder may import, besides itself and npm packages. The order is the
// architecture: the language and the protocol at the bottom, the command at the top.
const MAY_IMPORT: Record<string, string[]> = {
  language: [],
  spec: [],
  protocol: ['language'],
  reference: ['spec'],
  conformance: ['language', 'protocol', 'spec', 'reference'],
  tool: ['language', 'protocol', 'spec', 'reference', 'conformance'],
  bin: ['tool'],
};

describe('the layout', () => {
  it('has each production folder import only from the folders below it', () => {
    const wrong: string[] = [];
    for (const [file, deps] of graph) {
      const own = folderOf(file);
      const allowed = MAY_IMPORT[own];
      if (!allowed || isTest(file)) continue;
      for (const dep of deps) {
        const theirs = folderOf(dep);
        if (theirs !== own && !allowed.includes(theirs)) wrong.push(`${file} imports ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps every module under about 400 lines, data aside', () => {
    const DATA = new Set(['spec/rules.ts']); // rule texts: prose, one object a rule
    const code = tracked.filter((f) => /\.(ts|mts|mjs|py)$/.test(f) && !isTest(f) && !DATA.has(f));
    const long = code
      .map((f) => ({ f, lines: readFileSync(join(root, f), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 420)
      .map(({ f, lines }) => `${f}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it('keeps test helpers in fixtures/: no production module is imported by tests alone', () => {
    const importers = new Map<string, string[]>();
    for (const [file, deps] of graph) for (const dep of deps) importers.set(dep, [...(importers.get(dep) ?? []), file]);
    // Scripts that package.json runs are entry points, whatever else imports them.
    const scripts = Object.values(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>).join(' ');
    const production = [...graph.keys()].filter((f) => MAY_IMPORT[folderOf(f)] && !isTest(f) && !scripts.includes(f));
    const testOnly = production.filter((f) => {
      const by = importers.get(f) ?? [];
      return by.length > 0 && by.every((i) => isTest(i) || folderOf(i) === 'fixtures');
    });
    expect(testOnly).toEqual([]);
  });

  it('has no production module import from fixtures/ or from a test', () => {
    const wrong = [...graph]
      .filter(([f]) => MAY_IMPORT[folderOf(f)] && !isTest(f))
      .flatMap(([f, deps]) => deps.filter((d) => folderOf(d) === 'fixtures' || isTest(d)).map((d) => `${f} imports ${d}`));
    expect(wrong).toEqual([]);
  });

  it('has the Python driver modules import each other in one direction only', () => {
    const dir = 'drivers/python';
    const modules = tracked.filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.py')).map((f) => f.slice(dir.length + 1, -3));
    const deps = new Map(
      modules.map((m) => {
        const text = readFileSync(join(root, dir, `${m}.py`), 'utf8');
        const named = [...text.matchAll(/^\s*(?:from\s+(\w+)\s+import|import\s+([\w, ]+))/gm)].flatMap((x) =>
          x[1] ? [x[1]] : x[2].split(',').map((n) => n.trim().split(' ')[0]),
        );
        return [m, named.filter((n) => n !== m && modules.includes(n))];
      }),
    );
    const cycles: string[] = [];
    const visit = (m: string, path: string[]) => {
      for (const d of deps.get(m) ?? []) {
        if (path.includes(d)) cycles.push([...path.slice(path.indexOf(d)), d].join(' -> '));
        else visit(d, [...path, d]);
      }
    };
    for (const m of modules) visit(m, [m]);
    expect(cycles).toEqual([]);
  });
});
