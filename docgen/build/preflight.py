"""The preflight of a build: every file the build writes is checked (:mod:`docgen.check`) where
it is written, right after it is written, and its findings are kept in the manifest beside the
file's entry (``"preflight"``). A file that is up to date keeps the findings recorded when it
was built: a no-op build checks nothing and still reports them.

* A PDF is checked in the process that wrote it (a worker), as part of its task
  (:func:`check_written_pdf`); what the check saw comes back with the task's result and is
  kept in the build's state folder as the PDF's *record* (by the PDF's hash): its findings,
  each page's folio, whether it prints anything and carries the 草稿 stamp, the tables at the
  head of its first page and the foot of its last (would one run on from or to another
  document?), whether its first page lists 目录 entries, and the entries of its 目录.
* A DOCX is checked in the build's process (:func:`check_written_docx`) once its PDF's check is
  back: its 目录 is compared with the entries that check read, so the PDF is not read again.
* The combined PDF's pages are those of its documents' PDFs (the first document's own, the
  others' packet editions, each checked when it was laid out), and the pages the combining
  adds: the 目录 and blank versos. :func:`check_combined` checks what the combining adds —
  the added pages by every rule, the fonts (one subset per face for the packet, their names),
  tables across the joins, folios through the packet, the 目录 against them, the stamps by the
  packet's bookmarks — and takes the documents' pages' own findings from their records, page
  numbers moved to where the pages are. That is the whole check of the combined PDF because
  combining copies every page's content unchanged and only merges the font subsets, which
  must agree glyph for glyph and width for width (:func:`docgen.render.assemble.share_fonts`):
  a page shows what it showed in its document, where it showed it. Where a record is missing,
  or a table runs on across a join, or a merged font misses a glyph, the combined PDF is
  checked page by page as a file of its own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from docgen.build.keys import sha256_bytes
from docgen.build.state import write_atomic

#: The records of checked PDFs, in the build's state folder.
CHECKED_DIR = "checked"

@dataclass(frozen=True)
class Preflight:
    """Where a task keeps the records of the PDFs it checks: the build's state folder, and the
    salt of their keys (docgen's code and the libraries: a changed rule checks again)."""

    folder: str
    salt: str

    def record_path(self, sha256: str) -> Path:
        """The record of the PDF whose bytes hash to ``sha256``."""
        key = sha256_bytes(f"{sha256}|{self.salt}".encode())[:32]
        return Path(self.folder) / CHECKED_DIR / f"pdf-{key}.json"


def read_record(path: Path | str | None) -> dict | None:
    """A PDF's record, or None when there is none (or it cannot be read)."""
    if path is None:
        return None
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("findings"), list) else None


def write_record(path: Path | str, record: dict) -> None:
    try:
        write_atomic(Path(path), json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
    except OSError:
        pass  # a record saves work later; without it the combined PDF is checked page by page


def _entries(findings) -> list[dict]:
    """Findings as manifest entries ({page, rule, severity, message}): the entry names the file."""
    out = []
    for finding in findings:
        entry = finding.as_dict()
        entry.pop("document", None)
        out.append(entry)
    return out


def failed(exc: BaseException) -> list[dict]:
    """The one finding of a file whose check itself failed: the check never fails the build."""
    return [{"page": None, "rule": "unreadable", "severity": "error",
             "message": f"预检未能完成：{type(exc).__name__}: {exc}"}]


def check_written_pdf(path: str, draft: bool, record: Path | str | None = None, whole: bool = True) -> dict:
    """Check the PDF just written at ``path`` (every page of a draft must carry the stamp, no
    page of another may) and return its record, kept at ``record`` when given. ``whole``
    False: a packet edition, whose pages' own rules are all the combined PDF's check takes
    from it (it checks the fonts, folios, 目录 and stamps of the combined PDF itself)."""
    from docgen.check import check_pdf
    from docgen.check.pdf_pages import read_pdf

    try:
        view = read_pdf(Path(path))
    except Exception:
        view = None  # check_pdf says so
    try:
        pages = set(range(1, len(view.pages) + 1)) if draft and view is not None else set()
        out: dict = {"findings": _entries(check_pdf(Path(path), pages, view=view, whole=whole))}
    except Exception as exc:
        out = {"findings": failed(exc)}
    if view is not None:
        try:
            out.update(_facts(view, whole))
        except Exception:
            pass  # without facts the record serves the findings only
    if record is not None:
        write_record(record, out)
    return out


def _facts(view, whole: bool) -> dict:
    from docgen.check.pdf_folios import contents_entries, lists_entries
    from docgen.check.pdf_tables import table_foot, table_head

    pages = view.pages
    contents = None  # a packet edition's 目录 entries serve no DOCX
    try:
        contents = [e.text for e in contents_entries(pages)] if whole else None
    except Exception:
        pass  # as a DOCX's check that reads the PDF for its 目录 has it
    return {"contents": contents,
            "pages": [[p.folio, int(bool(p.glyphs or p.rules)), int(p.stamped)] for p in pages],
            "joins": [table_head(pages[0]), table_foot(pages[-1])] if pages else [None, None],
            "lists": bool(pages) and lists_entries(pages[0])}


#: A DOCX's PDF was not checked in this build: the DOCX's check reads it.
UNKNOWN = object()


def check_written_docx(path: str, draft: bool, contents=UNKNOWN) -> list[dict]:
    """A DOCX's findings; ``contents``: the 目录 entries of the PDF beside it, as that PDF's
    check read them (None: it has none to compare with), or :data:`UNKNOWN` to read the PDF."""
    from docgen.check import check_docx_file
    from docgen.check.docx import check_docx

    try:
        if contents is UNKNOWN:
            return _entries(check_docx_file(Path(path), draft))
        return _entries(check_docx(Path(path), draft, contents))
    except Exception as exc:
        return failed(exc)


# --------------------------------------------------------------------------- the combined PDF


class _PageByPage(Exception):
    """The combined PDF is checked as a file of its own (see the module docstring)."""


def check_combined(path: str, titles: dict[str, bool], sources: list[tuple[int, Path | None]]) -> list[dict]:
    """The combined PDF's findings. ``titles``: each document's title → built as a draft (the
    pages of drafts must carry the stamp, found by the PDF's bookmarks); ``sources``: each
    document's first page in the combined PDF and the record of the PDF its pages come from."""
    from docgen.check import UNKNOWN as NOT_KNOWN, check_pdf
    from docgen.check.stamps import combined_draft_pages

    name, target = Path(path).name, Path(path)
    try:
        draft_pages: set[int] | str = set()
        if any(titles.values()):
            found = combined_draft_pages(target, titles)
            draft_pages = NOT_KNOWN if found is None else found
        try:
            return _entries(_combined_findings(target, name, draft_pages, sources))
        except Exception as exc:  # _PageByPage, or anything unforeseen: the whole file, as docgen check does
            from docgen.build.tasks import trace

            trace(f"preflight: {name} page by page ({type(exc).__name__}: {exc})")
            if draft_pages is NOT_KNOWN:
                return _entries(check_pdf(target, name=name, stamps=False))
            return _entries(check_pdf(target, draft_pages, name))
    except Exception as exc:
        return failed(exc)


def _combined_findings(path: Path, name: str, draft_pages, sources) -> list:
    from docgen.check import PAGE_RULES, TABLE_RULES, UNKNOWN as NOT_KNOWN, check_page
    from docgen.check.findings import PageFinding, Rule, Severity
    from docgen.check.pdf_folios import check_contents, check_folios, contents_entries
    from docgen.check.pdf_fonts import check_fonts
    from docgen.check.pdf_pages import Glyph, PageView, PdfView, read_pdf
    from docgen.check.pdf_tables import check_tables, joined, table_foot, table_head
    from docgen.check.stamps import check_stamps

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        count = len(document)
    finally:
        document.close()

    # which document each page comes from: owner[n] = (record, its page), None for an added page
    owner: dict[int, tuple[dict, int]] = {}
    records = []
    for first, record_path in sources:
        record = read_record(record_path)
        if record is None or not isinstance(record.get("pages"), list) or not record["pages"]:
            raise _PageByPage()
        records.append((first, record))
        for i in range(len(record["pages"])):
            if first + i in owner or not 1 <= first + i <= count:
                raise _PageByPage()
            owner[first + i] = (record, i + 1)
    runs: list[list[int]] = []  # consecutive pages of one document, or added pages
    for n in range(1, count + 1):
        here = owner.get(n)
        before = owner.get(n - 1) if n > 1 else False
        same = runs and (here is None and before is None
                         or here is not None and before and before[0] is here[0] and before[1] + 1 == here[1])
        if same:
            runs[-1].append(n)
        else:
            runs.append([n])

    # read: the pages the combining added; of the documents' pages, what the rules across
    # pages need comes from their records
    view = read_pdf(path, {n for n in range(1, count + 1) if n not in owner})
    read = {page.number: page for page in view.pages}
    if 1 in owner or not contents_entries([read[1]]):
        raise _PageByPage()  # the 目录 the rules find is the packet's, on the first page
    if len(runs) > 1 and runs[1][0] in owner and owner[runs[1][0]][0].get("lists", True):
        raise _PageByPage()  # a document's first page that would go on with the 目录's entries
    for run, following in zip(runs, runs[1:]):
        foot = table_foot(read[run[-1]]) if run[-1] in read else _join(owner[run[-1]][0], 1)
        head = table_head(read[following[0]]) if following[0] in read else _join(owner[following[0]][0], 0)
        if joined(foot, head):
            raise _PageByPage()  # a table across a join: its header and rows are checked whole
    mark = Glyph("", 0.0, 0.0, 0.0, 0.0, 0.0, "", 0.0)  # "prints something" for the folio rule
    pages = []
    for n in range(1, count + 1):
        if n in read:
            pages.append(read[n])
        else:
            folio, printed, stamped = owner[n][0]["pages"][owner[n][1] - 1]
            pages.append(PageView(n, 0.0, 0.0, glyphs=[mark] if printed else [], stamp_outlines=int(stamped),
                                  folio=folio))

    def moved(record: dict, page: int | None, rules: frozenset) -> list[PageFinding]:
        first = next(f for f, r in records if r is record)
        out = []
        names = {rule.value for rule in rules}
        for f in record["findings"]:
            if f.get("rule") in names and f.get("page") is not None and (page is None or f["page"] == page):
                severity = Severity.ERROR if f.get("severity") == "error" else Severity.WARNING
                out.append(PageFinding(name, first + f["page"] - 1, Rule(f["rule"]), f["message"], severity))
        return out

    # the fonts of the combined PDF itself; where one misses a glyph, the page it is on is
    # found from every page's text: page by page
    findings = check_fonts(name, path, PdfView(path, [], {}, count))
    if any(f.rule is Rule.MISSING_GLYPH for f in findings):
        raise _PageByPage()
    for n in range(1, count + 1):
        if n in owner:
            findings += moved(owner[n][0], owner[n][1], PAGE_RULES)
        else:
            findings += check_page(name, read[n])
    for run in runs:
        if run[0] in owner:
            if owner[run[0]][1] == 1 and owner[run[-1]][1] == len(owner[run[0]][0]["pages"]):
                findings += moved(owner[run[0]][0], None, TABLE_RULES)
            else:
                raise _PageByPage()  # a document in pieces: not what combine_pdfs makes
        else:
            findings += check_tables(name, [read[n] for n in run])
    findings += check_folios(name, pages)
    findings += check_contents(name, pages)
    if draft_pages is not NOT_KNOWN:
        findings += check_stamps(name, pages, draft_pages)
    return findings


def count(findings: dict[str, list[dict]]) -> tuple[int, int]:
    """(errors, warnings) over every file's findings."""
    errors = sum(1 for fs in findings.values() for f in fs if f.get("severity") == "error")
    warnings = sum(1 for fs in findings.values() for f in fs if f.get("severity") != "error")
    return errors, warnings


def _join(record: dict, end: int):
    """The table at the head (``end`` 0) of a document's first page or the foot (1) of its last,
    as its record keeps it; unknown (an older record): as if a table were there, to be safe."""
    joins = record.get("joins")
    if not isinstance(joins, list) or len(joins) != 2:
        raise _PageByPage()
    return joins[end]
