"""Prepared fonts: cached per font file, rebuilt when it changes, covering the samples' text."""

from __future__ import annotations

import os
import shutil

import pytest
from fontTools.ttLib import TTFont

from docgen.loading import load_dataset
from docgen.render.fonts import charset, locate, prepare_face, prepared_faces, prepared_path

from conftest import SAMPLES, sample_characters

SERIF = locate("Noto Serif CJK SC:style=Regular")
pytestmark = pytest.mark.skipif(SERIF is None, reason="Noto CJK fonts not installed")


def test_cache_is_rebuilt_when_the_font_file_changes(tmp_path):
    source = tmp_path / "font.ttc"
    shutil.copyfile(SERIF[0], source)
    first = prepare_face(source, SERIF[1], "财政预算", tmp_path / "cache")
    assert first.is_file() and prepare_face(source, SERIF[1], "财政预算", tmp_path / "cache") == first
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = prepared_path(source, SERIF[1], "财政预算", tmp_path / "cache")
    assert second != first and not second.exists()
    assert prepare_face(source, SERIF[1], "财政预算", tmp_path / "cache") == second and second.is_file()
    cmap = TTFont(str(second))["cmap"].getBestCmap()
    assert {ord(c) for c in "财政预算"} <= set(cmap)
    assert ord("绩") not in cmap  # reduced to what was asked for


def test_prepared_set_covers_every_character_of_the_samples():
    used = set()
    for folder in SAMPLES.iterdir():
        used |= sample_characters(folder)
    used -= {"\n", "\t"}
    installed = TTFont(str(SERIF[0]), fontNumber=SERIF[1], lazy=True)["cmap"].getBestCmap()
    for face in prepared_faces():
        cmap = TTFont(str(face.path))["cmap"].getBestCmap()
        fallback = sorted(c for c in used if ord(c) not in cmap)
        # outside GB 2312: the seed's traditional forms (可持續影响指标, 棧); Pango takes them
        # glyph by glyph from the installed face, which must have them
        assert fallback == ["棧", "續"], face.path.name
        assert all(ord(c) in installed for c in fallback)
    assert {"沁", "潞", "棠"} <= set(charset())
