/**
 * The TypeScript reproducer: a snippet that replays the saved program against an in-process
 * adapter module (loaded the way the CLI loads one) and prints the same expected / actual
 * table as `formatReplay`. It imports loopspec from this checkout, by absolute URL, so it
 * runs from anywhere: save it as a .mts file and run it with `npx tsx`.
 */
import { resolve } from 'node:path';
import type { SavedCounterexample } from './counterexample.ts';

const here = (rel: string) => new URL(rel, import.meta.url).href;

export function reproTypeScript(c: SavedCounterexample, adapterModulePath: string): string {
  const adapter = resolve(adapterModulePath);
  return `// loopspec reproducer: rule ${c.rule}, expecting ${c.profile}, against the adapter module
// ${adapter}
// Run: npx tsx <this file>.mts   Exit status: 0 conforms, 1 deviates, 2 skipped, fault or not exercised.
import { loadAdapter } from ${JSON.stringify(here('../../conformance/load-adapter.ts'))};
import { toCounterexample } from ${JSON.stringify(here('./counterexample.ts'))};
import { formatReplay, replay } from ${JSON.stringify(here('./replay.ts'))};

const counterexample = toCounterexample(${JSON.stringify(c, null, 2)});

const adapter = await loadAdapter(${JSON.stringify(adapter)}, {}, counterexample.profile);
try {
  const result = await replay(counterexample, adapter);
  console.log(formatReplay(result));
  process.exitCode = result.status === 'conforms' ? 0 : result.status === 'deviates' ? 1 : 2;
} finally {
  await adapter.close();
}
`;
}
