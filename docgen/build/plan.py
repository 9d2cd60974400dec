"""Planning: the documents a data set gives, and which of them its errors make wrong.

:func:`plan_documents` turns a data set into :class:`PlannedDocument` s, one per document of
each family (the registry's planners, :mod:`docgen.families`), each with the hash of exactly
what it prints. :func:`attribute_errors` decides which documents an error in the data touches,
so that all the others can still be built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from docgen import families
from docgen.build.keys import context_key
from docgen.diagnostics import DocumentError


@dataclass
class Failure:
    """Something that was not built, and why (in Chinese, for the user)."""

    what: str  # e.g. ``result-sheet 03-nano-park.pdf`` or ``detail-table``
    cause: str


@dataclass
class PlannedDocument:
    """A document of the packet. Its context (what its templates receive) may be made only
    when it is asked for (``make``): a document whose slice is known from an earlier build
    (:func:`plan_documents` with a memo) and whose outputs are up to date never needs it."""

    family: str
    stem: str
    _context: dict | None
    slice: str  # the hash of the context: the document's slice of the data
    size: int = 0  # of the serialised context: an estimate of the work of rendering it
    make: Callable[[], dict] | None = None
    draft: bool = False  # stamped 草稿 (built from data with errors)

    @property
    def context(self) -> dict:
        if self._context is None:
            self._context = {**self.make(), "draft": self.draft}
        return self._context

    @property
    def can_make(self) -> bool:
        """Its context is at hand or can be made (not so for a document known only by its
        slice from the last build's index, :mod:`docgen.build.delta`)."""
        return self._context is not None or self.make is not None

    def release(self) -> None:
        """Forget the context when it can be made again (a province's contexts would not fit at once)."""
        if self.make is not None and not self.draft:
            self._context = None

    def as_draft(self) -> None:
        """Stamp the document 草稿 (built from data with errors)."""
        self.draft = True
        self._context = {**self.context, "draft": True}
        self.slice, self.size = context_key(self._context)


def describe_error(exc: BaseException) -> str:
    """A failure's cause in one line, naming the template file and line when there is one."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f"{exc.filename or exc.name or '模板'}:{exc.lineno}" if exc.lineno else (exc.name or "")
        return f"模板语法错误（{where}）：{exc.message}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"模板错误：{exc.message}"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到模板：{exc.name}"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板错误：{exc}"
    if isinstance(exc, DocumentError):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件：{exc.filename}"
    if isinstance(exc, OSError) and exc.filename:
        from docgen.diagnostics import os_reason

        return f"无法写入{exc.filename}：{os_reason(exc)}"
    return f"{type(exc).__name__}: {exc}"


def plan_documents(data, family_names: list[str], memo=None) -> tuple[list[PlannedDocument], list[Failure]]:
    """Every document of ``family_names`` in ``data``, with its slice hash; a family that
    cannot be planned (its block is missing) is a failure of that family.

    ``memo`` (the loader's cache, :class:`~docgen.input.cache.InputCache`): a family with one
    document per project (``FamilySpec.document_each``) takes the slice of a project's document
    from it when the project (its file's bytes and its place there) and the data set's
    shared parts are those it was worked out from; its context is then made only if needed."""
    docs, failures = [], []
    for name in family_names:
        spec = families.get(name)
        block = spec.block.key
        if getattr(data, block) is None:
            failures.append(Failure(name, f"输入中没有“{block}”信息，无法生成；请添加含“{block}:”的YAML文件"))
            continue
        try:
            if memo is not None and spec.document_each:
                docs.extend(_plan_each(spec, data, memo))
                continue
            planned = spec.plan(data)
        except Exception as exc:  # a planner that cannot cope with partly wrong data
            failures.append(Failure(name, f"无法整理文档内容：{describe_error(exc)}"))
            continue
        for d in planned:
            context = {**d.context, "draft": False}
            docs.append(PlannedDocument(name, d.stem, context, *context_key(context)))
    return docs, failures


def _plan_each(spec, data, memo) -> list[PlannedDocument]:
    from docgen.input.dataset import hash_parts

    shared = data.shared_key()
    docs = []
    for p in data.projects:
        make = (lambda p=p: spec.document_of(p, data).context)
        key = hash_parts("document", spec.name, *p.identity, p.output_stem, shared) if p.identity else None
        known = memo.derived(key, raw=True) if key else None  # "slice size"
        if known is not None:
            slice_, size = known.split()
            docs.append(PlannedDocument(spec.name, p.output_stem, None, slice_, int(size), make))
            continue
        context = {**make(), "draft": False}
        planned = PlannedDocument(spec.name, p.output_stem, context, *context_key(context), make)
        if key:
            memo.derive(key, f"{planned.slice} {planned.size}", raw=True)
        docs.append(planned)
    return docs


def _replan(data, family: str, **changes) -> dict[str, str] | None:
    """The slices (stem → hash) ``family`` gets from ``data`` with ``changes``; None when
    the planner cannot work without what was taken away."""
    docs, failures = plan_documents(data.replaced(**changes), [family])
    return None if failures else {d.stem: d.slice for d in docs}


def _project_index(loc: tuple) -> tuple[tuple, int] | None:
    """``("projects", 4, "score")`` → (("projects", 4), 4); ``(2, "name")`` (a file that is
    a list of projects) → ((2,), 2); anything else None."""
    if len(loc) >= 2 and loc[0] == "projects" and isinstance(loc[1], int):
        return loc[:2], loc[1]
    if loc and isinstance(loc[0], int):
        return loc[:1], loc[0]
    return None


def attribute_errors(data, docs: list[PlannedDocument], previous_files: dict[str, Any],
                     base: Path) -> tuple[dict[tuple[str, str], list[str]], list[str], dict[str, list[str]], set]:
    """Which documents the data errors make wrong, so that all the others can still be built.

    * an error in a project that loaded: the documents whose slice changes or disappears
      without that project (its sheet, the summaries listing it);
    * an error in a project that did not load (or in a file that cannot be read and held only
      projects at the last build): the documents that list every project;
    * an error in a block (``report:``, ``accounts:``…): the documents whose slice changes or
      disappears without that block;
    * anything else (a new file that cannot be read, a data set without projects): every
      document.

    Errors are located by their field path as data (``Diagnostic.loc``), never by parsing
    the printed message. Returns ({(family, stem): causes}, causes that make every document
    wrong, {file: causes} of the projects that did not load, the documents that miss content
    and so cannot even be drafts).
    """
    from docgen.models import EvaluatedProject

    errors = data.diagnostics.errors
    if not errors:
        return {}, [], {}, set()
    project_files = {p.source for p in data.projects}
    loaded_at = {(p.origin.source.shown, p.origin.prefix): i for i, p in enumerate(data.projects) if p.origin}
    block_files: dict[str, list[str]] = {}
    for block, origin in data.origins.items():
        block_files.setdefault(origin.source.shown, []).append(block)
    project_keys = {k for name, info in EvaluatedProject.model_fields.items() for k in (name, info.alias) if k}

    def held_projects_before(shown: str) -> bool:
        return previous_files.get(os.path.relpath(Path(shown).resolve(), base)) == "projects"

    bad_projects: dict[int, list[str]] = {}
    dropped: list[str] = []
    dropped_files: dict[str, list[str]] = {}
    bad_blocks: dict[str, list[str]] = {}
    everything: list[str] = []
    for e in errors:
        text = str(e)
        item = _project_index(e.loc)
        head = e.loc[0] if e.loc and isinstance(e.loc[0], str) else ""
        if item:
            i = loaded_at.get((e.file, item[0]))
            if i is None:
                dropped.append(text)
                dropped_files.setdefault(e.file, []).append(text)
            else:
                bad_projects.setdefault(i, []).append(text)
        elif head and head in block_files.get(e.file, []):
            bad_blocks.setdefault(head, []).append(text)
        elif e.file in project_files and e.file not in block_files:  # a file with one project
            for i, p in enumerate(data.projects):
                if p.source == e.file:
                    bad_projects.setdefault(i, []).append(text)
        elif e.file not in block_files and e.file not in project_files and (
                head in project_keys or (not e.loc and held_projects_before(e.file))):
            dropped.append(text)
            dropped_files.setdefault(e.file, []).append(text)
        else:
            everything.append(text)

    failing: dict[tuple[str, str], list[str]] = {}
    incomplete: set[tuple[str, str]] = set()
    family_names = list(dict.fromkeys(d.family for d in docs))

    def fail(key: tuple[str, str], causes: list[str], missing: bool) -> None:
        have = failing.setdefault(key, [])
        have.extend(c for c in causes if c not in have)
        if missing:
            incomplete.add(key)

    def compare(changes: dict, causes: list[str], spare: str | None = None, missing: bool = False) -> None:
        """Fail the documents whose slice differs or that disappear with ``changes``
        (except ``spare``, which disappears because of the test itself)."""
        for family in family_names:
            after = _replan(data, family, **changes)
            for d in docs:
                if d.family != family:
                    continue
                if after is None or (d.stem in after and after[d.stem] != d.slice) or (
                        d.stem not in after and d.stem != spare):
                    fail((d.family, d.stem), causes, missing)

    for i, causes in bad_projects.items():
        compare({"projects": data.projects[:i] + data.projects[i + 1:]}, causes)
    if dropped:
        if data.projects:  # the documents listing every project change when one is missing;
            probe = data.projects[0]  # the probe's own sheet is not wrong
            compare({"projects": data.projects[1:]}, dropped, spare=probe.output_stem, missing=True)
        else:
            everything.extend(dropped)
    for block, causes in bad_blocks.items():
        compare({block: None}, causes)
    return failing, everything, dropped_files, incomplete


def file_kinds(data, base: Path) -> dict[str, Any]:
    """What each input file held: "projects" or its blocks (for the next build: a file that
    then cannot be read, and held only projects, makes only the lists of projects wrong)."""
    from docgen.input.yaml import resolved_folder

    kinds: dict[str, Any] = {}
    folders: dict[str, str] = {}  # a folder relative to ``base``, worked out once for its files
    for shown in dict.fromkeys(p.source for p in data.projects):  # a file once, however many it holds
        folder, name = os.path.split(shown)
        plain = resolved_folder(shown)  # None: a link (or not a plain file)
        if plain is None:
            kinds[os.path.relpath(Path(shown).resolve(), base)] = "projects"
            continue
        if folder not in folders:
            folders[folder] = os.path.relpath(plain, base)
        kinds[name if folders[folder] == "." else os.path.join(folders[folder], name)] = "projects"
    for block, origin in data.origins.items():
        rel = os.path.relpath(Path(origin.source.shown).resolve(), base)
        kinds[rel] = sorted((set(kinds[rel]) if isinstance(kinds.get(rel), list) else set()) | {block})
    return dict(sorted(kinds.items()))
