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


def resident_memory() -> int:
    """This process's resident memory in bytes (psutil: /proc on Linux, task_info on macOS,
    GetProcessMemoryInfo on Windows)."""
    import psutil

    return psutil.Process().memory_info().rss


def raise_in_thread(thread_id: int, exc_type: type[BaseException] | None) -> bool:
    """Make ``exc_type`` raised in the thread ``thread_id`` at its next Python instruction
    (``None`` takes back one that is not raised yet). CPython's own API for this, on every OS;
    an interpreter without it cannot be interrupted and says so by returning False."""
    try:
        import ctypes

        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (ImportError, AttributeError):
        return False
    # without argtypes None goes as NULL (take back), a py_object as the exception type
    return set_async_exc(ctypes.c_ulong(thread_id), None if exc_type is None else ctypes.py_object(exc_type)) == 1


def kill_process(pid: int) -> None:
    """End the process ``pid`` at once (SIGKILL; on Windows, where there is none, ``os.kill``
    with SIGTERM is TerminateProcess)."""
    try:
        os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (ProcessLookupError, PermissionError, OSError):
        pass  # it ended meanwhile


def children_peak_rss() -> int | None:
    """The largest resident memory, in bytes, that any one ended child process of this one
    reached (``getrusage(RUSAGE_CHILDREN)``: the maximum over the children waited for, not their
    sum). None where there is no such call (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KiB
