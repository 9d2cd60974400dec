"""Prepared fonts: cached per font file, rebuilt when it changes, covering the samples' text."""

from __future__ import annotations

import os
import shutil

import pytest
from fontTools.ttLib import TTFont

from docgen.input import load_dataset
from docgen.render.fonts import (SUPPLEMENT_SUFFIX, charset, locate, prepare_face, prepared_faces,
                                 prepared_path, supplement_charset)

from conftest import SAMPLES, assert_every_glyph_drawn, sample_characters

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
    faces = prepared_faces()
    assert len(faces) == 8  # four installed faces (serif, serif bold, sans, kai), each as common set and supplement
    for common, supplement in zip(faces[::2], faces[1::2]):
        assert supplement.family == common.family + SUPPLEMENT_SUFFIX and supplement.weight == common.weight
        cmap = TTFont(str(common.path))["cmap"].getBestCmap()
        outside = sorted(c for c in used if ord(c) not in cmap)
        # outside GB 2312: the seed's traditional forms (可持續影响指标, 棧), in the supplement
        assert outside == ["棧", "續"], common.path.name
        extra = TTFont(str(supplement.path))["cmap"].getBestCmap()
        assert all(ord(c) in extra for c in outside) and not set(cmap) & set(extra)
    assert {"沁", "潞", "棠"} <= set(charset())
    assert {"喆", "堃", "玥", "珺"} <= set(supplement_charset()) and not set(charset()) & set(supplement_charset())


def test_no_document_embeds_an_installed_collection(tmp_path):
    """A rare character comes from the prepared supplement, not from the 20 MB collection
    (whose subset would keep an entry for each of its 65,000 glyph ids)."""
    from pypdf import PdfReader

    from docgen.contexts.result_sheet import build_result_sheet
    from docgen.render import PdfRenderer

    data = load_dataset([SAMPLES / "jiyuan-2023"])
    project = data.projects[0].project.model_copy(update={"name": "喆堃玥珺續项目"})
    pdf = PdfRenderer().render("result-sheet", {"sheet": build_result_sheet(project, data.publisher)})
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf)
    names = {str(f.get_object()["/BaseFont"]) for page in PdfReader(str(path)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert any(n.endswith("docgen-Serif-SC-Ext") for n in names), names
    assert all("docgen" in n for n in names), names
    assert_every_glyph_drawn(path)
