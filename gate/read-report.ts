/**
 * Reads a JSON report file (conformance/report.ts) for diff, merge and the expectations check,
 * refusing anything else with a ReportError that says what is wrong and where. When
 * schemas/report.schema.json exists it is the judge (ajv, draft 2020-12; the schema is
 * self-contained); without it the fields the gate relies on are checked by hand.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { REPORT_FORMAT, REPORT_VERSION } from '../conformance/report.ts';
import type { Report } from '../conformance/report.ts';
import { GateError } from './errors.ts';
import { VERDICTS } from './verdicts.ts';

export class ReportError extends GateError {}

export const REPORT_SCHEMA = new URL('../schemas/report.schema.json', import.meta.url);

export interface ReadReportOptions {
  /** The JSON Schema to validate against; default schemas/report.schema.json if it exists. */
  schema?: URL | string | null;
}

export function readReport(path: string, opts: ReadReportOptions = {}): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReportError(`report ${path} does not exist`);
    if (code === 'EISDIR') throw new ReportError(`report ${path} is a directory, not a file`);
    throw new ReportError(`cannot read report ${path}: ${(e as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ReportError(`report ${path} is not JSON: ${(e as Error).message}`);
  }
  return asReport(value, path, opts);
}

/** Checks a parsed value; `path` names it in errors. */
export function asReport(value: unknown, path: string, opts: ReadReportOptions = {}): Report {
  const o = value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new ReportError(`${path} is not a loopspec report: expected a JSON object`);
  if (o.format !== REPORT_FORMAT) throw new ReportError(`${path} is not a loopspec report: format is ${JSON.stringify(o.format)}, expected "${REPORT_FORMAT}"`);
  if (o.version !== REPORT_VERSION) {
    const newer = typeof o.version === 'number' && o.version > REPORT_VERSION;
    throw new ReportError(`${path}: report format version ${JSON.stringify(o.version)} is not supported, this loopspec reads version ${REPORT_VERSION}${newer ? ' (upgrade loopspec)' : ''}`);
  }
  const schema = opts.schema === undefined ? (existsSync(REPORT_SCHEMA) ? REPORT_SCHEMA : null) : opts.schema;
  const problem = schema ? schemaProblem(o, schema) : fieldProblem(o);
  if (problem) throw new ReportError(`${path} is not a valid loopspec report: ${problem}`);
  return o as unknown as Report;
}

const isDateTime = (x: string): boolean => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(x) && !Number.isNaN(Date.parse(x));

const validators = new Map<string, ValidateFunction>();

function validator(schema: URL | string): ValidateFunction {
  const key = String(schema);
  let v = validators.get(key);
  if (v) return v;
  // Not strict: a keyword this ajv does not know must not stop reading reports. date-time is
  // checked here as merge needs it (ajv-formats is not a dependency); other formats pass.
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true, logger: false, formats: { 'date-time': isDateTime } });
  v = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')));
  validators.set(key, v);
  return v;
}

function schemaProblem(o: unknown, schema: URL | string): string | undefined {
  const v = validator(schema);
  if (v(o)) return undefined;
  const errs = (v.errors ?? []).slice(0, 3).map((e: ErrorObject) => `${e.instancePath || '(the report)'} ${e.message}`);
  return errs.join('; ');
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Without the schema: the fields the gate reads, with their types. */
function fieldProblem(o: Record<string, unknown>): string | undefined {
  const str = (x: unknown) => typeof x === 'string';
  const int = (x: unknown) => Number.isInteger(x);
  if (!isObj(o.tool) || !str(o.tool.version)) return '/tool must be an object with a string version';
  if (!isObj(o.implementation) || !str(o.implementation.name) || !str(o.implementation.version)) return '/implementation must have a string name and version';
  if (!str(o.profile)) return '/profile must be a string';
  if (!int(o.seed)) return '/seed must be an integer';
  if (!int(o.runs)) return '/runs must be an integer';
  if (o.shard !== null && !(isObj(o.shard) && int(o.shard.index) && int(o.shard.count))) return '/shard must be null or { index, count }';
  if (!str(o.startedAt) || !isDateTime(o.startedAt as string)) return '/startedAt must be a date-time string';
  if (typeof o.durationMs !== 'number') return '/durationMs must be a number';
  if (typeof o.interrupted !== 'boolean') return '/interrupted must be a boolean';
  if (!Array.isArray(o.rules)) return '/rules must be an array';
  for (const [i, r] of o.rules.entries()) {
    if (!isObj(r) || !str(r.id)) return `/rules/${i}/id must be a string`;
    if (!(VERDICTS as unknown[]).includes(r.verdict)) return `/rules/${i}/verdict must be one of ${VERDICTS.join(', ')}, got ${JSON.stringify(r.verdict)}`;
    if (!Array.isArray(r.skipReasons)) return `/rules/${i}/skipReasons must be an array`;
    if (r.counterexample !== null && !(isObj(r.counterexample) && Array.isArray(r.counterexample.mismatches))) return `/rules/${i}/counterexample must be null or have mismatches`;
  }
  return undefined;
}
