"""``docgen build --watch``: build, then rebuild on every saved change, with this process and
the workers kept loaded (the one way docgen stays warm between builds)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from docgen.build import keys
from docgen.build.executor import default_jobs, make_executor
from docgen.build.outcome import BuildResult, Reporter
from docgen.build.runner import build_packet
from docgen.build.spec import load_packet


def watch(packet_path: Path, out_dir: Path, jobs: int | None, force: bool, reporter: Callable[[], Reporter],
          report: Callable[[BuildResult], None], waiting: Callable[[], None], poll: float = 0.3,
          scheduler: str | None = None) -> None:
    """Build, then rebuild whenever a byte of the packet, its inputs or templates changes,
    until interrupted. The workers (WeasyPrint, fonts) and this process (docgen, the
    renderers) stay loaded, so a rebuild costs little more than the changed documents.
    ``scheduler``: on a Dask cluster (:mod:`docgen.build.cluster`), connected once."""
    jobs = max(1, jobs or default_jobs())
    executor = make_executor(jobs, scheduler=scheduler)
    try:
        while True:
            for cached in (keys.code_fingerprint, keys.font_fingerprint, keys.distribution_versions,
                           keys.system_libraries):
                cached.cache_clear()
            spec, _ = load_packet(packet_path)
            inputs, templates = ((spec.inputs, spec.templates) if spec
                                 else ([packet_path.parent], keys.builtin_templates()))
            seen = keys.stamp(packet_path.resolve(), inputs, templates)  # before: a change while building counts
            report(build_packet(packet_path, out_dir, jobs, force, reporter(), executor))
            force = False
            waiting()
            while keys.stamp(packet_path.resolve(), inputs, templates) == seen:
                time.sleep(poll)
    finally:
        executor.shutdown()
