"""Template sets and the Jinja environment both renderers share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from docgen.resources import templates_dir
from docgen.rules import FILTERS

#: The built-in template set: inside the package when installed, ``templates/`` in a checkout.
BUILTIN_TEMPLATES = templates_dir()


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
    """A folder of templates (``<family>.docx``, ``<family>.html``, ``css/``…).

    A user's set may hold any subset of the files: whatever it lacks comes from the
    built-in set (``fallback``), file by file, for templates and for CSS and images alike.
    """

    root: Path = BUILTIN_TEMPLATES
    fallback: Path | None = BUILTIN_TEMPLATES

    @classmethod
    def default(cls) -> "TemplateSet":
        return cls(Path(os.environ.get("DOCGEN_TEMPLATES", BUILTIN_TEMPLATES)).resolve())

    @property
    def roots(self) -> list[Path]:
        """The folders searched, the user's first."""
        roots = [self.root.resolve()]
        if self.fallback is not None and self.fallback.resolve() != roots[0]:
            roots.append(self.fallback.resolve())
        return roots

    def path(self, name: str) -> Path:
        """The file that serves ``name``: the user's if present, else the built-in one."""
        for root in self.roots:
            if (root / name).is_file():
                return root / name
        return self.roots[0] / name

    def files(self) -> dict[str, Path]:
        """Every relative name in the set and the file that serves it (for hashing and export)."""
        found: dict[str, Path] = {}
        for root in reversed(self.roots):
            for f in sorted(root.rglob("*")):
                if f.is_file() and not any(part.startswith((".", "__")) for part in f.relative_to(root).parts):
                    found[f.relative_to(root).as_posix()] = f
        return dict(sorted(found.items()))

    def loader(self) -> ChoiceLoader:
        return ChoiceLoader([FileSystemLoader(str(root)) for root in self.roots])
