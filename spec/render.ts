/**
 * Renders the rule registry as spec/RULES.md, the normative text people read. The registry
 * is the single source: `npm run spec` rewrites the file, and a test fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GROUP_TITLES, RULES } from './rules.ts';
import type { RuleGroup } from './rules.ts';

export function renderRules(): string {
  const out: string[] = [
    '# The rules',
    '',
    '<!-- Generated from spec/rules.ts by `npm run spec`; edit the registry, not this file. -->',
    '',
    "Semantics of CPython 3.12 (profile `cpython-3.12`). The key words MUST, MUST NOT and SHOULD are to be read as in RFC 2119. Each rule's property lives in `conformance/properties/<GROUP>.ts`; the oracle tags every observation it predicts with the rule that decides it (`conformance/oracle/oracle.ts`); the reference enforces it where a comment names its ID (`reference/`).",
    '',
  ];
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

export const RULES_MD = fileURLToPath(new URL('./RULES.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(RULES_MD, renderRules());
  console.log(`wrote ${RULES_MD}`);
}
