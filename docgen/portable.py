"""The few operating-system calls that differ between Linux, macOS and Windows, each with a
portable fallback. Nothing else in docgen calls ``prctl``, ``fcntl`` or ``sched_getaffinity``.
"""

from __future__ import annotations

import os
import signal
import sys


def usable_cpus() -> int:
    """The processors this process may run on (a container's or ``taskset``'s limit on Linux)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def die_with_parent() -> None:
    """This process must not outlive its parent (kill -9 of a build ends its workers too).

    Linux: ``PR_SET_PDEATHSIG``. Elsewhere there is no such call; ``concurrent.futures``
    ends idle workers when their queue closes, which covers every exit but kill -9."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def ignore_interrupts() -> None:
    """Ctrl-C is the build's to handle: a worker ignores it (the build ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_umask() -> int:
    """The process's umask (POSIX reads it only by setting it; Windows ignores it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
