/**
 * Records traces of CPython 3.14 where this machine has it: inside Pyodide (the npm package
 * `pyodide`, CPython 3.14.2 built for WebAssembly). That build has no threads, no fork and no
 * selector loop (its socketpair needs a browser), so only the policy-level part of the
 * language runs there: finding, setting, creating and closing loops, and the policy itself;
 * the loop class is a stub that can be made, set, asked about and closed, but not run.
 * Pyodide keeps its own WebLoop registered as the running loop; each program starts with
 * that cleared and a fresh default policy, like a fresh interpreter's main thread.
 *
 *     npm run record-pyodide      # writes fixtures/corpus/pyodide/
 *
 * fixtures/pyodide.test.ts replays them through the oracle under cpython-3.14.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fc from 'fast-check';
import { loadPyodide } from 'pyodide';
import {
  findingPrograms,
  policyIdentityPrograms,
  policyPrograms,
  setFlagPrograms,
  setThenGetPrograms,
} from '../conformance/arbitraries/index.ts';
import { numberProgram, walk } from '../language/program.ts';
import type { Program } from '../language/program.ts';

/** What runs without a running loop, threads or fork. */
const POLICY_LEVEL = new Set([
  'new_event_loop',
  'get_event_loop',
  'get_running_loop',
  'peek_running_loop',
  'set_event_loop',
  'get_policy',
  'set_policy',
  'close',
  'is_closed',
  'is_running',
  'mark',
]);
const policyLevel = (p: Program) => [...walk(p.main)].every((s) => POLICY_LEVEL.has(s.op));

export const PYODIDE_SETUP = `
import sys, asyncio
sys.path.insert(0, '/home/pyodide')
import loopspec_interpreter
from asyncio import events, unix_events

class StubLoop(events.AbstractEventLoop):
    """A loop that can be made, set, asked about and closed, but not run (no selector here)."""
    def __init__(self):
        self._closed = False
    def is_running(self):
        return False
    def is_closed(self):
        return self._closed
    def close(self):
        self._closed = True

unix_events._UnixDefaultEventLoopPolicy._loop_factory = StubLoop

def run_fresh(program_json):
    import json
    events._set_running_loop(None)              # Pyodide's WebLoop is not the program's
    events._set_event_loop_policy(None)         # a fresh default policy, without the 3.14 warning
    return json.dumps(loopspec_interpreter.run_program(json.loads(program_json)))
`;

export async function startPyodide() {
  const indexURL = `${dirname(createRequire(import.meta.url).resolve('pyodide/package.json'))}/`;
  const py = await loadPyodide({ indexURL });
  // The interpreter and the modules it imports: the driver's command line and protocol server are not needed here.
  for (const module of ['loopspec_interpreter.py', 'loopspec_fork.py', 'loopspec_recorder.py', 'loopspec_observers.py'])
    py.FS.writeFile(`/home/pyodide/${module}`, readFileSync(`drivers/python/${module}`, 'utf8'));
  py.runPython(PYODIDE_SETUP);
  const version = py.runPython('import platform; platform.python_version()') as string;
  const runFresh = py.globals.get('run_fresh') as (json: string) => string;
  return { version, run: (p: Program) => JSON.parse(runFresh(JSON.stringify(p))) };
}

if (process.argv[1]?.endsWith('record-pyodide.ts')) {
  const families = [findingPrograms, policyPrograms, setThenGetPrograms, setFlagPrograms, policyIdentityPrograms];
  const programs = families.flatMap((arb, f) =>
    fc
      .sample(arb.map(numberProgram).filter(policyLevel), { numRuns: 40, seed: 314 })
      .map((program, i) => ({ name: `family${f + 1}#${i + 1}`, program })),
  );
  const py = await startPyodide();
  const traces = programs.map(({ name, program }) => ({ name, trace: py.run(program) }));
  mkdirSync('fixtures/corpus/pyodide', { recursive: true });
  writeFileSync('fixtures/corpus/pyodide/programs.json', `${JSON.stringify(programs)}\n`);
  writeFileSync(
    `fixtures/corpus/pyodide/traces.cpython-${py.version}.json`,
    `${JSON.stringify({
      interpreter: `CPython ${py.version} (pyodide ${createRequire(import.meta.url)('pyodide/package.json').version}, stub loop)`,
      recorded: new Date().toISOString().slice(0, 10),
      traces,
    })}\n`,
  );
  console.log(`CPython ${py.version} in Pyodide: ${traces.length} traces`);
}
