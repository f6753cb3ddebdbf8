"""Worker processes: results in order, hard timeouts, crashes reported."""

import time

import pytest

from derive.engine.runner import Crashed, Done, TimedOut, run_tasks


def _quick():
    return 42


def _slow():
    time.sleep(30)


def _broken():
    raise RuntimeError("boom")


def test_results_come_back_in_task_order(monkeypatch):
    monkeypatch.setattr("derive.engine.runner.GRACE_SECONDS", 0.2)
    results = run_tasks([_quick, _slow, _broken], jobs=2, timeout=0.5)
    assert isinstance(results[0], Done) and results[0].value == 42
    assert isinstance(results[1], TimedOut)
    assert isinstance(results[2], Crashed) and "boom" in results[2].traceback


def test_an_attempt_that_runs_out_ends_only_itself_while_the_claim_has_time():
    from derive.engine.deadline import Deadline, OutOfTime

    deadline, reached = Deadline(5.0), []
    with deadline.guard():
        with deadline.attempt(0.2):
            time.sleep(2)
            reached.append("after the sleep")  # never: the slice ran out
        reached.append("after the attempt")
    assert reached == ["after the attempt"]
    spent = Deadline(0.3)
    with pytest.raises(OutOfTime), spent.guard(), spent.attempt(5.0):
        time.sleep(2)  # the claim's whole time runs out inside the attempt
