"""CPU-heavy work (printing a plan with WeasyPrint) at a lower scheduling priority than page requests.

A long plan keeps a core busy for seconds. Run at normal priority on a small
server, a few of them at once make every other page wait behind them. Linux
keeps a nice value for each thread, so the work runs in a short-lived thread
of its own with a raised nice value: the kernel then serves other requests
first, and the request's own thread (and the worker) keeps its priority.
The work must not touch the database (a new thread has no connection).
"""

import os
import threading

NICENESS = 10  # added to the caller's nice value (19 at most)


def run_at_low_priority(work):
    """work(), in a thread with a raised nice value; its result or its exception, as if called here."""
    outcome: dict = {}

    def run() -> None:
        try:
            thread_id = threading.get_native_id()  # a new thread starts with its creator's nice value
            os.setpriority(os.PRIO_PROCESS, thread_id, min(19, os.getpriority(os.PRIO_PROCESS, thread_id) + NICENESS))
        except (AttributeError, OSError):
            pass  # not Linux, or not allowed: run at the usual priority
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="lscb-low-priority", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
