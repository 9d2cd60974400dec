"""What the user reads: diagnostics (file:line: field: message) and the summary of a build."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import typer

from docgen.diagnostics import Diagnostics

#: The exit code of bad input (data, packet, a refused output folder).
EXIT_DATA_ERROR = 2


def print_diagnostics(diagnostics: Diagnostics) -> None:
    for d in diagnostics.in_order():
        typer.echo(str(d), err=True)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    if errors or warnings:
        typer.echo(f"共 {errors} 个错误，{warnings} 个警告", err=True)


@contextmanager
def _exits(cases: dict[type, tuple[int, Callable[[BaseException], str]]]) -> Iterator[None]:
    """An exception of one of ``cases``' types becomes its message on stderr and its exit code."""
    try:
        yield
    except tuple(cases) as exc:
        code, message = next(case for kind, case in cases.items() if isinstance(exc, kind))
        typer.echo(message(exc), err=True)
        raise typer.Exit(code)


@contextmanager
def output_folder_errors() -> Iterator[None]:
    """What render and build say when the output folder refuses them: another build holds it
    (exit 1), its .docgen is a link or not a folder (exit 2), it cannot be written (exit 1)."""
    from docgen.build import BuildBusy, OutputNotWritable, UnsafeOutput

    with _exits({BuildBusy: (1, lambda busy: f"另一个docgen build正在写入{busy.args[0]}，请等它结束后重试"),
                 UnsafeOutput: (EXIT_DATA_ERROR, str), OutputNotWritable: (1, str)}):
        yield


@contextmanager
def cluster_errors() -> Iterator[None]:
    """What build says when ``--scheduler`` is wrong (exit 2), or its cluster cannot be used:
    not reachable, the cluster support not installed (exit 1, as a folder that cannot be
    written: the environment, not the input)."""
    from docgen.build.cluster import BadScheduler, ClusterUnavailable

    with _exits({BadScheduler: (EXIT_DATA_ERROR, str), ClusterUnavailable: (1, str)}):
        yield


def report_build(result, out: Path, seconds: float) -> None:
    """What a build did: removed files, notes, failures with their causes, one summary line."""
    print_diagnostics(result.diagnostics)
    if result.packet_errors:
        typer.echo("公开包文件有错误，未生成文档；请修改后重试", err=True)
        return
    if result.unchanged:
        for warning in result.warnings:
            typer.echo(warning, err=True)
        typer.echo(f"输入、模板、字体均未变化，{len(result.up_to_date)} 个文件都是最新的，无需生成")
    for name in result.removed:
        typer.echo(f"已删除（不再属于公开包）：{out / name}")
    for name in result.kept:
        typer.echo(f"未删除（不再属于公开包，但已被手工修改）：{out / name}", err=True)
    for note in result.notes:
        typer.echo(note, err=True)
    if result.drafts:
        typer.echo(f"数据有错误，以下 {len(result.drafts)} 份文档按 allow_errors 生成了草稿（标注“草稿”）："
                   + "、".join(result.drafts), err=True)
    if result.failed:
        typer.echo(f"以下 {len(result.failed)} 项未能生成：", err=True)
        for failure in result.failed:
            typer.echo(f"  {failure.what}：{failure.cause}", err=True)
    report_preflight(result.preflight)
    typer.echo(
        f"生成 {len(result.built)} 个，已是最新 {len(result.up_to_date)} 个，失败 {len(result.failed)} 个，"
        f"删除 {len(result.removed)} 个，警告 {len(result.warnings)} 个；用时 {seconds:.2f} 秒"
        f"（{out / 'manifest.json'}）"
    )


#: How many of a build's preflight findings are printed (all are in manifest.json).
PREFLIGHT_SHOWN = 30


def report_preflight(findings: dict[str, list[dict]]) -> None:
    """The preflight's findings on the files of a build (docgen check), per file and page."""
    from docgen.build.preflight import count

    errors, warnings = count(findings)
    if not errors and not warnings:
        return
    typer.echo(f"预检（docgen check）发现 {errors} 个错误、{warnings} 个警告：", err=True)
    shown = 0
    for name, items in findings.items():
        for item in items:
            if shown == PREFLIGHT_SHOWN:
                typer.echo("  ……其余见 manifest.json 的 preflight，或运行 docgen check", err=True)
                return
            page = f"第{item['page']}页：" if item.get("page") else ""
            warning = "警告: " if item.get("severity") != "error" else ""
            typer.echo(f"  {name} {page}{warning}{item.get('message', '')}", err=True)
            shown += 1


def build_summary_json(result, seconds: float) -> str:
    """``docgen build --json``: what the build did, for scripts (and ``docgen bench``)."""
    import json

    return json.dumps({
        "exit_code": result.exit_code, "unchanged": result.unchanged, "built": result.built,
        "up_to_date": result.up_to_date, "removed": result.removed, "kept": result.kept,
        "drafts": result.drafts, "failed": [{"what": f.what, "cause": f.cause} for f in result.failed],
        "warnings": len(result.warnings), "seconds": round(seconds, 3), "preflight": result.preflight,
    }, ensure_ascii=False)


def report_check(report, as_json: bool = False) -> None:
    """``docgen check``: findings per document and page (or, with ``as_json``, the report as
    JSON on standard output), then one summary line."""
    import json

    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    for document in report.documents:
        findings = report.of(document)
        if not findings:
            continue
        typer.echo(f"{document}：", err=True)
        for finding in findings:
            typer.echo(f"  {finding}", err=True)
    errors, warnings = len(report.errors), len(report.warnings)
    clean = sum(1 for d in report.documents if not report.of(d))
    typer.echo(f"检查了 {len(report.documents)} 个文件（{clean} 个没有问题）：共 {errors} 个错误，{warnings} 个警告")
