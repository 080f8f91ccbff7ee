"""Printing runs in a thread of lower CPU priority, and behaves as if called directly."""

import os
import threading

import pytest

from actions import plan as plan_pdf
from lscb.platform.low_priority import NICENESS, run_at_low_priority


def own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_work_runs_niced_in_another_thread_and_the_caller_keeps_its_priority():
    before = own_niceness()
    seen = run_at_low_priority(lambda: (threading.get_native_id(), own_niceness()))
    assert seen[0] != threading.get_native_id()
    assert seen[1] == min(19, before + NICENESS)
    assert own_niceness() == before


def test_the_works_exception_reaches_the_caller():
    def fails():
        raise ValueError("a broken stylesheet")

    with pytest.raises(ValueError, match="a broken stylesheet"):
        run_at_low_priority(fails)


def test_a_plan_is_printed_through_it(monkeypatch):
    calls = []

    def spy(work):
        calls.append(work)
        return work()

    monkeypatch.setattr(plan_pdf, "run_at_low_priority", spy)
    pdf = plan_pdf.html_to_pdf("<p>Child Q action plan</p>")
    assert pdf.startswith(b"%PDF") and len(calls) == 1
