/**
 * Validates protocol messages against the JSON Schemas beside this file (draft 2020-12), so
 * a driver author is told which message broke which rule of the protocol, and where.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

const SCHEMAS = ['trace', 'program', 'run', 'hello-request', 'hello', 'ping', 'shutdown', 'result', 'skip', 'error', 'pong', 'bye'];

/** Message type -> schema file, per direction. */
export const TO_DRIVER: Record<string, string> = { hello: 'hello-request', run: 'run', ping: 'ping', shutdown: 'shutdown' };
export const FROM_DRIVER: Record<string, string> = {
  hello: 'hello',
  result: 'result',
  skip: 'skip',
  error: 'error',
  pong: 'pong',
  bye: 'bye',
};

export type Direction = 'to-driver' | 'from-driver';

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  const byName = new Map<string, string>();
  for (const name of SCHEMAS) {
    const schema = JSON.parse(readFileSync(new URL(`./schemas/${name}.json`, import.meta.url), 'utf8'));
    ajv.addSchema(schema);
    byName.set(name, schema.$id);
  }
  compiled = new Map([...byName].map(([name, id]) => [name, ajv.getSchema(id)!]));
  return compiled;
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
  const validate = validators().get(schema)!;
  if (validate(message)) return undefined;
  const errors = [...(validate.errors ?? [])].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length);
  const shown = [...new Set(errors.map(describe))];
  const more = shown.length > 4 ? ` (and ${shown.length - 4} more)` : '';
  return `'${type}' breaks protocol/schemas/${schema}.json: ${shown.slice(0, 4).join('; ')}${more}`;
}
