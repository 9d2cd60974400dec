"""What every benchmark shares: the machine's description, ``docgen build`` run as users run
it, and Markdown tables."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from docgen import __version__


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = f"{int(Path('/proc/meminfo').read_text().split()[1]) / 2**20:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        memory = ""
    from importlib.metadata import version

    from docgen.render import harfbuzz_subset_available

    libs = f"WeasyPrint {version('weasyprint')}, docxtpl {version('docxtpl')}, pypdf {version('pypdf')}"
    subset = "HarfBuzz subsetting" if harfbuzz_subset_available() else "fontTools subsetting (slow)"
    return (f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; docgen {__version__}; {libs}; {subset}")


def build_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as on a user's machine: compiled modules are cached
    env.pop("DOCGEN_DEBUG", None)
    return env


def run_build(packet: Path, out: Path, jobs: int | None, watch: Callable[[int], None] | None = None
              ) -> tuple[float, dict]:
    """``docgen build`` as users run it (the program's entry point), with its summary as JSON
    (``--json``): (wall seconds, summary). ``watch(pid)``, if given, runs in a thread of its
    own while the build does (it samples the build's memory); it returns when the build ends."""
    cmd = [sys.executable, "-m", "docgen", "build", str(packet), "-o", str(out), "--json"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=build_env())
    watcher = threading.Thread(target=watch, args=(proc.pid,), daemon=True) if watch else None
    if watcher:
        watcher.start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    if watcher:
        watcher.join()
    if proc.returncode not in (0,):
        try:  # with --json the failures are in the summary
            failed = "；".join(f"{f['what']}：{f['cause']}" for f in json.loads(stdout).get("failed", []))
        except (ValueError, TypeError, KeyError):
            failed = ""
        raise RuntimeError(f"docgen build {packet} 失败（退出码{proc.returncode}）：{(failed or stderr)[-800:]}")
    return seconds, json.loads(stdout)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(r) + " |" for r in rows]
