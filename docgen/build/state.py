"""What a build leaves in its output folder: files written atomically, ``manifest.json``, the
build state in ``.docgen/`` and the lock that lets one build at a time write there.

Every output is written under a temporary name in the target folder, fsynced and renamed, so
an interrupted build never leaves a truncated DOCX or PDF under a real name. Every path a
manifest or state file names is confined to the output folder before it is used.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

from docgen.build.keys import sha256_file
from docgen.diagnostics import os_reason
from docgen.portable import process_umask

MANIFEST = "manifest.json"
STATE_DIR = ".docgen"
STATE_FILE = "state.json"
#: The last successful build's stamp (docgen.build.keys.stamp) and index (docgen.build.delta),
#: each a file of its own: a build that is not up to date removes both when it begins (an
#: interrupted or failed build must never pass for a finished one), cheaply at any size.
STAMP_FILE = "stamp.json"
INDEX_FILE = "index.json"
#: ``docgen render`` keeps no manifest; it records here what it wrote (name → sha256, bytes),
#: so that it overwrites its own files only, and not once they were edited.
RENDERED_FILE = "rendered.json"
LOCK_FILE = "lock"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, fsync and a rename;
    the file gets the permissions the umask gives (a temporary file is created 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~process_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> dict:
    """A JSON object from ``path``; {} when it is missing, unreadable, not an object, or a
    link (the state's files are docgen's own: one planted as a link is never followed)."""
    try:
        if path.is_symlink():
            return {}
        value = json.loads(path.read_text(encoding="utf-8"))
        return value if isinstance(value, dict) else {}
    except (OSError, ValueError):
        return {}


def write_json(path: Path, value: Any, lines: bool = True) -> None:
    """``value`` as :func:`json_text`; without ``lines``, on one line (a file only docgen
    reads, written at C speed)."""
    write_atomic(path, ((json_text(value) if lines else _compact(value)) + "\n").encode())


#: one encoder for every line (json.dumps with options makes a new one per call: a third of the time)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


def json_text(value: Any) -> str:
    """JSON for the manifest and the state: each key of the object on a line of its own, and
    each item of a list (a document of the manifest) or of a large object (the state's files)
    on a line of its own. json's indenting encoder is pure Python: a 20,000-document manifest
    took it a second; this uses its C encoder, line by line, and diffs as readably."""
    if not isinstance(value, dict) or not value:
        return _compact(value)
    lines = []
    for key, item in value.items():
        if isinstance(item, list) and item:
            lines.append(f" {_compact(key)}: [\n  " + ",\n  ".join(map(_compact, item)) + "\n ]")
        elif isinstance(item, dict) and len(item) > 8:
            lines.append(f" {_compact(key)}: {{\n  "
                         + ",\n  ".join(f"{_compact(k)}: {_compact(v)}" for k, v in item.items()) + "\n }")
        else:
            lines.append(f" {_compact(key)}: {_compact(item)}")
    return "{\n" + ",\n".join(lines) + "\n}"


def confined(out_dir: Path, name: Any) -> Path | None:
    """``out_dir / name`` when ``name`` (read from a manifest or state file) is a plain
    relative path that stays inside ``out_dir``, following no symbolic link out of it."""
    if not _relative(name):
        return None
    if _plain(name):
        # a name in the folder itself (every output): inside unless it is a link (one lstat,
        # not a resolution of the whole path per file of a 20,000-file packet)
        path = out_dir / name
        if not path.is_symlink():
            return path
    root = out_dir.resolve()
    path = (out_dir / name).resolve()
    return out_dir / name if path.is_relative_to(root) and path != root else None


def file_matches(path: Path | None, recorded: dict, hashes=None, follow: bool = True) -> bool:
    """``path`` is a regular file holding the bytes ``recorded`` (a manifest entry) says it
    holds. ``hashes``: where files' hashes are known by their stat, so that one (l)stat
    suffices (:class:`docgen.input.cache.InputCache`). Without ``follow`` a link never matches
    (an output that is up to date is the file itself)."""
    if path is None:
        return False
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError:
        return False
    return _holds(path, st, recorded, hashes)


def output_intact(out_dir: Path, recorded: dict, hashes=None, links: bool = True) -> bool:
    """``file_matches(confined(out_dir, recorded["file"]), recorded, hashes)``, in one lstat of
    a string path for a plain name that is no link (every output of a no-op build: at 20,000
    outputs, half a second of Path objects and second stats under the profiler). Without
    ``links`` a link never matches (``follow=False``: an output up to date is the file itself)."""
    name = recorded.get("file")
    if _relative(name) and _plain(name):
        path = os.path.join(out_dir, name)
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISLNK(st.st_mode):
            return _holds(path, st, recorded, hashes)
        if not links:
            return False
    elif not links:
        return file_matches(out_dir / name if _relative(name) else None, recorded, hashes, follow=False)
    return file_matches(confined(out_dir, name), recorded, hashes)


def _relative(name: Any) -> bool:
    """A name a manifest may give a file: a non-empty relative path (``confined`` says where it leads)."""
    return isinstance(name, str) and bool(name) and "\0" not in name and not os.path.isabs(name)


def _plain(name: str) -> bool:
    """A name of a file in the folder itself: no separator, drive or parent."""
    return name not in (".", "..") and _SEPARATOR.search(name) is None


_SEPARATOR = re.compile("[/\\\\:" + re.escape(os.sep) + "]")


def _holds(path, st: os.stat_result, recorded: dict, hashes) -> bool:
    if not stat.S_ISREG(st.st_mode) or st.st_size != recorded.get("bytes"):
        return False
    if hashes is not None:
        return hashes.sha(path, st) == recorded.get("sha256")
    try:
        return sha256_file(path) == recorded.get("sha256")
    except OSError:
        return False


def outputs_of(manifest: dict) -> list[dict]:
    """Every output file a manifest lists (documents' outputs and the combined PDF)."""
    files = [o for d in manifest.get("documents", []) if isinstance(d, dict) for o in d.get("outputs", [])]
    if isinstance(manifest.get("combined"), dict):
        files.append(manifest["combined"])
    return _named(files)


def stale_outputs(manifest: dict) -> list[dict]:
    """The files a manifest keeps as ``stale``: outputs of documents a build with data errors
    no longer planned (a project that could not be read), left in place until the data is
    right (:func:`remove_stale`). They are docgen's own, as its documents' outputs are."""
    stale = manifest.get("stale")
    return _named(stale) if isinstance(stale, list) else []


def _named(files: list) -> list[dict]:
    return [o for o in files if isinstance(o, dict) and isinstance(o.get("file"), str) and o.get("file")]


#: The temporaries :func:`write_atomic` makes (``mkstemp``: eight random characters) of the
#: kinds of file docgen writes; a user's own ``.draft.tmp`` is not one of them.
_TEMPORARY = re.compile(r"^\.(?P<name>.+\.(?:docx|pdf|json|txt))\.[a-z0-9_]{8}\.tmp$")


def remove_stale(out_dir: Path, old_outputs: list[dict], current: set[str], result) -> list[dict]:
    """Remove the outputs of an earlier build that are no longer in the packet, and return
    those kept as not current: all of them while the data has errors (a document may only be
    missing because of them). A file changed by hand is kept (``result.kept``); an entry that
    leads out of the folder (``../x``, an absolute path, a link) is ignored and reported. Only
    files inside ``out_dir`` are ever touched."""
    stale = []
    for o in old_outputs:
        if o["file"] in current:
            continue
        if confined(out_dir, o["file"]) is None:
            result.notes.append(f"{MANIFEST}列出的“{o['file'][:200]}”不在输出目录内，已忽略（不会删除）")
            continue
        stale.append(o)
    if stale and result.has_errors:
        result.notes.append(f"数据有错误，暂不删除{len(stale)}个已不属于公开包的文件")
        return [{**o, "current": False} for o in stale if confined(out_dir, o["file"]).is_file()]
    for o in stale:
        path = confined(out_dir, o["file"])
        if not path.is_file():
            continue
        if file_matches(path, o):
            path.unlink()
            result.removed.append(o["file"])
        else:
            result.kept.append(o["file"])
    return []


def remove_temporaries(out_dir: Path) -> None:
    """Leftovers of an interrupted build are never real outputs: the temporaries docgen made,
    recognised by their exact form, are removed; nothing else is."""
    state = out_dir / STATE_DIR
    # the state's own subfolders: the preflight's records, the packet editions
    for folder in (out_dir, state, state / "checked", state / "editions"):
        if folder.is_symlink() or not folder.is_dir():
            continue
        # names first, a Path only for a temporary: the folder may hold 20,000 outputs
        with os.scandir(folder) as listing:
            found = [entry.path for entry in listing
                     if entry.name.startswith(".") and _TEMPORARY.match(entry.name)
                     and entry.is_file(follow_symlinks=False)]
        for tmp in found:
            try:
                os.unlink(tmp)
            except OSError:
                pass  # gone already, or a folder that cannot be written: the build says so when it writes


class BuildBusy(Exception):
    """Another build is writing to the same output folder."""


class OutputNotWritable(Exception):
    """The output folder (or its state) cannot be written: nothing half-written is left."""

    def __init__(self, out_dir: Path, exc: OSError):
        super().__init__(f"无法写入输出目录{out_dir}：{os_reason(exc)}（{exc.filename or out_dir}）")


class UnsafeOutput(Exception):
    """The output folder's state folder is a link or not a folder: a build will not write
    through it (it could lead anywhere)."""


def check_state_folder(out_dir: Path) -> None:
    """:class:`UnsafeOutput` unless ``out_dir/.docgen`` is absent or a real folder inside it."""
    state = out_dir / STATE_DIR
    if state.is_symlink() or (state.exists() and not state.is_dir()):
        raise UnsafeOutput(f"{state}是链接或不是目录，docgen不会通过它读写；请删除它后重试")


class OutputLock:
    """One build at a time per output folder (a second one is told, not queued). The lock is
    the operating system's (``filelock``: flock on POSIX, msvcrt on Windows) and ends with the
    process, even after kill -9."""

    def __init__(self, out_dir: Path):
        from filelock import FileLock

        self.path = out_dir / STATE_DIR / LOCK_FILE
        self.lock = FileLock(str(self.path), timeout=0)

    def __enter__(self):
        from filelock import Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.lock.acquire()
        except Timeout:
            raise BuildBusy(self.path.parent.parent) from None
        return self

    def __exit__(self, *exc):
        self.lock.release()
