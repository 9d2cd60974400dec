"""The build's use of the loader's cache (:mod:`docgen.input.cache`): where it lives in the
output folder's state, and which code it belongs to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docgen.build import keys
from docgen.build.state import STATE_DIR
from docgen.input.cache import InputCache

INPUTS_FILE = "inputs.sqlite"


def open_input_cache(out_dir: Path, fresh: bool = False) -> InputCache | None:
    """The cache of ``out_dir``'s builds; None where it cannot be kept (a folder that cannot
    be written: the build then reads every file). ``fresh`` (``--force``): begin it anew."""
    state = out_dir / STATE_DIR
    fingerprint = keys.hash_json([keys.code_fingerprint(), list(keys.distribution_versions())])
    path = state / INPUTS_FILE
    try:
        state.mkdir(exist_ok=True)
        # SQLite follows links: a link planted under its names would lead it out of the folder
        for name in (path, *(path.with_name(path.name + tail) for tail in ("-journal", "-wal", "-shm"))):
            if name.is_symlink() or (name.exists() and not name.is_file()):
                return None
        try:
            return InputCache(path, fingerprint, fresh=fresh)
        except sqlite3.DatabaseError:  # damaged (a crash of the disk, a copy cut short): begin again
            path.unlink()
            return InputCache(path, fingerprint, fresh=True)
    except (OSError, sqlite3.Error):
        return None


def close_input_cache(cache: InputCache, collect: bool = False) -> None:
    """Keep what this build added (``collect``: it read the whole data set, see
    :meth:`InputCache.close`); a cache that cannot be written is only a slower next build."""
    try:
        cache.close(collect)
    except (OSError, sqlite3.Error):
        pass


def store_input_cache(cache: InputCache) -> None:
    """Store what the build read so far (:meth:`InputCache.store`); a cache that cannot be
    written only means reading those files again."""
    try:
        cache.store()
    except (OSError, sqlite3.Error):
        pass
