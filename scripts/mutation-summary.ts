/**
 * The score of the last `npm run mutation`, as reference/MUTATION.md records it: per file and
 * in total, the mutants killed, surviving, not covered and ignored, the ignored ones counted by
 * the category their `// Stryker disable` comment names (reference/MUTATION.md, "How a survivor is documented"),
 * Stryker's score, and the score that counts every ignored mutant as a survivor. Then every
 * survivor, one line each.
 *
 *     npx tsx scripts/mutation-summary.ts [reports/mutation/mutation.json]
 *
 * `npm run mutation` runs it after Stryker.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { calculateMetrics } from 'mutation-testing-metrics';
import type { MutationTestResult } from 'mutation-testing-report-schema';

/** The categories an ignored mutant's reason starts with (reference/MUTATION.md). */
export const CATEGORIES = ['equivalent', 'not in any trace', 'not compared'] as const;

type Category = (typeof CATEGORIES)[number] | 'other';

export function categoryOf(reason: string | undefined): Category {
  // Stryker's statusReason is the comment's reason, which starts with the category.
  const text = (reason ?? '').toLowerCase();
  return CATEGORIES.find((c) => text.startsWith(`${c}:`)) ?? 'other';
}

/** file:line order. */
const byPlace = (a: string, b: string): number => {
  const [fa, la] = a.split(':');
  const [fb, lb] = b.split(':');
  return fa.localeCompare(fb) || Number.parseInt(la, 10) - Number.parseInt(lb, 10);
};

const pct = (n: number, d: number): string => (d === 0 ? 'n/a' : `${((100 * n) / d).toFixed(2)}%`);

function main(path: string): void {
  const report = JSON.parse(readFileSync(path, 'utf8')) as MutationTestResult;
  const rows: string[][] = [];
  const survivors: string[] = [];
  const total = { killed: 0, survived: 0, noCoverage: 0, compile: 0, ignored: new Map<Category, number>() };
  const files = Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b));
  for (const [file, result] of files) {
    const name = relative(process.cwd(), file) || file;
    const ignored = new Map<Category, number>();
    for (const m of result.mutants) {
      if (m.status === 'Ignored') {
        const c = categoryOf(m.statusReason);
        ignored.set(c, (ignored.get(c) ?? 0) + 1);
        total.ignored.set(c, (total.ignored.get(c) ?? 0) + 1);
      } else if (m.status === 'Survived' || m.status === 'NoCoverage') {
        const at = `${name}:${m.location.start.line}`;
        survivors.push(
          `${at} ${m.status === 'NoCoverage' ? '(no coverage) ' : ''}${m.mutatorName} -> ${JSON.stringify(m.replacement ?? '')}`,
        );
      }
    }
    const k = result.mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;
    const s = result.mutants.filter((m) => m.status === 'Survived').length;
    const nc = result.mutants.filter((m) => m.status === 'NoCoverage').length;
    const ce = result.mutants.filter((m) => m.status === 'CompileError').length;
    const ig = [...ignored.values()].reduce((a, b) => a + b, 0);
    total.killed += k;
    total.survived += s;
    total.noCoverage += nc;
    total.compile += ce;
    rows.push([
      name,
      `${k}`,
      `${s}`,
      `${nc}`,
      ...CATEGORIES.map((c) => `${ignored.get(c) ?? 0}`),
      `${ce}`,
      pct(k, k + s + nc),
      pct(k, k + s + nc + ig - (ignored.get('equivalent') ?? 0)),
      pct(k, k + s + nc + ig),
    ]);
  }
  // The library's own figure, as a check on the counting above.
  const metrics = calculateMetrics(report.files).metrics;
  const ig = [...total.ignored.values()].reduce((a, b) => a + b, 0);
  const all = total.killed + total.survived + total.noCoverage;
  const notEquivalent = ig - (total.ignored.get('equivalent') ?? 0);
  rows.push([
    '**all**',
    `${total.killed}`,
    `${total.survived}`,
    `${total.noCoverage}`,
    ...CATEGORIES.map((c) => `${total.ignored.get(c) ?? 0}`),
    `${total.compile}`,
    `**${pct(total.killed, all)}**`,
    pct(total.killed, all + notEquivalent),
    pct(total.killed, all + ig),
  ]);
  const head = [
    'file',
    'killed',
    'survived',
    'no coverage',
    ...CATEGORIES.map((c) => `ignored: ${c}`),
    'compile errors',
    'score',
    'score with only equivalents ignored',
    'score with ignored as survivors',
  ];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => ' --- ').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const other = total.ignored.get('other') ?? 0;
  if (other > 0) console.log(`\n${other} ignored mutants name no category (reference/MUTATION.md).`);
  console.log(`\nStryker's score: ${metrics.mutationScore.toFixed(2)}%. Survivors and mutants without coverage: ${survivors.length}`);
  for (const s of survivors.sort(byPlace)) console.log(`  ${s}`);
}

// Run as a script, not when imported.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv[2] ?? 'reports/mutation/mutation.json');
