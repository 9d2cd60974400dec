"""Crafted documents for the preflight: small PDFs laid out by docgen's own renderer from
inline HTML (the built-in template set's CSS and fonts), and the samples built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SAMPLES

#: HTML around a body: the built-in official.css (fonts, the 草稿 stamp's style), a folio.
PAGE = ('<html lang="zh-CN"><head><meta charset="utf-8"><link rel="stylesheet" href="css/official.css">'
        '<style>@page {{ @bottom-center {{ content: "— " counter(page) " —"; font-size: 14pt; }} }}'
        'table {{ border-collapse: collapse; font-size: 12pt; }} td, th {{ border: 0.75pt solid #000; padding: 2pt 4pt; }}'
        'th {{ font-family: "docgen Sans SC"; font-weight: normal; }} {style}</style></head><body>{body}</body></html>')


@pytest.fixture(scope="session")
def renderer():
    from docgen.render.pdf import PdfRenderer

    return PdfRenderer()


@pytest.fixture
def make_pdf(renderer, tmp_path):
    """``make_pdf(body, style="", name="doc")`` → the path of a PDF of that HTML body."""
    def make(body: str, style: str = "", name: str = "doc", html: str | None = None) -> Path:
        data, _, _ = renderer.write(html or PAGE.format(style=style, body=body))
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        return path
    return make


@pytest.fixture(scope="session")
def sample_outputs(tmp_path_factory) -> dict[str, Path]:
    """Every sample packet built (one process: the machine is shared) into its own folder."""
    from docgen.build import build_packet

    root = tmp_path_factory.mktemp("samples")
    out = {}
    for packet in sorted(SAMPLES.glob("*/packet.yaml")):
        name = packet.parent.name
        build_packet(packet, root / name, jobs=1)
        out[name] = root / name
    return out
