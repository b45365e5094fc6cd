/**
 * Renders the rule registry as spec/RULES.md, the normative text people read. The registry
 * is the single source: `npm run spec` rewrites the file, and a test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ContractEntry } from './contract.ts';
import { LOOP_METHODS, MODULE_FUNCTIONS } from './contract.ts';
import { GROUP_TITLES, RULES } from './rules.ts';
import type { RuleGroup } from './rules.ts';
import { PROFILES, SWITCH_NOTES } from './profiles.ts';
import type { SwitchName, Switches } from './profiles.ts';

export function renderRules(): string {
  const out: string[] = [
    '# The rules',
    '',
    '<!-- Generated from spec/rules.ts by `npm run spec`; edit the registry, not this file. -->',
    '',
    'Semantics of CPython 3.12 (profile `cpython-3.12`, the default); the other versions, 3.8 to 3.14, differ where the ' +
      'table below says. The key words MUST, MUST NOT and SHOULD are to be read as in RFC 2119. ' +
      "A rule's normative text is its list of clauses, each one testable statement with an ID of its own (`SCHED-2.3`); " +
      'a clause marked with switch values applies only under the profiles that have them. ' +
      "Each rule's property lives in `conformance/properties/<GROUP>.ts`; the oracle tags every observation it predicts " +
      'with the clause that decides it (`conformance/oracle/`, one module per CPython module), and a run counts the programs ' +
      'that reached each clause: a clause no program reached is "not exercised", never a pass. The reference enforces a rule ' +
      'where a comment names its ID (`reference/`).',
    '',
  ];
  out.push(...versionTable());
  out.push(...contractTable());
  for (const group of Object.keys(GROUP_TITLES) as RuleGroup[]) {
    out.push(`## ${group}: ${GROUP_TITLES[group]}`, '');
    for (const r of RULES.filter((x) => x.group === group)) {
      out.push(`### ${r.id}: ${r.title}${r.retired ? ' (retired)' : ''}`, '');
      for (const c of r.clauses) out.push(`- **${c.id}**${c.when ? ` (${whenText(c.when)})` : ''} ${c.text}`);
      out.push('');
      if (r.rationale) out.push(`*Rationale.* ${r.rationale}`, '');
      if (r.versions) out.push(`*Versions.* ${r.versions}`, '');
      out.push('*Sources.*', '', ...r.sources.map((s) => `- ${s}`), '');
    }
  }
  return out.join('\n');
}

/** The loop contract, method by method: the rules that judge each, or the part that will (spec/contract.ts). */
function contractTable(): string[] {
  const row = (e: ContractEntry) =>
    `| \`${e.name}\`${e.since ? ` (${e.since}+)` : ''} | ${e.rules.join(', ') || '—'} | ${e.planned ?? ''} |`;
  const covered = LOOP_METHODS.filter((e) => e.rules.length > 0).length;
  return [
    '## The loop contract, method by method',
    '',
    `Every public method of \`asyncio.AbstractEventLoop\` (CPython 3.8 to 3.13; ${covered} of ${LOOP_METHODS.length} judged by ` +
      'rules so far) and the module functions around it, with the rules that judge it and the part of the contract that ' +
      "will judge what they do not yet (issue 12's groups; I/O is the next part). `spec/contract.test.ts` fails when a " +
      'CPython here has a method this table lacks.',
    '',
    '| method or function | rules | planned |',
    '| --- | --- | --- |',
    ...LOOP_METHODS.map(row),
    ...MODULE_FUNCTIONS.map(row),
    '',
  ];
}

/** The switch values a clause applies under, and the profiles that have them: "forkHook: false; 3.8 to 3.11". */
function whenText(when: Partial<Switches>): string {
  const profiles = PROFILES.filter((p) => Object.entries(when).every(([k, v]) => p.switches[k as SwitchName] === v)).map((p) =>
    p.name.replace('cpython-', ''),
  );
  const values = Object.entries(when)
    .map(([k, v]) => `\`${k}: ${v}\``)
    .join(', ');
  return `${values}: profiles ${profiles.join(', ')}`;
}

/** What changes between versions: the profiles' switches, and per group the rules they touch. */
function versionTable(): string[] {
  const names = Object.keys(PROFILES[0].switches) as SwitchName[];
  const short = (p: string) => p.replace('cpython-', '');
  const out = [
    '## What changes between versions',
    '',
    'Each profile (`--profile cpython-3.X`) is a set of switches (`spec/profiles.ts`); a rule lists the switches its ' +
      'observations depend on, and `conformance/profiles.test.ts` checks on generated programs that between two ' +
      'profiles exactly those rules differ.',
    '',
    `| switch | ${PROFILES.map((p) => short(p.name)).join(' | ')} | rules that depend on it |`,
    `| --- | ${PROFILES.map(() => '---').join(' | ')} | --- |`,
  ];
  for (const sw of names) {
    const rules = RULES.filter((r) => r.dependsOn.includes(sw)).map((r) => r.id);
    const values = PROFILES.map((p) => String(p.switches[sw])).join(' | ');
    out.push(`| \`${sw}\` | ${values} | ${rules.join(', ') || `none (${SWITCH_NOTES[sw] ?? 'not observable in the language'})`} |`);
  }
  out.push('', '| group | rules that differ between versions |', '| --- | --- |');
  for (const group of Object.keys(GROUP_TITLES) as RuleGroup[]) {
    const rules = RULES.filter((r) => r.group === group && r.dependsOn.length > 0);
    out.push(`| ${group} | ${rules.map((r) => `${r.id} (${r.dependsOn.join(', ')})`).join('; ') || 'none: the same in 3.8 to 3.14'} |`);
  }
  out.push('', 'The releases each profile describes:', '', ...PROFILES.map((p) => `- \`${p.name}\`: ${p.describes}`), '');
  return out;
}

export const RULES_MD = fileURLToPath(new URL('./RULES.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(RULES_MD, renderRules());
  console.log(`wrote ${RULES_MD}`);
}
