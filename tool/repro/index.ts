/** Reproducers of counterexamples: saved files, replay, standalone Python and TypeScript scripts. */
export * from './counterexample.ts';
export { formatReplay, holdsUnder, replay } from './replay.ts';
export type { ReplayCheck, ReplayResult, ReplayStatus } from './replay.ts';
export { reproPython, straightLineProblem } from './python.ts';
export type { PythonStyle, ReproPythonOptions } from './python.ts';
export { reproTypeScript } from './typescript.ts';
