"""What one input file gives on its own, before any other file is looked at: a
:class:`FileRead`. It is the unit the loader's cache keeps (:mod:`docgen.input.cache`), so a
file read afresh and a file taken from the cache go through the same assembly
(:func:`docgen.input.dataset.load_dataset`).

A file's own part is: parsing, ``<<…>>`` left over from ``docgen init``, what kind of file it
is, its blocks validated, each project validated and its looser forms interpreted. Whatever
depends on other files (duplicate blocks, custom fields' types, grade bands, duplicate output
names, the families' checks) is left to the assembly.

For the cache, the data as written is kept as JSON with its numbers and dates tagged
(:func:`encode`), so that validating it again gives exactly the model the YAML gave; a file
holding anything JSON cannot carry exactly is simply not cached.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from docgen.diagnostics import Diagnostic, Diagnostics, Severity
from docgen.input.yaml import EMPTY_FILE, SourceFile, line_of

#: Bumped when a record's shape changes (the code fingerprint also starts a new cache).
SCHEME = 2


@dataclass
class ItemRead:
    """A project found in a file: where, the name its outputs default to, and (when it
    validated) the model and the output stem."""

    prefix: tuple
    default_stem: str
    line: int | None
    stem: str | None = None  # None: the project did not validate
    has_id: bool = False  # the stem is the project's own ``id`` (messages about it point there)
    project: Any = None  # the EvaluatedProject read now (None when it comes from the cache)


@dataclass
class FileRead:
    """One file's own part (module docstring)."""

    shown: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unreadable: bool = False  # the file (or a part of it) could not be read or did not validate
    blocks: Any = None  # the validated blocks of a data file (``DataFile`` without projects)
    blocks_raw: Any = None  # ... as written (for the cache)
    items: list[ItemRead] = field(default_factory=list)
    raws: list[Any] = field(default_factory=list)  # each item's data as written
    data: Any = None  # the parsed file (None from the cache)
    cacheable: bool = True

    def to_record(self) -> tuple[dict, list[str], str] | None:
        """(record, items as JSON, line map as JSON) for the cache; None when the file holds
        what JSON cannot carry exactly."""
        try:
            items = [encode(raw) for raw in self.raws]
            blocks = encode(self.blocks_raw) if self.blocks_raw is not None else None
            lines = line_map(self.data)
        except _NotEncodable:
            return None
        if lines is None:
            return None
        record = {"scheme": SCHEME, "unreadable": self.unreadable, "blocks": blocks,
                  "diagnostics": [[d.line, list(d.loc), d.message, d.severity.name] for d in self.diagnostics],
                  "items": [[list(i.prefix), i.default_stem, i.line, i.stem, i.has_id] for i in self.items]}
        return record, items, json.dumps(sorted(lines.items(), key=lambda kv: [str(x) for x in kv[0]]),
                                         ensure_ascii=False)

    @classmethod
    def from_record(cls, shown: str, record: dict) -> "FileRead | None":
        if record.get("scheme") != SCHEME:
            return None
        diagnostics = [Diagnostic(shown, line, tuple(loc), message, Severity[severity])
                       for line, loc, message, severity in record["diagnostics"]]
        items = [ItemRead(tuple(prefix), default_stem, line, stem, has_id)
                 for prefix, default_stem, line, stem, has_id in record["items"]]
        blocks_raw = decode(record["blocks"]) if record["blocks"] is not None else None
        return cls(shown, diagnostics, record["unreadable"], blocks_raw=blocks_raw, items=items)


def read_file(path: Path, shown: str, raw: bytes | None, diags: Diagnostics, check_blocks,
              check_project) -> FileRead:
    """The file's own part. ``raw``: its bytes (None: they could not be read, and ``diags``
    says why). ``check_blocks(source, data, diags) -> blocks | None`` validates a data file's
    blocks; ``check_project(source, prefix, item, diags) -> project | None`` one project."""
    from docgen.input.yaml import parse_yaml

    read = FileRead(shown, diags.items)
    data = parse_yaml(raw, shown, diags) if raw is not None else None
    read.data = data
    if data is None:
        # an empty file holds nothing to render; a file that failed to parse may hold anything
        read.unreadable = not (diags.items and diags.items[-1].message == EMPTY_FILE)
        return read
    source = SourceFile(path, shown, data)
    if source.report_placeholders(diags):
        read.unreadable = True
        return read
    pending: list[tuple[tuple, Any, str]] = []
    if isinstance(data, list):
        pending = [((i,), item, f"{path.stem}-{i + 1:02d}") for i, item in enumerate(data)]
    elif is_data_file(data, raw):
        read.blocks_raw = {k: v for k, v in data.items() if k != "projects"}
        read.blocks = check_blocks(source, read.blocks_raw, diags)
        read.unreadable |= read.blocks is None
        if read.blocks is None:
            read.blocks_raw = None
        items = data.get("projects") or []
        if not isinstance(items, list):
            from docgen.input.messages import _type_word

            diags.add(source.diagnostic(("projects",), f"应为列表（每项以“- ”开头），实际为{_type_word(items)}"))
            items = []
        pending = [(("projects", i), item, f"{path.stem}-{i + 1:02d}") for i, item in enumerate(items)]
    elif isinstance(data, dict):
        pending = [((), data, path.stem)]
    else:
        from docgen.input.messages import _type_word

        diags.add(Diagnostic(shown, 1, (), f"文件内容应为键值对或列表，实际为{_type_word(data)}"))
    for prefix, item, default_stem in pending:
        project = check_project(source, prefix, item, diags)
        read.unreadable |= project is None
        stem = (project.id or default_stem) if project is not None else None
        read.items.append(ItemRead(prefix, default_stem, line_of(data, prefix), stem,
                                   bool(project is not None and project.id), project))
        read.raws.append(item)
    return read


#: The schema a file's ``# yaml-language-server: $schema=…`` line names says what it is.
_SCHEMA_LINE = re.compile(rb"^#\s*yaml-language-server:\s*\$schema=\S*?([A-Za-z_-]+)\.schema\.json", re.M)
_PROJECT_SCHEMAS = {"project"}


def is_data_file(data: Any, raw: bytes | None = None) -> bool:
    """A file of blocks and/or ``projects:``, not one project. Decided by the strongest
    evidence: the schema its ``$schema`` line names (``project.schema.json``: a project),
    ``projects:`` or ``name:``, else which it has more of, fields only a project has or
    blocks only a data file has. (A project's ``department:`` is also the final accounts'
    block: a project that lacked ``name:`` was taken for a data file, and its missing name
    was never mentioned among ten wrong errors.)"""
    from docgen.input.dataset import data_blocks
    from docgen.models import EvaluatedProject

    if not isinstance(data, dict):
        return False
    if "projects" in data:
        return True
    found = _SCHEMA_LINE.search(raw[:2048]) if raw else None
    if found is not None:
        return found.group(1).decode() not in _PROJECT_SCHEMAS
    if "name" in data:
        return False
    blocks = {b.key for b in data_blocks()} | {"grade_bands", "custom_fields", "projects"}
    fields = set(EvaluatedProject.model_fields)
    own_blocks = sum(1 for k in data if k in blocks - fields)
    own_fields = sum(1 for k in data if k in fields - blocks)
    return own_blocks > 0 and own_blocks >= own_fields


# ---------------------------------------------------------------- JSON with exact values


class _NotEncodable(Exception):
    pass


_TAG = "\0"  # a key no data file can hold (control characters are refused when reading)


def _plain(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Decimal):
        return {_TAG + "decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {_TAG + "datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {_TAG + "date": value.isoformat()}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise _NotEncodable
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    raise _NotEncodable  # a float, a tagged scalar…: not cached


def encode(value: Any) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, separators=(",", ":"))


def _tagged(obj: dict) -> Any:
    if len(obj) == 1:
        (key, value), = obj.items()
        if key == _TAG + "decimal":
            return Decimal(value)
        if key == _TAG + "date":
            return dt.date.fromisoformat(value)
        if key == _TAG + "datetime":
            return dt.datetime.fromisoformat(value)
    return obj


def decode(text: str) -> Any:
    return json.loads(text, object_hook=_tagged)


#: A file whose expanded paths are more than this is not cached (aliases repeat subtrees).
MAX_PATHS = 50_000


def line_map(data: Any) -> dict[tuple, int] | None:
    """Every field path of ``data`` → its line (as :func:`~docgen.input.yaml.line_of` finds
    it); None for a file with more than :data:`MAX_PATHS` paths."""
    lines: dict[tuple, int] = {}
    if data is None:
        return lines
    root = line_of(data, ())
    if root is not None:
        lines[()] = root
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, CommentedMap):
            children = [(k, node.lc.key(k)[0] + 1, v) for k, v in node.items()]
        elif isinstance(node, CommentedSeq):
            children = [(i, node.lc.item(i)[0] + 1, v) for i, v in enumerate(node)]
        else:
            continue
        for key, line, value in children:
            lines[loc + (key,)] = line
            stack.append((value, loc + (key,)))
        if len(lines) > MAX_PATHS:
            return None
    return lines


def read_line_map(text: str) -> dict[tuple, int]:
    return {tuple(loc): line for loc, line in json.loads(text)}


def read_source(path: Path, shown: str, cache, check_blocks, check_project) -> tuple[FileRead, SourceFile, str | None]:
    """The file's own part, from ``cache`` (:class:`~docgen.input.cache.InputCache`, or None)
    when a file of the same bytes and name was read before, else read now (and kept there).
    Returns it with the file as messages name it and its content hash (None without a cache
    or when the file could not be read)."""
    from docgen.input.yaml import read_bytes

    if cache is not None:
        sha = cache.known_sha(path)
        cached = _from_cache(cache, path, shown, sha) if sha else None
        if cached is not None:
            cache.served[str(path)] = sha
            return cached
    diagnostics = Diagnostics()
    stat = cache.stat(path) if cache is not None else None  # before reading: a later write is noticed
    raw = read_bytes(path, shown, diagnostics)
    sha = None
    if cache is not None:
        sha = cache.served[str(path)] = cache.learned(path, stat, raw) if raw is not None else None
    if sha is not None:
        cached = _from_cache(cache, path, shown, sha)
        if cached is not None:
            return cached
    read = read_file(path, shown, raw, diagnostics, check_blocks, check_project)
    if sha is not None:
        cache.parsed.append(shown)
        record = read.to_record()
        if record is not None:
            cache.keep(sha, shown, *record)
            # later messages find their lines in the line map: the parsed tree (ten times its
            # size, kept for every file of the packet) can go
            lines = record[2]
            return read, SourceFile(path, shown, None, lines=lambda: read_line_map(lines)), sha
    return read, SourceFile(path, shown, read.data), sha


def _from_cache(cache, path: Path, shown: str, sha: str) -> tuple[FileRead, SourceFile, str] | None:
    record = cache.record(sha, shown)
    read = FileRead.from_record(shown, record) if record is not None else None
    if read is None:
        return None
    return read, SourceFile(path, shown, None, lines=lambda: read_line_map(cache.lines(sha) or "[]")), sha
