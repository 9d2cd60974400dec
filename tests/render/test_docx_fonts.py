"""The DOCX names the official faces and says how to stand in for them (issue 14, defect 9):
the font table gives Word and WPS an alternative name, a PANOSE class, the GB 2312 character
set and a family class for each; the East Asian language is zh-CN throughout; and
docgen/resources/fonts.conf gives fontconfig (LibreOffice on Linux) the same roles."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import pytest

from docgen.resources import fontconfig_aliases

from helpers import Family, Format, render
from conftest import SAMPLES

ROLES = {  # face: (family class, the free face that stands in on Debian)
    "仿宋_GB2312": ("roman", "Noto Serif CJK SC"),
    "方正小标宋简体": ("roman", "Noto Serif CJK SC"),
    "黑体": ("swiss", "Noto Sans CJK SC"),
    "楷体_GB2312": ("script", "AR PL UKai CN"),
}


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    render(Family.SUMMARY_REPORT, [SAMPLES / "shuozhou-edz-2024"], out, Format.DOCX)
    return zipfile.ZipFile(out / "summary-report.docx")


def test_the_font_table_describes_every_official_face(report_docx):
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    table = etree.fromstring(report_docx.read("word/fontTable.xml"))
    fonts = {f.get(f"{w}name"): f for f in table.iter(f"{w}font")}
    for face, (family, _) in ROLES.items():
        entry = fonts[face]
        assert entry.find(f"{w}altName") is not None, face
        assert entry.find(f"{w}charset").get(f"{w}val") == "86", face  # GB 2312
        assert entry.find(f"{w}family").get(f"{w}val") == family, face
        assert len(entry.find(f"{w}panose1").get(f"{w}val")) == 20, face
    document = report_docx.read("word/document.xml").decode() + report_docx.read("word/styles.xml").decode()
    used = {face for face in ROLES if f'w:eastAsia="{face}"' in document}
    assert used >= {"仿宋_GB2312", "黑体"}, used


def test_the_east_asian_language_is_chinese(report_docx):
    for part in ("word/styles.xml", "word/settings.xml"):
        xml = report_docx.read(part).decode()
        assert 'w:eastAsia="zh-CN"' in xml, part
        assert 'w:eastAsia="en-US"' not in xml and 'w:eastAsia="ja-JP"' not in xml, part


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig's fc-match is not installed")
def test_fontconfig_aliases_give_each_role_its_free_face():
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_aliases())}
    for face, (_, free) in ROLES.items():
        found = subprocess.run(["fc-match", "-f", "%{family}", face], env=env, capture_output=True, text=True,
                               check=True).stdout
        assert free in found.split(","), (face, found)
