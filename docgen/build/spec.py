"""The packet file (``packet.yaml``, :mod:`docgen.models.packet`): read, checked and resolved
into a :class:`PacketSpec`, the one description of a build. ``docgen render`` describes its
command line as a spec too (:meth:`PacketSpec.in_memory`), so both commands build alike.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import families as registry
from docgen.limits import RenderLimits

#: docx core.xml dates when the packet gives none (the renderer's own default).
DOCX_EPOCH = "1980-01-01T00:00:00Z"


@dataclass
class PacketSpec:
    """A validated packet with its paths resolved."""

    path: Path
    shown: str
    title: str
    inputs: list[Path]
    families: list[str] | None  # None: every family the data declares
    formats: list[str]
    templates: Path
    combined: str | None
    docx_timestamp: str  # core.xml dates of every DOCX
    pdf_date: str | None  # W3C date of every PDF, None: no date
    date_label: str  # for messages
    allow_errors: bool = False  # documents with wrong figures are built as drafts (草稿)
    in_memory: bool = False  # described by a command line (docgen render), not by a file
    limits: RenderLimits = RenderLimits()  # of each document's rendering
    duplex: bool = True  # the combined PDF for printing on both sides (each document on a right-hand page)
    pdf_variant: str | None = None  # "pdf/a-2b", "pdf/ua-1"…: the standard every document's PDF follows
    #: packet.yaml's ``columns:`` (family → columns) and the line of each column there
    columns: dict = field(default_factory=dict)
    column_lines: dict = field(default_factory=dict)
    #: packet.yaml's ``charts:`` (ChartKind values, in order): the summaries' charts
    charts: tuple[str, ...] = ()

    def families_of(self, data) -> list[str]:
        """The families this packet builds from ``data``: those it names, else every family
        the data declares."""
        return self.families if self.families is not None else data.families

    @classmethod
    def in_memory_spec(cls, inputs: list[Path], family_names: list[str] | None, formats: list[str],
                       templates: Path, allow_errors: bool,
                       limits: RenderLimits = RenderLimits()) -> "PacketSpec":
        """``docgen render``'s command line as a packet: no combined PDF, no dates."""
        from docgen.input import shown_path

        first = inputs[0].resolve()
        return cls(path=first, shown=shown_path(inputs[0]), title="", inputs=[p.resolve() for p in inputs],
                   families=family_names, formats=formats, templates=templates, combined=None,
                   docx_timestamp=DOCX_EPOCH, pdf_date=None, date_label="不写日期",
                   allow_errors=allow_errors, in_memory=True, limits=limits)


def _dates(packet_date: dt.date | None) -> tuple[str, str | None, str | None]:
    """(docx timestamp, pdf date, problem): the packet's date, else SOURCE_DATE_EPOCH, else none."""
    if packet_date is not None:
        return f"{packet_date.isoformat()}T00:00:00Z", packet_date.isoformat(), None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            return DOCX_EPOCH, None, f"环境变量SOURCE_DATE_EPOCH应为整数秒，实际为“{epoch}”"
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%dT%H:%M:%S+00:00"), None
    return DOCX_EPOCH, None, None


def load_packet(path: Path):
    """Read and check ``packet.yaml``: returns (PacketSpec or None, Diagnostics). Every
    problem is located by file, line and field; nothing is built when there is one."""
    from docgen.diagnostics import Diagnostic, Diagnostics
    from docgen.input import SourceFile, read_yaml, shown_path, validate_model
    from docgen.input.yaml import line_of
    from docgen.models.packet import Packet
    from docgen.render import TemplateSet

    diagnostics = Diagnostics()
    shown = shown_path(path)
    if path.is_dir():
        diagnostics.add(Diagnostic(shown, None, (), "应为公开包文件（packet.yaml），实际为目录"))
        return None, diagnostics
    try:
        data = read_yaml(path, shown, diagnostics)
    except ValueError as exc:  # e.g. an impossible date such as 2024-13-01
        diagnostics.add(Diagnostic(shown, None, (), f"YAML格式错误：{exc}（日期应写成2024-03-31的形式）"))
        return None, diagnostics
    if data is None:
        return None, diagnostics
    source = SourceFile(path, shown, data)
    if source.report_placeholders(diagnostics):  # a skeleton of docgen init not filled in yet
        return None, diagnostics
    if not isinstance(data, dict):
        diagnostics.add(source.diagnostic((), "公开包文件应为键值对（title:、inputs:、documents: …）"))
        return None, diagnostics
    packet = validate_model(Packet, source, data, (), diagnostics)
    base = path.resolve().parent

    def raw(key: str, default: Any) -> Any:
        """A field as written, normalised like the model does, for the checks below to run
        (and report) even when another field is wrong."""
        if packet is not None:
            return getattr(packet, key)
        value = data.get(key, default)
        if key == "templates":
            return value
        return [value] if isinstance(value, str) else value if isinstance(value, list) else []

    inputs = []
    for i, name in enumerate(raw("inputs", ["."]) or []):
        if isinstance(name, str):
            p = (base / name).resolve()
            if not p.exists():
                diagnostics.add(source.diagnostic(("inputs", i), f"找不到输入“{name}”（路径相对于公开包文件所在目录）"))
            inputs.append(p)

    known = registry.names()
    documents = raw("documents", None)
    families = None
    if isinstance(documents, list) and documents != ["all"]:
        import difflib

        families = []
        for i, name in enumerate(documents):
            if not isinstance(name, str) or name in known:
                if name not in families:
                    families.append(name)
                continue
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"，是否应为“{close[0]}”？" if close else "。"
            diagnostics.add(source.diagnostic(
                ("documents", i), f"未知的文档类型“{name}”{hint}可用：{'、'.join(known)}，或all（全部）"))

    name = raw("templates", None)
    templates = TemplateSet.default().root
    if isinstance(name, str):
        templates = (base / name).resolve()
        if not templates.is_dir():
            diagnostics.add(source.diagnostic(("templates",), f"找不到模板目录“{name}”"))
    if packet is None:
        return None, diagnostics

    formats = [f.value for f in packet.formats]
    if templates.is_dir() and families:
        template_set = TemplateSet(templates)
        for i, family in enumerate(packet.documents):
            for fmt in formats:
                file = f"{family}.{'docx' if fmt == 'docx' else 'html'}"
                if family in known and not template_set.path(file).is_file():
                    diagnostics.add(source.diagnostic(("documents", i), f"模板目录{shown_path(templates)}中没有{file}"))

    columns = packet.columns or {}
    with_tables = [spec.name for spec in registry.FAMILIES if spec.columns]
    for family in columns:
        if family not in with_tables:
            diagnostics.add(source.diagnostic(("columns", family), f"“{family}”没有可声明列的表格；可用：{'、'.join(with_tables)}"))
    lines = {(family, i): line_of(source.data, ("columns", family, i))
             for family, cols in columns.items() for i in range(len(cols))}

    docx_timestamp, pdf_date, problem = _dates(packet.date)
    if problem:
        diagnostics.add(source.diagnostic(("date",), problem))
    if diagnostics.errors:
        return None, diagnostics
    label = packet.date.isoformat() if packet.date else (
        f"SOURCE_DATE_EPOCH（{docx_timestamp}）" if pdf_date else "不写日期")
    return PacketSpec(
        path=path.resolve(), shown=shown, title=packet.title, inputs=inputs, families=families,
        formats=formats, templates=templates,
        combined=packet.combined if "pdf" in formats else None,
        docx_timestamp=docx_timestamp, pdf_date=pdf_date, date_label=label, allow_errors=packet.allow_errors,
        limits=RenderLimits(packet.limits.seconds, packet.limits.memory_mb),
        duplex=packet.duplex, columns=columns, column_lines=lines,
        pdf_variant=packet.pdf_variant.value if packet.pdf_variant else None,
        charts=tuple(c.value for c in packet.charts),
    ), diagnostics


def apply_packet(spec: PacketSpec, data) -> None:
    """What packet.yaml says about the documents' content into the data set: its ``columns:``
    (:func:`apply_packet_columns`) and its ``charts:``, which the summary families' document
    trees then carry (so a document's key changes with them)."""
    from docgen.models import ChartKind

    apply_packet_columns(spec, data)
    data.charts = tuple(ChartKind(c) for c in spec.charts)


def apply_packet_columns(spec: PacketSpec, data) -> None:
    """packet.yaml's ``columns:`` into the data set's blocks that declare none (the data's own
    declaration wins), checked against the data's custom fields; a finding names packet.yaml
    and the column's line there."""
    from docgen.diagnostics import Diagnostic
    from docgen.rules.columns import check_columns

    for name, columns in spec.columns.items():
        family = registry.get(name)
        block = data.blocks.get(family.block.key) if family.columns else None
        if block is None:
            continue
        updated = _with_columns(block, family.columns.split("."), columns)
        if updated is None:  # the data declares its own
            continue
        data.blocks[family.block.key] = updated
        for finding in check_columns(columns, data.custom_fields, ()):
            index = finding.loc[0]
            data.diagnostics.add(Diagnostic(spec.shown, spec.column_lines.get((name, index)),
                                            ("columns", name, *finding.loc), finding.message, finding.severity))


def _with_columns(model, path: list[str], columns):
    """``model`` with ``columns`` at ``path`` (frozen models are copied down the path), or None
    when something is declared there already."""
    head, *rest = path
    if not rest:
        return None if getattr(model, head) is not None else model.model_copy(update={head: columns})
    inner = _with_columns(getattr(model, head), rest, columns)
    return None if inner is None else model.model_copy(update={head: inner})
