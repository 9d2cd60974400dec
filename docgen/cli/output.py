"""What the user reads: diagnostics (file:line: field: message) and the summary of a build."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from enum import Enum

import typer

from docgen.cli.usage import EXIT_DATA_ERROR, EXIT_FAILED, EXIT_USAGE
from docgen.diagnostics import Diagnostics, Severity


class Output(str, Enum):
    """``--format`` of validate, check and build: for people, or one JSON object for scripts."""

    TEXT = "text"
    JSON = "json"


def print_diagnostics(diagnostics: Diagnostics, quiet: bool = False) -> None:
    """Every problem, file:line: field: message, then the count (``quiet``: the errors only)."""
    for d in diagnostics.in_order():
        if not quiet or d.severity is Severity.ERROR:
            typer.echo(str(d), err=True)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    if (errors or warnings) and not quiet:
        typer.echo(f"共 {errors} 个错误，{warnings} 个警告", err=True)


def diagnostics_json(diagnostics: Diagnostics) -> list[dict]:
    """The problems for ``--format json``: file, line, field path, severity, message."""
    return [{"file": d.file, "line": d.line, "field": d.path,
             "severity": "error" if d.severity is Severity.ERROR else "warning", "message": d.message}
            for d in diagnostics.in_order()]


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

    with _exits({BuildBusy: (EXIT_FAILED, lambda busy: f"另一个docgen build正在写入{busy.args[0]}，请等它结束后重试"),
                 UnsafeOutput: (EXIT_DATA_ERROR, str), OutputNotWritable: (EXIT_FAILED, str)}):
        yield


@contextmanager
def cluster_errors() -> Iterator[None]:
    """What build says when ``--scheduler`` is wrong (exit 64: the command line), or its cluster cannot be used:
    not reachable, the cluster support not installed (exit 1, as a folder that cannot be
    written: the environment, not the input)."""
    from docgen.build.cluster import BadScheduler, ClusterUnavailable

    with _exits({BadScheduler: (EXIT_USAGE, str), ClusterUnavailable: (EXIT_FAILED, str)}):
        yield


def report_build(result, out: Path, seconds: float, quiet: bool = False) -> None:
    """What a build did: removed files, notes, failures with their causes, one summary line
    (``quiet``: the errors and failures only)."""
    print_diagnostics(result.diagnostics, quiet)
    if result.packet_errors:
        typer.echo("公开包文件有错误，未生成文档；请修改后重试", err=True)
        return
    if quiet:
        _report_failures(result.failed)
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
    _report_failures(result.failed)
    report_preflight(result.preflight)
    typer.echo(
        f"生成 {len(result.built)} 个，已是最新 {len(result.up_to_date)} 个，失败 {len(result.failed)} 个，"
        f"删除 {len(result.removed)} 个，警告 {len(result.warnings)} 个；用时 {seconds:.2f} 秒"
        f"（{out / 'manifest.json'}）"
    )


def _report_failures(failed) -> None:
    if failed:
        typer.echo(f"以下 {len(failed)} 项未能生成：", err=True)
        for failure in failed:
            typer.echo(f"  {failure.what}：{failure.cause}", err=True)


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
    """``docgen build --format json``: what the build did, for scripts (and ``docgen bench``):
    the problems in the data, each output file with its state, the timings."""
    import json

    outputs = ([{"file": name, "state": "built"} for name in result.built]
               + [{"file": name, "state": "up_to_date"} for name in result.up_to_date]
               + [{"file": name, "state": "removed"} for name in result.removed])
    return json.dumps({
        "command": "build", "exit_code": result.exit_code, "unchanged": result.unchanged,
        "diagnostics": diagnostics_json(result.diagnostics), "outputs": outputs,
        "built": result.built, "up_to_date": result.up_to_date, "removed": result.removed, "kept": result.kept,
        "drafts": result.drafts, "failed": [{"what": f.what, "cause": f.cause} for f in result.failed],
        "warnings": len(result.warnings), "preflight": result.preflight, "seconds": round(seconds, 3),
        "timings": {"total": round(seconds, 3),
                    **{f"render_{k}": round(v, 3) for k, v in result.render_seconds.items()}},
    }, ensure_ascii=False)


def report_check(report, as_json: bool = False, quiet: bool = False) -> None:
    """``docgen check``: findings per document and page (or, with ``as_json``, the report as
    JSON on standard output), then one summary line (``quiet``: the errors only)."""
    import json

    if as_json:
        code = EXIT_DATA_ERROR if report.errors else 0
        typer.echo(json.dumps({"command": "check", "exit_code": code, **report.as_dict()}, ensure_ascii=False))
        return
    for document in report.documents:
        findings = [f for f in report.of(document) if not quiet or f.severity is Severity.ERROR]
        if not findings:
            continue
        typer.echo(f"{document}：", err=True)
        for finding in findings:
            typer.echo(f"  {finding}", err=True)
    if quiet:
        return
    errors, warnings = len(report.errors), len(report.warnings)
    clean = sum(1 for d in report.documents if not report.of(d))
    typer.echo(f"检查了 {len(report.documents)} 个文件（{clean} 个没有问题）：共 {errors} 个错误，{warnings} 个警告")
