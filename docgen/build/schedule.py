"""Running a build's tasks on an executor: PDFs on the workers, largest first; DOCX (a
twentieth of a PDF's time) in the build's own process meanwhile; a long PDF's two parts as two
tasks at once, then its assembly; a combined PDF whose 目录 page is cached assembled here
when no worker is running (a running worker has pypdf and the preflight's libraries loaded).
A task's end may bring more tasks (the packet editions a PDF's page count makes known): the
``finished`` callback returns them and they join the tasks under way."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from itertools import islice
from typing import Callable, Optional

from docgen.build.executor import Executor, WorkerDied
from docgen.build.plan import describe_error
from docgen.build.watchdog import hard_deadline
from docgen.build.tasks import (ContentsNotCached, PageCount, Task, TaskResult, assemble_parts, first_part,
                                later_part, run_task)


#: What hears a task's result, and may return more tasks to run.
Finished = Callable[[Task, TaskResult], Optional[list[Task]]]

#: How many of the futures under way the build waits on at a time, the oldest first. Waiting on
#: all of them costs time in proportion to their number at every wake-up: with 2,000 PDFs under
#: way that was tens of milliseconds a wake-up, quadratic over the build. Workers take tasks in
#: the order they were submitted, so the oldest are the ones that end next; one that ends
#: sooner is heard when it enters the window.
WINDOW = 64

#: How often ``tick`` is called while a long document renders.
TICK_SECONDS = 1.0


def run_tasks(tasks: list[Task], executor: Executor, finished: Finished, assemble_here: bool = True,
              docx_here: bool = True, prepare: Callable[[Task], None] | None = None,
              tick: Callable[[], None] | None = None) -> None:
    """Run ``tasks``; ``finished`` hears each task's result (in this process, in the order they
    end) and may return more tasks, which are run too. ``assemble_here``: try the combined PDF
    in this process first. ``docx_here``: DOCX in this process (else on the executor too: a
    build of DOCX alone, whose cores would otherwise wait). ``prepare``: called with each task
    just before it runs (a task's context is made then, not for all at once). ``tick``: called
    about once a second while nothing ends (a progress bar's clock moves on)."""
    if not tasks:
        return
    heavy = sorted((t for t in tasks if t.kind != "docx" or not docx_here), key=lambda t: -t.cost)
    light = [t for t in tasks if t.kind == "docx" and docx_here]
    steps = _Steps(executor, finished, assemble_here, prepare, tick)
    steps.start(heavy)
    for task in light:
        steps.prepare(task)
        steps.finished(task, run_task(task))
        steps.poll()  # the workers are given more as they finish, not only once the DOCX are done
    steps.drain()


class _Steps:
    """The futures under way, each a step of a task: the task itself, a part, an assembly; and
    the tasks not yet sent. At most ``window`` are under way: each holds its context (a
    province's 20,000 at once took hundreds of MB), and the executor would only queue the rest."""

    def __init__(self, executor: Executor, finished: Finished, assemble_here: bool = True,
                 prepare: Callable[[Task], None] | None = None, tick: Callable[[], None] | None = None):
        self.executor, self.told, self.assemble_here = executor, finished, assemble_here
        self.prepare = prepare or (lambda task: None)
        self.tick = tick or (lambda: None)
        self.running: dict[Future, tuple[str, Task, tuple]] = {}
        self.backlog: deque[Task] = deque()
        workers = getattr(executor, "workers", None)  # None: a cluster of unknown size
        self.window = 4 * workers + 4 if workers else 512

    def start(self, tasks: list[Task], first: bool = False) -> None:
        """Send ``tasks`` as the window allows; ``first``: before those waiting (a packet
        edition that a PDF's page count just made known)."""
        waiting = []
        for task in tasks:
            if task.kind == "combined" and self.assemble_here:
                try:  # with the 目录 page and editions cached, this process assembles it (no WeasyPrint)
                    self.finished(task, run_task(task, fonts=False))
                    continue
                except ContentsNotCached:
                    pass
            waiting.append(task)
        if first:
            self.backlog.extendleft(reversed(waiting))
        else:
            self.backlog.extend(waiting)
        self.feed()

    def feed(self) -> None:
        while self.backlog and len(self.running) < self.window:
            task = self.backlog.popleft()
            self.prepare(task)
            self.submit("task", task, run_task, task)

    def poll(self) -> None:
        """Hear the steps that are done, without waiting for any."""
        for future in [f for f in islice(self.running, WINDOW) if f.done()]:
            self.hear(future)
        self.feed()

    def finished(self, task: Task, result: TaskResult) -> None:
        more = self.told(task, result)
        if more:
            self.start(more, first=True)

    def submit(self, step: str, task: Task, fn, *args, extra: tuple = ()) -> None:
        future = self.executor.submit(fn, *args, deadline=hard_deadline(task.limits))
        self.running[future] = (step, task, extra)

    def drain(self) -> None:
        while self.running or self.backlog:
            self.feed()
            done = self.executor.wait(list(islice(self.running, WINDOW)), timeout=TICK_SECONDS)
            if not done:
                self.tick()
            for future in done:
                self.hear(future)

    def hear(self, future: Future) -> None:
        step, task, extra = self.running.pop(future)
        try:
            value = future.result()
        except WorkerDied as died:
            value = died
        except Exception as exc:  # a part's layout failed
            value = RuntimeError(describe_error(exc))
        self.done(step, task, extra, value)

    def done(self, step: str, task: Task, extra: tuple, value) -> None:
        if step in ("first", "later"):
            self.part_done(step, task, extra, value)
        elif isinstance(value, Exception):
            self.finished(task, TaskResult(task.id, False, error=str(value)))
        elif value.parts is not None:  # a long PDF: its two parts at once
            job, parts = value.parts, {}
            self.submit("first", task, first_part, job, task.templates, extra=(job, parts))
            self.submit("later", task, later_part, job, task.templates, extra=(job, parts))
        else:
            self.finished(task, value)

    def part_done(self, step: str, task: Task, extra: tuple, value) -> None:
        job, parts = extra
        if isinstance(value, Exception) and step == "first":
            PageCount(job.mailbox).post(-1)  # the later part must not wait for a count that never comes
        parts[step] = value
        if len(parts) < 2:
            return
        PageCount(job.mailbox).clear()
        failed = [v for v in (parts["first"], parts["later"]) if isinstance(v, Exception)]
        if failed:
            self.finished(task, TaskResult(task.id, False, error=str(failed[0])))
        else:
            self.submit("task", task, assemble_parts, task, parts["first"], parts["later"])
