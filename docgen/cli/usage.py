"""The command line's conventions: exit codes, ``-h``, ``--version``, help that is not cut
short, and mistakes in the command itself (an unknown option, a missing argument, a value
of the wrong kind) told in Chinese with exit code 64 (``EX_USAGE`` of BSD's sysexits), apart
from the 2 of mistakes in the data.

typer parses the command line with its own copy of click, whose messages are English and
built into the exceptions; :func:`usage_message` says each kind in Chinese from the
exception's fields (:mod:`docgen.cli.compat_typer` names the private classes)."""

from __future__ import annotations

import re
import sys
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from docgen.cli import compat_typer as ct

#: Exit codes (docgen --help and the README list them).
EXIT_OK = 0
EXIT_FAILED = 1  # some documents could not be made, or the output folder refused the build
EXIT_DATA_ERROR = 2  # the data, the packet or the templates have mistakes
EXIT_USAGE = 64  # the command line itself is wrong

EXIT_CODES_HELP = ("退出码：0 成功；1 有文档未能生成（或输出目录不可用）；2 数据、公开包或模板有错误；"
                   "64 命令行用法错误（未知选项、缺少参数、参数值不对）。")

HELP_OPTION = "显示帮助并退出"

#: What the help shows (typer's plain formatter wraps long lines; its rich one cut them at 80
#: columns with "…"): -h as well as --help, lines as wide as the help needs.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 200}


class _ChineseHelpOption:
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option


class Command(_ChineseHelpOption, TyperCommand):
    """A docgen command: its help option described in Chinese."""


class Group(_ChineseHelpOption, TyperGroup):
    """The docgen program (and ``docgen templates``): usage mistakes said in Chinese, exit 64."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ct.NoArgsIsHelpError as shown:  # ``docgen`` alone: the commands, as asked
            typer.echo(shown.ctx.get_help())
            code = EXIT_OK
        except ct.UsageError as wrong:
            typer.echo(usage_message(wrong), err=True)
            code = EXIT_USAGE
        except ct.Abort:
            typer.echo("已中断", err=True)
            code = 130
        except ct.ClickException as failed:  # a file that cannot be opened, say
            typer.echo(f"错误：{failed.format_message()}", err=True)
            code = EXIT_FAILED
        code = code if isinstance(code, int) else EXIT_OK
        if standalone_mode:
            sys.exit(code)
        return code


def usage_message(exc: Exception) -> str:
    """The usage line, where to find help, and what is wrong, in Chinese."""
    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage().replace("Usage: ", "用法：", 1))
        lines.append(f"运行“{ctx.command_path} -h”查看帮助")
    lines.append(f"错误：{_what(exc, ctx)}")
    return "\n".join(lines)


def _what(exc: Exception, ctx) -> str:
    if isinstance(exc, ct.NoSuchOption):
        hidden = {name for p in (ctx.command.params if ctx is not None else []) if getattr(p, "hidden", False)
                  for name in p.opts}  # kept for old scripts (--json), not offered
        offered = sorted(set(exc.possibilities or ()) - hidden)
        near = f"；相近的选项：{'、'.join(offered)}" if offered else ""
        return f"没有选项“{exc.option_name}”{near}"
    if isinstance(exc, ct.MissingParameter):
        kind = "参数" if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "argument" else "选项"
        return f"缺少{kind}{_name(exc, ctx)}"
    if isinstance(exc, ct.BadParameter):
        return f"{_name(exc, ctx)}的值不对：{_reason(exc.message)}"
    return _reason(exc.message)


def _name(exc, ctx) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    elif exc.param is not None:
        hint = exc.param.get_error_hint()
    else:
        return ""
    return f"“{hint.replace(chr(39), '')}”"


#: click's English reasons, said in Chinese (anything else is shown as it is: docgen's own are Chinese)
_REASONS = [
    (r"^Input should be greater than or equal to (?P<r>.+?)\.?$", "应不小于{r}"),
    (r"^Input should be less than or equal to (?P<r>.+?)\.?$", "应不大于{r}"),
    (r"^Input should be greater than (?P<r>.+?)\.?$", "应大于{r}"),
    (r"^Input should be less than (?P<r>.+?)\.?$", "应小于{r}"),
    (r"^Input should be a valid integer.*$", "应为整数"),
    (r"^Input should be a valid (?:number|decimal).*$", "应为数字"),
    (r"^Input should be a valid boolean.*$", "应为是/否（true或false）"),
    (r"^'?(?P<v>.*?)'? is not a valid (?:integer|integer range)\.?$", "“{v}”不是整数"),
    (r"^'?(?P<v>.*?)'? is not a valid (?:float|float range)\.?$", "“{v}”不是数字"),
    (r"^'?(?P<v>.*?)'? is not a valid boolean\.?$", "“{v}”不是是/否值（true或false）"),
    (r"^(?P<v>\S+) is not in the range (?P<r>.+?)\.?$", "{v}不在允许的范围（{r}）内"),
    (r"^(?P<v>\S+) is (?:smaller|larger) than the (?:minimum|maximum) valid value (?P<r>.+?)\.?$",
     "{v}超出了允许的范围（{r}）"),
    (r"^(?i:path|file|directory) '(?P<v>.*)' does not exist\.?$", "“{v}”不存在"),
    (r"^(?:Path|File) '(?P<v>.*)' is a directory\.?$", "“{v}”是目录，应为文件"),
    (r"^Directory '(?P<v>.*)' is a file\.?$", "“{v}”是文件，应为目录"),
    (r"^(?:Path|File|Directory) '(?P<v>.*)' is not (?:readable|writable)\.?$", "没有权限读写“{v}”"),
    (r"^'?(?P<v>.*?)'? is not one of (?P<r>.+?)\.?$", "“{v}”不是可选的值；可选：{r}"),
    (r"^'?(?P<v>.*?)'? is not (?:a valid )?(?:choice|one of the choices)[:：]? ?(?P<r>.*?)\.?$",
     "“{v}”不是可选的值；可选：{r}"),
    (r"^Value '?(?P<v>.*?)'? is not a valid (?P<r>.+?)\.?$", "“{v}”不是有效的{r}"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((?P<v>.*)\)\.?$", "多余的参数：{v}"),
    (r"^No such command '(?P<v>[^']*)'\.? Did you mean '(?P<r>[^']*)'\?$", "没有命令“{v}”；是否想用“{r}”？"),
    (r"^No such command '(?P<v>.*)'\.?$", "没有命令“{v}”"),
    (r"^Option '(?P<v>.*)' requires an argument\.?$", "选项“{v}”后面要写一个值"),
    (r"^Option '(?P<v>.*)' requires (?P<r>\d+) arguments\.?$", "选项“{v}”后面要写{r}个值"),
    (r"^Option '(?P<v>.*)' does not take a value\.?$", "选项“{v}”后面不写值"),
]


def _reason(message: str) -> str:
    message = message.strip()
    if message.startswith("Value error, "):  # typer's coercion wraps the type's own message
        message = message[len("Value error, "):]
    for pattern, chinese in _REASONS:
        found = re.match(pattern, message, re.S)
        if found:
            values = {k: (v or "").replace("'", "") for k, v in found.groupdict().items()}
            return chinese.format(**values)
    return message
