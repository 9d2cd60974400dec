"""One way to run work: an executor takes a task (a picklable function and its arguments) and
returns a :class:`concurrent.futures.Future` of its result.

* :class:`InlineExecutor` runs each task in this process as it is submitted (``--jobs 1``,
  cheap tasks, and a build's steps that need no other process);
* :class:`ProcessExecutor` runs tasks in ``jobs`` worker processes
  (:class:`concurrent.futures.ProcessPoolExecutor`) whose initializer loads what the tasks
  need once per worker (WeasyPrint, fonts, templates). It works with the ``fork``, the
  ``forkserver`` and the ``spawn`` start methods (spawn is what Windows and macOS use). A worker that dies (a crash,
  kill -9) fails exactly the task it was running, with :class:`WorkerDied`; the other tasks
  go on in new workers. A task given a ``deadline`` that is still running past it has its
  worker ended, and fails with :class:`TaskOverdue` (a render stuck where the document's own
  time limit, :mod:`docgen.build.watchdog`, cannot interrupt it).

The build never sees processes: it submits tasks and waits for futures (Sphinx's
``SerialTasks``/``ParallelTasks`` in one interface).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Protocol

from docgen.portable import kill_process, usable_cpus


class WorkerDied(Exception):
    """The worker process running a task ended without a result (crash, kill -9, out of memory)."""


class TaskOverdue(WorkerDied):
    """The task ran past its deadline: its worker was ended."""


class Executor(Protocol):
    """What the build needs of a way to run work."""

    #: How many tasks run at once (the build sizes its work by it).
    workers: int

    def submit(self, fn: Callable[..., Any], *args: Any, deadline: float | None = None) -> Future:
        """Run ``fn(*args)``; an executor that can end a task ends it ``deadline`` seconds
        after it starts."""
        ...

    def wait(self, futures: list[Future], timeout: float | None = None) -> list[Future]:
        """Block until at least one of ``futures`` is done; returns the done ones (none when
        ``timeout`` seconds pass first)."""
        ...

    def shutdown(self) -> None: ...


class InlineExecutor:
    """Runs every task in this process, at once, when it is submitted."""

    workers = 1

    def submit(self, fn: Callable[..., Any], *args: Any, deadline: float | None = None) -> Future:
        # no deadline here: the build's own process is not ended (the watchdog still bounds a render)
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:  # the future carries it, as a pool's would
            future.set_exception(exc)
        return future

    def wait(self, futures: list[Future], timeout: float | None = None) -> list[Future]:
        return [f for f in futures if f.done()]  # every future is done when submit returns

    def shutdown(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


#: A build process larger than this (resident) when it starts its workers has them started by
#: a fork server instead of forked from itself. A forked worker shares the build's heap page
#: by page and, as the build goes on writing to it, ends up holding copies: at 20,000 projects
#: the build and two forked workers held 785 MB together, with a fork server 565 MB.
FORK_LIMIT_BYTES = 256 * 2**20


def default_start_method() -> str:
    """``DOCGEN_START_METHOD`` when set (``fork``, ``spawn``, ``forkserver``), else on Linux
    ``fork`` (a worker starts warm in milliseconds) while this process holds less than
    :data:`FORK_LIMIT_BYTES` and ``forkserver`` past it, else ``spawn``."""
    wanted = os.environ.get("DOCGEN_START_METHOD", "").strip()
    available = multiprocessing.get_all_start_methods()
    if wanted in available:
        return wanted
    if "fork" in available and sys.platform.startswith("linux"):
        import psutil

        try:
            big = psutil.Process().memory_info().rss > FORK_LIMIT_BYTES
        except (psutil.Error, OSError):  # a /proc this process may not read: fork, as always before
            big = False
        return "forkserver" if big and "forkserver" in available else "fork"
    return "spawn"


_started = None  # in a worker: the queue on which it says which task it starts


@contextlib.contextmanager
def _heap_frozen():
    """While workers are forked: the build's objects (a province's data set, hundreds of MB)
    are moved out of the collector's sight. A forked worker shares them page by page; its
    collector would walk them all and, writing to every object's header, copy every page
    (each worker held 412 MB of its own at 20,000 projects). What ``gc.freeze`` is for."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # this process collects as before; the workers keep their frozen copy


def _worker_init(started, initializer: Callable[[], None] | None) -> None:
    global _started
    from docgen.portable import die_with_parent, ignore_interrupts

    ignore_interrupts()
    die_with_parent()
    _started = started
    if initializer is not None:
        try:
            initializer()
        except Exception:
            pass  # each task reports its own failure


#: A worker collects its cyclic garbage after this many tasks. A DOCX's python-docx package is
#: a cycle holding its lxml trees, ~100 KB of C memory the collector does not count: left to
#: the collector's own pace, a DOCX worker grew by 140 MB over 600 documents. What a worker
#: loaded before its first task is frozen (``gc.freeze``), so a collection costs ~2 ms.
COLLECT_EVERY = 8
_tasks_since_collect = 0


def _call(token: int, fn: Callable[..., Any], args: tuple) -> Any:
    global _tasks_since_collect
    _started.put((token, os.getpid()))
    try:
        return fn(*args)
    finally:
        _tasks_since_collect += 1
        if _tasks_since_collect >= COLLECT_EVERY:
            _tasks_since_collect = 0
            gc.collect()


class ProcessExecutor:
    """Tasks in ``workers`` processes (see the module docstring). ``initializer`` runs once
    in each worker before its first task. With the ``forkserver`` start method the modules in
    ``preload`` are imported once in the server, and its workers share them."""

    def __init__(self, workers: int, initializer: Callable[[], None] | None = None,
                 start_method: str | None = None, preload: tuple[str, ...] = ()):
        self.workers = max(1, workers)
        self.initializer = initializer
        self.context = multiprocessing.get_context(start_method or default_start_method())
        self.start_method = self.context.get_start_method()
        if self.start_method == "forkserver" and preload:
            self.context.set_forkserver_preload(list(preload))  # no effect once the server runs
        self._tokens = itertools.count()
        self._tasks: dict[int, tuple[Callable, tuple, Future]] = {}  # not yet finished
        self._deadlines: dict[int, float] = {}  # seconds a task may run
        self._running: dict[int, tuple[int, float]] = {}  # started tasks: (worker pid, start time)
        self._overdue: set[int] = set()  # tasks whose worker was ended for running too long
        self._broken = threading.Event()
        self._pool: ProcessPoolExecutor | None = None
        self._started = None
        self._used = False  # a task was submitted (not only the start)
        self._unforked = False  # the pool has had no submission yet: its next one starts its workers

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        self._started = self.context.SimpleQueue()
        self._broken.clear()
        self._unforked = True
        return ProcessPoolExecutor(workers, mp_context=self.context, initializer=_worker_init,
                                   initargs=(self._started, self.initializer))

    def _pool_submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Submit to the pool. Its first submission starts its processes: any pool's (the
        first, one after a worker died, one that runs a suspect alone), with the heap frozen."""
        if not self._unforked:
            return self._pool.submit(fn, *args)
        self._unforked = False
        with _heap_frozen():
            return self._pool.submit(fn, *args)

    def start(self) -> None:
        """Start the workers now (they load what the initializer loads while the caller goes on)."""
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
            self._pool_submit(int)

    def submit(self, fn: Callable[..., Any], *args: Any, deadline: float | None = None) -> Future:
        self._used = True
        outer: Future = Future()
        token = next(self._tokens)
        self._tasks[token] = (fn, args, outer)
        if deadline:
            self._deadlines[token] = deadline
        self._send(token)
        return outer

    def _send(self, token: int) -> None:
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
        fn, args, _ = self._tasks[token]
        inner = self._pool_submit(_call, token, fn, args)
        inner.add_done_callback(lambda f, token=token: self._inner_done(token, f))

    def _inner_done(self, token: int, inner: Future) -> None:
        """In the pool's thread: pass a result on; a broken pool is mended by :meth:`wait`."""
        exc = inner.exception() if not inner.cancelled() else BrokenProcessPool()
        if isinstance(exc, BrokenProcessPool):
            self._broken.set()
            return
        task = self._tasks.pop(token, None)
        self._deadlines.pop(token, None)
        if task is None:
            return
        if exc is None:
            task[2].set_result(inner.result())
        else:
            task[2].set_exception(exc)

    def wait(self, futures: list[Future], timeout: float | None = None) -> list[Future]:
        until = None if timeout is None else time.monotonic() + timeout
        while True:
            done = [f for f in futures if f.done()]
            if done or (until is not None and time.monotonic() > until):
                return done
            if self._broken.is_set():
                self._mend()
                continue
            self._end_overdue()
            # wake up now and then to notice a broken pool (its futures stay pending)
            wait([f for f in futures if not f.done()], timeout=0.2, return_when=FIRST_COMPLETED)

    def _drain_started(self) -> set[int]:
        """The tasks that started in a worker (and when, in which worker) since the pool began."""
        while self._started is not None and not self._started.empty():
            token, pid = self._started.get()
            self._running[token] = (pid, time.monotonic())
        return set(self._running)

    def _end_overdue(self) -> None:
        """End the worker of a task that runs past its deadline (the pool breaks; :meth:`_mend`
        fails that task and sends the others again)."""
        if not self._deadlines:
            return
        now = time.monotonic()
        for token in self._drain_started():
            deadline = self._deadlines.get(token)
            if deadline and token in self._tasks and token not in self._overdue \
                    and now - self._running[token][1] > deadline:
                self._overdue.add(token)
                kill_process(self._running[token][0])

    def _mend(self) -> None:
        """A worker died: its pool is broken, and every unfinished task with it. When one task
        was running, it is the one that failed; when several were, each runs again alone in a
        worker of its own, so the culprit fails by itself. The others are sent again."""
        started = self._drain_started() - self._overdue
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None
        unfinished = sorted(t for t, task in self._tasks.items() if not task[2].done())
        overdue = [t for t in unfinished if t in self._overdue]
        for token in overdue:
            self._fail(token, self._overdue_error(token))
        unfinished = [t for t in unfinished if t not in self._overdue]
        suspects = [] if overdue else [t for t in unfinished if t in started] or unfinished
        if len(suspects) == 1:
            self._fail(suspects[0])
        else:
            for token in suspects:
                self._run_alone(token)
        for token in unfinished:
            if token in self._tasks and token not in suspects:
                self._send(token)

    def _run_alone(self, token: int) -> None:
        self._pool = self._new_pool(1)
        self._send(token)
        future = self._tasks[token][2]
        while not future.done() and not self._broken.is_set():
            self._end_overdue()
            wait([future], timeout=0.2)
        if token in self._overdue:
            self._fail(token, self._overdue_error(token))
        if not future.done():
            self._fail(token)
        self._pool.shutdown(wait=not self._broken.is_set(), cancel_futures=True)
        self._pool = None
        self._broken.clear()

    def _overdue_error(self, token: int) -> TaskOverdue:
        return TaskOverdue(f"运行超过{self._deadlines[token]:g}秒仍未结束，已停止")

    def _fail(self, token: int, why: WorkerDied | None = None) -> None:
        task = self._tasks.pop(token, None)
        self._deadlines.pop(token, None)
        if task is not None and not task[2].done():
            task[2].set_exception(why or WorkerDied("工作进程意外退出（崩溃或被终止）"))

    def shutdown(self) -> None:
        """End the workers. Idle workers end at once; workers that were given no task yet (a
        build that found nothing to render) are not waited for while they finish loading:
        they end on their own, and on Linux with this process."""
        if self._pool is not None:
            self._pool.shutdown(wait=self._used, cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def default_jobs() -> int:
    return usable_cpus()


def make_executor(jobs: int, start_method: str | None = None, scheduler: str | None = None,
                  pdf: bool = True) -> Executor:
    """``jobs`` worker processes that load WeasyPrint and the fonts once each (without ``pdf``:
    for DOCX alone, they do not), or this process alone for ``jobs == 1``; with ``scheduler``
    (an address, or ``local:N``) the workers of a Dask cluster instead (:mod:`docgen.build.cluster`)."""
    if scheduler:
        from docgen.build.cluster import DaskExecutor

        return DaskExecutor(scheduler)
    if jobs <= 1:
        return InlineExecutor()
    import functools

    from docgen.build.tasks import warm_worker

    return ProcessExecutor(jobs, initializer=functools.partial(warm_worker, pdf=pdf), start_method=start_method,
                           preload=("docgen.build.tasks", "weasyprint" if pdf else "docxtpl"))
