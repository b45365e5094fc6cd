# ==== the checks, made as conformance/predictions.ts makes them ====
# This mirrors the checker of conformance/predictions.ts, in Python because a standalone
# reproducer has no Node to run it. Object identity is anchored as there: the generator
# computes each anchor with predictions.ts (anchorOf) and writes it into the call
# (same_object / new_object), so only the comparison is made here (ReproCheck.outcome).
import importlib as repro_importlib
import json
import os
import sys


def repro_policy(argv):
    """--policy module:attr: the class, imported (from the working directory too)."""
    if argv and argv[0] in ('-h', '--help'):
        sys.stdout.write(__doc__)
        repro_exit(0)
    # Every new loop would be in debug mode (DEBUG-1.1): loopspec's driver runs without these.
    if sys.flags.dev_mode or (os.environ.get('PYTHONASYNCIODEBUG') and not sys.flags.ignore_environment):
        sys.stderr.write('asyncio debug mode is on (PYTHONASYNCIODEBUG or -X dev): run this without it, as loopspec does\n')
        repro_exit(2)
    argv = [a for a in argv if a != '--trace']
    if not argv:
        return None
    if len(argv) != 2 or argv[0] != '--policy' or ':' not in argv[1]:
        sys.stderr.write('usage: %s [--policy module:attr] [--trace]\n' % sys.argv[0])
        repro_exit(2)
    mod_name, attr = argv[1].split(':', 1)
    sys.path.insert(0, os.getcwd())
    try:
        obj = repro_importlib.import_module(mod_name)
        for part in attr.split('.'):
            obj = getattr(obj, part)
    except Exception as e:
        sys.stderr.write('cannot load policy %s: %s: %s\n' % (argv[1], type(e).__name__, e))
        repro_exit(2)
    return obj


def repro_print_trace(trace):
    """--trace: what was observed, as a loopspec trace (language/trace.ts)."""
    sys.stdout.write(json.dumps(trace, indent=1, sort_keys=True) + '\n')
    return 0


def repro_exit(code):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # threads left running by a hang must not block the exit


def value(v):
    return {'value': v}


def error(type_name, message):
    return {'error': {'type': type_name, 'message': message}}


def same_object(kind, at):
    """The same object as the one statement 'at' returned."""
    return {'same': kind, 'at': at}


def new_object(kind, not_seen_at):
    """An object of this kind that none of the statements 'not_seen_at' returned."""
    return {'new': kind, 'not_seen_at': not_seen_at}


class ReproCheck(object):
    def __init__(self, trace, policy_cls):
        self.trace = trace
        self.checks = 0
        self.deviations = 0
        self.names = {}
        counters = {}
        for sid in sorted(trace['obs'], key=lambda s: int(s[1:])):
            v = trace['obs'][sid]['outcome'].get('value')
            if isinstance(v, dict) and v['id'] not in self.names:
                counters[v['obj']] = counters.get(v['obj'], 0) + 1
                self.names[v['id']] = {'loop': 'L', 'task': 'K', 'policy': 'P'}[v['obj']] + str(counters[v['obj']])
        policy = '%s.%s' % (policy_cls.__module__, policy_cls.__qualname__) if policy_cls else 'the default policy'
        print('Python %s, %s: checking %s (%s semantics)' % (sys.version.split()[0], policy, REPRO_RULE, REPRO_PROFILE))

    # ---- what was observed --------------------------------------------------------------
    def _outcome(self, sid):
        o = self.trace['obs'].get(sid)
        return o['outcome'] if o else None

    def _value_at(self, sid):
        o = self._outcome(sid)
        return o.get('value') if o else None

    def _fmt_value(self, v):
        if isinstance(v, dict):
            return self.names.get(v['id'], v['id'])
        if v is None:
            return 'None'
        if isinstance(v, bool):
            return 'True' if v else 'False'
        return json.dumps(v)

    def _fmt_outcome(self, o):
        if o is None:
            return '(not executed)'
        if 'value' in o:
            return self._fmt_value(o['value'])
        return '%s(%s)' % (o['error']['type'], json.dumps(o['error']['message']))

    @staticmethod
    def _fmt_warnings(ws):
        if not ws:
            return 'no warning'
        return ', '.join('%s(%s)' % (c, json.dumps(m)) for c, m in ws)

    def _report(self, where, ok, expected, actual):
        self.checks += 1
        if not ok:
            self.deviations += 1
        print('%s: %s' % (where, 'OK' if ok else 'DEVIATES'))
        print('    expected: %s' % expected)
        print('    actual:   %s' % actual)

    # ---- the kinds of expectation -------------------------------------------------------
    def outcome(self, sid, exp, prefix=False):
        # the identity part mirrors Identities.holds in conformance/predictions.ts
        act = self._outcome(sid)
        shown = self._fmt_outcome(act)
        if 'same' in exp or 'new' in exp:
            kind = exp.get('same') or exp.get('new')
            v = act.get('value') if act else None
            ok = isinstance(v, dict) and v['obj'] == kind
            if 'same' in exp:
                anchor = self._value_at(exp['at'])
                ok = ok and isinstance(anchor, dict) and anchor['id'] == v['id']
                want = 'the %s that %s returned' % (kind, exp['at'])
            else:
                for at in exp['not_seen_at']:
                    seen = self._value_at(at)
                    if ok and isinstance(seen, dict) and seen['id'] == v['id']:
                        ok = False
                        shown += ' (the object of %s)' % at
                want = 'a new %s' % kind + (', not one of %s' % ', '.join(exp['not_seen_at']) if exp['not_seen_at'] else '')
        elif 'value' in exp:
            v = act.get('value') if act else None
            ok = (act is not None and 'value' in act and not isinstance(v, dict)
                  and isinstance(v, bool) == isinstance(exp['value'], bool) and v == exp['value'])
            want = self._fmt_value(exp['value'])
        else:
            e = exp['error']
            got = act.get('error') if act else None
            ok = got is not None and got['type'] == e['type'] and (
                got['message'].startswith(e['message']) if prefix else got['message'] == e['message'])
            want = self._fmt_outcome(exp) + (' (message prefix)' if prefix else '')
        self._report('%s outcome' % sid, ok, want, shown)

    def warnings(self, sid, exp):
        o = self.trace['obs'].get(sid)
        got = [(w['category'], w['message']) for w in o['warnings']] if o else None
        ok = got is not None and got == [tuple(w) for w in exp]
        self._report('%s warnings' % sid, ok, self._fmt_warnings(exp), '(not executed)' if got is None else self._fmt_warnings(got))

    def order(self, context, exp, back_to_back=False):
        # back_to_back: two callbacks queued back to back; only if both ran, in this order.
        ran = [s for s in self.trace['order'].get(context, []) if s in exp]
        if back_to_back:  # where each first ran: one that ran twice is another rule's deviation
            ran = [s for i, s in enumerate(ran) if s not in ran[:i]]
        wanted = [s for s in exp if s in ran] if back_to_back else exp
        self._report('order in %s' % context, ran == wanted,
                     '%s: %s%s' % (context, ' < '.join(exp), ' (if both run)' if back_to_back else ''),
                     '%s: %s' % (context, ' < '.join(ran) or '(none ran)'))

    def not_same(self, sid, others):
        o = self._outcome(sid)
        v = o.get('value') if o else None
        same = [x for x in others if isinstance(v, dict) and isinstance(self._value_at(x), dict) and self._value_at(x)['id'] == v['id']]
        shown = '(not executed)' if o is None else ('the object of %s' % same[0] if same else self._fmt_outcome(o))
        self._report('%s outcome' % sid, o is not None and not same, 'not the object of %s' % ', '.join(others), shown)

    def ran(self, sid, exp):
        did = sid in self.trace['obs']
        self._report('%s ran' % sid, did == exp, 'runs' if exp else 'never runs', 'ran' if did else 'never ran')

    def terminates(self, jobs=None):
        # jobs: [run_in_executor statement, the job's first statement]; a job seen to start ran.
        end = self.trace['end']
        started = set(s for ids in self.trace['order'].values() for s in ids)
        ok = end['kind'] == 'ok' or (jobs is not None and all(sub not in started or first in started for sub, first in jobs))
        want = 'the program ends' + (', or every executor job submitted (%s) started' % ', '.join(j[0] for j in jobs) if jobs else '')
        self._report('end of program', ok, want,
                     'the program ends' if end['kind'] == 'ok' else '%s: %s' % (end['kind'], end.get('detail', '')))

    def finish(self):
        if self.deviations:
            print('DEVIATES from %s (%s semantics) at %d of %d checks' % (REPRO_RULE, REPRO_PROFILE, self.deviations, self.checks))
            return 1
        print('CONFORMS to %s (%s semantics): all %d checks hold' % (REPRO_RULE, REPRO_PROFILE, self.checks))
        return 0
