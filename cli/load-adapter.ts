/**
 * Finds the implementation to test: a built-in name, or a path to a TypeScript/JavaScript
 * module that exports an adapter (see README, "Writing an adapter").
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Adapter } from '../conformance/adapter.ts';
import { oracleAdapter } from '../conformance/adapters/oracle.ts';
import { referenceAdapter } from '../conformance/adapters/reference.ts';

/** Bad input from the user: a message, exit code 2. */
export class UsageError extends Error {}

export const BUILT_IN: Record<string, () => Adapter> = {
  reference: () => referenceAdapter(),
  oracle: () => oracleAdapter(),
};

/** What is wrong with a would-be adapter, or nothing. */
export function adapterProblems(a: unknown): string[] {
  if (typeof a !== 'object' || a === null) return ['it is not an object'];
  const o = a as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof o.name !== 'string' || o.name === '') problems.push('`name` must be a non-empty string');
  if (typeof o.version !== 'string') problems.push('`version` must be a string');
  if (typeof o.run !== 'function') problems.push('`run(program)` must be a function returning a Promise of a trace');
  if (typeof o.close !== 'function') problems.push('`close()` must be a function');
  const caps = o.capabilities as Record<string, unknown> | undefined;
  if (typeof caps !== 'object' || caps === null) problems.push('`capabilities` must be an object { threads, fork, executor }');
  else for (const c of ['threads', 'fork', 'executor']) if (typeof caps[c] !== 'boolean') problems.push(`\`capabilities.${c}\` must be a boolean`);
  return problems;
}

export async function loadAdapter(impl: string): Promise<Adapter> {
  const builtIn = BUILT_IN[impl];
  if (builtIn) return builtIn();
  const looksLikePath = /[\\/.]/.test(impl);
  if (!looksLikePath) throw new UsageError(`unknown implementation '${impl}': use one of ${Object.keys(BUILT_IN).join(', ')}, or a path to an adapter module`);
  const file = resolve(impl);
  if (!existsSync(file)) throw new UsageError(`adapter module not found: ${file}`);
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    throw new UsageError(`adapter module ${file} failed to load: ${e instanceof Error ? e.message : String(e)}`);
  }
  const exported = mod.default ?? mod.adapter ?? mod.createAdapter;
  if (exported === undefined) throw new UsageError(`adapter module ${file} exports no adapter: export default an adapter object or a function that returns one (or name it \`adapter\` / \`createAdapter\`)`);
  let adapter: unknown = exported;
  try {
    if (typeof exported === 'function') adapter = await (exported as () => unknown)();
  } catch (e) {
    throw new UsageError(`adapter factory in ${file} threw: ${e instanceof Error ? e.message : String(e)}`);
  }
  const problems = adapterProblems(adapter);
  if (problems.length > 0) throw new UsageError(`adapter exported by ${file} is malformed:\n  - ${problems.join('\n  - ')}`);
  return adapter as Adapter;
}
