/**
 * Reads a JSON report file (conformance/report.ts) for diff, merge and the expectations check,
 * refusing anything else with a ReportError that says what is wrong and where: the format and
 * version first, then protocol/schemas/report.schema.json (protocol/validate.ts).
 */
import { readFileSync } from 'node:fs';
import { READABLE_REPORT_VERSIONS, REPORT_FORMAT, REPORT_VERSION } from '../../conformance/report.ts';
import type { Report } from '../../conformance/report.ts';
import { GateError } from './errors.ts';
import { reportProblems } from '../../protocol/validate.ts';
import { MAX_NESTING, nestingDepth } from '../../language/program.ts';

export class ReportError extends GateError {}

export function readReport(path: string): Report {
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
  return asReport(value, path);
}

/** Checks a parsed value; `path` names it in errors. Format and version first, then the schema. */
export function asReport(value: unknown, path: string): Report {
  const o = value as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new ReportError(`${path} is not a loopspec report: expected a JSON object`);
  if (o.format !== REPORT_FORMAT)
    throw new ReportError(`${path} is not a loopspec report: format is ${JSON.stringify(o.format)}, expected "${REPORT_FORMAT}"`);
  if (!READABLE_REPORT_VERSIONS.includes(o.version as number)) {
    const newer = typeof o.version === 'number' && o.version > REPORT_VERSION;
    throw new ReportError(
      `${path}: report format version ${JSON.stringify(o.version)} is not supported, this loopspec reads versions ${READABLE_REPORT_VERSIONS.join(' and ')}${newer ? ' (upgrade loopspec)' : ''}`,
    );
  }
  // The schema's validator recurses once a level of a program: too deep a one is refused first.
  for (const [i, rule] of (Array.isArray(o.rules) ? o.rules : []).entries()) {
    const depth = nestingDepth(rule?.counterexample?.program?.main);
    if (depth > MAX_NESTING)
      throw new ReportError(
        `${path} is not a valid loopspec report: /rules/${i}/counterexample/program nests statements ${depth} deep: at most ${MAX_NESTING}`,
      );
  }
  const problems = reportProblems(o);
  if (problems.length > 0) throw new ReportError(`${path} is not a valid loopspec report: ${problems.slice(0, 3).join('; ')}`);
  return o as unknown as Report;
}
