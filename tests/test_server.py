"""docgen's server: a warm worker left behind by one build and used by the next."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux)")


def _env(runtime: Path, **extra) -> dict:
    return {**os.environ, "DOCGEN_SERVER": "1", "XDG_RUNTIME_DIR": str(runtime), "DOCGEN_TRACE": "1", **extra}


def _build(packet: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "docgen.console", "build", str(packet), "-o", str(out)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    return run


def _server_pid(runtime: Path) -> int | None:
    """The pid the server writes once it listens (it starts as the build ends)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in runtime.glob("docgen-*/worker-*.pid"):
            text = path.read_text()
            if text.endswith("\n"):
                return int(text)
        time.sleep(0.05)
    return None


def _alive(pid: int) -> bool:
    """Running (an ended process whose adoptive parent has not reaped it yet is a zombie)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def copy(tmp_path):
    import shutil

    folder = tmp_path / "packet"
    shutil.copytree(SAMPLES / "jiyuan-2023", folder)
    return folder


def test_the_next_build_renders_in_the_servers_warm_worker(tmp_path, copy):
    runtime = tmp_path / "run"
    runtime.mkdir()
    env = _env(runtime, DOCGEN_SERVER_IDLE="3")
    _build(copy / "packet.yaml", tmp_path / "first", env)  # starts the server when done
    pid = _server_pid(runtime)
    assert pid and _alive(pid)
    folder = next(runtime.glob("docgen-*"))
    assert oct(folder.stat().st_mode & 0o777) == "0o700" and oct((folder / "key").stat().st_mode & 0o777) == "0o600"
    try:
        text = (copy / "01-housing.yaml").read_text(encoding="utf-8")
        (copy / "01-housing.yaml").write_text(text.replace("住建局", "住建局（修订）", 1), encoding="utf-8")
        second = _build(copy / "packet.yaml", tmp_path / "first", env)
        assert re.search(r"server: worker \d+", second.stderr)
        assert "01-housing.pdf" in second.stdout  # built ...
        assert "start 01-housing.pdf" not in second.stderr  # ... not by this process (it traces its own tasks)
        assert "worker: warm-up" not in second.stderr  # ... nor by a worker of its own: by the server's
        # the same bytes as a build with its own workers
        local = _build(copy / "packet.yaml", tmp_path / "local", {**env, "DOCGEN_SERVER": "0"})
        assert "server:" not in local.stderr
        for path in sorted((tmp_path / "local").glob("*.*")):
            if path.is_file() and path.name != "manifest.json":
                assert path.read_bytes() == (tmp_path / "first" / path.name).read_bytes(), path.name
        assert oct((tmp_path / "first" / "01-housing.pdf").stat().st_mode & 0o777) == oct(
            (tmp_path / "local" / "01-housing.pdf").stat().st_mode & 0o777)
        # idle for DOCGEN_SERVER_IDLE seconds: it ends and removes its socket
        assert _wait_gone(pid, 15)
        assert not list(runtime.glob("docgen-*/worker-*.sock"))
    finally:
        if _alive(pid):
            os.kill(pid, 9)


def test_a_server_with_other_fonts_or_an_open_folder_is_not_used(tmp_path, copy, monkeypatch):
    from docgen import packet, server

    runtime = tmp_path / "run"
    runtime.mkdir()
    env = _env(runtime, DOCGEN_SERVER_IDLE="30")
    _build(copy / "packet.yaml", tmp_path / "out", env)
    pid = _server_pid(runtime)
    assert pid
    try:
        monkeypatch.setenv("DOCGEN_SERVER", "1")
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        folder = next(runtime.glob("docgen-*"))
        folder.chmod(0o755)  # readable by others: not private, not used
        assert server.connect() is None and not server.available()
        folder.chmod(0o700)
        monkeypatch.setattr(server, "font_fingerprint", lambda: "other fonts")
        assert server.connect() is None  # the server answers "stale" and ends
        assert _wait_gone(pid, 15)
    finally:
        if _alive(pid):
            os.kill(pid, 9)
