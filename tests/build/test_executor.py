"""The executor interface: tasks in this process or in a process pool (fork and spawn), a
crashed worker failing exactly its own task."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import tasks_for_tests as t
from docgen.build.executor import InlineExecutor, ProcessExecutor, WorkerDied


def run_all(executor, futures):
    pending = list(futures)
    while pending:
        done = executor.wait(pending)
        assert done
        pending = [f for f in pending if f not in done]
    return [f.exception() or f.result() for f in futures]


def test_inline_runs_in_this_process_at_once():
    executor = InlineExecutor()
    future = executor.submit(t.pid)
    assert future.done() and future.result() == os.getpid()
    assert isinstance(run_all(executor, [executor.submit(t.fails, 3)])[0], ValueError)


@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn"])
def test_pool_runs_tasks_in_its_workers(start_method):
    with ProcessExecutor(2, start_method=start_method) as executor:
        assert executor.start_method == start_method
        futures = [executor.submit(t.square, i) for i in range(6)]
        pids = {executor.submit(t.pid).result() for _ in range(4)}
        assert run_all(executor, futures) == [i * i for i in range(6)]
        assert os.getpid() not in pids and len(pids) <= 2
        error = run_all(executor, [executor.submit(t.fails, 7)])[0]
        assert isinstance(error, ValueError) and "bad 7" in str(error)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is the default on Linux alone")
def test_a_large_build_process_starts_its_workers_from_a_fork_server(monkeypatch):
    """Forked from a build holding a province's data, each worker would end up with copies of
    much of it; past the limit the workers come from a fork server holding only what they need."""
    import docgen.build.executor as executor_module

    monkeypatch.delenv("DOCGEN_START_METHOD", raising=False)
    monkeypatch.setattr(executor_module, "FORK_LIMIT_BYTES", 1 << 50)
    assert executor_module.default_start_method() == "fork"
    monkeypatch.setattr(executor_module, "FORK_LIMIT_BYTES", 1)
    assert executor_module.default_start_method() == "forkserver"
    # a fresh interpreter: a fork server already running in this one keeps what it preloaded
    script = (
        "import os, sys\n"
        "import docgen.build.executor as e, tasks_for_tests as t\n"
        "e.FORK_LIMIT_BYTES = 1\n"
        "with e.ProcessExecutor(2, preload=('tasks_for_tests', 'docgen.rules.grades')) as pool:\n"
        "    parent, imported = pool.submit(t.parent_and_modules, ('docgen.rules.grades',)).result()\n"
        "    print(pool.start_method, parent != os.getpid(), imported)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    env.pop("DOCGEN_START_METHOD", None)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    # the server's child, not this process's, with what the server preloaded
    assert out.stdout.split() == ["forkserver", "True", "[True]"], out.stderr
    monkeypatch.setenv("DOCGEN_START_METHOD", "spawn")
    assert executor_module.default_start_method() == "spawn"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is the default on Linux alone")
def test_a_process_that_cannot_read_its_own_size_forks_as_before(monkeypatch):
    import psutil

    import docgen.build.executor as executor_module

    def denied(*args, **kwargs):
        raise psutil.AccessDenied()

    monkeypatch.delenv("DOCGEN_START_METHOD", raising=False)
    monkeypatch.setattr(executor_module, "FORK_LIMIT_BYTES", 1)
    monkeypatch.setattr(psutil, "Process", denied)
    assert executor_module.default_start_method() == "fork"


def test_a_worker_collects_the_cycles_its_tasks_leave():
    """A DOCX task leaves a cycle holding lxml's memory, which the collector does not count:
    the worker collects every few tasks instead of growing by a document's worth each time."""
    from docgen.build.executor import COLLECT_EVERY

    with ProcessExecutor(1, start_method="fork") as executor:
        alive = [executor.submit(t.leave_cycle).result() for _ in range(6 * COLLECT_EVERY)]
    assert max(alive) <= COLLECT_EVERY + 1 and alive[-1] < 6 * COLLECT_EVERY


@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn"])
def test_a_dead_worker_fails_exactly_its_task(start_method):
    with ProcessExecutor(2, start_method=start_method) as executor:
        futures = [executor.submit(t.square_or_die, i, 3) for i in range(8)]
        results = run_all(executor, futures)
    assert isinstance(results[3], WorkerDied)
    assert [r for i, r in enumerate(results) if i != 3] == [i * i for i in range(8) if i != 3]


def test_a_long_task_ticks_the_reporter_about_once_a_second(monkeypatch):
    """While one document renders for 2.5 s and nothing else ends, the build's thread calls
    ``tick`` (the progress bar's clock moves on) and the pool's wait returns empty at its timeout."""
    import docgen.build.schedule as schedule
    from docgen.build.tasks import Task, TaskResult

    monkeypatch.setattr(schedule, "run_task", t.slow_result)
    import time

    ticks, heard = [], []
    with ProcessExecutor(1, start_method="fork") as executor:
        sleeper = executor.submit(t.sleep_for, 0.5)
        assert executor.wait([sleeper], timeout=0.1) == []  # nothing done yet: empty at the timeout
        assert executor.wait([sleeper]) == [sleeper]
        task = Task(0, "pdf", "a.pdf", "/nonexistent/a.pdf", "")
        started = time.monotonic()
        schedule.run_tasks([task], executor, lambda task, res: heard.append(res) and None,
                           tick=lambda: ticks.append(time.monotonic() - started))
    assert [r.ok for r in heard] == [True] and isinstance(heard[0], TaskResult)
    assert 1 <= len(ticks) <= 3 and all(b - a >= 0.9 for a, b in zip(ticks, ticks[1:]))
