/**
 * The expectations file: the rules an implementation is known to deviate on, checked into its
 * repository so the suite can gate CI on "nothing changed" rather than "everything passes".
 *
 *     # loopspec expectations v1
 *     # comments and blank lines are ignored
 *     GET-3  fail  we never emit the DeprecationWarning (tracked in our issue #12)
 *     THR-1  skip  no threads on this runtime
 *
 * - Line 1 is exactly the header `# loopspec expectations v1` (a version bump breaks loudly).
 * - Every other line is blank, a comment (first non-blank character `#`), or an entry:
 *   `<RULE-ID> <status> <reason>`, separated by spaces or tabs. The reason is the rest of the
 *   line and must not be empty. There are no trailing comments: a reason may contain `#`.
 * - status `fail`: the rule does not hold; it matches verdicts fail and unexercised, and error
 *   too (the verdicts `loopspec run` exits 1 on), but an error matched by `fail` is reported
 *   as a warning: an adapter error or a fault is not the deviation the line describes.
 *   status `error`: the rule's programs end in an error of the adapter or of the run (a
 *   runtime that cannot express them); it matches verdict error only.
 *   status `skip`: it matches verdict skipped.
 * - A rule appears at most once and must be a current (not retired) rule of spec/rules.ts.
 *
 * Parsing stops at the first problem with an ExpectationsError naming the file and line.
 */
import { readFileSync } from 'node:fs';
import { RULE_IDS, ruleById } from '../../spec/rules.ts';
import { GateError } from './errors.ts';

export const EXPECTATIONS_HEADER = '# loopspec expectations v1';
export const STATUSES = ['fail', 'error', 'skip'] as const;
export type ExpectedStatus = (typeof STATUSES)[number];

export interface ExpectationEntry {
  rule: string;
  status: ExpectedStatus;
  reason: string;
  /** 1-based line in the file, so a check can say which line to edit or delete. */
  line: number;
}

export interface Expectations {
  file: string;
  /** In file order. */
  entries: ExpectationEntry[];
}

export type ExpectationsErrorKind = 'header' | 'malformed' | 'unknown-rule' | 'unknown-status' | 'missing-reason' | 'duplicate';

export class ExpectationsError extends GateError {
  constructor(
    readonly kind: ExpectationsErrorKind,
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

const ENTRY = /^(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(.*))?$/;
const RULE_SHAPE = /^[A-Za-z]+-\d+$/;
const USAGE = '`<RULE-ID> fail|error|skip <reason>`';

export function parseExpectations(text: string, fileName: string): Expectations {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (kind: ExpectationsErrorKind, line: number, detail: string): never => {
    throw new ExpectationsError(kind, fileName, line, detail);
  };
  const header = lines[0].trim();
  if (header !== EXPECTATIONS_HEADER) {
    const v = /^#\s*loopspec expectations\s+(\S+)/.exec(header)?.[1];
    fail(
      'header',
      1,
      v
        ? `unsupported expectations format ${v}: this loopspec reads '${EXPECTATIONS_HEADER}'`
        : `the first line must be '${EXPECTATIONS_HEADER}'`,
    );
  }
  const entries: ExpectationEntry[] = [];
  const seen = new Map<string, number>();
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    const s = raw.trim();
    if (i === 0 || s === '' || s.startsWith('#')) continue;
    const m = ENTRY.exec(s)!;
    const [, rule, status, reason] = m;
    if (!RULE_SHAPE.test(rule)) fail('malformed', line, `expected ${USAGE}, got '${s}'`);
    if (!RULE_IDS.has(rule)) fail('unknown-rule', line, unknownRule(rule));
    if (status === undefined) fail('malformed', line, `${rule}: expected ${USAGE}, the status and reason are missing`);
    if (!(STATUSES as readonly string[]).includes(status))
      fail('unknown-status', line, `${rule}: unknown status '${status}', use fail, error or skip`);
    if (!reason?.trim())
      fail('missing-reason', line, `${rule} ${status}: give a reason after the status (why this implementation deviates)`);
    const first = seen.get(rule);
    if (first !== undefined) fail('duplicate', line, `${rule} is already listed on line ${first}`);
    seen.set(rule, line);
    entries.push({ rule, status: status as ExpectedStatus, reason: reason.trim(), line });
  }
  return { file: fileName, entries };
}

function unknownRule(id: string): string {
  if (ruleById(id)?.retired) return `rule ${id} is retired: delete this line`;
  const upper = id.toUpperCase();
  if (RULE_IDS.has(upper)) return `unknown rule '${id}' (rule IDs are upper case: ${upper})`;
  return `unknown rule '${id}': see \`loopspec rules\` for the list`;
}

/** Reads and parses; a missing or unreadable file is a GateError too. */
export function readExpectations(path: string): Expectations {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateError(
      code === 'ENOENT'
        ? `expectations file ${path} does not exist (create one with loopspec run --write-expect <file>)`
        : code === 'EISDIR'
          ? `expectations file ${path} is a directory, not a file`
          : `cannot read expectations file ${path}: ${(e as Error).message}`,
    );
  }
  return parseExpectations(text, path);
}
