"""The packet's combined PDF (合并PDF): a 目录 page (clickable), then every document, with
bookmarks per family, per document and the documents' own headings, and one embedded subset
per font face for the whole packet. Deterministic: no clock; the file identifier comes from
the inputs.

The 目录 page is the template ``packet-contents.html`` of the built-in set; it is laid out
once and cached in the build's state folder (the combined PDF of a rebuild then needs no
WeasyPrint in the build's own process).

Folios run on through the packet (GB/T 9704: documents bound together are numbered
continuously), so the 目录's numbers are the ones printed on the pages: the first document
is its own PDF, each later one an *edition* laid out again with its folios starting where the
packet has got to (cached in the state folder by what it holds and where it starts: a rebuild
lays out only the documents that changed or moved). Editions are tasks of their own
(:class:`EditionJob`, :func:`lay_out_edition`), laid out on the build's workers as soon as the
page counts of the documents before them are known, each checked where it is laid out
(:mod:`docgen.build.preflight`); the combined PDF then only reads them. In a packet for printing (``duplex``) each
document starts on a right-hand page: a blank page comes before one that would start on a
left-hand page, and the 目录 takes an even number of pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docgen import __version__
from docgen.build.keys import sha256_bytes
from docgen.build.state import write_atomic
from docgen.build.tasks import ContentsNotCached

LINK_SCHEME = "docgen-page:"
CONTENTS_TEMPLATE = "packet-contents.html"


@dataclass
class CombinedPart:
    """A document of the packet: its PDF, and what lays it out again as a packet edition."""

    family: str
    stem: str
    path: str
    sha256: str  # of its own PDF
    context: dict
    templates: str
    key: str = ""  # its own PDF's key (the manifest's inputs_sha256): what an edition holds
    draft: bool = False  # built from data with errors: every page carries the stamp


@dataclass
class CombinedSpec:
    title: str
    parts: list[CombinedPart]  # in packet order
    pdf_date: str | None
    identifier: str  # the PDF's file identifier: a hash of what it holds
    key: str  # the manifest's inputs_sha256: the identifier, fonts, libraries and docgen's code
    cache_dir: str
    salt: str  # fonts, libraries and the 目录 template: part of the cached contents page's key
    duplex: bool = True  # for printing on both sides: each document starts on a right-hand page
    titles: dict[str, bool] = field(default_factory=dict)  # each document's title → a draft (the preflight)


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the 目录: ``group`` (a family's common title), ``entry`` or ``child``."""

    kind: str
    text: str
    page: int | None = None  # the folio printed on the document's first page
    target: int | None = None  # that page's physical number in the combined PDF (the link)


def contents_html(title: str, entries: list[tuple[str, str, int | None]], first_page: int) -> str:
    """The 目录 page's HTML from its template (the built-in set's, rendered by Jinja alone, so
    the page's cache key needs no WeasyPrint): ``entries`` are (kind, text, folio);
    ``first_page`` is how many pages come before the page of folio 1 (the 目录's)."""
    from docgen.render.environment import TemplateSet, make_environment

    lines = [ContentsEntry(kind, text, folio, None if folio is None else folio + first_page)
             for kind, text, folio in entries]
    template = make_environment(TemplateSet.default().loader(), html=True).get_template(CONTENTS_TEMPLATE)
    return template.render(title=title, entries=lines, link=LINK_SCHEME)


def folio_starts(page_counts: list[int], duplex: bool) -> list[int]:
    """The folio of each document's first page: the packet numbers on from 1; for printing on
    both sides a document starts on an odd (right-hand) page, after a blank one if need be."""
    starts, folio = [], 1
    for count in page_counts:
        if duplex and folio % 2 == 0:
            folio += 1
        starts.append(folio)
        folio += count
    return starts


def numbered_from(html: str, folio: int) -> str:
    """``html`` with its folios counted from ``folio`` (a packet edition of the document)."""
    from docgen.render.parts import folios_from

    style = folios_from(folio)
    body = re.search(r"<body\b[^>]*>", html, re.I)
    return html[:body.end()] + style + html[body.end():] if body else style + html


@dataclass
class EditionJob:
    """A document's packet edition: its folios from ``folio`` on."""

    part: CombinedPart
    folio: int
    cache_dir: str
    pdf_date: str | None
    salt: str

    @classmethod
    def of(cls, part: CombinedPart, folio: int, spec: CombinedSpec) -> "EditionJob":
        return cls(part, folio, spec.cache_dir, spec.pdf_date, spec.salt)

    @property
    def path(self) -> Path:
        """Where it is cached: by what the document holds (its PDF's key, which is known before
        its own PDF is laid out), the folio, the date and the salt (fonts, libraries, code)."""
        key = sha256_bytes(f"{self.part.key}|{self.folio}|{self.pdf_date}|{self.salt}".encode())[:32]
        return Path(self.cache_dir) / "editions" / f"edition-{key}.pdf"

    @property
    def record(self) -> Path:
        """The record of its check (docgen.build.preflight)."""
        return self.path.with_suffix(".json")


def lay_out_edition(job: EditionJob) -> Path:
    """Lay the edition out and cache it, unless it is cached (in a worker: needs WeasyPrint)."""
    cached = job.path
    if not cached.is_file():
        from docgen.build.tasks import RENDERERS

        part = job.part
        pdf = RENDERERS.pdf(part.templates)  # the part's own template set
        data, _, _ = pdf.write(numbered_from(pdf.html(part.family, part.context), job.folio), job.pdf_date)
        write_atomic(cached, data)
    return cached


def packet_edition(part: CombinedPart, folio: int, spec: CombinedSpec, renderer) -> bytes:
    """The document's PDF with folios from ``folio`` (its own PDF for folio 1), from the cache
    (laid out here when it is not cached, which needs WeasyPrint: ``renderer``)."""
    if folio == 1:
        return Path(part.path).read_bytes()
    job = EditionJob.of(part, folio, spec)
    if job.path.is_file():
        return job.path.read_bytes()
    if renderer is None:  # no WeasyPrint here: a worker lays it out
        raise ContentsNotCached()
    return lay_out_edition(job).read_bytes()


def _outline_tree(reader) -> list[tuple[str, int, list]]:
    """A PDF's own bookmarks as (title, page, children)."""
    def walk(items):
        out = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1][2].extend(walk(item))
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:
                continue
            out.append((str(item.title), page, []))
        return out

    try:
        return walk(reader.outline)
    except Exception:
        return []


def _toc_entries(parts: list[tuple[str, str, str, int, str]]):
    """Group the documents of one family under their common title prefix (``重大政策和重点项目
    预算绩效评价结果：项目名`` → group ``重大政策…结果``, entry ``项目名``).
    ``parts``: (family, stem, path, folio of its first page, title)."""
    entries: list[tuple[str, str, int | None]] = []
    outline: list[tuple[str, int, list]] = []
    i = 0
    while i < len(parts):
        family = parts[i][0]
        j = i
        while j < len(parts) and parts[j][0] == family:
            j += 1
        group = parts[i:j]
        heads = {t.split("：", 1)[0] for *_, t in group if "：" in t}
        if len(group) > 1 and len(heads) == 1 and all("：" in t for *_, t in group):
            head = heads.pop()
            entries.append(("group", head, None))
            children = []
            for _, _, _, page, t in group:
                entries.append(("child", t.split("：", 1)[1], page))
                children.append((t.split("：", 1)[1], page, []))
            outline.append((head, group[0][3], children))
        else:
            for _, _, _, page, t in group:
                entries.append(("entry", t, page))
                outline.append((t, page, []))
        i = j
    return entries, outline


def combine_pdfs(spec: CombinedSpec, renderer) -> tuple[bytes, int, list[tuple[int, int]]]:
    """One PDF of the whole packet: a 目录 page (clickable), then every document, with
    bookmarks per family, document and the documents' own headings. Deterministic: no
    clock, the identifier is derived from the inputs. Returns the PDF, its page count and,
    for each document, the page it starts on and the folio printed there."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    from docgen.render.assemble import share_fonts, unique_subset_names, write_compact
    from docgen.render.compat.pypdf import set_file_identifier

    own = [PdfReader(part.path) for part in spec.parts]
    starts = folio_starts([len(r.pages) for r in own], spec.duplex)
    readers, parts = [], []
    for part, reader, folio in zip(spec.parts, own, starts, strict=True):
        edition = reader if folio == 1 else PdfReader(io.BytesIO(packet_edition(part, folio, spec, renderer)))
        meta = reader.metadata
        title = (meta.title if meta and meta.title else "") or part.stem
        parts.append((part.family, part.stem, part.path, folio, title))
        readers.append(edition)
    entries, outline = _toc_entries(parts)

    # the contents page(s): a leaf of its own (an even number of pages) for printing
    toc_pages, toc_pdf = 1, b""
    for _ in range(4):
        before = toc_pages + (toc_pages % 2 if spec.duplex else 0)
        html = contents_html(spec.title, entries, before)
        key = sha256_bytes((html + (spec.pdf_date or "") + spec.salt).encode())[:32]
        cached = Path(spec.cache_dir) / f"contents-{key}.pdf"
        if cached.is_file():
            toc_pdf = cached.read_bytes()
        elif renderer is None:
            raise ContentsNotCached()
        else:
            document = renderer.layout(html)
            if spec.pdf_date:
                document.metadata.created = document.metadata.modified = spec.pdf_date
            toc_pdf = document.write_pdf(pdf_identifier=key.encode())
            for old in Path(spec.cache_dir).glob("contents-*.pdf"):
                old.unlink(missing_ok=True)
            write_atomic(cached, toc_pdf)
        pages = len(PdfReader(io.BytesIO(toc_pdf)).pages)
        if pages == toc_pages:
            break
        toc_pages = pages
    before = toc_pages + (toc_pages % 2 if spec.duplex else 0)  # pages before folio 1

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(toc_pdf)), import_outline=False)
    layout = []
    for reader, start in zip(readers, starts, strict=True):
        while len(writer.pages) < before + start - 1:  # blank pages: the 目录's verso, a left-hand page
            box = reader.pages[0].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
        layout.append((len(writer.pages) + 1, start))
        writer.append(reader, import_outline=False)

    # the 目录 links: URI annotations docgen-page:N become jumps to page N
    for index in range(toc_pages):
        page = writer.pages[index]
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if uri is not None and str(uri).startswith(LINK_SCHEME):
                target = int(str(uri)[len(LINK_SCHEME):]) - 1
                del annot[NameObject("/A")]
                annot[NameObject("/Dest")] = ArrayObject([writer.pages[target].indirect_reference, NameObject("/Fit")])

    writer.add_outline_item(title="目录", page_number=0)

    def add(items, parent, base):
        for title, page, children in items:
            node = writer.add_outline_item(title=title, page_number=base + page, parent=parent)
            add(children, node, base)

    doc_outlines = {}
    for part, reader in zip(parts, readers, strict=True):
        page = part[3]
        own = _outline_tree(reader)
        if len(own) == 1:
            own = own[0][2]  # the document's title heading: its sections go under our entry
        doc_outlines[page] = own
    base = before - 1  # a folio's page index is base + folio
    for title, page, children in outline:
        node = writer.add_outline_item(title=title, page_number=base + page)
        if children:
            for ctitle, cpage, _ in children:
                child = writer.add_outline_item(title=ctitle, page_number=base + cpage, parent=node)
                add(doc_outlines.get(cpage, []), child, base + cpage)
        else:
            add(doc_outlines.get(page, []), node, base + page)
    writer.page_mode = "/UseOutlines"

    metadata = {"/Title": spec.title, "/Producer": f"docgen {__version__}", "/Creator": "docgen build"}
    if spec.pdf_date:
        metadata["/CreationDate"] = metadata["/ModDate"] = _pdf_date(spec.pdf_date)
    writer.metadata = metadata
    ident = set_file_identifier(writer, bytes.fromhex(spec.identifier[:32]))  # from the inputs, not random
    share_fonts(writer)  # one subset per face for the whole packet, not one per document
    unique_subset_names(writer)  # and no two subsets under one name (the 目录 page's, say)
    return write_compact(writer, ident), len(writer.pages), layout


def _pdf_date(w3c: str) -> str:
    """``2024-03-31`` or ``2024-03-31T08:00:00+00:00`` → ``D:20240331…``."""
    digits = re.sub(r"[^0-9]", "", w3c[:19])
    suffix = "+00'00" if len(w3c) > 10 else ""  # as WeasyPrint writes it
    return f"D:{digits}{suffix}"
