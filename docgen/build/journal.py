"""The build's journal: one line per output file as soon as it is written and checked, so
that a build stopped halfway (Ctrl-C, a closed terminal, kill -9, a power cut) loses none of
what it did and takes none of it for someone else's file.

The manifest is written once, at the end of a build. Until then it describes the files of the
last finished build; the journal (``.docgen/journal.jsonl``) adds what this one wrote since.
The next build reads the manifest with the journal laid over it (:func:`fold`): a file written
before the stop is up to date if its inputs are unchanged, and a file the stopped build had not
reached yet is still the earlier build's own. The journal is removed once a manifest is written.

Appending a line costs microseconds; rewriting a 20,000-document manifest every few seconds (as
the checkpoints before it did) cost a tenth of the build and still lost the earlier build's
record of the files not reached yet.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

JOURNAL_FILE = "journal.jsonl"


class Journal:
    """Appends to the journal at ``path``. A journal that is a link or not a regular file is
    neither followed nor written: the build then runs without one, as builds did before it."""

    def __init__(self, path: Path):
        self.path = path
        self._fh: IO[str] | None = None
        self._usable = _plain_or_absent(path)

    def output(self, family: str, stem: str, record: dict, title: str | None = None) -> None:
        """``record`` (a manifest output: file, format, keys, sha256, bytes, preflight) was written."""
        self._append({"family": family, "stem": stem, "output": record, **({"title": title} if title else {})})

    def combined(self, record: dict) -> None:
        self._append({"combined": record})

    def _append(self, line: dict[str, Any]) -> None:
        if not self._usable:
            return
        try:
            if self._fh is None:
                self._fh = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 (kept open)
            # flushed at once: the line reaches the operating system before the next output is begun
            self._fh.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
            self._fh.flush()
        except OSError:
            self._usable = False  # a full disk: the build goes on; the manifest at the end is what counts

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def clear(self) -> None:
        """The manifest now holds everything: the journal goes."""
        self.close()
        if self._usable:
            try:
                os.remove(self.path)
            except OSError:
                pass


def fold(manifest: dict, path: Path) -> dict:
    """``manifest`` (an earlier build's, as read) with the journal at ``path`` laid over it:
    each output written since replaces the record of the same document and format."""
    if not _plain_or_absent(path) or not path.exists():
        return manifest
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return manifest
    documents = [dict(d) for d in manifest.get("documents", []) if isinstance(d, dict)]
    by_name = {(d.get("family"), d.get("stem")): d for d in documents}
    combined = manifest.get("combined")
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # the last line of a build killed while writing it
        if not isinstance(line, dict):
            continue
        if _is_record(line.get("combined")):
            combined = line["combined"]
            continue
        family, stem, record = line.get("family"), line.get("stem"), line.get("output")
        if not (isinstance(family, str) and isinstance(stem, str) and _is_record(record)):
            continue
        document = by_name.get((family, stem))
        if document is None:
            document = by_name[(family, stem)] = {"family": family, "stem": stem, "outputs": []}
            documents.append(document)
        outputs = [o for o in document.get("outputs", []) if isinstance(o, dict)
                   and o.get("format") != record.get("format")]
        document["outputs"] = outputs + [record]
        if isinstance(line.get("title"), str):
            document["title"] = line["title"]
    return {**manifest, "documents": documents, "combined": combined}


def _is_record(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("file"), str) and isinstance(value.get("sha256"), str)
            and isinstance(value.get("bytes"), int))


def _plain_or_absent(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    import stat

    return stat.S_ISREG(st.st_mode)
