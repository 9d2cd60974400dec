"""The loader's cache (issue 16): what reading each input file gave, kept in the output
folder's state by the file's content hash, so that a build parses again only the files whose
bytes changed, and a fix costs what it touches rather than what the packet holds.

One SQLite file (``.docgen/inputs.sqlite``; the standard library's, portable, one file that a
crash cannot leave half written) holds:

* ``hashes`` — each file's SHA-256 with the size, modification time and inode it had when
  hashed. A file whose stat still matches is not read again, unless it was modified less than
  a clock tick before it was hashed (a write in the same tick keeps the time: such a file is
  hashed again, as git does with "racily clean" entries).
* ``files`` — per (content hash, name shown in messages) the :class:`~docgen.input.records.FileRecord`
  as JSON: its diagnostics, its blocks, its projects' stems and lines;
* ``items`` and ``lines`` — each project's data as written and each file's map of field paths
  to lines, read only when a project is needed or a message needs a line;
* ``derived`` — what was worked out from a project and the data set's shared parts (the rules'
  findings, a document's slice), under a key that hashes both.

Everything is JSON, decoded and validated again, never evaluated. The whole cache belongs to
one version of docgen's code (``fingerprint``): another version starts it afresh.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

#: A file modified less than this before it was hashed is hashed again next time: a write in
#: the same tick of the file system's clock would not change its time. Times with sub-millisecond
#: digits come from a fine clock (ext4, APFS, NTFS: a tick of a few ms at most).
RACY_SECONDS = 2.0
FINE_RACY_SECONDS = 0.1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS hashes (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, inode INTEGER,
                                   sha TEXT, hashed INTEGER);
CREATE TABLE IF NOT EXISTS files (sha TEXT, shown TEXT, record TEXT, PRIMARY KEY (sha, shown));
CREATE TABLE IF NOT EXISTS items (sha TEXT, pos INTEGER, raw TEXT, PRIMARY KEY (sha, pos));
CREATE TABLE IF NOT EXISTS lines (sha TEXT PRIMARY KEY, lines TEXT);
CREATE TABLE IF NOT EXISTS derived (key TEXT PRIMARY KEY, value TEXT);
"""


def sha256_of(path: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class InputCache:
    """The cache at ``path`` for code ``fingerprint`` (see the module docstring). Reads are
    served from memory or the file; writes are kept until :meth:`close`, which stores them in
    one transaction and drops what this build no longer used."""

    def __init__(self, path: Path, fingerprint: str, fresh: bool = False):
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None)
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key='fingerprint'").fetchone()
        if fresh or row is None or row[0] != fingerprint:
            self.db.executescript("DELETE FROM hashes; DELETE FROM files; DELETE FROM items; "
                                  "DELETE FROM lines; DELETE FROM derived;")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
        self._hashes = {row[0]: row[1:] for row in self.db.execute("SELECT * FROM hashes")}
        self._new_hashes: dict[str, tuple] = {}
        self._new: dict[str, list[tuple]] = {"files": [], "items": [], "lines": [], "derived": []}
        self._used = {"files": set(), "derived": set()}
        self._records: dict | None = None
        self._derived: dict | None = None
        self._bulk = False
        #: files parsed in this build (tests count them; a build reports how many)
        self.parsed: list[str] = []
        #: each data file the loader read in this build → the content hash it used (None:
        #: unreadable); a build compares them with its stamp (docgen.build.keys.held)
        self.served: dict[str, str | None] = {}

    # ---- content hashes

    def stat(self, path: Path) -> os.stat_result | None:
        try:
            return os.stat(path)
        except OSError:
            return None

    def known_sha(self, path: Path, st: os.stat_result | None = None) -> str | None:
        """The SHA-256 of ``path``'s bytes when its size, time and inode are those it had when
        it was hashed, not racily (module docstring); None when it must be read again."""
        st = st or self.stat(path)
        known = self._new_hashes.get(str(path)) or self._hashes.get(str(path))
        if st is None or not known or tuple(known[:3]) != (st.st_size, st.st_mtime_ns, st.st_ino):
            return None
        # a time in whole milliseconds or coarser comes from a coarse clock (FAT: 2 s)
        window = RACY_SECONDS if st.st_mtime_ns % 1_000_000 == 0 else FINE_RACY_SECONDS
        return known[3] if known[4] - st.st_mtime_ns > window * 1e9 else None

    def learned(self, path: Path, st: os.stat_result | None, data: bytes) -> str:
        """``path`` held ``data`` when it had the stat ``st`` (taken before reading, so that a
        write after it is noticed next time): its hash, remembered."""
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        self.remember(path, st, sha)
        return sha

    def remember(self, path: Path, st: os.stat_result | None, sha: str) -> None:
        if st is not None:
            self._new_hashes[str(path)] = (st.st_size, st.st_mtime_ns, st.st_ino, sha, time.time_ns())

    def sha(self, path: Path, st: os.stat_result | None = None) -> str | None:
        """The SHA-256 of ``path``'s bytes, from the stat cache where it holds; None when it is
        not a regular file or cannot be read. ``st``: its stat (or lstat), when already taken."""
        st = st or self.stat(path)
        if st is None or not stat.S_ISREG(st.st_mode):  # a folder, a FIFO (reading would block)…
            return None
        sha = self.known_sha(path, st)
        if sha is None:
            try:
                sha = sha256_of(path)
            except OSError:
                return None
            self.remember(path, st, sha)
        return sha

    # ---- records

    def read_in_bulk(self) -> None:
        """Many files are to be read: records and derived values are fetched all at once on
        first use (one query each, not one per file). Otherwise each is fetched by its key
        (a build that reads a few changed files of 20,000 fetches a few rows)."""
        self._bulk = True

    def _lookup(self, query: str, args: tuple) -> str | None:
        row = self.db.execute(query, args).fetchone()
        return None if row is None else row[0]

    def record(self, sha: str, shown: str) -> dict | None:
        if self._records is None and self._bulk:
            self._records = {(a, b): r for a, b, r in self.db.execute("SELECT sha, shown, record FROM files")}
        text = (self._records.get((sha, shown)) if self._records is not None else
                self._lookup("SELECT record FROM files WHERE sha=? AND shown=?", (sha, shown)))
        if text is None:
            return None
        self._used["files"].add((sha, shown))
        return json.loads(text)

    def keep(self, sha: str, shown: str, record: dict, items: list[str], lines: str) -> None:
        """Store the record of the file with content ``sha``, its projects' data as written
        (``items``, in the record's order) and its line map."""
        self._used["files"].add((sha, shown))
        self._new["files"].append((sha, shown, json.dumps(record, ensure_ascii=False)))
        self._new["items"].extend((sha, i, raw) for i, raw in enumerate(items))
        self._new["lines"].append((sha, lines))

    def item(self, sha: str, pos: int) -> str | None:
        """The data of the ``pos``-th project of a file with content ``sha`` read in an earlier
        build (a file read in this one has its projects and lines in memory)."""
        row = self.db.execute("SELECT raw FROM items WHERE sha=? AND pos=?", (sha, pos)).fetchone()
        return None if row is None else row[0]

    def lines(self, sha: str) -> str | None:
        row = self.db.execute("SELECT lines FROM lines WHERE sha=?", (sha,)).fetchone()
        return None if row is None else row[0]

    # ---- derived values

    def derived(self, key: str, raw: bool = False) -> Any:
        """What was stored under ``key`` (None when nothing was)."""
        if self._derived is None and self._bulk:
            self._derived = dict(self.db.execute("SELECT key, value FROM derived"))
        self._used["derived"].add(key)
        text = (self._derived.get(key) if self._derived is not None else
                self._lookup("SELECT value FROM derived WHERE key=?", (key,)))
        if text is None:
            return None
        if raw:
            return text
        return [] if text == "[]" else json.loads(text)  # most projects have no findings

    def derive(self, key: str, value: Any, raw: bool = False) -> None:
        """Keep ``value`` (JSON; with ``raw``, a string kept as it is) under ``key``."""
        self._used["derived"].add(key)
        self._new["derived"].append((key, value if raw else json.dumps(value, ensure_ascii=False)))

    # ---- end

    def close(self, collect: bool = False) -> None:
        """Store what this build added. ``collect``: this build read the whole data set, so
        what it did not use is no longer used; such records are dropped once they outnumber
        the used ones (a packet's history does not grow the cache without bound)."""
        db = self.db
        db.execute("BEGIN")
        self._insert(db)
        if collect:
            self._collect(db)
        db.execute("COMMIT")
        db.close()

    def store(self) -> None:
        """Write what this build added so far, and read it from there from now on: a build
        that reads the whole data set after reading a few files (docgen.build.delta) finds
        them as if an earlier build had read them. Everything is kept by content, so it is
        right whatever the build does next."""
        db = self.db
        db.execute("BEGIN")
        try:
            self._insert(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")  # kept in memory: close() tries again
            raise
        self._hashes.update(self._new_hashes)
        self._new_hashes.clear()
        if self._records is not None:
            self._records.update({(sha, shown): record for sha, shown, record in self._new["files"]})
        if self._derived is not None:
            self._derived.update(self._new["derived"])
        self._new = {table: [] for table in self._new}

    def _insert(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT OR REPLACE INTO hashes VALUES (?,?,?,?,?,?)",
                       [(k, *v) for k, v in self._new_hashes.items()])
        db.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?)", self._new["files"])
        db.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?)", self._new["items"])
        db.executemany("INSERT OR REPLACE INTO lines VALUES (?,?)", self._new["lines"])
        db.executemany("INSERT OR REPLACE INTO derived VALUES (?,?)", self._new["derived"])

    def _collect(self, db: sqlite3.Connection) -> None:
        for table, used in (("files", self._used["files"]), ("derived", self._used["derived"])):
            count = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
            if count <= 2 * len(used) + 100:
                continue
            db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (a TEXT, b TEXT)")
            db.execute("DELETE FROM keep")
            if table == "files":
                db.executemany("INSERT INTO keep VALUES (?,?)", used)
                db.execute("DELETE FROM files WHERE (sha, shown) NOT IN (SELECT a, b FROM keep)")
                db.execute("DELETE FROM lines WHERE sha NOT IN (SELECT sha FROM files)")
                db.execute("DELETE FROM items WHERE sha NOT IN (SELECT sha FROM files)")
            else:
                db.executemany("INSERT INTO keep VALUES (?, '')", [(k,) for k in used])
                db.execute("DELETE FROM derived WHERE key NOT IN (SELECT a FROM keep)")
