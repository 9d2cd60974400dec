"""Build feedback on the console: one line per finished output, or a progress bar on a terminal."""

from __future__ import annotations

from typing import Callable

from docgen.build.tasks import TaskResult


class Reporter:
    """Build feedback: plain lines (not a terminal) — subclassed by the progress bar."""

    def __init__(self, echo: Callable[[str], None] = print):
        self.echo = echo
        self.total = 0
        self.done = 0

    def begin(self, total: int) -> None:
        self.total, self.done = total, 0

    def extend(self, n: int) -> None:
        self.total += n

    def finished(self, label: str, result: TaskResult) -> None:
        self.done += 1
        state = f"{result.seconds:.2f} 秒" if result.ok else f"失败：{result.error}"
        self.echo(f"[{self.done}/{self.total}] {label}（{state}）")

    def tick(self) -> None:
        """About once a second while nothing finishes (a long document renders)."""

    def end(self) -> None:
        pass


class ProgressBar(Reporter):
    """A rich progress bar on a terminal (shown once there is something to build). It is
    redrawn when an output is done and once a second while one renders (:meth:`tick`), by
    the build's own thread: a refresh thread could hold a lock while workers are forked."""

    progress = None

    def _bar(self):
        if self.progress is None:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("生成"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     TextColumn("{task.description}"), transient=True, auto_refresh=False)
            self.progress.start()
            self.bar = self.progress.add_task("", total=self.total)
            self.progress.refresh()
        return self.progress

    def begin(self, total: int) -> None:
        super().begin(total)
        if total:
            self._bar()

    def extend(self, n: int) -> None:
        super().extend(n)
        self._bar().update(self.bar, total=self.total, refresh=True)

    def finished(self, label: str, result: TaskResult) -> None:
        self.done += 1
        progress = self._bar()
        if not result.ok:
            progress.console.print(f"失败：{label}：{result.error}", markup=False, highlight=False)
        progress.update(self.bar, advance=1, description=label, refresh=True)

    def tick(self) -> None:
        if self.progress is not None:
            self.progress.refresh()  # the elapsed time moves on

    def end(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
