/**
 * Renders the rule registry as spec/RULES.md, the normative text people read. The registry
 * is the single source: `npm run spec` rewrites the file, and a test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GROUP_TITLES, RULES } from './rules.ts';
import type { RuleGroup } from './rules.ts';
import { PROFILES, SWITCH_NOTES } from './profiles.ts';
import type { SwitchName } from './profiles.ts';

export function renderRules(): string {
  const out: string[] = [
    '# The rules',
    '',
    '<!-- Generated from spec/rules.ts by `npm run spec`; edit the registry, not this file. -->',
    '',
    'Semantics of CPython 3.12 (profile `cpython-3.12`, the default); the other versions, 3.8 to 3.14, differ where the ' +
      'table below says. The key words MUST, MUST NOT and SHOULD are to be read as in RFC 2119. ' +
      "Each rule's property lives in `conformance/properties/<GROUP>.ts`; the oracle tags every observation it predicts " +
      'with the rule that decides it (`conformance/oracle/`, one module per CPython module); the reference enforces it where a comment names ' +
      'its ID (`reference/`).',
    '',
  ];
  out.push(...versionTable());
  for (const group of Object.keys(GROUP_TITLES) as RuleGroup[]) {
    out.push(`## ${group}: ${GROUP_TITLES[group]}`, '');
    for (const r of RULES.filter((x) => x.group === group)) {
      out.push(`### ${r.id}: ${r.title}${r.retired ? ' (retired)' : ''}`, '', r.text, '');
      if (r.rationale) out.push(`*Rationale.* ${r.rationale}`, '');
      if (r.versions) out.push(`*Versions.* ${r.versions}`, '');
      out.push('*Sources.*', '', ...r.sources.map((s) => `- ${s}`), '');
    }
  }
  return out.join('\n');
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
