"""The output folder's bookkeeping (docgen.build.state): which recorded outputs are intact."""

from __future__ import annotations

import hashlib

import pytest

from docgen.build.state import confined, file_matches, output_intact
from docgen.input.cache import InputCache


def _record(name: str, data: bytes) -> dict:
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}


@pytest.mark.parametrize("with_cache", [False, True])
def test_output_intact_says_what_confined_and_file_matches_say(tmp_path, with_cache):
    """The no-op build's one-lstat check of each output agrees with the general one in every
    case: a file as recorded, edited, resized, missing, a link inside the folder and one out of
    it, a name that climbs out, a folder in the file's place."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    data = b"%PDF-1.7 sheet"
    (out / "a.pdf").write_bytes(data)
    (out / "edited.pdf").write_bytes(b"%PDF-1.7 shee!")
    (out / "short.pdf").write_bytes(b"%PDF")
    (out / "inner.pdf").symlink_to(out / "a.pdf")
    (elsewhere / "x.pdf").write_bytes(data)
    (out / "outer.pdf").symlink_to(elsewhere / "x.pdf")
    (out / "folder.pdf").mkdir()
    names = {"a.pdf": True, "edited.pdf": False, "short.pdf": False, "missing.pdf": False,
             "inner.pdf": True, "outer.pdf": False, "../elsewhere/x.pdf": False, "folder.pdf": False,
             "": False, ".": False}
    cache = InputCache(tmp_path / "cache.sqlite", "code") if with_cache else None
    for name, expected in names.items():
        recorded = _record(name, data)
        general = file_matches(confined(out, name), recorded, cache)
        assert (output_intact(out, recorded, cache), general) == (expected, expected), name
    assert output_intact(out, {"file": None}) is False
