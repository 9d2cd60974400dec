"""Template sets and the Jinja environment both renderers share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.loaders import split_template_path
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


class OutsideTemplateSet(TemplateError):
    """A file of a template set is a link to something outside the set: it is never read."""

    def __init__(self, name: str, root: Path):
        super().__init__(f"模板目录{root}中的“{name}”是指向模板目录以外的链接，不予读取")


def inside(root: Path, path: Path) -> bool:
    """``path``, links followed, lies inside ``root`` (links followed too)."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


class ConfinedLoader(FileSystemLoader):
    """Jinja's file loader for one folder of a template set, refusing (before reading) a file
    that is a link out of the folder or lies in a linked folder outside it, as the PDF's
    URL fetcher refuses such resources."""

    def __init__(self, root: Path):
        super().__init__(str(root))
        self.root = root

    def get_source(self, environment, template):
        path = self.root.joinpath(*split_template_path(template))
        if (path.exists() or path.is_symlink()) and not inside(self.root, path):
            raise OutsideTemplateSet(template, self.root)
        return super().get_source(environment, template)


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
        """The file that serves ``name``: the user's if present, else the built-in one.
        :class:`OutsideTemplateSet` when it is a link out of its folder."""
        for root in self.roots:
            candidate = root / name
            if candidate.is_file() or candidate.is_symlink():
                if not inside(root, candidate):
                    raise OutsideTemplateSet(name, root)
                if candidate.is_file():
                    return candidate
        return self.roots[0] / name

    def links_outside(self) -> list[str]:
        """The names in the user's folder that are links (or lie in linked folders) leading
        out of it: never read, and reported by ``docgen templates check``."""
        root = self.roots[0]
        found = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for name in dirnames + filenames:
                path = Path(dirpath) / name
                if path.is_symlink() and not inside(root, path):
                    found.append(path.relative_to(root).as_posix())
        return sorted(found)

    def files(self) -> dict[str, Path]:
        """Every relative name in the set and the file that serves it (for hashing and export)."""
        found: dict[str, Path] = {}
        for root in reversed(self.roots):
            for f in sorted(root.rglob("*")):
                if (f.is_file() and inside(root, f)
                        and not any(part.startswith((".", "__")) for part in f.relative_to(root).parts)):
                    found[f.relative_to(root).as_posix()] = f
        return dict(sorted(found.items()))

    def loader(self) -> ChoiceLoader:
        return ChoiceLoader([ConfinedLoader(root) for root in self.roots])
