"""A table laid out as its columns declare (:class:`~docgen.models.layout.TableColumn`):
multi-level header, cells as printed, merges of equal neighbours, the 合计 row and the
columns' widths. Format-neutral: the HTML macro (``templates/macros/table.html``) and the
DOCX filter (``docx_table``) draw the same tree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from docgen.models.layout import Align, CustomField, FieldType, TableColumn
from docgen.models.project import UNPUBLISHED
from docgen.rules.columns import AMOUNT_FIELDS, NUMBER, PERCENT_FIELDS, column_total, column_values, printed
from docgen.rules.formatting import text_width
from docgen.models import GradeBands, Ordering
from docgen.rules import effective_grade
from docgen.rules.summary import fill_down, merge_spans, order_rows

#: Characters a cell's padding and rules take, and the longest line a column is widened for.
CELL_CHARS = Decimal("0.75")
LONGEST_LINE = 10


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Cell:
    text: str  # paragraphs separated by newlines
    align: str  # left, center, right
    #: rows the cell covers: 1 a plain cell, n > 1 the first of a merge, 0 covered by the one above
    span: int = 1
    merge: bool = False  # the column merges (a covered cell continues the merge in Word)

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")


@dataclass(frozen=True)
class TableDoc:
    header_rows: list[list[HeaderCell]]
    rows: list[list[Cell]]
    #: the 合计 row: a label cell spanning the columns before the first summed one, then a cell
    #: per remaining column; empty when no column is summed
    total: list[HeaderCell]
    total_cells: list[Cell]
    widths_mm: list[float]
    widths_pct: list[float]
    #: under the table: which rows a summed column leaves out because their figure is 未公开
    notes: list[str] = field(default_factory=list)


def header_rows(columns: Sequence[TableColumn]) -> list[list[HeaderCell]]:
    """The header as rows of cells: a level that neighbouring columns share is one cell across
    them; a column whose header has fewer levels than the deepest spans the rows below."""
    depth = max(len(c.header) for c in columns)
    rows: list[list[HeaderCell]] = []
    for level in range(depth):
        row, i = [], 0
        while i < len(columns):
            path = columns[i].header
            if len(path) <= level:  # covered by a cell above that spans down
                i += 1
                continue
            j = i + 1
            if level < len(path) - 1:  # an upper level: shared with the neighbours that have it too
                while j < len(columns) and len(columns[j].header) > level + 1 \
                        and columns[j].header[:level + 1] == path[:level + 1]:
                    j += 1
            rowspan = depth - level if level == len(path) - 1 else 1
            row.append(HeaderCell(path[level], j - i, rowspan))
            i = j
        rows.append(row)
    return rows


def _align(column: TableColumn, kind: FieldType | None) -> str:
    if column.align is not None:
        return column.align.value
    if column.field in AMOUNT_FIELDS | PERCENT_FIELDS or kind in (FieldType.AMOUNT, FieldType.PERCENT):
        return Align.RIGHT.value
    if column.field in (NUMBER, "score", "grade", "result", "evaluation_year") or kind is FieldType.DATE:
        return Align.CENTER.value
    return Align.LEFT.value


def _widths(columns: Sequence[TableColumn], texts: Sequence[Sequence[str]], figures: Sequence[bool],
            table_mm: float, size_pt: float) -> list[float]:
    """Declared widths as declared. The others: a figure column (amounts, scores, numbers) gets
    its longest figure on one line and its header on at most three; a text column at least two
    characters, and wants its longest text on lines of up to :data:`LONGEST_LINE`. What is left
    after the needs goes to the text columns in proportion to what they want more."""
    char_mm = Decimal(str(size_pt)) * Decimal("25.4") / 72
    needs, wants = [], []
    for column, cells, figure in zip(columns, texts, figures):
        longest = max([Decimal(0), *(text_width(line) for t in cells for line in t.split("\n"))])
        header = max(text_width(h) for h in column.header)
        if figure:  # a figure's digits and signs are set a little wider than text_width's half
            need = max(longest * Decimal("1.15"), math.ceil(header / 3), Decimal(2))
            want = need
        else:
            need = Decimal(2)
            want = max(need, min(Decimal(LONGEST_LINE), max(longest, math.ceil(header / 2))))
        needs.append((need + CELL_CHARS) * char_mm)
        wants.append((want + CELL_CHARS) * char_mm)
    free = [c.width is None for c in columns]
    room = Decimal(str(table_mm)) - sum((Decimal(str(c.width)) for c in columns if c.width is not None), Decimal(0))
    wanted = sum((w for w, f in zip(wants, free) if f), Decimal(0))
    needed = sum((n for n, f in zip(needs, free) if f), Decimal(0))
    if wanted <= room:  # everything fits: widen in proportion
        scale = room / wanted if wanted else Decimal(1)
        sizes = [w * scale for w in wants]
    else:
        extra = sum((w - n for w, n, f in zip(wants, needs, free) if f), Decimal(0))
        share = max(room - needed, Decimal(0)) / extra if extra else Decimal(0)
        sizes = [n + (w - n) * share for w, n in zip(wants, needs)]
    return [float(round(Decimal(str(c.width)) if c.width is not None else size, 2))
            for c, size in zip(columns, sizes)]


def build_table(columns: Sequence[TableColumn], projects: Sequence[Any], numbers: Sequence[str],
                grade: Callable[[Any], Any], custom: Sequence[CustomField] = (),
                table_mm: float = 156, size_pt: float = 12, total_label: str = "合计",
                overrides: dict[str, list] | None = None) -> TableDoc:
    """The table of ``projects`` (in print order; ``numbers`` their 序号 or 排名) by ``columns``;
    ``overrides`` gives a field's values where the family derives them (an agency filled down)."""
    kinds = {f.key: f.type for f in custom}
    overrides = overrides or {}
    values = [overrides[c.field] if c.field in overrides else column_values(c, projects, grade, numbers)
              for c in columns]
    texts = [printed(c, v, kinds.get(c.field)) for c, v in zip(columns, values)]
    spans = [merge_spans(t) if c.merge else [1] * len(projects) for c, t in zip(columns, texts)]
    aligns = [_align(c, kinds.get(c.field)) for c in columns]
    rows = [[Cell(texts[k][i], aligns[k], spans[k][i], columns[k].merge) for k in range(len(columns))]
            for i in range(len(projects))]
    total, total_cells = [], []
    summed = [k for k, c in enumerate(columns) if c.sum]
    if summed and projects:
        first = max(summed[0], 1)
        total = [HeaderCell(total_label, first)]
        total_cells = [Cell(column_total(c, values[k]) if c.sum else "", aligns[k])
                       for k, c in enumerate(columns) if k >= first]
    figures = [c.field in AMOUNT_FIELDS | PERCENT_FIELDS or c.field in (NUMBER, "score", "grade", "result", "evaluation_year")
               or kinds.get(c.field) in (FieldType.AMOUNT, FieldType.PERCENT, FieldType.DATE) for c in columns]
    notes = []
    for k in summed:
        left_out = [numbers[i] for i, t in enumerate(texts[k]) if t == UNPUBLISHED]
        if left_out:
            notes.append(f"注：序号{'、'.join(left_out)}的{columns[k].header[-1]}{UNPUBLISHED}，未计入{total_label}。")
    widths = _widths(columns, texts, figures, table_mm, size_pt)
    whole = sum(widths) or 1
    percents = [round(w / whole * 100, 2) for w in widths]
    return TableDoc(header_rows(columns), rows, total, total_cells, widths, percents, notes)


def declared_table(columns: Sequence[TableColumn], projects: Sequence[Any], ordering: Ordering,
                   bands: GradeBands | None, custom: Sequence[CustomField] = (), **layout: Any) -> TableDoc:
    """A summary table by its declared columns, rows in the family's order (:func:`order_rows`):
    numbered by rank when ranked (an unscored row, last, by its position), else 1, 2, 3; an empty 评价机构
    continues the one above it, as in the default layouts. ``layout``: ``table_mm``, ``size_pt``."""
    agencies = dict(zip(map(id, projects), fill_down([p.agency for p in projects])))
    grade = lambda p: effective_grade(p, bands)  # noqa: E731
    ordered = order_rows(projects, ordering, lambda p: p.score, grade, lambda p: agencies[id(p)])
    items = [p for p, _ in ordered]
    numbers = [str(rank if rank is not None else i) for i, (_, rank) in enumerate(ordered, start=1)]
    return build_table(columns, items, numbers, grade, custom,
                       overrides={"agency": [agencies[id(p)] for p in items]}, **layout)
