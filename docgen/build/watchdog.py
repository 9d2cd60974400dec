"""A time and a memory limit on rendering one document (templates are the user's: a loop over
``range(100000)`` inside another, or a layout of millions of boxes, must end as an error of
that document, not as a hung or swapping build).

:func:`bounded` watches the rendering thread from a second thread. Past the time limit, or when
the process has grown by more than the memory limit since the document began, it raises
:class:`LimitReached` in the rendering thread at its next Python instruction (Jinja's loops and
WeasyPrint's layout are Python), which :func:`bounded` turns into :class:`DocumentTooCostly`,
a message for the user. The process executor also ends a worker whose task outlives the time
limit by :data:`GRACE` (a render stuck inside C code that no Python instruction interrupts).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from docgen.diagnostics import DocumentError
from docgen.limits import RenderLimits
from docgen.portable import raise_in_thread, resident_memory

#: How often the watcher looks (a render allocating fast overshoots by what it allocates in
#: this time, a few tens of MB at most).
POLL_SECONDS = 0.02
#: A worker whose task runs this long past its limit is ended by the executor.
GRACE = 30.0


def hard_deadline(limits: RenderLimits) -> float | None:
    """Seconds after which a worker still on the task is ended (None: never)."""
    return limits.seconds + GRACE if limits.seconds else None


class LimitReached(BaseException):
    """Raised inside the render by the watcher. A BaseException, so that no ``except
    Exception`` of a library swallows it on its way out."""


class DocumentTooCostly(DocumentError):
    """A document's rendering went past a limit (its message says which)."""


@dataclass
class _Watch:
    limits: RenderLimits
    thread_id: int
    baseline: int
    started: float
    reason: str = ""  # which limit was reached, once it was
    active: bool = True
    peak: int = 0  # the largest resident size seen


#: Told of every bounded render, when set (:func:`observe`).
_observer: Callable[[str, float, int], None] | None = None


def observe(observer: Callable[[str, float, int], None] | None) -> None:
    """Have ``observer(what, seconds, peak growth in bytes)`` called after every bounded render
    of this process (``docgen bench`` measures what the limits leave; None stops)."""
    global _observer
    _observer = observer


def _watch(watch: _Watch, lock: threading.Lock, stop: threading.Event) -> None:
    seconds, memory = watch.limits.seconds, watch.limits.memory_mb * 1024 * 1024
    while not stop.wait(POLL_SECONDS):
        reason = ""
        watch.peak = max(watch.peak, resident_memory())
        if seconds and time.monotonic() - watch.started > seconds:
            reason = "time"
        elif memory and watch.peak - watch.baseline > memory:
            reason = "memory"
        if reason:
            with lock:
                if not watch.active:
                    return
                watch.reason = watch.reason or reason
                raise_in_thread(watch.thread_id, LimitReached)
            # raised again until it arrives (code in C finishes first; a bare except may
            # catch it once)
            stop.wait(0.5)


@contextmanager
def bounded(limits: RenderLimits, what: str) -> Iterator[None]:
    """Run the block under ``limits``; past one it ends with :class:`DocumentTooCostly`
    naming ``what`` (the output file)."""
    if not limits.seconds and not limits.memory_mb:
        yield
        return
    baseline = resident_memory()
    watch = _Watch(limits, threading.get_ident(), baseline, time.monotonic(), peak=baseline)
    lock, stop = threading.Lock(), threading.Event()
    watcher = threading.Thread(target=_watch, args=(watch, lock, stop), name="docgen-limits", daemon=True)
    watcher.start()
    try:
        yield
    except LimitReached:
        raise _too_costly(watch, what) from None
    finally:
        _stop_watching(watch, lock)
        stop.set()
        watcher.join()
        if _observer is not None:
            _observer(what, time.monotonic() - watch.started, max(watch.peak, resident_memory()) - baseline)


def _stop_watching(watch: _Watch, lock: threading.Lock) -> None:
    while True:
        try:
            with lock:
                watch.active = False
                if watch.reason:
                    raise_in_thread(watch.thread_id, None)  # one not raised yet must not arrive later
            return
        except LimitReached:  # arrived after the block ended: the document is done all the same
            continue


def _too_costly(watch: _Watch, what: str) -> DocumentTooCostly:
    if watch.reason == "memory":
        return DocumentTooCostly(
            f"生成“{what}”时占用内存超过限制（{watch.limits.memory_mb} MB），已停止：模板可能生成了过多内容"
            "（如很大的循环、重复的字符串）；确有需要时可调高限制（packet.yaml的limits: memory_mb，或docgen render --memory-limit）")
    return DocumentTooCostly(
        f"生成“{what}”超过时间限制（{watch.limits.seconds:g}秒），已停止：模板可能有过大的循环或过多的内容；"
        "确有需要时可调高限制（packet.yaml的limits: seconds，或docgen render --time-limit）")
