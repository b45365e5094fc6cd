# ==== the names the program above calls, on loopspec's recorder (embedded above) ====
# The same recorder as loopspec's driver, so this script observes what the driver observes.
recorder = Recorder()
recorder.unbound_names = True  # the program's variables are this script's globals
activate(recorder)
policy_class = None  # --policy: what `set_policy new` instantiates instead of the default policy
stmt = recorder.statement
start_thread = recorder.start_thread
join_thread = recorder.join_thread
thread_name = recorder.thread_name
handler = recorder.handler
handler_context = recorder.handler_context
loop_time = recorder.loop_time
call_later = recorder.call_later
call_at = recorder.call_at
timer_when = recorder.timer_when
timer_due = recorder.timer_due
factory = recorder.factory
var = context_var  # the program's one ContextVar (CTX-1), the recorder's own (embedded above)
new_executor = recorder.new_executor
state = task_state
recorder.task_name_base = task_name_counter_now()  # TASK-6.2: default names counted from here
task_name = recorder.task_name
# exception_text is the recorder's own (embedded above)


def mark(tag):
    return tag


def new_policy():
    # the default's name is read as the statement runs, as the driver reads it (3.14 warns)
    return (policy_class or asyncio.DefaultEventLoopPolicy)()


def in_executor(sid, body):
    """The executor function, whose statements are listed in the context 'exec:<sid>'."""
    return recorder.in_context('exec:' + sid, body)


# make_agen and asyncgen_hooks are the observers' own (embedded above); sys for the hooks (AGEN-1)
import sys  # noqa: E402
