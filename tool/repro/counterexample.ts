/**
 * Saved counterexamples: one failing program per file, with what is needed to replay it
 * anywhere (the rule it broke, the profile whose semantics were expected, the seed and
 * fast-check path that found it). Versioned, so old files stay readable or fail clearly.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Program } from '../../language/program.ts';
import { ensureNumbered, MAX_NESTING, nestingDepth, walk } from '../../language/program.ts';
import type { Report, ReportMismatch, ReportRule } from '../../conformance/report.ts';
import { schemaErrors } from '../../protocol/validate.ts';
import { profileByName, unknownProfile } from '../../spec/profiles.ts';
import { RULE_IDS, ruleById } from '../../spec/rules.ts';
import type { Profile } from '../../spec/profiles.ts';

export const COUNTEREXAMPLE_FORMAT = 'loopspec-counterexample';
export const COUNTEREXAMPLE_VERSION = 1;

export interface SavedCounterexample {
  format: typeof COUNTEREXAMPLE_FORMAT;
  version: typeof COUNTEREXAMPLE_VERSION;
  /** The rule whose expectations the implementation broke, e.g. 'GET-3'. */
  rule: string;
  /** The profile (CPython version) whose semantics were expected, e.g. 'cpython-3.12'. */
  profile: string;
  /** The shrunk program, numbered (statement ids s1, s2, ...). */
  program: Program;
  /** `--rule <rule> --seed <seed> --path <path>` finds it again. */
  seed: number;
  path: string;
  /** The implementation that failed. */
  implementation: { name: string; version: string };
  /** What was seen when it was saved: informational only, replay recomputes everything. */
  mismatches?: ReportMismatch[];
}

/** The pieces of a counterexample; format and version are filled in. */
export type CounterexamplePieces = Omit<SavedCounterexample, 'format' | 'version'> &
  Partial<Pick<SavedCounterexample, 'format' | 'version'>>;

/** A file or value that is not a usable counterexample: the message says what and where. */
export class CounterexampleError extends Error {}

/** The counterexample of one rule of a JSON report. */
export function counterexampleFromReport(report: Report, ruleId: string): SavedCounterexample {
  const rule = report.rules.find((r) => r.id === ruleId);
  if (!rule) throw new CounterexampleError(`the report has no rule ${ruleId}`);
  return counterexampleFromRule(rule, { profile: report.profile, implementation: report.implementation });
}

/** From a report's rule, plus the run's context. */
export function counterexampleFromRule(
  from: ReportRule,
  ctx: { profile: string; implementation: { name: string; version: string } },
): SavedCounterexample {
  const c = from.counterexample;
  if (!c) throw new CounterexampleError(`rule ${from.id} has no counterexample (verdict ${from.verdict})`);
  return toCounterexample({
    rule: from.id,
    profile: ctx.profile,
    program: c.program,
    seed: c.seed,
    // Found by another rule's property: its seed and path replay that rule, not this one.
    path: c.foundBy ? '' : c.path,
    implementation: ctx.implementation,
    mismatches: c.mismatches,
  });
}

/** Checks the pieces and returns the counterexample (program numbered if it was not). */
export function toCounterexample(p: CounterexamplePieces, source = 'counterexample'): SavedCounterexample {
  const problems = counterexampleProblems(p);
  if (problems.length > 0)
    throw new CounterexampleError(`${source} is not a valid loopspec counterexample:\n  - ${problems.join('\n  - ')}`);
  const c: SavedCounterexample = {
    format: COUNTEREXAMPLE_FORMAT,
    version: COUNTEREXAMPLE_VERSION,
    rule: p.rule,
    profile: p.profile,
    program: ensureNumbered(p.program),
    seed: p.seed,
    path: p.path,
    implementation: { name: p.implementation.name, version: p.implementation.version },
  };
  if (p.mismatches) c.mismatches = p.mismatches;
  return c;
}

/**
 * Writes the counterexample and returns the file's path. `target` is a file (ending .json)
 * or a directory, where the file is named after the rule, implementation and seed.
 */
export function saveCounterexample(c: CounterexamplePieces, target: string): string {
  const saved = toCounterexample(c);
  const isDir = !target.endsWith('.json') || (existsSync(target) && statSync(target).isDirectory());
  const file = resolve(isDir ? join(target, counterexampleFileName(saved)) : target);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, serializeCounterexample(saved));
  return file;
}

export function counterexampleFileName(c: Pick<SavedCounterexample, 'rule' | 'implementation' | 'seed'>): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `${safe(c.rule)}.${safe(c.implementation.name)}.seed${c.seed}.counterexample.json`;
}

export function serializeCounterexample(c: SavedCounterexample): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

export function readCounterexample(file: string): SavedCounterexample {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') throw new CounterexampleError(`counterexample ${file} is a directory, not a file`);
    if (code === 'ENOENT') throw new CounterexampleError(`counterexample ${file} does not exist`);
    throw new CounterexampleError(`cannot read counterexample ${file}: ${code ?? String(e)}`);
  }
  return parseCounterexample(text, file);
}

export function parseCounterexample(text: string, source = 'counterexample'): SavedCounterexample {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CounterexampleError(`${source} is not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CounterexampleError(`${source} is not a loopspec counterexample: expected a JSON object`);
  const o = value as Record<string, unknown>;
  // A report or a bare program is a likely mix-up: say so rather than list missing fields.
  if (o.format !== COUNTEREXAMPLE_FORMAT) {
    const what =
      o.format === 'loopspec-report'
        ? ' (it is a report: `loopspec run --save-failures <dir>` saves one counterexample file per failure)'
        : 'main' in o
          ? ' (it looks like a bare program)'
          : '';
    throw new CounterexampleError(
      `${source} is not a loopspec counterexample: format is ${JSON.stringify(o.format)}, expected "${COUNTEREXAMPLE_FORMAT}"${what}`,
    );
  }
  if (o.version !== COUNTEREXAMPLE_VERSION) {
    const newer = typeof o.version === 'number' && o.version > COUNTEREXAMPLE_VERSION;
    throw new CounterexampleError(
      `${source}: counterexample format version ${JSON.stringify(o.version)} ${newer ? 'is newer than this loopspec reads' : 'is not supported'} (reads version ${COUNTEREXAMPLE_VERSION})`,
    );
  }
  // A file must hold something to replay: the runner never saves an empty program.
  const main = (o.program as { main?: unknown } | undefined)?.main;
  if (Array.isArray(main) && main.length === 0)
    throw new CounterexampleError(`${source} is not a valid loopspec counterexample: the program is empty, there is nothing to replay`);
  return toCounterexample(o as unknown as CounterexamplePieces, source);
}

/** The profile a counterexample names, or a clear error. */
export function profileOf(c: Pick<SavedCounterexample, 'profile'>): Profile {
  const p = profileByName(c.profile);
  if (!p) throw new CounterexampleError(unknownProfile(c.profile));
  return p;
}

function counterexampleProblems(p: Record<string, unknown> | CounterexamplePieces): string[] {
  const o = p as Record<string, unknown>;
  const problems: string[] = [];
  const str = (k: string) => (typeof o[k] === 'string' && o[k] !== '') || problems.push(`\`${k}\` must be a non-empty string`);
  str('rule');
  if (typeof o.rule === 'string' && o.rule !== '' && !RULE_IDS.has(o.rule)) problems.push(`\`rule\`: ${unknownRule(o.rule)}`);
  str('profile');
  if (typeof o.profile === 'string' && !profileByName(o.profile)) problems.push(`\`profile\`: ${unknownProfile(o.profile)}`);
  if (!Number.isInteger(o.seed)) problems.push('`seed` must be an integer');
  if (typeof o.path !== 'string') problems.push('`path` must be a string (empty if unknown)');
  const impl = o.implementation as Record<string, unknown> | undefined;
  if (typeof impl !== 'object' || impl === null || typeof impl.name !== 'string' || typeof impl.version !== 'string')
    problems.push('`implementation` must be { name: string, version: string }');
  if (o.mismatches !== undefined && !Array.isArray(o.mismatches)) problems.push('`mismatches` must be an array when present');
  if (o.program === undefined) problems.push('`program` is missing');
  else problems.push(...programProblems(o.program));
  return problems;
}

function unknownRule(id: string): string {
  if (ruleById(id)?.retired) return `rule ${id} is retired: this loopspec no longer checks it`;
  if (RULE_IDS.has(id.toUpperCase())) return `unknown rule '${id}' (rule IDs are upper case: ${id.toUpperCase()})`;
  return `unknown rule '${id}': see \`loopspec rules\` for the list`;
}

/**
 * The program is checked against the protocol's schema: the same shape drivers accept. Its
 * depth first, without recursion: the schema's validator recurses once a level.
 */
function programProblems(program: unknown): string[] {
  const depth = nestingDepth((program as { main?: unknown } | null)?.main);
  if (depth > MAX_NESTING) return [`program nests statements ${depth} deep: at most ${MAX_NESTING}`];
  const errs = schemaErrors('program', program).map((e) => `program${e.instancePath} ${e.message}`);
  if (errs.length > 0) return [...new Set(errs)].slice(0, 5);
  // Statement ids key the trace: two statements with one id would share an observation.
  const seen = new Set<string>();
  for (const s of walk((program as Program).main)) {
    if (s.id === undefined) continue;
    if (seen.has(s.id)) return [`program: statement id ${s.id} is used twice (leave ids out and they are numbered)`];
    seen.add(s.id);
  }
  return [];
}
