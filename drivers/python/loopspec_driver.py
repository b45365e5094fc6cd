#!/usr/bin/env python3
"""loopspec Python driver: interprets a loopspec program with the REAL asyncio.

Usage (stdlib only; CPython 3.8 to 3.14):

    python3 drivers/python/loopspec_driver.py < program.json > trace.json
    python3 drivers/python/loopspec_driver.py program.json > trace.json
    python3 drivers/python/loopspec_driver.py --serve [--policy M:A] [--loop-factory M:A]
        [--setup M:A] [--pool N] [--isolation fork|in-process]

The first two run one program (single shot). `--serve` speaks the loopspec protocol
(protocol/PROTOCOL.md) on stdin/stdout and runs every program in a pristine process forked from
a clean parent, or in this process after resetting asyncio's state where os.fork is missing
(see loopspec_server.py beside this file, `--serve --help` for the options).

This file is the command line alone. The modules it needs are beside it, each importing only
those listed before it:
- loopspec_observers.py: how what a program's calls return becomes observations (the loop's
  clock and timers, exception handlers, task factories, futures' exceptions, task states,
  error messages), and the errors loopspec raises itself; the recorder inherits its Observers.
- loopspec_recorder.py: what a statement's observation holds (order, outcome, identities,
  warnings, the deadline); generated Python reproducers embed it, after the observers.
- loopspec_fork.py: the program's `fork` statement (the child process, its deadline, the merge
  of its trace), which the interpreter's run inherits.
- loopspec_interpreter.py: the interpreter, `run_program(program) -> trace` (the program
  language is language/program.ts, the trace format language/trace.ts), and its conventions
  where program.ts leaves a choice.
- loopspec_isolation.py: how the server runs each program in a pristine process (a pool of
  forked children, or this process with asyncio's state reset).
- loopspec_server.py: the protocol conversation, plug-ins and `--serve`'s options.
"""
import json
import os
import sys

if __name__ == '__main__':
    # a script: leave no __pycache__ in the checkout (nor in plug-ins' directories), and find
    # the modules beside it under `python -I` too (whose sys.path lacks the script's directory)
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopspec_interpreter import DRIVER_VERSION, number_program, run_program  # noqa: E402  (beside this file)

__all__ = ['run_program', 'number_program', 'main']


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ('-h', '--help'):
        sys.stdout.write(__doc__)
        return 0
    if argv and argv[0] == '--serve':
        # imported here, not above: a single shot would pay ~4 ms for argparse and the rest
        import loopspec_server  # beside this file
        return loopspec_server.main(argv[1:])
    if argv and argv[0] == '--version':
        sys.stdout.write('loopspec-driver %s python %s\n' % (DRIVER_VERSION, sys.version.split()[0]))
        return 0
    if argv:
        with open(argv[0]) as f:
            program = json.load(f)
    else:
        program = json.load(sys.stdin)
    trace = run_program(program)
    sys.stdout.write(json.dumps(trace, indent=1, sort_keys=True) + '\n')
    sys.stdout.flush()
    sys.stderr.flush()
    ended = trace['end']['kind'] == 'ok'
    # skip interpreter teardown: threads left running (a hang) must not block the exit
    os._exit(0 if ended else 3)


if __name__ == '__main__':
    sys.exit(main())
