"""Run independent tasks in forked worker processes, each under a hard time limit.

A task is a picklable-result callable. Each runs in its own forked process, so a claim that
hangs inside SymPy is killed without harming the others, and `jobs` of them run at once.
Results come back in task order as `Done`, `TimedOut` or `Crashed`.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait

GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Done:
    value: object
    seconds: float


@dataclass(frozen=True)
class TimedOut:
    seconds: float


@dataclass(frozen=True)
class Crashed:
    traceback: str
    seconds: float


def _child(task: Callable, connection) -> None:
    # The parent decides what an interrupt means (it kills its workers and exits); a worker
    # only stops, silently.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
    try:
        connection.send(("done", task()))
    except BaseException:  # noqa: BLE001 - everything is reported to the parent
        connection.send(("crashed", traceback.format_exc()))
    finally:
        connection.close()


@dataclass
class _Running:
    index: int
    process: multiprocessing.Process
    reader: object
    started: float


def run_tasks(
    tasks: Sequence[Callable],
    *,
    jobs: int,
    timeout: float,
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[int, object], None] | None = None,
) -> list:
    """Run every task with at most `jobs` at once; kill any still running after `timeout`."""
    context = multiprocessing.get_context("fork")
    results: list = [None] * len(tasks)
    pending, running = list(range(len(tasks))), []
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index = pending.pop(0)
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(tasks[index], writer), daemon=True)
                process.start()
                writer.close()
                running.append(_Running(index, process, reader, time.monotonic()))
                if on_start:
                    on_start(index)
            _collect(running, results, timeout, on_done)
    finally:
        # Left early (an interrupt, a signal turned into an exit): no worker outlives us.
        for item in running:
            item.process.kill()
            item.process.join()
            item.reader.close()
    return results


def _collect(running: list, results: list, timeout: float, on_done) -> None:
    now = time.monotonic()
    nearest = min(r.started + timeout + GRACE_SECONDS for r in running) - now
    ready = wait([r.reader for r in running], timeout=max(0.0, nearest))
    for item in list(running):
        elapsed = time.monotonic() - item.started
        if item.reader in ready:
            results[item.index] = _receive(item.reader, elapsed)
        elif elapsed > timeout + GRACE_SECONDS:
            item.process.kill()
            results[item.index] = TimedOut(elapsed)
        else:
            continue
        item.process.join()
        item.reader.close()
        running.remove(item)
        if on_done:
            on_done(item.index, results[item.index])


def _receive(reader, elapsed: float):
    try:
        kind, payload = reader.recv()
    except EOFError:
        return Crashed("the worker process died without a result", elapsed)
    return Done(payload, elapsed) if kind == "done" else Crashed(payload, elapsed)
