"""The ``docgen`` command (typer): thin, over :mod:`docgen.build` and :mod:`docgen.authoring`.

* :mod:`~docgen.cli.app` — the commands;
* :mod:`~docgen.cli.output` — diagnostics and build summaries as the user reads them;
* :mod:`~docgen.cli.progress` — the progress bar and per-file lines.
"""

from docgen.cli.app import app, main

__all__ = ["app", "main"]
