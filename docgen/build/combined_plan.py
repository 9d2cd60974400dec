"""The combined PDF's part of a build (:class:`~docgen.build.runner.Build`): whether it is up
to date and the task that makes it (:class:`CombinedPlanning`), and its packet editions as
tasks of their own (:class:`Editions`). Assembling it is :mod:`docgen.build.combined`'s."""

from __future__ import annotations

from docgen.build import keys
from docgen.build.combined import CombinedPart, CombinedSpec, EditionJob
from docgen.build.preflight import read_record
from docgen.build.state import STATE_DIR, confined, file_matches
from docgen.build.tasks import Task


class CombinedPlanning:
    """The combined PDF's planning, a part of :class:`~docgen.build.runner.Build` (it reads
    the build's entries, old manifest, keys and result)."""

    def _keep_old_combined(self) -> None:
        old = self.old.get("combined")
        path = confined(self.out_dir, old.get("file")) if isinstance(old, dict) else None
        if path is not None and old.get("file") == self.spec.combined and path.is_file():
            self.manifest["combined"] = {**old, "current": False}

    def _combined_task(self) -> Task | None:
        """The combined PDF's task; None when it is up to date, not wanted, or not every
        document's PDF is current (then the earlier one stays, listed as not current)."""
        spec = self.spec
        if not spec.combined:
            return None
        parts, shas = [], []
        for e in self.entries:
            pdf = next((o for o in e["outputs"] if o["format"] == "pdf"), None)
            if pdf is None or pdf.get("current") is False or "sha256" not in pdf:
                self.result.notes.append(f"有文档未生成，合并PDF {spec.combined} 未更新")
                self._keep_old_combined()
                return None
            parts.append(CombinedPart(e["family"], e["stem"], str(self.out_dir / pdf["file"]), pdf["sha256"],
                                      self.planned[(e["family"], e["stem"])].context, str(spec.templates),
                                      pdf["inputs_sha256"], bool(e.get("draft"))))
            shas.append(pdf["sha256"])
        if not parts or self.result.failed or self.result.data_errors:  # it would miss documents
            self._keep_old_combined()
            return None
        contents = keys.template_fingerprints(keys.builtin_templates(), "packet-contents")["pdf"]
        # the file identifier follows what the PDF holds; the key also docgen's code (a changed
        # assembly rebuilds it)
        identifier = keys.hash_json({"scheme": keys.KEY_SCHEME, "title": spec.title, "parts": [(p.family, p.stem) for p in parts],
                                     "duplex": spec.duplex,
                                     "pdfs": shas, "date": spec.pdf_date, "contents": contents})
        key = keys.hash_json({"identifier": identifier, "fonts": self.pdf_env["fonts"],
                              "system": self.pdf_env["system"], "env": self.env})
        old = self.old.get("combined") or {}
        if (not self.force and old.get("inputs_sha256") == key and old.get("file") == spec.combined
                and file_matches(self.out_dir / spec.combined, old, self.inputs)):
            # current again: the data that kept it from being rebuilt was put back as it was
            self.manifest["combined"] = {k: v for k, v in old.items() if k != "current"}
            self.result.up_to_date.append(spec.combined)
            return None
        guard = self._guard(spec.combined, old if old.get("file") == spec.combined else None)
        titles = {e["title"]: bool(e.get("draft")) for e in self.entries if isinstance(e.get("title"), str)}
        return Task(-1, "combined", spec.combined, str(self.out_dir / spec.combined), str(spec.templates), guard=guard,
                    preflight=self.preflight,
                    combined=CombinedSpec(spec.title, parts, spec.pdf_date, identifier, key,
                                          str(self.out_dir / STATE_DIR), self._combined_salt(), spec.duplex, titles))

    def _combined_salt(self) -> str:
        """Fonts, libraries, docgen's code and the 目录 template: part of the keys of the
        combined PDF's cached pieces (its 目录 page, the packet editions)."""
        contents = keys.template_fingerprints(keys.builtin_templates(), "packet-contents")["pdf"]
        return keys.hash_json({"pdf": self.pdf_env, "env": self.env, "contents": contents})


class Editions:
    """The combined PDF's packet editions (:mod:`docgen.build.combined`), each a task of its own
    on the workers, started as soon as the page counts of the documents before it are known —
    while later documents, its own among them, are still being laid out: an edition holds what
    its document holds (it is keyed by its own PDF's key), not its own PDF's bytes."""

    def __init__(self, build):
        self.build = build
        spec = build.spec
        self.salt = build._combined_salt()
        self.parts: list[CombinedPart] = []
        self.outs: list[dict] = []
        position = {id(e): i for i, e in enumerate(build.entries)}
        for e in build.entries:
            out = next((o for o in e["outputs"] if o["format"] == "pdf"), None)
            if out is None:  # no PDF (not a format, or it failed): no combined PDF either
                self.parts = []
                break
            self.outs.append(out)
            self.parts.append(CombinedPart(e["family"], e["stem"], str(build.out_dir / out["file"]),
                                           out.get("sha256", ""), build.planned[(e["family"], e["stem"])].context,
                                           str(spec.templates), out["inputs_sha256"], bool(e.get("draft"))))
        self.index = {tid: position[id(entry)] for tid, (entry, out) in build.task_outputs.items()
                      if out["format"] == "pdf"}
        self.building = set(self.index.values())
        self.counts: list[int | None] = [None] * len(self.parts)
        self.jobs: dict[int, EditionJob] = {}
        self.resume = (0, 1)  # (document, its folio before a blank verso) where ready() goes on

    def counted(self, task_id: int, pages: int) -> list[Task]:
        """A document's PDF is laid out, in ``pages`` pages: the editions that makes possible."""
        if task_id in self.index:
            self.counts[self.index[task_id]] = pages
            self.building.discard(self.index[task_id])
        return self.ready()

    def ready(self) -> list[Task]:
        """The editions whose first folio is known and that are not laid out (and checked) yet."""
        spec, build, tasks = self.build.spec, self.build, []
        # from the first document whose page count was not known last time: the ones before
        # it have their editions already (a scan from the start after every PDF was quadratic)
        start, folio = self.resume
        for i in range(start, len(self.parts)):
            part = self.parts[i]
            self.resume = (i, folio)
            if spec.duplex and folio % 2 == 0:  # as folio_starts counts
                folio += 1
            if folio != 1 and i not in self.jobs:
                job = self.jobs[i] = EditionJob(part, folio, str(build.out_dir / STATE_DIR), spec.pdf_date, self.salt)
                if not job.path.is_file() or (build.preflight is not None and not job.record.is_file()):
                    tasks.append(Task(-2 - i, "edition", f"{part.stem}（合并PDF第{folio}页起）", str(job.path),
                                      part.templates, part.family, limits=spec.limits, preflight=build.preflight,
                                      edition=job))
            count = self._count(i)
            if count is None:
                break
            folio += count
        return tasks

    def _count(self, i: int) -> int | None:
        """The page count of document ``i``'s own PDF; None while it is being laid out."""
        if self.counts[i] is None and i not in self.building:
            out, record = self.outs[i], None
            if self.build.preflight is not None and out.get("sha256"):
                record = read_record(self.build.preflight.record_path(out["sha256"]))
            if record is not None and record.get("pages"):
                self.counts[i] = len(record["pages"])
            else:
                try:
                    from pypdf import PdfReader

                    self.counts[i] = len(PdfReader(self.parts[i].path).pages)
                except Exception:
                    return None  # the combined PDF finds out for itself
        return self.counts[i]
