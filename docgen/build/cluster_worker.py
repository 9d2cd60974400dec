"""The worker's side of :mod:`docgen.build.cluster` (imported there once a cluster is used,
and in every Dask worker with the first task): its start (WeasyPrint loaded), the template
sets it is sent, and a task run with the build's paths in a folder of its own."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
import zipfile
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Callable

from distributed import WorkerPlugin

from docgen.build import keys


class Warm(WorkerPlugin):
    """A worker's start: WeasyPrint, fonts and docgen's families loaded before the first task
    (:func:`docgen.build.tasks.warm_worker`)."""

    name = "docgen-warm"
    idempotent = True  # registered once per scheduler: a worker warms up when it starts, once

    def setup(self, worker=None) -> None:
        from docgen.build.tasks import warm_worker

        try:
            warm_worker()
        except Exception:
            pass  # each task reports its own failure

    def teardown(self, worker=None) -> None:
        pass


_HOME: list[str] = []  # this worker process's folder of template sets


def _templates_home() -> Path:
    """A folder of this worker process (removed when it ends): no other process shares it."""
    if not _HOME:
        import atexit

        _HOME.append(tempfile.mkdtemp(prefix="docgen-templates-"))
        atexit.register(shutil.rmtree, _HOME[0], True)
    return Path(_HOME[0])


class TemplateSet(WorkerPlugin):
    """A template set's files, sent once to every worker and unpacked into a folder of its
    own named by their hash (kept while the worker lives: another build may use it)."""

    def __init__(self, digest: str, archive: bytes):
        self.digest, self.archive = digest, archive
        self.name = f"docgen-templates-{digest[:20]}"
        self.idempotent = True  # already registered (by another build): not sent again

    def setup(self, worker=None) -> None:
        folder = _templates_home() / self.digest
        if folder.is_dir():
            return
        unpacking = Path(tempfile.mkdtemp(prefix=f".{self.digest[:12]}-", dir=folder.parent))
        with zipfile.ZipFile(io.BytesIO(self.archive)) as archive:
            archive.extractall(unpacking)
        os.replace(unpacking, folder)  # whole or not at all: a task finds it complete or absent

    def teardown(self, worker=None) -> None:
        pass


class WorkerMismatch(Exception):
    """A worker's docgen (code or libraries) is not the build's: it would render otherwise."""


#: One task at a time in a worker, however many threads it was started with: the renderers
#: (docgen.build.tasks.RENDERERS) and the memory limit (the process's size) are per process.
_ONE_AT_A_TIME = threading.Lock()
#: How a path is sent: a name below the task's mirror folder, or a template set's hash.
MIRROR, TEMPLATES = "m:", "t:"


def run_remote(fn: Callable, args: tuple, code: tuple, before: Any = None,
               files: dict[str, bytes] | None = None) -> tuple[Any, dict[str, bytes], list[str]]:
    """In a worker: ``fn(*args)`` with the build's paths in a mirror folder of its own;
    returns its value (paths named as the build's process sent them), the files it wrote and
    those it removed (by the names the build's process gave their paths). ``files`` are put
    in place first (what the task reads of the output folder), and so are those of ``before``,
    what an earlier task (a first part) returned."""
    mine = (keys.code_fingerprint(), keys.distribution_versions())
    if code != mine:
        import socket

        raise WorkerMismatch(f"工作节点{socket.gethostname()}上的docgen或其依赖与本机版本不同，"
                             "请在各工作节点安装与本机相同的docgen")
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="docgen-task-") as root:
        placed = {**(before[1] if before is not None else {}), **(files or {})}
        for name, data in placed.items():
            path = Path(root, *name.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        def local(s: str) -> str:
            if s.startswith(TEMPLATES):
                folder = _templates_home() / s[len(TEMPLATES):]
                if not folder.is_dir():
                    raise WorkerMismatch("工作节点上没有本次生成的模板集（另一个用同一模板集的生成结束时把它撤下了），请重试")
                return str(folder)
            return str(Path(root, *s[len(MIRROR):].split("/"))) if s.startswith(MIRROR) else s

        value = fn(*rewrite(args, local))
        prefix = str(Path(root)) + os.sep
        value = rewrite(value, lambda s: MIRROR + Path(s).relative_to(root).as_posix()
                         if s.startswith(prefix) else s)
        written, present = {}, set()
        for path in sorted(Path(root).rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not path.is_symlink():
                present.add(name)
                data = path.read_bytes()
                if placed.get(name) != data:
                    written[name] = data
        return value, written, sorted(set(placed) - present)


def rewrite(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string in its dataclasses, lists and tuples
    (not in dicts: a document's context is data, not paths)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, (list, tuple)):
        items = [rewrite(v, change) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in fields(value):
            if f.init:
                old = getattr(value, f.name)
                new = rewrite(old, change)
                if new is not old:
                    changes[f.name] = new
        return replace(value, **changes) if changes else value
    return value
