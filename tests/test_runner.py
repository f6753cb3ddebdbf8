"""Worker processes: results in order, hard timeouts, crashes reported."""

import time

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
