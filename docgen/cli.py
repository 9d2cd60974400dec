"""The ``docgen`` command: a thin layer over :mod:`docgen.build`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from docgen import __version__
from docgen.diagnostics import Diagnostics

app = typer.Typer(
    help="docgen：财政预算绩效公开文档生成工具（YAML → DOCX/PDF）",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_DATA_ERROR = 2


def _print_diagnostics(diagnostics: Diagnostics) -> None:
    for d in diagnostics.in_order():
        typer.echo(str(d), err=True)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    if errors or warnings:
        typer.echo(f"共 {errors} 个错误，{warnings} 个警告", err=True)


@app.command()
def validate(
    inputs: Annotated[list[Path], typer.Argument(help="YAML文件或目录", exists=True)],
) -> None:
    """检查输入数据，一次列出全部错误（退出码2表示有错误）。"""
    from docgen.loading import load_dataset

    data = load_dataset(inputs)
    _print_diagnostics(data.diagnostics)
    if data.diagnostics.errors:
        raise typer.Exit(EXIT_DATA_ERROR)
    typer.echo(f"检查通过：{len(data.projects)} 个评价对象；可生成：{'、'.join(data.families)}")


@app.command()
def render(
    family: Annotated[str, typer.Argument(help="文档类型：result-sheet、summary-report、results-summary、detail-table，或 all（数据中声明的全部类型）")],
    inputs: Annotated[list[Path], typer.Argument(help="YAML文件或目录", exists=True)],
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录")] = Path("out"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="docx、pdf 或 all")] = "all",
    templates: Annotated[
        Path | None, typer.Option("--templates", help="模板目录（默认用内置模板）", exists=True, file_okay=False)
    ] = None,
    allow_errors: Annotated[
        bool, typer.Option("--allow-errors", help="数据有错误时仍生成，文档标注“草稿”")
    ] = False,
) -> None:
    """生成文档：结果表每个评价对象一份，汇总文档每批一份（DOCX和/或PDF）。"""
    from docgen.build import Family, Format, render as render_documents
    from docgen.render import TemplateSet, harfbuzz_subset_available

    try:
        family_ = None if family == "all" else Family(family)
    except ValueError:
        typer.echo(f"未知的文档类型“{family}”；可用：{'、'.join(f.value for f in Family)}、all", err=True)
        raise typer.Exit(EXIT_DATA_ERROR)
    try:
        format_ = Format(fmt)
    except ValueError:
        typer.echo(f"未知的输出格式“{fmt}”；可用：docx、pdf、all", err=True)
        raise typer.Exit(EXIT_DATA_ERROR)
    if Format.PDF in format_.expand() and not harfbuzz_subset_available():
        typer.echo(
            "警告: 未找到HarfBuzz字体子集库，PDF嵌入字体将改用fontTools，速度慢约40倍；"
            "请安装：apt-get install libharfbuzz-subset0",
            err=True,
        )
    template_set = TemplateSet(templates.resolve()) if templates else TemplateSet.default()
    report = render_documents(family_, inputs, out, format_, template_set, allow_errors=allow_errors)
    _print_diagnostics(report.diagnostics)
    if report.diagnostics.errors and not report.written:
        typer.echo("数据有错误，未生成文档；请修改后重试（或用 --allow-errors 生成草稿）", err=True)
        raise typer.Exit(EXIT_DATA_ERROR)
    if report.diagnostics.errors:
        typer.echo("数据有错误，已按 --allow-errors 生成草稿（文档标注“草稿”）", err=True)
    for path in report.written:
        typer.echo(str(path))
    timing = "，".join(f"{k.upper()} {v:.2f} 秒" for k, v in report.seconds.items() if v)
    typer.echo(f"已生成 {len(report.written)} 个文件（{timing}）")


@app.command()
def version() -> None:
    """显示版本。"""
    typer.echo(f"docgen {__version__}")


def main() -> None:
    """Console entry point: data problems exit 2 with messages, never a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("已中断", err=True)
        sys.exit(130)
    except Exception as exc:  # an unexpected failure: say what, keep the traceback for DOCGEN_DEBUG
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        typer.echo(f"docgen 内部错误：{type(exc).__name__}: {exc}（设置 DOCGEN_DEBUG=1 可查看详细信息）", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
