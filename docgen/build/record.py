"""The record a build leaves (:class:`~docgen.build.runner.Build`, as :class:`Recording`): the
manifest with the preflight's findings, the titles cut into words, the preflight's records
of PDFs still listed, and the state with, after a successful build, its index and stamp."""

from __future__ import annotations

from pathlib import Path

from docgen.build import keys
from docgen.build.delta import index_of, updated_index
from docgen.build.plan import file_kinds
from docgen.build.preflight import CHECKED_DIR
from docgen.build.spec import PacketSpec
from docgen.build.state import MANIFEST, STATE_DIR, read_json, write_json


class Recording:
    """The end of a build, a part of :class:`~docgen.build.runner.Build`."""

    def _preflight(self, listed: list[dict]) -> None:
        """Keep the findings of the files built now (each checked where it was written) in the
        manifest and the result, with those of the files up to date. ``listed``: the
        manifest's outputs (``outputs_of``)."""
        for document in list(self.docx_waiting):
            self._check_docx(document, final=True)
        for record in (o for o in listed if "sha256" in o):
            if record["file"] in self.found:
                record["preflight"] = self.found[record["file"]]
            if record.get("preflight"):
                self.result.preflight[record["file"]] = record["preflight"]
            else:
                record.pop("preflight", None)
        self._write_manifest()

    def _remember_words(self) -> None:
        """The titles earlier builds cut into words (docgen.rules.words): this process knows
        them, and the workers forked from it, so the segmenter's dictionary is loaded only for a
        new title. Kept by docgen's code and libraries (jieba among them)."""
        from docgen.rules.words import remember

        self.words_key = keys.hash_json(self.env)
        store = read_json(self.out_dir / STATE_DIR / WORDS_FILE)
        self.words_known = store.get("words") if store.get("key") == self.words_key and \
            isinstance(store.get("words"), dict) else {}
        remember(self.words_known)

    def _keep_words(self) -> None:
        from docgen.rules.words import take_new

        self.cuts.update(take_new())
        new = {k: list(v) for k, v in self.cuts.items() if k not in self.words_known}
        if not new:
            return
        kept = {} if len(self.words_known) + len(new) > MAX_WORDS else dict(self.words_known)
        kept.update(new)
        try:
            write_json(self.out_dir / STATE_DIR / WORDS_FILE, {"key": self.words_key, "words": dict(sorted(kept.items()))})
        except OSError:
            pass  # the next build cuts them again

    def _clean_records(self, listed: list[dict]) -> None:
        """Remove the preflight's records of PDFs that are gone, and the packet editions (with
        their records) of a combined PDF that was made again. ``listed``: the manifest's outputs."""
        if self.preflight is None:
            return
        keep = {self.preflight.record_path(o["sha256"]).name for o in listed
                if o.get("format") == "pdf" and isinstance(o.get("sha256"), str)}
        _remove_except(self.out_dir / STATE_DIR / CHECKED_DIR, "pdf-*.json", keep)
        if self.editions is not None and self.spec.combined in self.result.built:
            used = {p.name for job in self.editions.jobs.values() for p in (job.path, job.record)}
            _remove_except(self.out_dir / STATE_DIR / "editions", "edition-*", used)

    def _write_manifest(self) -> None:
        """The manifest, once, at the end of the build; the journal it now holds goes."""
        if self.manifest:
            manifest = dict(self.manifest)
            manifest["documents"] = [e if all("sha256" in o for o in e["outputs"]) else
                                     {**e, "outputs": [o for o in e["outputs"] if "sha256" in o]}
                                     for e in self.entries]
            if getattr(self, "stale", None):
                manifest["stale"] = self.stale
            write_json(self.out_dir / MANIFEST, manifest)
            self.journal.clear()

    def _write_state(self, spec: PacketSpec, data, family_names: list[str], before) -> None:
        """The state for the next build: what each file held, the warnings, and when nothing
        failed and nothing changed while building, the stamp and the index (docgen.build.delta)."""
        result = self.result
        if self.delta is not None:  # the changed files held projects and still do
            files = dict(self.state.get("files", {}))
        else:  # what each file held: kept for files that cannot be read now (that is when it is needed)
            files = file_kinds(data, spec.path.parent)
            files.update({k: v for k, v in self.state.get("files", {}).items()
                          if k not in files and (spec.path.parent / k).is_file()})
        self.state = {"packet": str(spec.path), "inputs": [str(p) for p in spec.inputs],
                      "templates": str(spec.templates), "formats": spec.formats,
                      "warnings": result.warnings, "files": dict(sorted(files.items()))}
        write_json(self.state_path, self.state)
        if not result.failed and not result.has_errors and \
                keys.held(before, spec.path, spec.inputs, spec.templates, self.inputs, self.read_whole):
            index = (updated_index(self.index, before, self.delta) if self.delta is not None else
                     index_of(before, data, family_names, bool(spec.combined)))
            if index is not None:
                write_json(self.index_path, index, lines=False)
            write_json(self.stamp_path, {"stamp": before.value})  # last: the build is finished


#: The titles earlier builds cut into words, in the state folder (Build._remember_words).
WORDS_FILE = "words.json"
#: Past this many, the store keeps only the latest build's new cuts.
MAX_WORDS = 5000


def _remove_except(folder: Path, pattern: str, keep: set[str]) -> None:
    for path in folder.glob(pattern) if folder.is_dir() else []:
        if path.name not in keep and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
            except OSError:
                pass  # kept for another build; nothing depends on its absence
