"""Charts drawn by matplotlib (docgen/render/charts.py): SVG whose text stays text, PNG at 300
dpi, both byte-stable and independent of matplotlib's global settings; matplotlib is loaded
only by a document that has a chart."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from docgen.contexts.charts import build_charts
from docgen.models import ChartKind, EvaluatedProject
from docgen.render import charts

from conftest import ROOT

PROJECTS = [EvaluatedProject(name=f"项目{i}", score=s)
            for i, s in enumerate(["97.5", "94", "85", "85", "72.3", "59.99", "80", "88.1"])]


@pytest.fixture(scope="module")
def drawn():
    grades, scores = build_charts([ChartKind.GRADES, ChartKind.SCORES], PROJECTS)
    return grades, scores


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)


def test_the_svg_keeps_its_labels_and_counts_as_text_in_the_documents_serif(drawn):
    grades, scores = drawn
    svg = charts.svg(grades)
    texts = _texts(svg)
    for text in ["优", "良", "中", "差", "评价等级", "项目数（个）", "2", "4", "1"]:
        assert text in texts
    assert "<path" in svg and "glyph" not in svg  # bars as paths, letters as text (no outlines)
    assert re.search(r"font-family: 'docgen Serif SC', 'docgen Serif SC Ext', 'Noto Serif CJK SC'", svg)
    assert svg.startswith('<svg role="img" aria-label="评价等级分布：优2个、良4个、中1个、差1个"')
    assert "<?xml" not in svg and "<metadata" not in svg and "Matplotlib" not in svg
    assert 'width="396pt" height="180pt"' in svg  # 139.7 × 63.5 mm
    assert "60～69.99" in _texts(charts.svg(scores))


def test_the_png_is_at_print_resolution_and_names_no_software(drawn):
    from PIL import Image

    data = charts.png(drawn[0])
    image = Image.open(io.BytesIO(data))
    assert image.size == (1650, 750)  # 139.7 × 63.5 mm at 300 dpi
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    assert b"atplotlib" not in data and b"Software" not in data


def test_the_same_chart_gives_the_same_bytes_whatever_matplotlibs_settings(drawn):
    import matplotlib

    chart = drawn[1]
    svg, png = charts.svg(chart), charts.png(chart)
    odd = {"svg.fonttype": "path", "svg.hashsalt": "x", "font.size": 30, "axes.edgecolor": "red",
           "savefig.bbox": "tight", "savefig.dpi": 72, "lines.linewidth": 9, "axes.prop_cycle":
           matplotlib.cycler(color=["#ff0000"])}
    with matplotlib.rc_context(odd):  # what a user's matplotlibrc could say
        assert charts.svg(chart) == svg and charts.png(chart) == png
        assert matplotlib.rcParams["svg.fonttype"] == "path"  # and theirs are left as they were
    assert charts.svg(chart) == svg


def test_long_band_labels_break_after_the_tilde():
    assert charts._label("85.5～89.99", 12) == "85.5～\n89.99"
    assert charts._label("60～69.99", 30) == "60～69.99"
    assert charts._label("60分以下", 5) == "60分以下"


def test_a_build_without_charts_never_loads_matplotlib(tmp_path):
    """Importing matplotlib costs about half a second: only a document with a chart pays it."""
    script = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / 'tests')!r})
from summary_batch import write_batch
from helpers import Family, Format, render
folder = Path({str(tmp_path)!r})
write_batch(folder)
report = render(Family.SUMMARY_REPORT, [folder], folder / "out", Format.ALL)
assert len(report.written) == 2, report.written
print("matplotlib" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"
