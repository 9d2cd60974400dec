"""Times ``docgen build`` on a Dask cluster against a local build (BENCHMARKS.md, "Building on
a cluster"): cold builds of a sample packet and of a larger one made from it, locally
(``-j 2``), with ``--scheduler local:N`` (the command starts its own cluster), and on a
scheduler with N workers started beforehand (``tcp://``, as a cluster is used); then the
cluster's cost per task (trivial tasks, one at a time and many at once).

    .venv/bin/python tools/bench_cluster.py [--repeat 3] [--copies 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCGEN = [str(Path(sys.executable).parent / "docgen")]  # the command users run


def synthetic(folder: Path, copies: int) -> Path:
    """samples/jiyuan-2023 with each project ``copies`` times under new names."""
    source = ROOT / "samples" / "jiyuan-2023"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("packet.yaml", "publisher.yaml"):
        shutil.copy(source / name, folder / name)
    for k in range(1, copies + 1):
        for project in sorted(source.glob("0*.yaml")):
            text = project.read_text(encoding="utf-8").replace('name: "', f'name: "（第{k}批）', 1)
            (folder / f"{k}-{project.name}").write_text(text, encoding="utf-8")
    return folder / "packet.yaml"


def timed_build(packet: Path, *options: str) -> float:
    out = Path(tempfile.mkdtemp(prefix="docgen-cluster-bench-out-"))
    try:
        start = time.perf_counter()
        subprocess.run([*DOCGEN, "build", str(packet), "-o", str(out), *options], check=True,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``dask scheduler`` and ``dask worker --nthreads 1`` processes on 127.0.0.1."""

    def __init__(self, workers: int):
        import distributed

        self.address = f"tcp://127.0.0.1:{free_port()}"
        port = self.address.rsplit(":", 1)[1]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.processes = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                                            "--port", port, "--no-dashboard"], **quiet)]
        self.processes += [subprocess.Popen([sys.executable, "-m", "dask", "worker", self.address, "--nthreads", "1",
                                             "--no-dashboard", "--host", "127.0.0.1"], **quiet)
                           for _ in range(workers)]
        with distributed.Client(self.address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            process.wait(30)


def per_task(address: str, count: int) -> tuple[float, float]:
    """Milliseconds per trivial task through docgen's executor: one at a time (the round trip),
    and ``count`` at once (per task, with every worker busy)."""
    from docgen.build.cluster import DaskExecutor

    with DaskExecutor(address) as executor:
        return _per_task(executor, count)


def _per_task(executor, count: int) -> tuple[float, float]:
    for _ in range(5):  # connections made, workers started, functions pickled once
        _wait(executor, [executor.submit(os.getpid)])
    start = time.perf_counter()
    for _ in range(count):
        _wait(executor, [executor.submit(os.getpid)])
    serial = (time.perf_counter() - start) / count
    start = time.perf_counter()
    _wait(executor, [executor.submit(os.getpid) for _ in range(count)])
    parallel = (time.perf_counter() - start) / count
    return serial * 1000, parallel * 1000


def _wait(executor, futures) -> None:
    pending = list(futures)
    while pending:
        done = executor.wait(pending)
        pending = [f for f in pending if f not in done]
    for f in futures:
        f.result()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=4)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-cluster-bench-"))
    packets = {"jiyuan-2023 (8 projects)": ROOT / "samples" / "jiyuan-2023" / "packet.yaml",
               f"jiyuan ×{args.copies} ({8 * args.copies} projects)": synthetic(work / "big", args.copies)}
    clusters = {workers: Cluster(workers) for workers in (1, 2)}
    try:
        for label, packet in packets.items():
            runs = {"local -j 2": ["-j", "2"],
                    "--scheduler local:1": ["--scheduler", "local:1"],
                    "--scheduler local:2": ["--scheduler", "local:2"],
                    "tcp://, 1 worker (warm)": ["--scheduler", clusters[1].address],
                    "tcp://, 2 workers (warm)": ["--scheduler", clusters[2].address]}
            for workers in (1, 2):
                timed_build(packet, "--scheduler", clusters[workers].address)  # the workers' first build
            times: dict[str, list[float]] = {name: [] for name in runs}
            for _ in range(args.repeat):  # in turn: the machine's speed drifts from minute to minute
                for name, options in runs.items():
                    times[name].append(timed_build(packet, *options))
            for name, runs_of in times.items():
                print(f"{label:28} {name:28} {statistics.median(runs_of):7.2f} s  {['%.2f' % t for t in runs_of]}",
                      flush=True)
        from docgen.build.executor import ProcessExecutor

        with ProcessExecutor(2) as pool:
            serial, parallel = _per_task(pool, 200)
        print(f"trivial task, local process pool of 2: {serial:.1f} ms one at a time, {parallel:.1f} ms each of 200 at once",
              flush=True)
        for workers in (1, 2):
            serial, parallel = per_task(clusters[workers].address, 200)
            print(f"trivial task, {workers} worker(s): {serial:.1f} ms one at a time, {parallel:.1f} ms each of 200 at once",
                  flush=True)
    finally:
        for cluster in clusters.values():
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
