/**
 * Checks a parsed JSON value against protocol/schemas/report.schema.json, so a tool that reads
 * reports (merge, diff, HTML of stored runs) refuses a wrong one with a reason instead of
 * rendering nonsense.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Report } from '../../conformance/report.ts';

// ajv-formats is CommonJS: under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const REPORT_SCHEMA_URL = new URL('../../protocol/schemas/report.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ['date-time']);
  compiled = ajv.compile(JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')));
  return compiled;
}

/** What is wrong with a report, one line per problem; empty when it is a valid v1 report. */
export function reportProblems(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return [...new Set((validate.errors ?? []).map((e) => `${e.instancePath || '(the report)'} ${e.message}`))];
}

export function isReport(value: unknown): value is Report {
  return reportProblems(value).length === 0;
}
