"""Diagnostics: what validation found, with file, line and field path.

Pure data, no I/O: every layer may produce them, the CLI prints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "错误"
    WARNING = "警告"


Loc = tuple  # a field path as data: ``("projects", 4, "score")``


@dataclass(frozen=True)
class Diagnostic:
    """One finding, e.g. ``samples/x.yaml:23: projects[4].score: 评分应在0到100之间，实际为108.5``.

    The location stays data (file, line, field path as a tuple) from the loader to the build,
    which attributes errors to documents by ``loc``; only :meth:`__str__` formats it.
    """

    file: str
    line: int | None
    loc: Loc
    message: str
    severity: Severity = Severity.ERROR

    @property
    def path(self) -> str:
        """The field path as a user reads it: ``projects[4].score``."""
        return format_path(self.loc)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        prefix = "" if self.severity is Severity.ERROR else "警告: "
        field_part = f" {self.path}:" if self.path else ""
        return f"{where}:{field_part} {prefix}{self.message}"


@dataclass
class Diagnostics:
    """All findings of one run, collected so that every mistake is reported at once."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(self, diagnostic: Diagnostic) -> None:
        self.items.append(diagnostic)

    def extend(self, diagnostics: "Diagnostics | list[Diagnostic]") -> None:
        self.items.extend(diagnostics.items if isinstance(diagnostics, Diagnostics) else diagnostics)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def in_order(self) -> list[Diagnostic]:
        """By file, then line, then field: the order a user fixes them in."""
        return sorted(self.items, key=lambda d: (d.file, d.line or 0, d.path))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)


def format_path(loc: tuple[str | int, ...]) -> str:
    """``('projects', 4, 'score')`` → ``projects[4].score``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class DocumentError(Exception):
    """A failure of one document whose message is already what the user reads (in Chinese,
    naming the file and line where there is one): reported as it is."""


@dataclass(frozen=True)
class Finding:
    """A rule's finding about a model, located by field path; the loader adds file and line."""

    loc: tuple[str | int, ...]
    message: str
    severity: Severity = Severity.ERROR


def os_reason(exc: OSError, writing: bool = True) -> str:
    """Why the operating system refused to read or write a file, in Chinese; anything not
    foreseen in the system's own words, marked as such (they may be in English)."""
    import errno

    reasons = {errno.EACCES: "没有写入权限" if writing else "没有读取权限",
               errno.EPERM: "没有写入权限" if writing else "没有读取权限",
               errno.ENOSPC: "磁盘已满", errno.EROFS: "只读文件系统", errno.EDQUOT: "超出磁盘配额",
               errno.EEXIST: "已有同名的文件，不是目录", errno.ENOTDIR: "路径中有一部分是文件，不是目录",
               errno.ENAMETOOLONG: "路径过长", errno.ENOENT: "文件不存在", errno.EISDIR: "是文件夹，不是文件",
               errno.EIO: "读写设备出错"}
    return reasons.get(exc.errno) or f"系统报告“{exc.strerror or type(exc).__name__}”"
