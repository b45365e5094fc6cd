/**
 * What `loopspec run` writes besides the terminal table: report files (JSON, JUnit,
 * Markdown, HTML), the expectations gate, and one counterexample file per failure. All of it
 * is made from the JSON report, so an interrupted run writes the same files for what finished.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Report } from '../../conformance/report.ts';
import { checkExpectations, formatExpectationsCheck, writeExpectations } from '../gate/index.ts';
import type { Expectations, ExpectationsCheck } from '../gate/index.ts';
import { UsageError } from '../../conformance/load-adapter.ts';
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
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Writes every requested file; returns the lines to tell the user what was written. */
export function writeOutputs(report: Report, o: OutputOptions): string[] {
  const told: string[] = [];
  const put = (file: string | undefined, what: string, text: () => string) => {
    if (!file) return;
    write(file, text());
    told.push(`wrote ${what}: ${file}`);
  };
  put(o.json, 'JSON report', () => `${JSON.stringify(report, null, 2)}\n`);
  put(o.junit, 'JUnit XML', () => toJUnit(report, o.impl));
  put(o.markdown, 'Markdown summary', () => toMarkdown(report, o.impl));
  put(o.html, 'HTML report', () => toHtml([report], { impls: [o.impl] }));
  put(o.writeExpect, 'expectations file (edit the reasons)', () => writeExpectations(report));
  if (o.saveFailures) {
    for (const rule of report.rules.filter((r) => r.counterexample)) {
      const c = counterexampleFromReport(report, rule.id);
      const file = join(o.saveFailures, counterexampleFileName(c));
      write(file, serializeCounterexample(c));
      told.push(`saved counterexample: ${file}`);
    }
  }
  return told;
}

/** The expectations gate: compare with the file as it was read before the run. */
export function gate(report: Report, expectations: Expectations): { check: ExpectationsCheck; text: string } {
  const check = checkExpectations(report, expectations);
  return { check, text: formatExpectationsCheck(check) };
}

/** Before a run: every output's folder exists or can be made, so no run is lost to a typo. */
export function prepareOutputs(o: OutputOptions): void {
  const files = [o.json, o.junit, o.markdown, o.html, o.writeExpect].filter((f): f is string => Boolean(f));
  const dirs = [...files.map((f) => dirname(f)), ...(o.saveFailures ? [o.saveFailures] : [])];
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`cannot write to ${dir}: ${(e as Error).message}`);
    }
  }
  // A file output that names a folder would fail only after the whole run.
  for (const file of files)
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${file} is a folder: name a file to write`);
}
