"""Building blocks shared by the document trees."""

from __future__ import annotations

from dataclasses import dataclass, field

from docgen.rules import Numbering, number_label


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, optionally numbered (``number`` is the label: ``1.``, ``（一）``…)."""

    text: str
    number: str = ""

    @property
    def full(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Section:
    """A labelled block of paragraphs, e.g. the 项目概况 row of a result sheet."""

    label: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class Heading:
    """A numbered heading with its paragraphs and subheadings: ``一、评价方式``, ``（一）…``."""

    label: str
    text: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list["Heading"] = field(default_factory=list)


def plain(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(t) for t in texts]


def numbered(texts: list[str], style: Numbering = Numbering.ARABIC) -> list[Paragraph]:
    """``["甲", "乙"]`` → paragraphs ``1.甲``, ``2.乙``."""
    return [Paragraph(t, number_label(i, style)) for i, t in enumerate(texts, start=1)]
