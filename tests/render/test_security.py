"""WeasyPrint may read only files inside the template set."""

from __future__ import annotations

import pytest
from weasyprint.urls import FatalURLFetchingError

from docgen.render import PdfRenderer, TemplateSet
from docgen.render.environment import BUILTIN_TEMPLATES
from docgen.render.pdf import make_url_fetcher


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.invalid/x.png",
        "data:text/css,body{color:red}",
        (BUILTIN_TEMPLATES / ".." / "pyproject.toml").as_uri(),
    ],
)
def test_fetcher_refuses_everything_outside_the_template_set(url):
    with pytest.raises(FatalURLFetchingError, match="拒绝加载"):
        make_url_fetcher(BUILTIN_TEMPLATES).fetch(url)


def test_fetcher_serves_the_template_sets_own_css():
    response = make_url_fetcher(BUILTIN_TEMPLATES).fetch((BUILTIN_TEMPLATES / "css" / "official.css").as_uri())
    assert b"@page" in response.read()


def test_a_template_that_reaches_outside_is_stopped(tmp_path):
    (tmp_path / "evil.html").write_text('<img src="file:///etc/passwd"><p>x</p>', encoding="utf-8")
    with pytest.raises(FatalURLFetchingError):
        PdfRenderer(TemplateSet(tmp_path)).render("evil", {})
