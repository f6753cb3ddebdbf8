"""Time limits inside one process: a claim's deadline, and shorter slices for one attempt.

SIGALRM based, so a deadline works only in the main thread of its process (every claim is
decided in a worker process of its own; see derive.engine.runner).
"""

from __future__ import annotations

import contextlib
import signal
import time

SLICE_SECONDS = 8.0
SPENT_SECONDS = 0.05  # a deadline with less left has run out (no slice is armed for less)


class OutOfTime(Exception):
    """A time slice ran out."""


class Deadline:
    """The time left for one claim. `guard` enforces it everywhere; `slice` gives one attempt
    a shorter alarm, after which the guard's alarm is re-armed."""

    def __init__(self, seconds: float):
        self.seconds, self.end = seconds, time.monotonic() + seconds
        self.guarded = False

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def spent(self) -> bool:
        """Whether the claim's whole time has run out (not just a slice's)."""
        return self.remaining() <= SPENT_SECONDS

    def _expire(self, signum, frame):
        if self.guarded and self.remaining() <= 0:
            # Keep firing until the guard exits, so no caller can swallow the deadline.
            signal.setitimer(signal.ITIMER_REAL, 0.1)
        raise OutOfTime()

    def _arm(self, seconds: float) -> None:
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))

    @contextlib.contextmanager
    def guard(self):
        previous = signal.signal(signal.SIGALRM, self._expire)
        self.guarded = True
        self._arm(self.remaining())
        try:
            yield self
        finally:
            self.guarded = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def slice(self, seconds: float = SLICE_SECONDS):
        budget = min(seconds, self.remaining())
        if budget <= SPENT_SECONDS:
            raise OutOfTime()
        previous = signal.signal(signal.SIGALRM, self._expire)
        self._arm(budget)
        try:
            yield
        finally:
            if self.guarded:
                self._arm(self.remaining())
            else:
                signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @contextlib.contextmanager
    def attempt(self, seconds: float = SLICE_SECONDS):
        """A slice whose running out only ends the attempt: the with-block is left and the
        caller goes on, unless the claim's whole time has run out (OutOfTime then)."""
        try:
            with self.slice(seconds):
                yield
        except OutOfTime:
            if self.spent():
                raise
