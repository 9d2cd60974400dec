"""``docgen build --scheduler``: a build on a real Dask cluster (a scheduler and two workers
started here on 127.0.0.1, no folder shared with the build but what the operating system
happens to share) gives every file a local build gives, byte for byte, manifest and state
folder included; a worker killed during the build does not fail it; a scheduler that cannot
be reached is a clear error."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLES
from docgen.build import build_packet
from docgen.build import cluster
from docgen.build.cluster import ClusterUnavailable, DaskExecutor
from docgen.cli.app import app
from docgen.portable import kill_process

distributed = pytest.importorskip("distributed")  # make install installs it: CI runs these

JIYUAN = SAMPLES / "jiyuan-2023" / "packet.yaml"
PARTS = SAMPLES / "shangdang-gov-office-2023" / "packet.yaml"  # a document laid out in two parts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def files(folder: Path) -> dict[str, bytes]:
    """Every file but the loader's cache, which records this machine's file times and inodes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "inputs.sqlite"}


def assert_same_tree(local: Path, remote: Path) -> None:
    """Every file, the manifest and .docgen/ included, byte for byte."""
    expected, got = files(local), files(remote)
    assert sorted(got) == sorted(expected)
    assert [name for name in expected if expected[name] != got[name]] == []
    assert (remote / "manifest.json").read_bytes() == (local / "manifest.json").read_bytes()


class Cluster:
    """A ``dask scheduler`` and ``dask worker`` processes, as an administrator starts them."""

    def __init__(self, workers: int):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.processes: list[subprocess.Popen] = []
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard")
        self.workers = [self._start("worker", self.address, "--nthreads", "1", "--no-dashboard", "--no-nanny",
                                    "--host", "127.0.0.1") for _ in range(workers)]
        self.client = distributed.Client(self.address, timeout="60s", set_as_default=False)
        if workers:
            self.client.wait_for_workers(workers, timeout=120)

    def _start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "dask", *args],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        return process

    def worker_pids(self) -> dict[str, int]:
        return self.client.run(os.getpid)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            for process in reversed(self.processes):
                if process.poll() is None:
                    process.terminate()
            for process in self.processes:
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    kill_process(process.pid)
                    process.wait(10)


@pytest.fixture(scope="module")
def dask_cluster():
    started = Cluster(workers=2)
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def local_builds(tmp_path_factory):
    """Each packet built the ordinary way, in this process."""
    root = tmp_path_factory.mktemp("local")
    built = {}
    for packet in (JIYUAN, PARTS):
        out = root / packet.parent.name
        result = build_packet(packet, out, jobs=1)
        assert result.built and not any(f for f in result.failed)
        built[packet] = out
    return built


@pytest.mark.parametrize("packet", [JIYUAN, PARTS], ids=["jiyuan", "parts"])
def test_cluster_build_is_byte_identical_to_a_local_build(dask_cluster, local_builds, packet, tmp_path):
    out = tmp_path / "out"
    with DaskExecutor(dask_cluster.address) as executor:
        assert executor.workers == 2
        result = build_packet(packet, out, executor=executor)
    assert not result.failed and result.built
    assert_same_tree(local_builds[packet], out)
    # and a second build on the cluster finds everything up to date
    with DaskExecutor(dask_cluster.address) as executor:
        again = build_packet(packet, out, executor=executor)
    assert not again.built and again.up_to_date  # (a packet of drafts is never "unchanged": no stamp)


def test_a_task_is_sent_without_a_path_of_this_machine(dask_cluster, tmp_path):
    """Workers need no shared folder: what a task is sent names no folder of the build's
    process (its output, state folder and template set are names and a hash)."""
    import pickle

    from docgen.build.keys import builtin_templates
    from docgen.build.preflight import Preflight
    from docgen.build.tasks import Task

    out = tmp_path / "某个输出目录"
    task = Task(0, "pdf", "a.pdf", str(out / "a.pdf"), str(builtin_templates()), "result-sheet", {"x": 1},
                scratch=str(out / ".docgen"), preflight=Preflight(str(out / ".docgen"), "salt"))
    with DaskExecutor(dask_cluster.address) as executor:
        (sent,) = executor._outbound((task,))
    paths = [sent.target, sent.scratch, sent.templates, sent.preflight.folder]
    assert not any(os.path.isabs(p) for p in paths)  # names the worker puts below a folder of its own
    assert sent.templates.startswith("t:") and len(sent.templates) == 2 + 64  # the set's hash
    assert sent.target.startswith("m:") and sent.target.endswith("/某个输出目录/a.pdf")
    assert sent.context == task.context
    pickle.dumps(sent)


def test_a_rebuild_on_the_cluster_is_a_local_rebuild(dask_cluster, tmp_path):
    """One project renamed: its documents, the 目录 page (the old one removed from .docgen/)
    and the editions that moved are made again, the rest read from the output folder."""
    data = tmp_path / "data"
    shutil.copytree(JIYUAN.parent, data)
    packet, local, remote = data / "packet.yaml", tmp_path / "local", tmp_path / "remote"
    for step in range(2):
        if step:
            project = data / "03-nano-park.yaml"
            project.write_text(project.read_text(encoding="utf-8").replace('name: "', 'name: "（修订）', 1),
                               encoding="utf-8")
        assert not build_packet(packet, local, jobs=1).failed
        with DaskExecutor(dask_cluster.address) as executor:
            result = build_packet(packet, remote, executor=executor)
        assert not result.failed
        assert_same_tree(local, remote)
    assert "03-nano-park.pdf" in result.built and "01-housing.pdf" in result.up_to_date
    assert len(list((remote / ".docgen").glob("contents-*.pdf"))) == 1


def test_a_worker_killed_during_the_build_does_not_fail_it(dask_cluster, local_builds, tmp_path):
    """Runs last on the module's cluster: it leaves one worker."""
    out = tmp_path / "out"
    pids = dask_cluster.worker_pids()
    assert len(pids) == 2
    victim = sorted(pids)[0]
    outcome: dict = {}

    def build() -> None:
        try:
            with DaskExecutor(dask_cluster.address) as executor:
                outcome["result"] = build_packet(JIYUAN, out, executor=executor)
        except BaseException as exc:  # the assertion below reports it
            outcome["error"] = exc

    thread = threading.Thread(target=build)
    thread.start()
    killed_while = None
    deadline = time.monotonic() + 120
    while thread.is_alive() and time.monotonic() < deadline:
        running = dask_cluster.client.processing().get(victim, [])
        if any(str(key).startswith("docgen-") for key in running):
            killed_while = list(running)
            kill_process(pids[victim])
            break
        time.sleep(0.01)
    thread.join(300)
    assert killed_while, "the victim never ran a task of the build"
    assert "error" not in outcome, outcome.get("error")
    result = outcome["result"]
    assert not result.failed and len(result.built) == 17
    assert_same_tree(local_builds[JIYUAN], out)
    assert victim not in dask_cluster.client.scheduler_info()["workers"]


def test_an_unreachable_scheduler_is_a_clear_error_soon():
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    start = time.monotonic()
    with pytest.raises(ClusterUnavailable) as raised:
        DaskExecutor(address, timeout=2)
    assert time.monotonic() - start < 30
    assert address in str(raised.value) and "无法连接Dask调度器" in str(raised.value)


def test_cli_unreachable_scheduler_exits_1_naming_it(monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    port = free_port()
    result = CliRunner().invoke(app, ["build", str(JIYUAN), "-o", str(tmp_path / "out"),
                                      "--scheduler", f"127.0.0.1:{port}"])
    assert result.exit_code == 1, result.output
    assert f"tcp://127.0.0.1:{port}" in result.output and "无法连接Dask调度器" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "manifest.json").exists()


@pytest.mark.parametrize("value", ["local:x", "local:0", "tcp://host name:1"])
def test_cli_a_malformed_scheduler_is_a_usage_error(value, tmp_path):
    result = CliRunner().invoke(app, ["build", str(JIYUAN), "-o", str(tmp_path / "out"), "--scheduler", value])
    assert result.exit_code == 64, result.output
    assert "--scheduler" in result.output and "Traceback" not in result.output


def test_cli_without_distributed_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    result = CliRunner().invoke(app, ["build", str(JIYUAN), "-o", str(tmp_path / "out"), "--scheduler", "local:1"])
    assert result.exit_code == 1, result.output
    assert "pip install 'docgen[cluster]'" in result.output


def test_local_cluster_starts_with_the_first_task_only(local_builds, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local_builds[JIYUAN], out)
    with DaskExecutor("local:2") as executor:
        result = build_packet(JIYUAN, out, executor=executor)
        assert result.unchanged and executor.cluster is None and executor.client is None


def test_cli_local_cluster_of_two_workers(local_builds, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(JIYUAN), "-o", str(out), "--scheduler", "local:2"])
    assert result.exit_code == 0, result.output
    assert_same_tree(local_builds[JIYUAN], out)


def test_a_scheduler_without_workers_is_a_clear_error():
    empty = Cluster(workers=0)
    try:
        with pytest.raises(ClusterUnavailable) as raised:
            DaskExecutor(empty.address, timeout=1)
        assert "没有工作节点" in str(raised.value) and f"dask worker {empty.address}" in str(raised.value)
    finally:
        empty.close()
