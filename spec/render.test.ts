import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderRules, RULES_MD } from './render.ts';

it('spec/RULES.md is generated from the registry and up to date (run `npm run spec`)', () => {
  expect(readFileSync(RULES_MD, 'utf8')).toBe(renderRules());
});
