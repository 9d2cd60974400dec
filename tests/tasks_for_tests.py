"""Module-level functions for executor tests: picklable by name, so that workers started with
``spawn`` can run them too."""

from __future__ import annotations

import os
import signal
import time


def square(x: int) -> int:
    time.sleep(0.02)
    return x * x


def square_or_die(x: int, doomed: int) -> int:
    if x == doomed:
        os.kill(os.getpid(), signal.SIGKILL)
    return square(x)


def pid() -> int:
    return os.getpid()


def fails(x: int) -> int:
    raise ValueError(f"bad {x}")


def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def slow_result(task, fonts: bool = True):
    """A stand-in for run_task: a document that takes 2.5 s to render."""
    from docgen.build.tasks import TaskResult

    time.sleep(2.5)
    return TaskResult(task.id, True, "0" * 64, 1, 2.5)


def parent_and_modules(names: tuple[str, ...]) -> tuple[int, list[bool]]:
    """The worker's parent process, and which of ``names`` it had imported before this task."""
    import os
    import sys

    return os.getppid(), [n in sys.modules for n in names]


class _Cycle:
    """An object in a reference cycle, holding memory the collector does not count."""

    alive = 0

    def __init__(self):
        _Cycle.alive += 1
        self.me = self
        self.payload = bytearray(1 << 20)

    def __del__(self):
        _Cycle.alive -= 1


def leave_cycle() -> int:
    """Leave one cycle behind (as a python-docx package does); how many are alive now."""
    _Cycle()
    return _Cycle.alive
