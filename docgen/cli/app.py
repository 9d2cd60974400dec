"""The ``docgen`` commands; each parses its options and hands over to the layer below."""

from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from docgen import __version__, families
from docgen.cli.output import (EXIT_DATA_ERROR, Output, build_summary_json, cluster_errors, diagnostics_json,
                               output_folder_errors, print_diagnostics, report_build, report_check)
from docgen.cli.usage import CONTEXT_SETTINGS, EXIT_CODES_HELP, Command, Group
from docgen.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS

app = typer.Typer(
    cls=Group,
    help="docgen：财政预算绩效公开文档生成工具（YAML → DOCX/PDF）",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # typer's rich help cut long Chinese lines at 80 columns
    context_settings=CONTEXT_SETTINGS,
)


def _show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"docgen {__version__}")
        raise typer.Exit()


@app.callback()
def _program(
    version: Annotated[bool, typer.Option("--version", "-V", is_eager=True, callback=_show_version,
                                          help="显示版本并退出")] = False,
) -> None:
    """docgen：财政预算绩效公开文档生成工具（YAML → DOCX/PDF）"""


QUIET_HELP = "只显示错误（不显示进度、警告和汇总）"
FORMAT_HELP = "输出方式：text给人读；json在标准输出给出一个JSON对象（问题、文件、用时），供脚本和CI读取"


@app.command(cls=Command, epilog=EXIT_CODES_HELP)
def validate(
    inputs: Annotated[list[Path], typer.Argument(help="YAML文件或目录", exists=True)],
    output: Annotated[Output, typer.Option("--format", help=FORMAT_HELP)] = Output.TEXT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """检查输入数据，一次列出全部错误（退出码2表示有错误）。"""
    from docgen.input import load_dataset

    data = load_dataset(inputs)
    code = EXIT_DATA_ERROR if data.diagnostics.errors else 0
    if output is Output.JSON:
        typer.echo(json.dumps({"command": "validate", "exit_code": code,
                               "diagnostics": diagnostics_json(data.diagnostics),
                               "projects": len(data.projects), "families": data.families}, ensure_ascii=False))
    else:
        print_diagnostics(data.diagnostics, quiet)
        if not code and not quiet:
            typer.echo(f"检查通过：{len(data.projects)} 个评价对象；可生成：{'、'.join(data.families)}")
    if code:
        raise typer.Exit(code)


Family = families.family_enum()


class Format(str, Enum):
    """``--format``: one kind of file, or both."""

    DOCX = "docx"
    PDF = "pdf"
    ALL = "all"

    def expand(self) -> list[str]:
        return ["docx", "pdf"] if self is Format.ALL else [self.value]


FamilyChoice = Enum("FamilyChoice", {**{m.name: m.value for m in Family}, "ALL": "all"}, type=str)


@app.command(cls=Command)
def render(
    family: Annotated[FamilyChoice, typer.Argument(help="文档类型；all：数据中声明的全部类型")],
    inputs: Annotated[list[Path], typer.Argument(help="YAML文件或目录", exists=True)],
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录")] = Path("out"),
    fmt: Annotated[Format, typer.Option("--format", "-f", help="输出格式")] = Format.ALL,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="模板目录（默认用内置模板）", exists=True, file_okay=False)
    ] = None,
    allow_errors: Annotated[
        bool, typer.Option("--allow-errors", help="数据有错误时仍生成，有错误的文档标注“草稿”")
    ] = False,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0, help="每份文档的生成时间上限（秒），0表示不限")
    ] = DEFAULT_SECONDS,
    memory_limit: Annotated[
        int, typer.Option("--memory-limit", min=0, help="每份文档的生成内存上限（MB），0表示不限")
    ] = DEFAULT_MEMORY_MB,
    force: Annotated[
        bool, typer.Option("--force", help="覆盖上次生成后被手工修改过的文件（不是docgen生成的同名文件仍不覆盖）")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
) -> None:
    """生成文档：结果表每个评价对象一份，汇总文档每批一份（DOCX和/或PDF）。"""
    from docgen.build import PacketSpec, render_documents
    from docgen.limits import RenderLimits
    from docgen.render import TemplateSet, harfbuzz_subset_available

    formats = fmt.expand()
    if "pdf" in formats and not harfbuzz_subset_available():
        typer.echo(
            "警告: 未找到HarfBuzz字体子集库，PDF嵌入字体将改用fontTools，速度慢约40倍；"
            "请安装：apt-get install libharfbuzz-subset0",
            err=True,
        )
    template_root = templates.resolve() if templates else TemplateSet.default().root
    names = None if family.value == "all" else [family.value]
    spec = PacketSpec.in_memory_spec(inputs, names, formats, template_root, allow_errors,
                                     RenderLimits(time_limit, memory_limit))
    with output_folder_errors():
        result = render_documents(spec, out, jobs=1, overwrite_edited=force)
    print_diagnostics(result.diagnostics, quiet)
    for failure in result.failed:
        typer.echo(f"{failure.what}：{failure.cause}", err=True)
    if result.data_errors and not result.built:
        typer.echo("数据有错误，未生成文档；请修改后重试（或用 --allow-errors 生成草稿）", err=True)
        raise typer.Exit(EXIT_DATA_ERROR)
    if result.drafts and not quiet:
        typer.echo("数据有错误，已按 --allow-errors 生成草稿（文档标注“草稿”）："
                   + "、".join(result.drafts), err=True)
    if not quiet:
        for name in result.built:
            typer.echo(str(out / name))
        timing = "，".join(f"{k.upper()} {v:.2f} 秒" for k, v in result.render_seconds.items() if v)
        typer.echo(f"已生成 {len(result.built)} 个文件（{timing}）")
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command(cls=Command)
def build(
    packet: Annotated[Path, typer.Argument(help="公开包文件 packet.yaml", exists=True)],
    out: Annotated[Path, typer.Option("-o", "--out", help="输出目录")] = Path("out"),
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并行进程数（默认：CPU核数）；1：只用本进程")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="全部重新生成")] = False,
    watch: Annotated[
        bool, typer.Option("--watch", help="生成后继续监视输入，一有修改就重新生成（Ctrl-C结束）")
    ] = False,
    output: Annotated[Output, typer.Option("--format", help=FORMAT_HELP)] = Output.TEXT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="同 --format json")] = False,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="在Dask集群上生成：调度器地址（如 tcp://主机:8786），"
                                 "或 local:N（在本机启动N个工作进程）；需安装 docgen[cluster]")
    ] = None,
) -> None:
    """按公开包文件生成全部文档：只重新生成变化了的，并行，结果可重现。"""
    import time as time_

    from docgen.build import build_packet, watch as watch_packet
    from docgen.cli.progress import ProgressBar, Reporter

    as_json = as_json or output is Output.JSON

    def reporter():
        if as_json or quiet:
            return Reporter(lambda line: None)
        return ProgressBar() if sys.stdout.isatty() else Reporter(typer.echo)

    start = time_.perf_counter()
    with output_folder_errors(), cluster_errors():
        if watch:
            def report(result) -> None:
                report_build(result, out, result.seconds, quiet)

            def waiting() -> None:
                typer.echo(f"监视 {packet} 及其输入、模板的修改……（Ctrl-C结束）")

            watch_packet(packet, out, jobs, force, reporter, report, waiting, scheduler=scheduler)
        executor = None
        if scheduler:
            from docgen.build.executor import make_executor

            executor = make_executor(jobs or 1, scheduler=scheduler)
        try:
            result = build_packet(packet, out, jobs=jobs, force=force, reporter=reporter(), executor=executor)
        finally:
            if executor is not None:
                executor.shutdown()
    if as_json:
        typer.echo(build_summary_json(result, time_.perf_counter() - start))
    else:
        report_build(result, out, time_.perf_counter() - start, quiet)
    if _CONSOLE:  # every file is written, fsynced and renamed: skip the interpreter's slow tidy-up
        sys.stdout.flush()
        sys.stderr.flush()
        fonts = sys.modules.get("docgen.render.compat.weasyprint")
        if fonts is not None:  # but the copies of a template's own fonts go (WeasyPrint's temporary folder)
            fonts.remove_font_folders()
        os._exit(result.exit_code)
    if result.exit_code:
        raise typer.Exit(result.exit_code)


@app.command(cls=Command)
def check(
    paths: Annotated[list[Path], typer.Argument(help="输出目录（检查其中全部PDF、DOCX）或文件", exists=True)],
    output: Annotated[Output, typer.Option("--format", help=FORMAT_HELP)] = Output.TEXT,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=QUIET_HELP)] = False,
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="同 --format json")] = False,
) -> None:
    """检查生成的PDF和DOCX：文字出界、跨表格线、字体、表格跨页、页码与目录、草稿标记、标题断行、DOCX标签和字体（退出码2表示有错误）。"""
    from docgen.check import check_paths

    report = check_paths(paths)
    report_check(report, as_json or output is Output.JSON, quiet)
    if report.errors:
        raise typer.Exit(EXIT_DATA_ERROR)


@app.command(cls=Command)
def bench(
    samples: Annotated[Path, typer.Argument(help="样例目录（每个子目录含packet.yaml）；与--scale同用时不读",
                                            file_okay=False)] = Path("samples"),
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="重复次数：重建与单份文档计时均取中位数")] = 3,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="构建时的并行进程数")] = None,
    soffice: Annotated[bool, typer.Option("--soffice/--no-soffice", help="如已安装LibreOffice，也计时其转换")] = True,
    scale: Annotated[int | None, typer.Option(
        "--scale", min=1, help="改为计时N个合成项目（每个项目一个YAML文件，另有报告和结果汇总）的构建：冷构建、"
        "无变化重建、改一个项目的得分后重建、内存峰值；数据写在临时目录")] = None,
    formats: Annotated[str, typer.Option("--formats", help="与--scale同用：生成的格式，docx、pdf或docx,pdf")]
    = "docx,pdf",
    summaries: Annotated[bool, typer.Option("--summaries/--no-summaries",
                                            help="与--scale同用：是否也生成报告和结果汇总")] = True,
) -> None:
    """基准测试：冷构建、无变化重建、改一个项目后重建，以及各类文档DOCX/PDF的单份耗时。"""
    if scale:
        from docgen.bench.scale import time_scale

        chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
        if not chosen or any(f not in ("docx", "pdf") for f in chosen):
            raise typer.BadParameter(f"“{formats}”：格式只能是docx、pdf或docx,pdf", param_hint="--formats")
        time_scale(scale, formats=chosen, jobs=jobs, repeat=repeat, summaries=summaries, echo=typer.echo)
        return
    if not samples.is_dir():
        raise typer.BadParameter(f"目录“{samples}”不存在", param_hint="samples")
    from docgen.bench import run_benchmark

    run_benchmark(samples, repeat=repeat, jobs=jobs, soffice=soffice, echo=typer.echo)


templates_app = typer.Typer(cls=Group, help="模板集：导出内置模板、检查模板", no_args_is_help=True,
                            rich_markup_mode=None, context_settings=CONTEXT_SETTINGS)
app.add_typer(templates_app, name="templates")


@templates_app.command("export", cls=Command)
def templates_export(
    folder: Annotated[Path, typer.Argument(help="导出到的目录")],
) -> None:
    """把内置模板复制到目录中供修改；已有的文件不会被覆盖。"""
    from docgen.authoring.templates import export_templates

    written, kept = export_templates(folder)
    for path in written:
        typer.echo(str(path))
    for path in kept:
        typer.echo(f"已存在，未覆盖：{path}", err=True)
    typer.echo(f"已导出 {len(written)} 个文件；用 --templates {folder} 使用这套模板")


@templates_app.command("check", cls=Command)
def templates_check(
    folder: Annotated[Path | None, typer.Argument(help="模板目录（不写时检查内置模板）", exists=True,
                                                  file_okay=False)] = None,
) -> None:
    """检查模板：Jinja语法、上下文中没有的变量、未知过滤器、被Word拆开的标签。"""
    from docgen.authoring.lint import lint
    from docgen.diagnostics import Severity
    from docgen.render import TemplateSet

    findings = lint(TemplateSet(folder.resolve()) if folder else TemplateSet.default())
    for finding in findings:
        typer.echo(str(finding), err=True)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    typer.echo(f"共 {errors} 个错误，{len(findings) - errors} 个警告", err=True)
    if errors:
        raise typer.Exit(EXIT_DATA_ERROR)


@app.command(cls=Command)
def schema(
    out: Annotated[Path | None, typer.Option("-o", "--out", help="输出目录（默认schemas；有--packet时为公开包目录下的schemas）")] = None,
    packet: Annotated[Path | None, typer.Option("--packet", help="公开包文件：按其数据声明的自定义字段写出")] = None,
) -> None:
    """写出每种输入文件的JSON Schema（供VS Code等编辑器补全和检查）。"""
    from docgen.authoring.schema import write_schemas

    custom = []
    if packet is not None:
        from docgen.build import load_packet
        from docgen.input import load_dataset

        spec, problems = load_packet(packet)
        if spec is None or problems.errors:
            print_diagnostics(problems)
            raise typer.Exit(EXIT_DATA_ERROR)
        custom = load_dataset(spec.inputs).custom_fields
    folder = out if out is not None else (packet.parent / "schemas" if packet is not None else Path("schemas"))
    for path in write_schemas(folder, custom):
        typer.echo(str(path))


def _skeletons() -> Enum:
    from docgen.resources import skeletons_dir  # not authoring.templates: it loads Jinja

    names = sorted(p.stem for p in skeletons_dir().glob("*.yaml"))
    return Enum("Skeleton", {name.upper(): name for name in names}, type=str)


Skeleton = _skeletons()


@app.command(cls=Command)
def init(
    kind: Annotated[Skeleton, typer.Argument(help="要写出的文件种类")],
    file: Annotated[Path, typer.Argument(help="要写出的YAML文件（不能已存在）")],
) -> None:
    """写出一个带中文说明的YAML骨架；把 <<…>> 换成实际内容后即可通过检查。"""
    from docgen.authoring.templates import write_skeleton

    kind = kind.value
    if file.exists():
        typer.echo(f"文件已存在，不会覆盖：{file}", err=True)
        raise typer.Exit(EXIT_DATA_ERROR)
    write_skeleton(kind, file)
    if kind != "packet":
        typer.echo(f"已写出 {file}；填写 <<…>> 后运行 docgen validate {file.parent}")
        return
    from docgen.models.packet import PACKET_FILE_NAMES

    typer.echo(f"已写出 {file}；填写 <<…>> 后运行 docgen build {file} -o 输出目录")
    if file.name not in PACKET_FILE_NAMES:  # only that name is skipped when its folder is read as data
        typer.echo(f"提示：公开包文件不叫{PACKET_FILE_NAMES[0]}时，docgen validate/render 读它所在的目录会把它当作数据；"
                   f"放在数据目录里请命名为{PACKET_FILE_NAMES[0]}", err=True)


@app.command(cls=Command)
def version() -> None:
    """显示版本。"""
    typer.echo(f"docgen {__version__}")


#: Set when running as the ``docgen`` program (not inside tests): ``build`` may then end the
#: process directly once everything is written.
_CONSOLE = False


def main() -> None:
    """Console entry point: data problems exit 2 with messages, never a traceback."""
    global _CONSOLE
    _CONSOLE = True
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
