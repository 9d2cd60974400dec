"""The build's tasks on a Dask cluster (``docgen build --scheduler``): one more executor
(:class:`DaskExecutor`, the interface of :mod:`docgen.build.executor`), so the build itself
has no second way of running work.

Dask (``distributed``) does what a cluster needs and docgen should not write again: workers
joining and leaving, a task of a worker that dies run again elsewhere, results moved between
machines. What docgen adds is that a worker needs no shared folder:

* every path a task names (its output, the build's state folder, a part's page-count file)
  is sent as a name relative to a folder of the worker's own (a *mirror*, one per task, gone
  afterwards); the task writes there as it would write locally, and what it wrote comes back
  as bytes with its result. The build's process writes those files atomically where the
  local build would have (an output through :func:`docgen.build.tasks.write_output`, so a
  file that is not docgen's is still never overwritten) before the future is done: the
  manifest, the preflight's records and the packet editions are a local build's, byte for byte;
* the template set travels by content: the build's process hashes its files and sends them
  once to each worker (a worker plugin: a worker that joins later gets them too), which
  unpacks them into a folder named by the hash; a task names the hash, not the folder;
* a long document's later part runs once its first part is done (it is given the first
  part's result, the page count among its files): no page-count file is shared while both
  lay out, so the two parts do not overlap on a cluster;
* the combined PDF's task is sent what it reads of the output folder (every document's PDF
  and record, the cached packet editions and 目录 page); a rebuild whose pieces are all
  cached assembles it in the build's process, as a local build does.

A worker must have docgen installed, the same version (its code and libraries are compared
with the build's, task by task: the output would differ otherwise), and the fonts.
"""

from __future__ import annotations

import io
import logging
import os
import queue
import time
import zipfile
from concurrent.futures import CancelledError, Future
from dataclasses import fields, is_dataclass
from pathlib import Path, PurePath
from typing import Any, Callable

from docgen.build import keys
from docgen.build.executor import WorkerDied
from docgen.build.tasks import TaskResult, first_part, later_part, run_task

INSTALL = "pip install 'docgen[cluster]'"
#: How long the build's process tries to reach the scheduler.
CONNECT_SECONDS = 10.0


class ClusterUnavailable(Exception):
    """The scheduler cannot be reached, or the cluster support is not installed (the message
    says which, and what to do)."""


class BadScheduler(ValueError):
    """``--scheduler`` names neither an address nor ``local:N``."""


def parse_scheduler(value: str) -> tuple[str, int]:
    """(address, 0) for a scheduler's address, ("", N) for ``local:N``."""
    value = value.strip()
    if value.startswith("local:"):
        count = value[len("local:"):]
        if not count.isdigit() or not 1 <= int(count) <= 256:
            raise BadScheduler(f"--scheduler {value}：local:后应为工作进程数（1至256），如 local:2")
        return "", int(count)
    if not value or any(c.isspace() for c in value):
        raise BadScheduler(f"--scheduler “{value}”不是调度器地址；应如 tcp://主机:8786，或 local:2")
    return (value if "://" in value else f"tcp://{value}"), 0


# --------------------------------------------------------------------------- in the build's process


class DaskExecutor:
    """Tasks on the workers of a Dask scheduler at ``scheduler`` (an address, or ``local:N``:
    a cluster of N worker processes started here with the first task, so that a build with
    nothing to do starts none). Raises :class:`ClusterUnavailable` when the scheduler cannot
    be reached within ``timeout`` seconds, has no worker, or ``distributed`` is missing.

    ``deadline`` is not enforced: Dask cannot end a task short of ending its worker. A
    document's own time and memory limits still end its render (:mod:`docgen.build.watchdog`)."""

    def __init__(self, scheduler: str, timeout: float | None = None):
        address, local = parse_scheduler(scheduler)
        try:
            import distributed

            from docgen.build import cluster_worker
        except ImportError:
            raise ClusterUnavailable(f"--scheduler 需要Dask集群支持，请先安装：{INSTALL}") from None
        self._distributed, self._worker = distributed, cluster_worker
        self.timeout = timeout or CONNECT_SECONDS
        self.address, self.local = address or scheduler, local
        self.cluster = self.client = None
        self.workers = local
        self._code = (keys.code_fingerprint(), keys.distribution_versions())
        self._sets: dict[str, str] = {}  # a template folder of this process → its hash
        self._seen: dict[str, tuple] = {}  # a template folder → its files' names, sizes and times
        self._plugins: list[str] = []
        self._remote: dict[Future, tuple[Any, Any]] = {}  # under way: (its Dask future, the task's first argument)
        self._firsts: dict[str, Any] = {}  # a long PDF's page-count file → its first part's Dask future
        self._names: dict[str, str] = {}  # a path sent as a name → the path here
        self._arrived: queue.Queue[Future] = queue.Queue()  # futures whose task ended on its worker
        if not local:
            self._connect()  # now: a scheduler that cannot be reached is said before the build starts

    def _connect(self) -> None:
        """Connect to the scheduler (``local:N``: start the cluster first, on the first task, so
        that a build with nothing to do starts none) and warm its workers."""
        timeout, address = self.timeout, self.address
        try:
            if self.local:
                self.cluster = self._distributed.LocalCluster(
                    n_workers=self.local, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address=None, silence_logs=logging.ERROR,
                    # no dashboard; its HTTP routes (health) on a free port, not 8787 (it may be taken)
                    scheduler_kwargs={"dashboard_address": ":0"})
                address = self.cluster.scheduler_address
            self.client = self._distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self._close()
            raise ClusterUnavailable(f"无法连接Dask调度器 {self.address}（{timeout:g}秒内无响应：{exc}）；"
                                     "请确认调度器已启动（dask scheduler）、地址和端口无误、网络可达") from None
        if not self.client.nthreads():  # a build would wait for ever
            try:
                self.client.wait_for_workers(1, timeout=timeout)
            except (TimeoutError, OSError):
                self._close()
                raise ClusterUnavailable(f"Dask调度器 {self.address} 上没有工作节点（{timeout:g}秒内没有加入的）；请在装有"
                                         f"docgen和字体的机器上启动：dask worker {self.address} --nthreads 1") from None
        try:  # each worker imports docgen here: one without it says so now, not task by task
            self.client.register_plugin(self._worker.Warm(), name=self._worker.Warm.name)
        except Exception as exc:
            self._close()
            raise ClusterUnavailable(f"Dask工作节点无法加载docgen（{type(exc).__name__}: {exc}）；"
                                     f"请在各工作节点安装与本机相同的docgen：{INSTALL}") from None
        self.workers = len(self.client.nthreads())  # when the build starts; workers may come and go

    # ------------------------------------------------------------------ paths as names

    def _template_set(self, root: str) -> str:
        """The hash of the template set at ``root``, sent to the workers the first time its
        files are seen as they are now (``--watch``: an edited template is sent again)."""
        folder = Path(root)
        files = keys.tree_files(folder)
        seen = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
        if self._seen.get(root) != seen:
            self._seen[root] = seen
            digest = keys.hash_json([[p.relative_to(folder).as_posix(), keys.sha256_file(p)] for p in files])
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.writestr(path.relative_to(folder).as_posix(), path.read_bytes())
            plugin = self._worker.TemplateSet(digest, buffer.getvalue())
            if plugin.name not in self._plugins:
                self.client.register_plugin(plugin, name=plugin.name)
                self._plugins.append(plugin.name)
            self._sets[root] = digest
        return self._sets[root]

    def _outbound(self, args: tuple) -> tuple:
        """The arguments with every template folder named by its hash and every other absolute
        path by a name relative to the worker's mirror."""
        roots: set[str] = set()
        _collect_templates(args, roots)  # the template folders, by field name
        for root in roots:
            self._template_set(root)

        return self._worker.rewrite(args, self._name)

    def _name(self, s: str) -> str:
        """How the string ``s`` is sent: a template folder by its hash, an absolute path as a
        name below the worker's mirror folder, anything else as it is."""
        if s in self._sets:
            return self._worker.TEMPLATES + self._sets[s]
        if "\n" in s or len(s) > 4096 or not os.path.isabs(s):
            return s
        path = PurePath(s)
        anchor = keys.sha256_bytes(path.anchor.encode())[:8]
        sent = self._worker.MIRROR + "/".join((anchor, *path.parts[1:]))
        self._names[sent] = s
        return sent

    def _combined_inputs(self, task: Any) -> dict[str, bytes]:
        """What the combined PDF's task reads of the output folder, by the names it is sent:
        every document's PDF and its record, the cached packet editions and 目录 page."""
        spec = task.combined
        cache = Path(spec.cache_dir)
        paths = [Path(p.path) for p in spec.parts]
        paths += sorted(cache.glob("contents-*.pdf")) + sorted((cache / "editions").glob("edition-*"))
        if task.preflight is not None:
            paths += [task.preflight.record_path(p.sha256) for p in spec.parts]
        mirror = len(self._worker.MIRROR)
        return {self._name(str(path))[mirror:]: path.read_bytes() for path in paths if path.is_file()}

    def _inbound(self, sent: str) -> str:
        if sent in self._names:
            return self._names[sent]
        # a file the task made up a name for, below a folder it was given (a record, an edition)
        parts = sent.split("/")
        for cut in range(len(parts) - 1, 0, -1):
            head = "/".join(parts[:cut])
            if head in self._names:
                return str(Path(self._names[head], *parts[cut:]))
        raise self._worker.WorkerMismatch(f"任务写了不在输出目录中的文件：{sent}")

    # ------------------------------------------------------------------ the executor

    def submit(self, fn: Callable[..., Any], *args: Any, deadline: float | None = None) -> Future:
        if self.client is None:
            self._connect()
        task = args[0] if args else None
        sent = self._outbound(args)
        before, files = None, None
        if fn is later_part:
            before = self._firsts.pop(task.mailbox, None)
        if fn is run_task and getattr(task, "kind", "") == "combined":
            files = self._combined_inputs(task)  # (in the task itself: Dask keeps it until it is done)
        remote = self.client.submit(self._worker.run_remote, fn, sent, self._code, before, files, pure=False,
                                    key=f"docgen-{getattr(fn, '__name__', 'task')}-{os.urandom(8).hex()}")
        if fn is first_part:
            self._firsts[task.mailbox] = remote
        future: Future = Future()
        self._remote[future] = (remote, task)
        remote.add_done_callback(lambda _, future=future: self._arrived.put(future))
        return future

    def wait(self, futures: list[Future], timeout: float | None = None) -> list[Future]:
        until = None if timeout is None else time.monotonic() + timeout
        while True:
            done = [f for f in futures if f.done()]
            if done or (until is not None and time.monotonic() > until):
                return done
            try:
                arrived = [self._arrived.get(timeout=1.0 if timeout is None else min(1.0, timeout))]
            except queue.Empty:
                continue
            while not self._arrived.empty():
                arrived.append(self._arrived.get())
            for future in arrived:  # here, not in Dask's thread: the files are the build's to write
                self._collect(future)

    def _collect(self, future: Future) -> None:
        """A task is done on its worker: its files written here, then its future done."""
        remote, task = self._remote.pop(future)
        try:
            value, written, removed = remote.result()
        except CancelledError:  # Dask's FutureCancelledError too
            future.set_exception(WorkerDied("与Dask调度器的连接中断，任务未完成"))
            return
        except Exception as exc:
            if isinstance(exc, self._distributed.KilledWorker):  # the scheduler gave up on it (allowed-failures)
                exc = WorkerDied("运行此任务的Dask工作节点多次意外退出（崩溃或被终止）")
            future.set_exception(exc)
            return
        try:
            value = self._apply(value, written, removed, task)
        except Exception as exc:
            future.set_exception(exc)
            return
        future.set_result(value)

    def _apply(self, value: Any, written: dict[str, bytes], removed: list[str], task: Any) -> Any:
        from docgen.build.plan import describe_error
        from docgen.build.state import write_atomic
        from docgen.build.tasks import ForeignFile, write_output

        value = self._worker.rewrite(value, lambda s: self._inbound(s) if s.startswith(self._worker.MIRROR) else s)
        target = getattr(task, "target", None)
        files = {self._inbound(self._worker.MIRROR + name): data for name, data in written.items()}
        if target in files and getattr(task, "kind", "") in ("pdf", "docx", "combined"):
            try:
                write_output(task, files.pop(target))  # first: a foreign file there stops the rest
            except ForeignFile as exc:
                return TaskResult(task.id, False, seconds=getattr(value, "seconds", 0.0), error=describe_error(exc))
        for path, data in files.items():
            write_atomic(Path(path), data)
        for name in removed:  # an older cached 目录 page
            Path(self._inbound(self._worker.MIRROR + name)).unlink(missing_ok=True)
        return value

    def shutdown(self) -> None:
        """Close the connection (and a ``local:N`` cluster); the template sets sent are taken
        back from the scheduler (a worker that joins later does not need them)."""
        for name in self._plugins if self.client is not None else []:
            try:
                self.client.unregister_worker_plugin(name)
            except Exception:
                pass  # the scheduler is gone: so are its plugins
        self._plugins.clear()
        self._close()

    def _close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.shutdown()


def _collect_templates(value: Any, roots: set[str]) -> None:
    """The template folders ``value`` names: its dataclasses' ``templates`` fields."""
    if isinstance(value, (list, tuple)):
        for v in value:
            _collect_templates(v, roots)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            item = getattr(value, f.name)
            if f.name == "templates" and isinstance(item, str) and item:
                roots.add(item)
            else:
                _collect_templates(item, roots)
