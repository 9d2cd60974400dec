"""Planning from the last build's index (issue 16): a fix to a few project files of a
20,000-file packet reads those files and plans their documents, and takes everything else
as the last successful build left it.

A successful build leaves an index in its state (:func:`index_of`): the stamp's setting (all
but the data files, :class:`~docgen.build.keys.Stamp`), each data file's content hash, the
files holding blocks, each project file's output stems in the data set's order, and the data's
warnings. The next build, whose stamp differs, asks :func:`plan_delta`; it answers only when
the difference is a set of project files whose projects are each planned on their own:

* the setting is the same (code, packet, templates, fonts, libraries) and so is the list of
  data files; the changed files held projects and no block;
* every family planned is either one document per project made from that project and the
  blocks (``FamilySpec.document_each``, without a check of the whole data set) or one that
  does not read projects; no combined PDF (it is made from every document);
* the changed files and the block files, read as a data set of their own, have no error, and
  their stems do not clash with the other files' stems.

Everything else (a block changed, a file added or removed, an error, a summary family) is
planned from the whole data set as before, which is the reference: a test builds each kind of
change both ways and compares manifest, state and files. A document of an unchanged file is
known here by its slice from the manifest and cannot make its context; when one of them turns
out to need rendering after all (its file deleted meanwhile), the build plans from the whole
data set (:class:`NeedsFullPlan`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen import families as registry
from docgen.build.keys import Stamp
from docgen.build.plan import PlannedDocument, plan_documents
from docgen.diagnostics import Diagnostic, Severity

#: Bumped when the index's shape changes.
INDEX_SCHEME = 1


class NeedsFullPlan(Exception):
    """A document planned from the index has to be rendered: plan from the whole data set."""


@dataclass
class Delta:
    """What :func:`plan_delta` gives: the data set of the files read again (blocks and the
    changed project files), every document in the order a whole plan lists them, and the
    data's warnings (those of the unchanged files as the last build found them)."""

    data: Any
    documents: list[PlannedDocument]
    warnings: list[Diagnostic]
    changed: list[str]  # the data files read again because their bytes changed
    projects: list[list] = field(default_factory=list)  # the index's projects, updated


def index_of(stamp: Stamp, data, family_names: list[str], combined: bool) -> dict | None:
    """The index of a successful build whose stamp is ``stamp`` and whose data set is
    ``data`` (None when no later build could plan from it)."""
    if combined or not _plannable(family_names):
        return None
    projects: list[list] = []
    for p in data.projects:
        if p.origin is None:
            return None
        name = str(p.origin.source.path)
        if projects and projects[-1][0] == name:
            projects[-1][1].append(p.output_stem)
        else:
            projects.append([name, [p.output_stem]])
    return _index(stamp, list(family_names), sorted({str(o.source.path) for o in data.origins.values()}),
                  projects, data.diagnostics.warnings)


def updated_index(index: dict, stamp: Stamp, delta: Delta) -> dict:
    """The index after a build planned by ``delta`` (its files now hashed as in ``stamp``)."""
    return _index(stamp, index["families"], index["blocks"], delta.projects, delta.warnings)


def _index(stamp: Stamp, families: list[str], blocks: list[str], projects: list[list],
           warnings: list[Diagnostic]) -> dict:
    return {"scheme": INDEX_SCHEME, "setting": stamp.setting, "families": families,
            "files": [list(f) for f in stamp.files], "blocks": blocks, "projects": projects,
            "warnings": [[d.file, d.line, list(d.loc), d.message] for d in warnings]}


def _well_formed(index: Any) -> bool:
    """``index`` has the shape :func:`index_of` gives (it is read from a file in the output
    folder: anything else, edited or damaged, means reading the whole data set)."""
    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def pairs(value: Any, second) -> bool:
        return isinstance(value, list) and all(
            isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) and second(v[1]) for v in value)

    return (isinstance(index, dict) and isinstance(index.get("setting"), str) and strings(index.get("families"))
            and strings(index.get("blocks")) and pairs(index.get("files"), lambda v: isinstance(v, str))
            and pairs(index.get("projects"), strings)
            and isinstance(index.get("warnings"), list) and all(
                isinstance(w, list) and len(w) == 4 and isinstance(w[0], str) and (w[1] is None or isinstance(w[1], int))
                and isinstance(w[2], list) and all(isinstance(x, (str, int)) for x in w[2]) and isinstance(w[3], str)
                for w in index["warnings"]))


def _plannable(family_names: list[str]) -> bool:
    for name in family_names:
        spec = registry.get(name)
        if spec.uses_projects and not (spec.document_each and spec.check is None):
            return False
    return True


def plan_delta(index: Any, now: Stamp, spec, cache, old_documents: dict) -> Delta | None:
    """Plan from ``index`` (the last successful build's, see the module docstring) when the
    data files changed since are project files that can be planned on their own; None when
    the whole data set must be read. ``now``: the stamp taken at this build's start;
    ``old_documents``: the last manifest's documents by (family, stem)."""
    from docgen.build.spec import apply_packet
    from docgen.input import load_dataset
    from docgen.input.yaml import shown_path

    if (not _well_formed(index) or index["scheme"] != INDEX_SCHEME or index["setting"] != now.setting
            or spec.combined or cache is None):
        return None
    before = index["files"]
    if [f[0] for f in before] != [name for name, _ in now.files]:
        return None  # a file added, removed or renamed
    changed = [name for (name, sha), (_, old) in zip(now.files, before) if sha != old]
    blocks = set(index["blocks"])
    stems_of = {name: stems for name, stems in index["projects"]}
    if not changed or any(name in blocks or name not in stems_of for name in changed):
        return None
    reread = set(changed) | blocks
    data = load_dataset([Path(name) for name, _ in now.files if name in reread], cache)
    apply_packet(spec, data)
    family_names = spec.families_of(data)
    if data.diagnostics.errors or list(family_names) != index["families"] or not _plannable(family_names):
        return None
    new_stems: dict[str, list[str]] = {}
    for p in data.projects:
        new_stems.setdefault(str(p.origin.source.path), []).append(p.output_stem)
    if any(name not in changed for name in new_stems):  # a block file that now holds projects
        return None
    others = {s.casefold() for name, stems in stems_of.items() if name not in new_stems for s in stems}
    if any(s.casefold() in others for stems in new_stems.values() for s in stems):
        return None  # a clash: the whole data set names both files
    projects = [[name, new_stems.get(name, []) if name in changed else stems]
                for name, stems in index["projects"]]
    projects = [entry for entry in projects if entry[1]]
    planned, failures = plan_documents(data, family_names, cache)
    if failures:
        return None
    fresh = {(d.family, d.stem): d for d in planned}
    documents: list[PlannedDocument] = []
    for name in family_names:
        if not registry.get(name).document_each:  # its documents come from the blocks alone
            documents.extend(d for d in planned if d.family == name)
            continue
        for file, stems in projects:
            for stem in stems:
                if file in new_stems:
                    documents.append(fresh[(name, stem)])
                    continue
                old = old_documents.get((name, stem))
                if old is None or not isinstance(old.get("slice_sha256"), str):
                    return None
                documents.append(PlannedDocument(name, stem, None, old["slice_sha256"]))
    # the files read again say their warnings anew (and packet.yaml, whose columns are checked again)
    covered = {d.file for d in data.diagnostics} | {shown_path(Path(n)) for n in reread}
    warnings = [Diagnostic(file, line, tuple(loc), message, Severity.WARNING)
                for file, line, loc, message in index["warnings"] if file not in covered]
    warnings += data.diagnostics.warnings
    return Delta(data, documents, warnings, changed, projects)
