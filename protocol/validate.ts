/**
 * The one JSON Schema validator (draft 2020-12) for the schemas beside this file: protocol
 * messages, so a driver author is told which message broke which rule of the protocol and
 * where; and the report (report.schema.json), so a tool that reads reports (merge, diff, HTML
 * of stored runs) refuses a wrong one with a reason instead of rendering nonsense; and the
 * configuration of `loopspec matrix` (matrix.schema.json).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The schema files beside this file, by name (the file name without .json). */
const SCHEMAS = [
  'trace',
  'program',
  'run',
  'hello-request',
  'hello',
  'ping',
  'shutdown',
  'result',
  'skip',
  'error',
  'pong',
  'bye',
  'report.schema',
  'matrix.schema',
] as const;

export type SchemaName = (typeof SCHEMAS)[number];

export const REPORT_SCHEMA_URL = new URL('./schemas/report.schema.json', import.meta.url);

/** Message type -> schema file, per direction. */
export const TO_DRIVER: Record<string, SchemaName> = { hello: 'hello-request', run: 'run', ping: 'ping', shutdown: 'shutdown' };
export const FROM_DRIVER: Record<string, SchemaName> = {
  hello: 'hello',
  result: 'result',
  skip: 'skip',
  error: 'error',
  pong: 'pong',
  bye: 'bye',
};

export type Direction = 'to-driver' | 'from-driver';

let compiled: Map<SchemaName, ValidateFunction> | undefined;

/** Ajv is set up once, with every schema: the protocol's refer to each other by $id. */
function validators(): Map<SchemaName, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ['date-time']);
  const ids = new Map<SchemaName, string>();
  for (const name of SCHEMAS) {
    const schema = JSON.parse(readFileSync(new URL(`./schemas/${name}.json`, import.meta.url), 'utf8'));
    ajv.addSchema(schema);
    ids.set(name, schema.$id);
  }
  compiled = new Map([...ids].map(([name, id]) => [name, ajv.getSchema(id)!]));
  return compiled;
}

/** What is wrong with a value under one of the schemas: Ajv's errors, none when it is valid. */
export function schemaErrors(schema: SchemaName, value: unknown): ErrorObject[] {
  const validate = validators().get(schema)!;
  return validate(value) ? [] : [...(validate.errors ?? [])];
}

function describe(e: ErrorObject): string {
  const where = e.instancePath === '' ? '(the message)' : e.instancePath;
  const p = e.params as Record<string, unknown>;
  const extra =
    'allowedValues' in p ? `: ${JSON.stringify(p.allowedValues)}` : 'allowedValue' in p ? `: ${JSON.stringify(p.allowedValue)}` : '';
  return `${where} ${e.message}${extra}`;
}

/**
 * What is wrong with one message, or undefined. The most specific errors come first (a
 * oneOf reports every branch's complaint; the deepest path is the likeliest culprit).
 */
export function protocolProblem(direction: Direction, message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'a message must be a JSON object';
  const type = (message as { type?: unknown }).type;
  const table = direction === 'to-driver' ? TO_DRIVER : FROM_DRIVER;
  if (typeof type !== 'string' || !(type in table))
    return `unknown message type ${JSON.stringify(type)} (expected one of ${Object.keys(table).join(', ')})`;
  const schema = table[type];
  const errors = schemaErrors(schema, message);
  if (errors.length === 0) return undefined;
  errors.sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length);
  const shown = [...new Set(errors.map(describe))];
  const more = shown.length > 4 ? ` (and ${shown.length - 4} more)` : '';
  return `'${type}' breaks protocol/schemas/${schema}.json: ${shown.slice(0, 4).join('; ')}${more}`;
}

/** What is wrong with a report (report.schema.json), one line per problem; empty when it is a valid v1 report. */
export function reportProblems(value: unknown): string[] {
  return [...new Set(schemaErrors('report.schema', value).map((e) => `${e.instancePath || '(the report)'} ${e.message}`))];
}

/**
 * What is wrong with a matrix configuration (matrix.schema.json), one line per problem, the
 * most specific first; empty when it is valid. `describe` says what an allowed value is.
 */
export function matrixConfigProblems(value: unknown): string[] {
  const errors = schemaErrors('matrix.schema', value).filter((e) => e.keyword !== 'propertyNames');
  errors.sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length);
  const line = (e: ErrorObject): string => {
    const where = e.instancePath === '' ? '(the file)' : e.instancePath;
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties') return `${where} has a field it does not know: '${p.additionalProperty}'`;
    if (e.keyword === 'pattern' && e.propertyName !== undefined) return `${where} has a bad variable name '${e.propertyName}'`;
    return describe(e).replace(/^\(the message\)/, '(the file)');
  };
  return [...new Set(errors.map(line))];
}
