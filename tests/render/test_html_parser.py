"""The mended cache of tinyhtml5's text patterns (docgen.render.compat.tinyhtml5.RegexCache): the same tree,
and a pattern compiled once per character set instead of once per text run."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import tinyhtml5
import tinyhtml5.inputstream as stream

from docgen.render.compat.tinyhtml5 import RegexCache, mend_html_parser

HTML = ("<!DOCTYPE html><html lang='zh-CN'><body><p class=a title=\"x&amp;y\">预算 &lt;1&gt; a\x00b</p>"
        "<table><tr><td data-x='1'>1,234.56</td><td>—</td></tr></table><!-- c --><pre>\n x</pre></body></html>")


def test_same_tree_and_patterns_cached_under_their_keys(monkeypatch):
    monkeypatch.setattr(stream, "characters_until_regex", {})
    before = ET.tostring(tinyhtml5.parse(HTML))
    mend_html_parser()
    assert isinstance(stream.characters_until_regex, RegexCache)
    assert ET.tostring(tinyhtml5.parse(HTML * 3)) != before  # (a different document)
    assert ET.tostring(tinyhtml5.parse(HTML)) == before
    keys = list(stream.characters_until_regex)
    assert keys and all(isinstance(k, tuple) and not hasattr(k[0], "pattern") for k in keys)
    size = len(stream.characters_until_regex)
    tinyhtml5.parse(HTML * 50)
    assert len(stream.characters_until_regex) == size
