// The expectations file format: what parses, and every way a line can be wrong, by line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GateError } from './errors.ts';
import { ExpectationsError, parseExpectations, readExpectations } from './expectations.ts';
import type { ExpectationsErrorKind } from './expectations.ts';

const H = '# loopspec expectations v1';

function parseError(text: string): ExpectationsError {
  try {
    parseExpectations(text, 'impl.expect');
  } catch (e) {
    expect(e).toBeInstanceOf(ExpectationsError);
    expect(e).toBeInstanceOf(GateError);
    return e as ExpectationsError;
  }
  throw new Error('parsed without error');
}

describe('parseExpectations', () => {
  it('reads entries with their line numbers, skipping comments and blank lines', () => {
    const text = [
      H,
      '# why we deviate',
      '',
      'GET-3  fail  we never warn (our issue #12)',
      '\tTHR-1\tskip\tno threads here  ',
      '   # indented comment',
    ].join('\r\n');
    const x = parseExpectations(`\uFEFF${text}`, 'impl.expect');
    expect(x.file).toBe('impl.expect');
    expect(x.entries).toEqual([
      { rule: 'GET-3', status: 'fail', reason: 'we never warn (our issue #12)', line: 4 },
      { rule: 'THR-1', status: 'skip', reason: 'no threads here', line: 5 },
    ]);
  });

  it('accepts a file with only the header', () => {
    expect(parseExpectations(`${H}\n`, 'f').entries).toEqual([]);
  });

  const cases: [string, string, ExpectationsErrorKind, number, RegExp][] = [
    ['missing header', 'GET-3 fail reason', 'header', 1, /first line must be '# loopspec expectations v1'/],
    ['empty file', '', 'header', 1, /first line must be/],
    ['newer version', '# loopspec expectations v2\nGET-3 fail x', 'header', 1, /unsupported expectations format v2/],
    [
      'malformed line',
      `${H}\nGET-3 fail ok\nthis is not an entry`,
      'malformed',
      3,
      /expected `<RULE-ID> fail\|error\|skip <reason>`, got 'this is not an entry'/,
    ],
    ['rule alone', `${H}\n\nGET-3`, 'malformed', 3, /status and reason are missing/],
    ['unknown rule', `${H}\nGET-99 fail because`, 'unknown-rule', 2, /unknown rule 'GET-99'.*loopspec rules/],
    ['lower-case rule', `${H}\nget-3 fail because`, 'unknown-rule', 2, /upper case: GET-3/],
    ['unknown status', `${H}\nGET-3 flaky sometimes`, 'unknown-status', 2, /unknown status 'flaky', use fail, error or skip/],
    ['missing reason', `${H}\n# c\nGET-3 fail   `, 'missing-reason', 3, /GET-3 fail: give a reason/],
    ['duplicate', `${H}\nGET-3 fail a\nGET-4 fail b\nGET-3 skip c`, 'duplicate', 4, /GET-3 is already listed on line 2/],
  ];
  for (const [what, text, kind, line, message] of cases) {
    it(`rejects ${what} (${kind}) naming line ${line}`, () => {
      const e = parseError(text);
      expect(e.kind).toBe(kind);
      expect(e.line).toBe(line);
      expect(e.file).toBe('impl.expect');
      expect(e.message).toMatch(new RegExp(`^impl\\.expect:${line}: `));
      expect(e.message).toMatch(message);
    });
  }

  it('says when the expectations file does not exist', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gate-')), 'none.expect');
    expect(() => readExpectations(path)).toThrow(/does not exist/);
  });
});
