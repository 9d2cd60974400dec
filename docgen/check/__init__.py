"""The preflight (``docgen check``): built PDFs and DOCX inspected for what a reader would
see wrong, reported per document and page in Chinese.

One module a concern:

* :mod:`~docgen.check.findings` — :class:`PageFinding` (document, page, :class:`Rule`,
  severity, message) and :class:`CheckReport`;
* :mod:`~docgen.check.pdf_pages` — a PDF read once (pypdfium2): glyph boxes, rules, lines,
  folios, the stamp, links;
* :mod:`~docgen.check.pdf_geometry` — text inside the page, out of the margins, inside its
  cell, not overprinted;
* :mod:`~docgen.check.pdf_fonts` — fonts embedded, no .notdef or empty glyphs, subset names;
* :mod:`~docgen.check.pdf_tables` — rows across page breaks, repeated headers, merged cells;
* :mod:`~docgen.check.pdf_folios` — folios continuous, 目录 numbers as printed;
* :mod:`~docgen.check.stamps` — the 草稿 stamp; :mod:`~docgen.check.headings` — title breaks;
* :mod:`~docgen.check.docx` — tags, East Asian fonts, 目录, the 草稿 header line.

:func:`check_document` is what a build calls for each file it writes; :func:`check_paths` is
the command's: files, or output folders (every PDF and DOCX in them, ``.docgen`` left out).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from docgen.check.findings import CheckReport, PageFinding, Rule, Severity

__all__ = ["CheckReport", "PAGE_RULES", "PageFinding", "Rule", "Severity", "TABLE_RULES", "check_document",
           "check_docx_file", "check_page", "check_paths", "check_pdf"]

#: The build's record of what it wrote (docgen.build.state.MANIFEST; read here, not imported:
#: the build calls the preflight, not the other way round).
MANIFEST = "manifest.json"
#: A combined PDF whose draft documents' pages could not be told apart: stamps not checked.
UNKNOWN = "unknown"


#: The rules of one page alone (:func:`check_page`), and of tables running from page to page.
PAGE_RULES = frozenset({Rule.TEXT_CLIPPED, Rule.TEXT_IN_MARGIN, Rule.CELL_RULE_CROSSED, Rule.OVERPRINT,
                        Rule.HEADING_BROKEN_IN_WORD})
TABLE_RULES = frozenset({Rule.ROW_SPLIT, Rule.HEADER_NOT_REPEATED, Rule.MERGED_CELL_BLANK})


def check_page(document: str, page) -> list[PageFinding]:
    """The rules of one page alone (its findings' rules are :data:`PAGE_RULES`)."""
    from docgen.check.headings import check_headings
    from docgen.check.pdf_geometry import check_geometry

    return check_geometry(document, page) + check_headings(document, page)


def check_pdf(path: Path, draft_pages: set[int] | None = None, name: str | None = None,
              stamps: bool = True, view=None, whole: bool = True) -> list[PageFinding]:
    """Every PDF rule over ``path``. ``draft_pages``: the pages that must carry the 草稿 stamp
    (None: page 1 decides for all); ``stamps`` False: which pages must is not known, the
    stamp is not checked. ``name``: the document as findings name it (the file's name).
    ``view``: the file as :func:`~docgen.check.pdf_pages.read_pdf` read it already.
    ``whole`` False: only the rules of each page and of tables (:data:`PAGE_RULES`,
    :data:`TABLE_RULES`), for pages that go into a file whose check applies the others."""
    from docgen.check.pdf_folios import check_contents, check_folios
    from docgen.check.pdf_fonts import check_fonts
    from docgen.check.pdf_tables import check_tables
    from docgen.check.stamps import check_stamps

    name = name or path.name
    try:
        view = view or _read_pdf(path)
    except Exception as exc:
        return [PageFinding(name, None, Rule.UNREADABLE, f"无法作为PDF读取：{type(exc).__name__}: {exc}")]
    findings = check_fonts(name, path, view) if whole else []
    for page in view.pages:
        findings += check_page(name, page)
    findings += check_tables(name, view.pages)
    if not whole:
        return findings
    findings += check_folios(name, view.pages)
    findings += check_contents(name, view.pages)
    if stamps:
        findings += check_stamps(name, view.pages, draft_pages)
    return findings


def check_docx_file(path: Path, draft: bool | None = None, name: str | None = None) -> list[PageFinding]:
    """Every DOCX rule over ``path``; its 目录 is compared with the PDF of the same name
    beside it, when there is one."""
    from docgen.check.docx import check_docx
    from docgen.check.pdf_folios import contents_entries

    pdf = path.with_suffix(".pdf")
    entries = None
    if pdf.is_file():
        try:
            entries = [e.text for e in contents_entries(_read_pdf(pdf).pages)]
        except Exception:
            entries = None  # the PDF's own check reports it
    findings = check_docx(path, draft, entries)
    return [f if name is None else PageFinding(name, f.page, f.rule, f.message, f.severity) for f in findings]


_last_read: list = []  # [(key, PdfView)]: the DOCX and the PDF of one document share a reading


def _read_pdf(path: Path):
    """:func:`~docgen.check.pdf_pages.read_pdf`, remembering the last file read (by path,
    size and modification time): a document's DOCX compares its 目录 with the PDF's."""
    from docgen.check.pdf_pages import read_pdf

    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if _last_read and _last_read[0][0] == key:
        return _last_read[0][1]
    view = read_pdf(path)
    _last_read[:] = [(key, view)]
    return view


def check_document(path: Path, name: str | None = None) -> list[PageFinding]:
    """The findings for one built file (PDF or DOCX), with what the ``manifest.json`` beside
    it says about drafts. Cheap enough for a build to call on every file it writes.
    ``name``: the document as the findings name it (default: the file's name)."""
    path = Path(path)
    expected = _expected_drafts(path.parent)
    if path.suffix.lower() == ".docx":
        return check_docx_file(path, expected.get(path.name), name)
    draft = expected.get(path.name)
    pages = expected.get(("pages", path.name))
    if pages == UNKNOWN:
        return check_pdf(path, name=name, stamps=False)
    if pages is None and draft is not None:
        pages = _all_pages(path) if draft else set()
    return check_pdf(path, pages, name)


def _all_pages(path: Path) -> set[int] | None:
    from pypdf import PdfReader

    try:
        return set(range(1, len(PdfReader(str(path)).pages) + 1))
    except Exception:
        return None  # the PDF check reports the file


def check_paths(paths: list[Path]) -> CheckReport:
    """Every PDF and DOCX in ``paths`` (files, or folders whose files are taken one level
    deep, the build's ``.docgen`` state left out), each checked by :func:`check_document`."""
    report = CheckReport()
    for path in _documents(paths):
        start = time.perf_counter()
        report.findings += check_document(path, str(path))
        report.documents.append(str(path))
        report.seconds[str(path)] = time.perf_counter() - start
    return report


def _documents(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.iterdir()
                          if p.is_file() and p.suffix.lower() in (".pdf", ".docx") and not p.name.startswith("."))
        else:
            out.append(path)
    return out


def _expected_drafts(folder: Path) -> dict:
    """From ``folder/manifest.json``: output file → built as a draft; for the combined PDF,
    ("pages", file) → the pages of its draft documents. {} without a readable manifest."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict):
        return {}
    out: dict = {}
    titles: dict[str, bool] = {}
    for document in manifest.get("documents") or []:
        if not isinstance(document, dict):
            continue
        draft = bool(document.get("draft"))
        if isinstance(document.get("title"), str):
            titles[document["title"]] = draft
        for output in document.get("outputs") or []:
            if isinstance(output, dict) and isinstance(output.get("file"), str):
                out[output["file"]] = draft
    combined = manifest.get("combined")
    if isinstance(combined, dict) and isinstance(combined.get("file"), str):
        name = combined["file"]
        if not any(titles.values()):
            out[name] = False
        elif (folder / name).is_file():
            from docgen.check.stamps import combined_draft_pages

            pages = combined_draft_pages(folder / name, titles)
            out[("pages", name)] = UNKNOWN if pages is None else pages
    return out
