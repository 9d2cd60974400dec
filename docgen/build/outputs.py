"""The outputs' part of a build (:class:`~docgen.build.runner.Build`, as :class:`OutputPlanning`):
each planned document's outputs keyed, those up to date taken from the last manifest, the
others made tasks, and what may be done to a file already in the folder."""

from __future__ import annotations

from docgen import __version__
from docgen.build import keys
from docgen.build.delta import NeedsFullPlan
from docgen.build.plan import Failure, PlannedDocument
from docgen.build.preflight import Preflight
from docgen.build.state import MANIFEST, STATE_DIR, confined, file_matches, output_intact, stale_outputs
from docgen.build.tasks import MEMORY, Task


class OutputPlanning:
    """The outputs' planning, a part of :class:`~docgen.build.runner.Build` (it reads the
    build's spec, old manifest, result and loader's cache)."""

    def _old_documents(self) -> dict:
        """The last manifest's documents by (family, stem), worked out once."""
        if self._old_docs is None:
            self._old_docs = {(d.get("family"), d.get("stem")): d for d in self.old.get("documents", [])
                              if isinstance(d, dict)}
        return self._old_docs

    def _plan_outputs(self, docs: list[PlannedDocument], failing: dict) -> list[Task]:
        """Each document's outputs with their keys; the tasks for those not up to date."""
        spec, result, force = self.spec, self.result, self.force
        self.env = {"code": keys.code_fingerprint(), "libraries": list(keys.distribution_versions())}
        if self.persistent:
            self.preflight = Preflight(str(self.out_dir / STATE_DIR), keys.hash_json(self.env))
        self.pdf_env = {"fonts": keys.font_fingerprint(), "system": list(keys.system_libraries()),
                        "date": spec.pdf_date, **({"variant": spec.pdf_variant} if spec.pdf_variant else {})}
        docx_env = {"timestamp": spec.docx_timestamp}
        if spec.charts:  # a chart's picture is drawn with the installed fonts
            docx_env["fonts"] = keys.font_fingerprint()
        # what every output of a format shares, hashed once (not once per output of 20,000)
        common = {fmt: keys.hash_json({"scheme": keys.KEY_SCHEME, "env": self.env,
                                       "options": self.pdf_env if fmt == "pdf" else docx_env})
                  for fmt in spec.formats}
        templates = {f: keys.template_fingerprints(spec.templates, f) for f in dict.fromkeys(d.family for d in docs)}
        old_docs = self._old_documents()
        self.old_outputs = {(*k, o.get("format")): o for k, d in old_docs.items()
                            for o in d.get("outputs", []) if isinstance(o, dict)}
        # files of documents a build with data errors did not plan (a project it could not
        # read): docgen's own, to be written over once the project is read again (made again:
        # their documents' titles went with them)
        kept = {o["file"]: o for o in stale_outputs(self.old)}
        claimed = {MANIFEST: "manifest.json"}
        if spec.combined:
            claimed[spec.combined] = "合并PDF"
        self.entries: list[dict] = []
        self.task_outputs: dict[int, tuple[dict, dict]] = {}
        self.task_docs: dict[int, PlannedDocument] = {}
        self.unfinished: dict[tuple[str, str], int] = {}  # a document's outputs not rendered yet
        tasks: list[Task] = []
        # where a long PDF's first part posts its page count: this process's memory when the
        # parts are laid out here (docgen render leaves nothing but its documents), else .docgen/
        scratch = MEMORY if not self.persistent and self.jobs == 1 else str(self.out_dir / STATE_DIR)
        self.planned = {(d.family, d.stem): d for d in docs}  # their contexts: packet editions (combined.py)
        for d in docs:
            entry = {"family": d.family, "stem": d.stem, "slice_sha256": d.slice, "outputs": []}
            if d.draft:
                entry["draft"] = True  # built from data with errors (allow_errors)
            title = old_docs.get((d.family, d.stem), {}).get("title")
            if title:
                entry["title"] = title
            self.entries.append(entry)
            causes = failing.get((d.family, d.stem))
            for fmt in spec.formats:
                name = f"{d.stem}.{fmt}"
                old_out = self.old_outputs.get((d.family, d.stem, fmt))
                ours = old_out or kept.get(name)  # what docgen wrote under this name, if anything
                if name in claimed:
                    other = claimed[name] if isinstance(claimed[name], str) else "的".join(claimed[name])
                    result.failed.append(Failure(
                        f"{d.family} {name}", f"输出文件名与{other}重复，请为评价对象填写不同的id"))
                    continue
                claimed[name] = (d.family, d.stem)  # named in a message only when another claims it
                if causes:
                    if fmt == spec.formats[0]:
                        more = f"等{len(causes)}处" if len(causes) > 1 else ""
                        result.failed.append(Failure(
                            f"{d.family} {d.stem}（{'、'.join(spec.formats)}）", f"数据有错误{more}：{causes[0]}"))
                    self._keep_old(entry, ours)
                    continue
                key = keys.output_key(common[fmt], d.family, d.stem, fmt, d.slice, templates[d.family][fmt])
                if (not force and old_out and old_out.get("inputs_sha256") == key and old_out.get("file") == name
                        and output_intact(self.out_dir, old_out, self.inputs, links=False)):
                    out = {"file": name, "format": fmt, "inputs_sha256": key,
                           "sha256": old_out["sha256"], "bytes": old_out["bytes"]}
                    if isinstance(old_out.get("preflight"), list):  # checked when it was built
                        out["preflight"] = old_out["preflight"]
                    entry["outputs"].append(out)
                    result.up_to_date.append(name)
                    continue
                if not d.can_make:
                    raise NeedsFullPlan(name)
                out = {"file": name, "format": fmt, "inputs_sha256": key}
                entry["outputs"].append(out)
                # the context is given just before the task runs (_prepare), not to 20,000 at once
                task = Task(len(tasks), fmt, name, str(self.out_dir / name), str(spec.templates), d.family,
                            None, spec.docx_timestamp, spec.pdf_date, cost=d.size, scratch=scratch,
                            pdf_variant=spec.pdf_variant if fmt == "pdf" else None,
                            guard=self._guard(name, ours), limits=spec.limits,
                            # a PDF is checked where it is written, a DOCX too when no PDF is made
                            preflight=self.preflight if fmt == "pdf" or "pdf" not in spec.formats else None)
                tasks.append(task)
                self.task_outputs[task.id] = (entry, out)
                self.task_docs[task.id] = d
                self.unfinished[(d.family, d.stem)] = self.unfinished.get((d.family, d.stem), 0) + 1
        self.manifest = {"title": spec.title, "date": spec.pdf_date, "docgen": __version__,
                         "documents": self.entries, "combined": None}
        return tasks

    def _guard(self, name: str, old_out: dict | None) -> str:
        """What may be done to an output file already in the folder: "" (absent, or docgen's
        own as the manifest records it: write), "edited" (docgen wrote it, someone changed it
        since: kept unless --force) or "foreign" (not docgen's). Either is kept unless the new
        bytes are the same: then it was written by a build stopped before it recorded the file
        (:func:`~docgen.build.tasks.write_output`). ``docgen render`` asks its record of the
        files it wrote instead of the manifest."""
        target = self.out_dir / name
        if not (target.exists() or target.is_symlink()):
            return ""
        if not self.persistent:
            old_out, force = self.rendered.get(name), self.overwrite_edited
            old_out = {**old_out, "file": name} if isinstance(old_out, dict) else None
        else:
            force = self.force
        if old_out and old_out.get("file") == name and not target.is_symlink():
            return "" if force or file_matches(target, old_out, self.inputs) else "edited"
        return "foreign"

    def _keep_old(self, entry: dict, old_out: dict | None) -> None:
        """A failed output: the file of an earlier build stays, listed as not current."""
        path = confined(self.out_dir, old_out.get("file")) if old_out else None
        if path is not None and path.is_file():
            entry["outputs"].append({**old_out, "current": False})
