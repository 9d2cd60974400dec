"""What the preflight reports: one :class:`PageFinding` per problem, on a page of a document
(or on the document as a whole), and the :class:`CheckReport` of a run. Pure data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from docgen.diagnostics import Severity

__all__ = ["CheckReport", "PageFinding", "Rule", "Severity"]


class Rule(str, Enum):
    """Every rule the preflight applies; the value is the name scripts read (``--json``)."""

    TEXT_CLIPPED = "text-clipped"  # a glyph outside the page box: cut off
    TEXT_IN_MARGIN = "text-in-margin"  # a glyph inside the page but in its margin
    CELL_RULE_CROSSED = "cell-rule-crossed"  # a glyph across a table rule
    OVERPRINT = "overprint"  # two glyphs printed over each other
    FONT_NOT_EMBEDDED = "font-not-embedded"
    MISSING_GLYPH = "missing-glyph"  # .notdef, an empty glyph, or no Unicode for a glyph
    SUBSET_NAME_REUSED = "subset-name-reused"  # one subset name, different font programs
    ROW_SPLIT = "row-split"  # a table row whose cells land on different pages
    HEADER_NOT_REPEATED = "header-not-repeated"
    MERGED_CELL_BLANK = "merged-cell-blank"  # a merged cell's continuation shows no text
    FOLIO_BROKEN = "folio-broken"  # folios not continuous, or a page without one
    CONTENTS_PAGE_WRONG = "contents-page-wrong"  # a 目录 number that is not the printed folio
    DRAFT_STAMP_MISSING = "draft-stamp-missing"
    DRAFT_STAMP_UNEXPECTED = "draft-stamp-unexpected"
    HEADING_BROKEN_IN_WORD = "heading-broken-in-word"
    DOCX_LEFTOVER_TAG = "docx-leftover-tag"
    DOCX_FONT_UNNAMED = "docx-font-unnamed"  # Chinese text without a w:eastAsia font
    DOCX_CONTENTS_MISSING = "docx-contents-missing"  # a PDF 目录 entry the DOCX's 目录 lacks
    UNREADABLE = "unreadable"  # the file could not be opened as what its name says


@dataclass(frozen=True)
class PageFinding:
    """One problem: ``document`` is the file name as given, ``page`` the physical page
    (1-based) or None for the document as a whole; ``message`` is Chinese and names what was
    found, with its measure and text, e.g. ``文字超出页面右边界（x=658pt，页宽595pt）：“1,098.45”``."""

    document: str
    page: int | None
    rule: Rule
    message: str
    severity: Severity = Severity.ERROR

    def where(self) -> str:
        return "全文" if self.page is None else f"第{self.page}页"

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "警告: "
        return f"{self.where()}：{prefix}{self.message}"

    def as_dict(self) -> dict:
        return {"document": self.document, "page": self.page, "rule": self.rule.value,
                "severity": "error" if self.severity is Severity.ERROR else "warning",
                "message": self.message}


@dataclass
class CheckReport:
    """The findings of a run over several documents, and which documents were checked."""

    documents: list[str] = field(default_factory=list)
    findings: list[PageFinding] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per document

    @property
    def errors(self) -> list[PageFinding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[PageFinding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def of(self, document: str) -> list[PageFinding]:
        """The findings of one document, by page (document-wide ones first)."""
        return sorted((f for f in self.findings if f.document == document),
                      key=lambda f: (f.page or 0, f.rule.value))

    def as_dict(self) -> dict:
        return {"documents": self.documents, "errors": len(self.errors), "warnings": len(self.warnings),
                "findings": [f.as_dict() for f in self.findings],
                "seconds": {k: round(v, 3) for k, v in self.seconds.items()}}
