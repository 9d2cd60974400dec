"""typer's private parts that docgen's command line uses, in one place (typer 0.29.x).

typer 0.29 parses the command line with its own copy of click (``typer._click``) and exports
only ``BadParameter`` of its exceptions; docgen catches the others to say usage mistakes in
Chinese with exit code 64 (:mod:`docgen.cli.usage`). Older typer used the click package,
whose exceptions have the same names and fields.
"""

from __future__ import annotations

from typer import Abort

try:  # typer >= 0.22: a copy of click inside typer
    from typer._click.exceptions import (BadParameter, ClickException, MissingParameter, NoArgsIsHelpError,
                                         NoSuchOption, UsageError)
except ImportError:  # pragma: no cover - typer with click as a dependency
    from click.exceptions import (BadParameter, ClickException, MissingParameter, NoArgsIsHelpError, NoSuchOption,
                                  UsageError)

__all__ = ["Abort", "BadParameter", "ClickException", "MissingParameter", "NoArgsIsHelpError", "NoSuchOption",
           "UsageError"]
