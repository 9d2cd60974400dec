"""What a build did, as data for the CLI to print (and for tests and the benchmark to read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from docgen.build.plan import Failure
from docgen.build.tasks import TaskResult
from docgen.diagnostics import Diagnostics


@dataclass
class BuildResult:
    built: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # no longer in the packet, but edited by hand: left alone
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    warnings: list[str] = field(default_factory=list)
    packet_errors: bool = False
    has_errors: bool = False  # the data has errors (a document may be missing because of them)
    data_errors: bool = False  # ... and documents were not built because of them
    drafts: list[str] = field(default_factory=list)  # built as 草稿 (allow_errors)
    unchanged: bool = False  # decided by the stamp alone, without reading the data
    seconds: float = 0.0
    render_seconds: dict[str, float] = field(default_factory=lambda: {"docx": 0.0, "pdf": 0.0, "combined": 0.0})
    notes: list[str] = field(default_factory=list)
    #: docgen check's findings per output file (built now, or when it was), as in the manifest
    preflight: dict[str, list[dict]] = field(default_factory=dict)
    #: input files parsed in this build (the others came from the loader's cache); None: no cache
    parsed: int | None = None
    #: planned from the last build's index (docgen.build.delta): the data files read again
    #: because their bytes changed; None: the whole data set was read (or nothing at all)
    delta: list[str] | None = None

    @property
    def exit_code(self) -> int:
        if self.packet_errors or self.data_errors:
            return 2
        return 1 if self.failed else 0


class Reporter(Protocol):
    """What a build tells while it runs (the CLI draws a progress bar or prints lines)."""

    def begin(self, total: int) -> None: ...

    def extend(self, n: int) -> None: ...

    def finished(self, label: str, result: TaskResult) -> None: ...

    def tick(self) -> None:
        """Called about once a second while nothing finishes (a clock on screen moves on)."""

    def end(self) -> None: ...


class SilentReporter:
    def begin(self, total: int) -> None:
        pass

    def extend(self, n: int) -> None:
        pass

    def finished(self, label: str, result: TaskResult) -> None:
        pass

    def tick(self) -> None:
        pass

    def end(self) -> None:
        pass
