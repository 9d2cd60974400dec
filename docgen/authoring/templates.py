"""Exporting the built-in template set and writing ``docgen init`` skeletons."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from docgen.render.environment import BUILTIN_TEMPLATES, TemplateSet
from docgen.resources import schemas_dir, skeletons_dir

SKELETON_DIR = skeletons_dir()
SCHEMAS = schemas_dir()
SKELETONS = sorted(p.stem for p in SKELETON_DIR.glob("*.yaml"))


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


def write_skeleton(kind: str, file: Path) -> None:
    """The skeleton for ``kind``, its ``$schema`` line pointing at docgen's schemas from ``file``."""
    text = (SKELETON_DIR / f"{kind}.yaml").read_text(encoding="utf-8")
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
