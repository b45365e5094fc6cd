/**
 * The report as JUnit XML, the format CI systems (GitLab, Jenkins, GitHub test reporters)
 * render: one <testsuite> per rule group, one <testcase> per rule. A rule that was not
 * exercised is <skipped> with a message saying so, never a silent pass; an interrupted run
 * adds an <error> test case, so a gate on the XML alone still fails.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Report, ReportRule } from '../../conformance/report.ts';
import { failureText } from './failure-text.ts';
import { countsText, implLabel } from './summary.ts';
import { CLAUSES_NOT_EXERCISED, clausesNotExercised, NOT_EXERCISED, problemLine } from '../../conformance/verdicts.ts';

type XmlNode = Record<string, unknown>;

// XML 1.0 cannot carry most control characters, even escaped; an implementation's error
// message may contain anything.
const xmlSafe = (s: string): string => s.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

interface Case {
  node: XmlNode;
  failure: boolean;
  error: boolean;
  skipped: boolean;
  ms: number;
}

function testCase(report: Report, rule: ReportRule, impl: string): Case {
  const node: XmlNode = {
    '@_name': xmlSafe(`${rule.id} ${rule.title}`.trim()),
    '@_classname': rule.group,
    '@_time': seconds(rule.durationMs),
  };
  const body = () => xmlSafe(failureText(report, rule, impl));
  const message = xmlSafe(problemLine(rule));
  if (rule.verdict === 'fail') node.failure = { '@_message': message, '@_type': 'mismatch', '#text': body() };
  if (rule.verdict === 'error') node.error = { '@_message': message, '@_type': rule.fault ?? 'error', '#text': body() };
  if (rule.verdict === 'skipped') node.skipped = { '@_message': message };
  if (rule.verdict === 'unexercised') node.skipped = { '@_message': NOT_EXERCISED };
  const out: string[] = [];
  if (rule.verdict === 'pass' && rule.skipped > 0) out.push(`${rule.skipped} programs skipped: ${rule.skipReasons.join('; ')}`);
  const missed = clausesNotExercised(rule);
  if (missed.length > 0) out.push(`${CLAUSES_NOT_EXERCISED}: ${missed.join(', ')}`);
  if (out.length > 0) node['system-out'] = xmlSafe(out.join('\n'));
  const skipped = rule.verdict === 'skipped' || rule.verdict === 'unexercised';
  return { node, failure: rule.verdict === 'fail', error: rule.verdict === 'error', skipped, ms: rule.durationMs };
}

function interruptedCase(report: Report): Case {
  const message = `the run was interrupted after ${report.rules.length} rules; the rules that did not finish were not checked`;
  return {
    node: {
      '@_name': 'run interrupted',
      '@_classname': 'loopspec',
      '@_time': '0.000',
      error: { '@_message': message, '@_type': 'interrupted' },
    },
    failure: false,
    error: true,
    skipped: false,
    ms: 0,
  };
}

function counts(cases: Case[]) {
  return {
    '@_tests': cases.length,
    '@_failures': cases.filter((c) => c.failure).length,
    '@_errors': cases.filter((c) => c.error).length,
    '@_skipped': cases.filter((c) => c.skipped).length,
    '@_time': seconds(cases.reduce((n, c) => n + c.ms, 0)),
  };
}

function properties(report: Report): XmlNode {
  const props: [string, string][] = [
    ['implementation', report.implementation.name],
    ['implementation.version', report.implementation.version],
    ['profile', report.profile],
    ['seed', String(report.seed)],
    ['runs', String(report.runs)],
    ['loopspec.version', report.tool.version],
  ];
  if (report.shard) props.push(['shard', `${report.shard.index}/${report.shard.count}`]);
  return { property: props.map(([name, value]) => ({ '@_name': name, '@_value': xmlSafe(value) })) };
}

/** `impl` is what --impl was (for the replay command); the implementation's name by default. */
export function toJUnit(report: Report, impl: string = report.implementation.name): string {
  const groups = new Map<string, Case[]>();
  for (const rule of report.rules) {
    const cases = groups.get(rule.group) ?? [];
    cases.push(testCase(report, rule, impl));
    groups.set(rule.group, cases);
  }
  if (report.interrupted) groups.set('loopspec', [...(groups.get('loopspec') ?? []), interruptedCase(report)]);
  const suites = [...groups].map(([group, cases]) => ({
    '@_name': group,
    ...counts(cases),
    '@_timestamp': report.startedAt,
    properties: properties(report),
    testcase: cases.map((c) => c.node),
  }));
  const all = [...groups.values()].flat();
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': xmlSafe(`loopspec ${implLabel(report)}: ${countsText(report)}`),
      ...counts(all),
      '@_time': seconds(report.durationMs),
      '@_timestamp': report.startedAt,
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    suppressEmptyNode: true,
    processEntities: true,
  });
  return builder.build(doc);
}
