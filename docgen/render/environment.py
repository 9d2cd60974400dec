"""Template sets and the Jinja environment both renderers share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from docgen.rules import FILTERS

#: The built-in template set, next to the package in a checkout or editable install.
BUILTIN_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def make_environment(loader=None) -> SandboxedEnvironment:
    """Sandboxed, autoescaping, strict about undefined names: data is printed, never evaluated."""
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


@dataclass(frozen=True)
class TemplateSet:
    """A folder of templates: ``<family>.docx`` and ``<family>.html`` plus their CSS."""

    root: Path = BUILTIN_TEMPLATES

    @classmethod
    def default(cls) -> "TemplateSet":
        return cls(Path(os.environ.get("DOCGEN_TEMPLATES", BUILTIN_TEMPLATES)).resolve())

    def path(self, name: str) -> Path:
        return self.root / name
