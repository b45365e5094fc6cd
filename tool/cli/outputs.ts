/**
 * What `loopspec run` writes besides the terminal table: report files (JSON, JUnit,
 * Markdown, HTML), the expectations gate, and one counterexample file per failure. All of it
 * is made from the JSON report, so an interrupted run writes the same files for what finished.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Report } from '../../conformance/report.ts';
import { checkExpectations, formatExpectationsCheck, writeExpectations } from '../gate/index.ts';
import type { Expectations, ExpectationsCheck } from '../gate/index.ts';
import { checkDistinct, checkOutputFile, checkOutputFolder, makeFolders } from './files.ts';
import { toHtml } from '../report/html.ts';
import { toJUnit } from '../report/junit.ts';
import { toMarkdown } from '../report/markdown.ts';
import { counterexampleFromReport, counterexampleFileName, serializeCounterexample } from '../repro/counterexample.ts';

export interface OutputOptions {
  /** The --impl string, for replay commands. */
  impl: string;
  json?: string;
  junit?: string;
  markdown?: string;
  html?: string;
  /** A folder for one counterexample file per failing rule. */
  saveFailures?: string;
  writeExpect?: string;
}

export function write(file: string, text: string): void {
  makeFolders(dirname(file));
  writeFileSync(file, text);
}

/**
 * Writes every requested file; returns the lines to tell the user what was written, and what
 * could not be written (checked before the run, so only what changed since: one line each).
 */
export function writeOutputs(report: Report, o: OutputOptions): { told: string[]; failed: string[] } {
  const told: string[] = [];
  const failed: string[] = [];
  const put = (file: string | undefined, what: string, text: () => string, done = `wrote ${what}`) => {
    if (file === undefined) return;
    const content = text();
    try {
      write(file, content);
      told.push(`${done}: ${file}`);
    } catch (e) {
      failed.push(`cannot write the ${what} to ${file}: ${(e as Error).message}`);
    }
  };
  put(o.json, 'JSON report', () => `${JSON.stringify(report, null, 2)}\n`);
  put(o.junit, 'JUnit XML', () => toJUnit(report, o.impl));
  put(o.markdown, 'Markdown summary', () => toMarkdown(report, o.impl));
  put(o.html, 'HTML report', () => toHtml([report], { impls: [o.impl] }));
  put(o.writeExpect, 'expectations file', () => writeExpectations(report), 'wrote expectations file (edit the reasons)');
  if (o.saveFailures) {
    for (const rule of report.rules.filter((r) => r.counterexample)) {
      const c = counterexampleFromReport(report, rule.id);
      const file = join(o.saveFailures, counterexampleFileName(c));
      put(file, `counterexample of ${rule.id}`, () => serializeCounterexample(c), 'saved counterexample');
    }
  }
  return { told, failed };
}

/** The expectations gate: compare with the file as it was read before the run. */
export function gate(report: Report, expectations: Expectations): { check: ExpectationsCheck; text: string } {
  const check = checkExpectations(report, expectations);
  return { check, text: formatExpectationsCheck(check) };
}

/** Before a run: every output can be written, so no run is lost to a typo. Nothing is made yet. */
export function prepareOutputs(o: OutputOptions): void {
  const files: Array<[string, string | undefined]> = [
    ['--json', o.json],
    ['--junit', o.junit],
    ['--markdown', o.markdown],
    ['--html', o.html],
    ['--write-expect', o.writeExpect],
  ];
  for (const [flag, file] of files) if (file !== undefined) checkOutputFile(flag, file);
  checkDistinct(files);
  if (o.saveFailures !== undefined) checkOutputFolder('--save-failures', o.saveFailures);
}
