"""Exporting the built-in template set and writing ``docgen init`` skeletons."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from docgen import families
from docgen.render.environment import BUILTIN_TEMPLATES, TemplateSet
from docgen.resources import schemas_dir, skeletons_dir

SKELETON_DIR = skeletons_dir()
SCHEMAS = schemas_dir()
SKELETONS = sorted(p.stem for p in SKELETON_DIR.glob("*.yaml"))
#: A skeleton's line that :func:`write_skeleton` turns into one comment line per registered
#: family (keeping what precedes the mark): the skeleton offers what this docgen can build,
#: families registered later included, and lists no family by hand.
FAMILIES_MARK = "@families"


def export_templates(folder: Path) -> tuple[list[Path], list[Path]]:
    """Copy every built-in template file into ``folder``; existing files are left alone."""
    written, kept = [], []
    for name, source in TemplateSet(BUILTIN_TEMPLATES, None).files().items():
        target = folder / name
        if target.exists():
            kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written, kept


def family_lines(prefix: str) -> list[str]:
    """``prefix`` + name, title and the block that declares it, for every registered family."""
    width = max(len(spec.name) for spec in families.FAMILIES)
    return [f"{prefix}{spec.name:<{width}}  {spec.title}；数据须有{spec.block.key}:（见 docgen init {spec.file_kind}）"
            for spec in families.FAMILIES]


def write_skeleton(kind: str, file: Path) -> None:
    """The skeleton for ``kind``, its ``$schema`` line pointing at docgen's schemas from ``file``
    and its :data:`FAMILIES_MARK` line, if any, listing the registered families."""
    text = (SKELETON_DIR / f"{kind}.yaml").read_text(encoding="utf-8")
    lines = []
    for line in text.split("\n"):
        prefix, mark, rest = line.partition(FAMILIES_MARK)
        lines += family_lines(prefix) if mark and not rest.strip() else [line]
    text = "\n".join(lines)
    target = SCHEMAS / f"{kind}.schema.json"
    try:
        schema = Path(os.path.relpath(target, file.resolve().parent)).as_posix()
    except ValueError:  # Windows: docgen installed on another drive than the file; no relative path
        schema = target.as_uri()
    first, rest = text.split("\n", 1)
    if first.startswith("# yaml-language-server:"):
        text = f"# yaml-language-server: $schema={schema}\n{rest}"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
