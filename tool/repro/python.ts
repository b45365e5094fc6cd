/**
 * The standalone Python reproducer: a stdlib-only script that runs the saved program with
 * the real asyncio and checks, one by one, what the counterexample's rule expects of it.
 * It imports nothing from this repository when it runs.
 *
 * Two styles. 'straight' (the default where it applies): the program written out as
 * straight-line Python (language/python.ts), each statement in a `with stmt('sN') as s:`
 * block that records what it did. 'embedded': the interpreter of loopspec's Python driver
 * (drivers/python/loopspec_interpreter.py, with the fork statement of loopspec_fork.py),
 * interpreting the program as data; used for programs with fork (whose child must report back)
 * or with variable names that are not plain capitals. Either way the script embeds the driver's
 * own recorder (drivers/python/loopspec_observers.py verbatim, then loopspec_recorder.py), read
 * when the script is generated, so a reproducer observes exactly what the driver observes. A
 * driver module that imports modules beside it does so in a marked block, which the script
 * drops (it embeds those modules before it): nothing else of a module is left out.
 */
import { readFileSync } from 'node:fs';
import type { Expectation } from '../../conformance/predictions.ts';
import { type FirstSeen, firstSeen } from '../../conformance/predictions.ts';
import { formatProgram, py, straightLine } from '../../language/python.ts';
import type { Stmt } from '../../language/program.ts';
import { walk } from '../../language/program.ts';
import type { Profile } from '../../spec/profiles.ts';
import { ruleById } from '../../spec/rules.ts';
import type { SavedCounterexample } from './counterexample.ts';
import { CounterexampleError } from './counterexample.ts';
import { describeExpected, objectAnchor, predictCounterexample } from './expected.ts';

const DRIVER_DIR = new URL('../../drivers/python/', import.meta.url);
const source = (name: string) => readFileSync(new URL(`./py/${name}`, import.meta.url), 'utf8').trimEnd();

export type PythonStyle = 'straight' | 'embedded';

export interface ReproPythonOptions {
  /** Default: 'straight' where it applies (see straightLineProblem), else 'embedded'. */
  style?: PythonStyle;
}

/** Why a program cannot be written as straight-line Python, or undefined. */
export function straightLineProblem(main: Stmt[]): string | undefined {
  for (const s of walk(main)) {
    if (s.op === 'fork') return 'it forks';
    if (s.op === 'runner_with') return 'it enters a Runner with a with statement';
    // Capitals only: they cannot clash with the recorder's, the script's or Python's names.
    const names = [
      'as' in s ? s.as : undefined,
      'loop' in s ? s.loop : undefined,
      'task' in s ? s.task : undefined,
      s.op === 'set_event_loop' && typeof s.arg === 'string' ? s.arg : undefined,
    ];
    for (const name of names) {
      if (name !== undefined && !/^[A-Z][A-Z0-9]*$/.test(name)) return `variable ${JSON.stringify(name)} is not a plain capitalised name`;
    }
  }
  return undefined;
}

export function reproPython(c: SavedCounterexample, profile?: Profile, options: ReproPythonOptions = {}): string {
  const { profile: p, prediction, expectations } = predictCounterexample(c, profile);
  if (expectations.length === 0)
    throw new CounterexampleError(`under ${p.name} the oracle makes no check of ${c.rule} on this program: nothing to reproduce`);
  const problem = straightLineProblem(c.program.main);
  const style = options.style ?? (problem ? 'embedded' : 'straight');
  if (style === 'straight' && problem) throw new CounterexampleError(`the program cannot be written as straight-line Python: ${problem}`);
  const first = firstSeen(prediction.trace);
  // Only object checks get a comment: the call itself says the rest.
  const checks = expectations.map(
    (x) => `    check.${checkCall(x, first)}${objectAnchor(x, first) ? `  # ${describeExpected(x, first)}` : ''}`,
  );
  const main = [
    `# What ${c.rule} expects of the program, checked once it has run.`,
    'def repro_main(argv):',
    '    policy_cls = repro_policy(argv)',
    '    trace = repro_trace(policy_cls)',
    "    if '--trace' in argv:",
    '        return repro_print_trace(trace)',
    '    check = ReproCheck(trace, policy_cls)',
    ...checks,
    '    return check.finish()',
  ];
  // Both styles: the checks, how this style runs the program (repro_trace), then the check and
  // the recorder the driver uses, embedded (see recorder()).
  const withTrace = (traceBody: string[]) => [
    '',
    '',
    ...main,
    '',
    '',
    'def repro_trace(policy_cls):',
    ...traceBody,
    '',
    '',
    source('check.py'),
    '',
    '',
    ...recorder(),
  ];
  const parts =
    style === 'straight'
      ? [
          '',
          '',
          '# ==== the program ====',
          straightLine(c.program.main),
          ...withTrace([
            '    global policy_class',
            '    if policy_cls is not None:',
            '        policy_class = policy_cls',
            '        asyncio.set_event_loop_policy(policy_cls())',
            '    return recorder.trace(recorder.run(program))',
          ]),
          '',
          '',
          source('straight.py'),
        ]
      : [
          `REPRO_PROGRAM = ${pyProgram(c.program.main)}`,
          ...withTrace(['    return run_program(REPRO_PROGRAM, policy_cls=policy_cls)']),
          '',
          '',
          ...driverSource(),
        ];
  return [
    '#!/usr/bin/env python3',
    '# -*- coding: utf-8 -*-',
    `"""${docstring(c, p, style).replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"')}\n"""`,
    '',
    ...(style === 'straight' ? ['import asyncio', ''] : []),
    `REPRO_RULE = ${py(c.rule)}`,
    `REPRO_PROFILE = ${py(p.name)}`,
    ...parts,
    '',
    '',
    "if __name__ == '__main__':",
    '    repro_exit(repro_main(sys.argv[1:]))',
    '',
  ].join('\n');
}

function docstring(c: SavedCounterexample, p: Profile, style: PythonStyle): string {
  const title = ruleById(c.rule)?.title;
  return [
    `loopspec reproducer: rule ${c.rule}${title ? ` (${title})` : ''}, expecting ${p.name} semantics.`,
    '',
    `Found against ${c.implementation.name} ${c.implementation.version} (seed ${c.seed}, path ${JSON.stringify(c.path)}).`,
    `It runs this program with the real asyncio and checks what ${c.rule} expects of it:`,
    '',
    ...formatProgram(c.program)
      .split('\n')
      .map((l) => `    ${l}`),
    '',
    style === 'straight'
      ? "The program is written out below as `program()`; each statement runs in a `with stmt(...)`\nblock that records its value or error and its warnings with loopspec's driver's own\nrecorder, embedded below."
      : "The program is interpreted by loopspec's Python driver, embedded below with its recorder.",
    '',
    'Usage: python3 THIS_SCRIPT [--policy module:attr] [--trace]',
    '  --policy  an event loop policy class, installed before the program runs (and the',
    '            class that `asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())`',
    '            instantiates in it), e.g. uvloop:EventLoopPolicy',
    '  --trace   print what was observed (a loopspec trace, JSON) instead of checking it',
    `Exit status: 0 when the implementation meets ${c.rule} here, 1 when it deviates, 2 on a`,
    'usage error. Standalone: Python 3.8+ standard library only.',
  ].join('\n');
}

/**
 * A driver module's marked import of the modules beside it: a reproducer embeds those modules
 * before the module and drops these lines, so that it stays one stdlib-only script.
 */
const IMPORT_BLOCK = /^# ---- the modules beside this file[^\n]*\n[\s\S]*?^# ---- end of the imports beside this file\n/m;

/**
 * A module of the driver as a reproducer embeds it, between banners: verbatim, or where it
 * imports modules beside it (`imports`), without that marked import. Either way it must
 * import no other module of the driver, and be a module, not a script.
 */
function embed(name: string, what: string, imports = false): string[] {
  const file = new URL(name, DRIVER_DIR);
  let src = readFileSync(file, 'utf8');
  const cannot = (why: string) => new Error(`${file.pathname} ${why}: cannot embed it`);
  if (imports) {
    if (!IMPORT_BLOCK.test(src))
      throw cannot(
        "has no marked import of the modules beside it ('# ---- the modules beside this file' ... '# ---- end of the imports beside this file')",
      );
    src = src.replace(IMPORT_BLOCK, '');
  }
  if (/^(?:from|import)\s+loopspec_/m.test(src)) throw cannot('imports a module beside it outside its marked import');
  // A module, not a script: an entry point here would run in the reproducer.
  if (/^if __name__ == '__main__':/m.test(src)) throw cannot("has an entry point (if __name__ == '__main__':)");
  return [
    `# ==== loopspec Python ${what} (drivers/python/${name}), embedded ${imports ? 'without its marked import of the modules embedded before it' : 'verbatim'} ====`,
    src.trimEnd(),
    `# ==== end of the embedded ${what} ====`,
  ];
}

/** The recorder the driver uses: its observers verbatim, then the recorder without its import of them. */
function recorder(): string[] {
  return [...embed('loopspec_observers.py', 'observers'), '', '', ...embed('loopspec_recorder.py', 'recorder', true)];
}

/** The driver's interpreter (what runs the program): its fork machinery verbatim, then the interpreter without its imports (of those and of the recorder, embedded before it). */
function driverSource(): string[] {
  const interpreter = embed('loopspec_interpreter.py', 'interpreter', true);
  if (!/^def run_program\(/m.test(interpreter[1]))
    throw new Error(`${new URL('loopspec_interpreter.py', DRIVER_DIR).pathname} defines no run_program: cannot embed it`);
  return [...embed('loopspec_fork.py', 'fork statement'), '', '', ...interpreter];
}

function checkCall(x: Expectation, first: FirstSeen): string {
  switch (x.kind) {
    case 'outcome': {
      const a = objectAnchor(x, first);
      const prefix = x.match === 'prefix' ? ', prefix=True' : '';
      if (a)
        return 'sameAs' in a
          ? `outcome(${py(x.stmt)}, same_object(${py(a.kind)}, ${py(a.sameAs)}))`
          : `outcome(${py(x.stmt)}, new_object(${py(a.kind)}, not_seen_at=${py(a.newNot)}))`;
      if ('value' in x.expected) return `outcome(${py(x.stmt)}, value(${py(x.expected.value)}))`;
      return `outcome(${py(x.stmt)}, error(${py(x.expected.error.type)}, ${py(x.expected.error.message)})${prefix})`;
    }
    case 'warnings':
      return `warnings(${py(x.stmt)}, [${x.expected.map((w) => `(${py(w.category)}, ${py(w.message)})`).join(', ')}])`;
    case 'order':
      return `order(${py(x.context)}, ${py(x.expected)}${x.backToBack ? ', back_to_back=True' : ''})`;
    case 'not-same':
      return `not_same(${py(x.stmt)}, ${py(x.others)})`;
    case 'ran':
      return `ran(${py(x.stmt)}, ${py(x.expected)})`;
    case 'terminates':
      return x.jobs ? `terminates(jobs=${py(x.jobs)})` : 'terminates()';
  }
}

/** The program as a Python literal, one statement a line (for the embedded driver). */
function pyProgram(main: Stmt[]): string {
  const body = (stmts: Stmt[], indent: string): string =>
    stmts.length === 0
      ? '[]'
      : `[\n${stmts
          .map((s) => {
            const { body: inner, ...rest } = s as Stmt & { body?: Stmt[] };
            const head = py(rest);
            return `${indent}    ${inner ? `${head.slice(0, -1)}, "body": ${body(inner, `${indent}    `)}}` : head},`;
          })
          .join('\n')}\n${indent}]`;
  return `{"version": 1, "main": ${body(main, '')}}`;
}
