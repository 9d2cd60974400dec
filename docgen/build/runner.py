"""The build: a packet (or ``docgen render``'s command line) in, documents, manifest and
combined PDF out, only what is outdated rebuilt, work run on an executor.

1. *Up to date?* When the stamp of the last successful build (:func:`keys.stamp`) still
   holds and every output is intact, stop: nothing else is read.
2. *Plan*: read the data (only the changed files where the last build's index allows it,
   :mod:`docgen.build.delta`), plan every document (:mod:`docgen.build.plan`), attribute the
   data's errors to the documents that print them (drafts where the packet allows them), key
   every output and keep those whose key and bytes match the manifest
   (:mod:`docgen.build.outputs`).
3. *Run* the outdated outputs on the executor (:mod:`docgen.build.executor`): PDFs on the
   workers, largest first, each checked there once written (the preflight); DOCX, a twentieth
   of a PDF's time, in this process meanwhile, each checked once its PDF's check is back; long
   documents as two parts at once; the combined PDF's packet editions as soon as the page
   counts before them are known; then the combined PDF (:mod:`docgen.build.combined_plan`).
4. *Record*: the manifest with the preflight's findings, the state, and after a successful
   build its index and stamp; stale outputs removed (:mod:`docgen.build.record`).
"""

from __future__ import annotations

import gc
import time
from pathlib import Path

from docgen.build import keys
from docgen.build.executor import Executor, InlineExecutor, ProcessExecutor, default_jobs, make_executor
from docgen.build.outcome import BuildResult, Reporter, SilentReporter
from docgen.build.plan import Failure, attribute_errors, plan_documents
from docgen.build.preflight import UNKNOWN, Preflight, check_written_docx, read_record
from docgen.build.spec import PacketSpec, load_packet
from docgen.build.state import (INDEX_FILE, MANIFEST, RENDERED_FILE, STAMP_FILE, STATE_DIR, STATE_FILE, OutputLock,
                                OutputNotWritable, check_state_folder, output_intact, outputs_of, read_json,
                                remove_stale, remove_temporaries, stale_outputs, write_json)
from docgen.build.schedule import run_tasks
from docgen.build.inputs import close_input_cache, open_input_cache, store_input_cache
from docgen.build.journal import JOURNAL_FILE, Journal, fold
from docgen.build.combined_plan import CombinedPlanning, Editions
from docgen.build.outputs import OutputPlanning
from docgen.build.record import Recording
from docgen.build.tasks import Task, TaskResult, trace
from docgen.build.delta import Delta, NeedsFullPlan, plan_delta
from docgen.diagnostics import Diagnostics, Severity

#: A build of DOCX alone renders them on the workers from this many on (fewer: starting the
#: workers would cost more than it saves).
DOCX_ON_WORKERS = 100


def build_packet(packet_path: Path, out_dir: Path, jobs: int | None = None, force: bool = False,
                 reporter: Reporter | None = None, executor: Executor | None = None,
                 start_method: str | None = None) -> BuildResult:
    """Build every document of the packet into ``out_dir``. ``executor``: workers kept
    between builds (``docgen build --watch``); by default the build starts its own and ends
    them."""
    return _run(Path(packet_path), None, out_dir, jobs, force, reporter, executor, start_method)


def render_documents(spec: PacketSpec, out_dir: Path, jobs: int | None = 1, reporter: Reporter | None = None,
                     start_method: str | None = None, overwrite_edited: bool = False) -> BuildResult:
    """``docgen render``: the same pipeline over a packet described in memory
    (:meth:`PacketSpec.in_memory_spec`). Everything is rendered anew; no manifest is kept,
    only a record of the files written (``.docgen/rendered.json``): a file of the same name
    that render did not write is never overwritten, one it wrote and someone edited since only
    with ``overwrite_edited`` (``--force``). With errors in the data nothing is written unless
    the spec allows drafts."""
    return _run(spec.path, spec, out_dir, jobs, True, reporter, None, start_method, overwrite_edited)


class _Collector:
    """The garbage collector's pace during a build. Reading the manifest and index and making
    the plan create a million long-lived objects at 20,000 documents; at the collector's
    usual pace (a young collection every 700 objects) full collections walked them all five
    times in a build after one change, a quarter of its time. Until the plan is made the
    young generation is :data:`YOUNG_OBJECTS` objects; then (:meth:`planned`) the usual pace
    is back, since rendering a DOCX leaves python-docx's reference cycles holding megabytes
    of lxml trees (at 100,000 the build process grew to 2.6 GB over 300 sheets), and the plan
    is set aside (``gc.freeze``), so that later full collections do not walk it."""

    def __enter__(self) -> "_Collector":
        self.before = gc.get_threshold()
        gc.set_threshold(YOUNG_OBJECTS, *self.before[1:])
        return self

    def planned(self) -> None:
        gc.set_threshold(*self.before)
        gc.freeze()

    def __exit__(self, *exc) -> None:
        gc.set_threshold(*self.before)
        gc.unfreeze()


#: The collector's young generation while a build reads and plans (see _Collector).
YOUNG_OBJECTS = 100_000


def _run(packet_path, spec, out_dir, jobs, force, reporter, executor, start_method,
         overwrite_edited: bool = False) -> BuildResult:
    with _Collector() as collector:
        started = time.perf_counter()
        result = BuildResult()
        jobs = max(1, jobs or default_jobs())
        check_state_folder(out_dir)
        build = Build(packet_path, spec, out_dir, jobs, force, reporter or SilentReporter(), result, executor,
                      start_method)
        build.overwrite_edited = overwrite_edited
        build.collector = collector
        if not build.persistent:
            try:
                build.run()
            except OSError as exc:  # the record of what render wrote could not be written
                raise OutputNotWritable(out_dir, exc) from None
        else:
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                lock = OutputLock(out_dir)
                lock.__enter__()
            except OSError as exc:
                # a folder that cannot be written: a build with nothing to do still succeeds
                if not force and out_dir.is_dir() and build.up_to_date():
                    result.seconds = time.perf_counter() - started
                    return result
                raise OutputNotWritable(out_dir, exc) from None
            try:
                build.run()
            except OSError as exc:  # the manifest or the state could not be written (disk full…)
                raise OutputNotWritable(out_dir, exc) from None
            finally:
                lock.__exit__(None, None, None)
        result.seconds = time.perf_counter() - started
        return result


class Build(OutputPlanning, Recording, CombinedPlanning):
    """One run of a build (with the output folder locked when it is persistent)."""

    def __init__(self, packet: Path, spec: PacketSpec | None, out_dir: Path, jobs: int, force: bool,
                 reporter: Reporter, result: BuildResult, executor: Executor | None, start_method: str | None):
        self.packet, self.out_dir, self.jobs, self.force = packet, out_dir, jobs, force
        self.reporter, self.result = reporter, result
        self.spec: PacketSpec | None = spec
        self.persistent = spec is None or not spec.in_memory
        self.state_path = out_dir / STATE_DIR / STATE_FILE
        self.state = read_json(self.state_path) if self.persistent else {}
        self.stamp_path, self.index_path = out_dir / STATE_DIR / STAMP_FILE, out_dir / STATE_DIR / INDEX_FILE
        # the last finished build's manifest, with what a build stopped since wrote (journal.py)
        self.journal = Journal(out_dir / STATE_DIR / JOURNAL_FILE)
        self.old = fold(read_json(out_dir / MANIFEST), self.journal.path) if self.persistent else {}
        # its output files (asked three times: 20,000 at once), and those it kept as stale
        self.old_listed = outputs_of(self.old) + stale_outputs(self.old)
        # docgen render: what it wrote before (name → sha256, bytes)
        self.rendered_path = out_dir / STATE_DIR / RENDERED_FILE
        self.rendered = {} if self.persistent else read_json(self.rendered_path).get("files", {})
        self.overwrite_edited = False
        self.executor, self.own_executor = executor, executor is None
        self.start_method = start_method
        self.local = InlineExecutor()  # DOCX and the combined PDF's assembly: cheap, in this process
        self.manifest: dict = {}
        self.preflight: Preflight | None = None  # where the tasks keep what they checked (persistent builds)
        self.found: dict[str, list[dict]] = {}  # the preflight's findings of the files built now
        self.pdf_checks: dict[tuple[str, str], dict] = {}  # (family, stem) → its PDF's check, built now
        self.docx_waiting: dict[tuple[str, str], tuple[str, dict]] = {}  # DOCX built, their PDF's check not back
        self.editions: Editions | None = None
        self.cuts: dict[str, tuple] = {}  # titles cut into words in this build (docgen.rules.words)
        self.inputs = None  # the loader's cache (docgen.input.cache), opened once the folder is locked
        self.read_whole = False  # the whole data set was read (the cache's unused records can go)
        self.stamp_now: tuple | None = None  # (Stamp, inputs, templates) taken by up_to_date()
        self.index = None  # the last successful build's index (docgen.build.delta)
        self.delta: Delta | None = None  # this build's plan from it
        self._old_docs: dict | None = None
        self.collector: _Collector | None = None  # set by _run

    # ------------------------------------------------------------------ entry

    def run(self) -> None:
        trace("build: start")
        if self.persistent:
            remove_temporaries(self.out_dir)
            self.inputs = open_input_cache(self.out_dir, self.force)
            if not self.force and self.up_to_date():  # workers are started only past this point:
                return  # ending them while they load WeasyPrint would cost more than the check
            # an interrupted or failed build must never pass for a finished one: the index is
            # kept in memory, and written again when this build succeeds
            self.index = read_json(self.index_path) if not self.force else None
            for path in (self.stamp_path, self.index_path):
                if path.is_symlink() or path.is_file():
                    path.unlink()
        try:
            self._build()
        finally:
            self._end_workers()
            if self.inputs is not None:
                close_input_cache(self.inputs, collect=self.read_whole)

    def _start_workers(self, pdf: bool = True) -> None:
        if self.executor is None:
            self.executor = make_executor(self.jobs, self.start_method, pdf=pdf)
        if isinstance(self.executor, ProcessExecutor):
            self.executor.start()

    def _end_workers(self) -> None:
        if self.own_executor and self.executor is not None:
            self.executor.shutdown()

    def up_to_date(self) -> bool:
        """The stamp of the last successful build still holds, its manifest is there and every
        output it lists is intact (writes nothing: a folder that cannot be written is checked
        this way too)."""
        state, result = self.state, self.result
        stamp = read_json(self.stamp_path).get("stamp")
        if not stamp or state.get("packet") != str(self.packet.resolve()):
            return False
        if not isinstance(self.old.get("documents"), list):  # deleted or damaged: written again
            return False
        current = keys.stamp_parts(self.packet.resolve(), [Path(p) for p in state.get("inputs", [])],
                                   Path(state.get("templates", "")), self.inputs)
        self.stamp_now = (current, state.get("inputs"), state.get("templates"))
        outputs = self.old_listed
        if current.value != stamp or not all(output_intact(self.out_dir, o, self.inputs) for o in outputs):
            return False
        if self.inputs is not None:  # what was hashed again is not hashed next time
            close_input_cache(self.inputs)
            self.inputs = None
        result.unchanged = True
        result.up_to_date = [o["file"] for o in outputs]
        result.preflight = {o["file"]: o["preflight"] for o in outputs if isinstance(o.get("preflight"), list)
                            and o["preflight"]}
        result.warnings = list(state.get("warnings", []))
        return True

    # ------------------------------------------------------------------ planning

    def _build(self) -> None:
        result = self.result
        trace("build: slow path")
        if self.spec is None:
            spec, diagnostics = load_packet(self.packet)
            result.diagnostics = diagnostics
            if spec is None:
                result.packet_errors = True
                return
            self.spec = spec
        spec = self.spec
        # the stamp up_to_date() just took, when it covered the same inputs and templates
        before = None
        if self.persistent:
            taken, inputs, templates = self.stamp_now or (None, None, None)
            same = inputs == [str(p) for p in spec.inputs] and templates == str(spec.templates)
            before = taken if taken and same else keys.stamp_parts(spec.path, spec.inputs, spec.templates, self.inputs)
        if self.index:  # read for a persistent build without --force
            self.delta = plan_delta(self.index, before, spec, self.inputs, self._old_documents())
        given = list(result.diagnostics)  # the packet's own
        try:
            data, family_names, tasks = self._plan(spec)
        except NeedsFullPlan:  # a document of an unchanged file must be rendered after all
            trace("build: the index cannot make a document; planning from the whole data set")
            self.delta = None
            if self.inputs is not None:
                store_input_cache(self.inputs)  # the files just read are not parsed again
            result.diagnostics, result.failed, result.up_to_date, result.drafts = Diagnostics(given), [], [], []
            result.delta = None
            data, family_names, tasks = self._plan(spec)
        if data is None:
            return
        if self.collector is not None:
            self.collector.planned()
        trace(f"build: planned, {len(tasks)} tasks")
        if self.persistent:
            self._remember_words()  # before the workers start: they are forked with what it knows
        if spec.combined and not result.failed and not result.data_errors:
            self.editions = Editions(self)
        self.reporter.begin(len(tasks))
        try:
            self._run_tasks(tasks + (self.editions.ready() if self.editions and tasks else []))
            combined = self._combined_task()
            if combined is not None:
                self._run_tasks(self.editions.ready() if self.editions else [])  # those not laid out yet
                self.reporter.extend(1)
                self._run_tasks([combined])
        finally:  # interrupted too: what was written is in the journal, the manifest as it was
            self.journal.close()
            self.reporter.end()
        # every render is done: the workers' memory goes before the manifest, the state and the
        # loader's cache are written (at 20,000 sheets the end's peak was theirs and these together)
        self._end_workers()
        if not self.persistent:
            if result.built:
                write_json(self.rendered_path, {"files": dict(sorted(self.rendered.items()))})
            return
        listed = outputs_of(self.manifest)
        self.stale = remove_stale(self.out_dir, self.old_listed, {o["file"] for o in listed}, self.result)
        self._preflight(listed)
        self._keep_words()
        self._clean_records(listed)
        self._write_state(spec, data, family_names, before)

    def _plan(self, spec: PacketSpec) -> tuple:
        """Read the data (from the index where :mod:`docgen.build.delta` could plan, else the
        whole data set), plan every document, attribute the data's errors to them, and key
        their outputs: (data set, families, tasks of the outputs not up to date); no data set
        when nothing may be written (``docgen render`` of wrong data)."""
        result = self.result
        diagnostics = result.diagnostics
        if self.delta is not None:
            data = self.delta.data
            diagnostics.extend(self.delta.warnings)
            result.delta = list(self.delta.changed)
        else:
            from docgen.build.spec import apply_packet
            from docgen.input import load_dataset

            data = load_dataset(spec.inputs, self.inputs)
            apply_packet(spec, data)
            self.read_whole = True
            diagnostics.extend(data.diagnostics)
        family_names = spec.families_of(data)
        if self.inputs is not None:
            result.parsed = len(self.inputs.parsed)
        result.has_errors = bool(data.diagnostics.errors)
        result.warnings = [str(d) for d in diagnostics.in_order() if d.severity is Severity.WARNING]
        if spec.in_memory and result.has_errors and not (spec.allow_errors and not data.unreadable):
            result.data_errors = True  # docgen render: nothing is written from wrong data
            return None, family_names, []
        if self.delta is not None:
            docs, family_failures = self.delta.documents, []
        else:
            docs, family_failures = plan_documents(data, family_names, self.inputs)
        result.failed.extend(family_failures)
        failing, everything, dropped, incomplete = attribute_errors(
            data, docs, self.state.get("files", {}), spec.path.parent)
        if spec.allow_errors and not everything:  # wrong figures, nothing missing: a draft
            for d in docs:
                if (d.family, d.stem) in failing and (d.family, d.stem) not in incomplete:
                    del failing[(d.family, d.stem)]
                    d.as_draft()
                    result.drafts.append(f"{d.family} {d.stem}")
        result.data_errors = bool(failing or everything or dropped or family_failures)
        for file, causes in dropped.items():
            more = f"等{len(causes)}处" if len(causes) > 1 else ""
            result.failed.append(Failure(f"{file}中的评价对象",
                                         f"未能读入（数据有错误{more}：{causes[0]}），其文档未生成"))
        for d in docs if everything else []:
            failing.setdefault((d.family, d.stem), []).extend(everything)
        if data.diagnostics.errors and not docs and not family_failures and not dropped:
            result.failed.append(Failure("全部文档", "数据有错误，见上方列出的问题"))

        return data, family_names, self._plan_outputs(docs, failing)

    # ------------------------------------------------------------------ running

    def _run_tasks(self, tasks: list[Task]) -> None:
        # Workers start once the plan shows a PDF to render, and load while this process renders
        # the DOCX: a build that finds nothing to lay out does not share the cores with them.
        # Many DOCX and no PDF (a province's sheets in Word): the DOCX go to the workers.
        # A combined PDF is assembled here when its pieces are cached and no worker is running yet.
        here = not isinstance(self.executor, ProcessExecutor)
        spread = (len(tasks) >= DOCX_ON_WORKERS and all(t.kind == "docx" and t.preflight for t in tasks)
                  and (self.jobs > 1 or self.executor is not None))
        if (spread or any(t.kind != "docx" for t in tasks)) and self.executor is None:
            self._start_workers(pdf=not spread)
        run_tasks(tasks, self.executor or self.local, self._finished, assemble_here=here, docx_here=not spread,
                  prepare=self._prepare,
                  tick=getattr(self.reporter, "tick", None))  # a reporter of before tick() may lack it

    def _prepare(self, task: Task) -> None:
        if task.id in self.task_docs:
            task.context = self.task_docs[task.id].context

    def _release(self, task: Task) -> None:
        """A document's outputs are rendered: its context goes (made again if the combined PDF needs it)."""
        task.context = None
        doc = self.task_docs.pop(task.id)
        left = self.unfinished[(doc.family, doc.stem)] = self.unfinished[(doc.family, doc.stem)] - 1
        if not left:
            doc.release()

    def _finished(self, task: Task, res: TaskResult) -> list[Task] | None:
        result = self.result
        self.cuts.update(res.words or {})
        if task.kind == "edition":  # not an output: the combined PDF reads it from the cache
            result.render_seconds["combined"] += res.seconds
            trace(f"edition {task.label}: {'ok' if res.ok else res.error}")
            return None
        self.reporter.finished(task.label, res)
        result.render_seconds[task.kind] += res.seconds
        if res.ok and res.checked is not None:
            self.found[task.label] = res.checked["findings"]
        if task.kind == "combined":
            if res.ok:
                self.manifest["combined"] = {"file": task.label, "inputs_sha256": task.combined.key,
                                             "sha256": res.sha256, "bytes": res.size, "pages": res.pages}
                if self.persistent:
                    self.journal.combined(self.manifest["combined"])
                self._remember_written(task, res)
                result.built.append(task.label)
            else:
                result.failed.append(Failure(f"合并PDF {task.label}", res.error))
                self._keep_old_combined()
            return None
        entry, out = self.task_outputs[task.id]
        document = (entry["family"], entry["stem"])
        self._release(task)
        more = None
        if res.ok:
            out.update(sha256=res.sha256, bytes=res.size)
            self._remember_written(task, res)
            if res.title:
                entry["title"] = res.title
            result.built.append(task.label)
            if not self.persistent:
                self.rendered[task.label] = {"sha256": res.sha256, "bytes": res.size}
            elif task.kind == "docx":
                if res.checked is None:  # checked once its PDF's check is back (else: where it was written)
                    self.docx_waiting[document] = (task.label, entry)
            else:
                self.pdf_checks[document] = res.checked or {}
            if self.editions is not None and task.kind == "pdf":
                more = self.editions.counted(task.id, res.pages)
        else:
            result.failed.append(Failure(f"{entry['family']} {task.label}", res.error))
            entry["outputs"].remove(out)
            self._keep_old(entry, self.old_outputs.get((entry["family"], entry["stem"], out["format"])))
            self.editions = None  # the combined PDF will not be made: no more editions
        if self.persistent:
            if res.ok:  # a DOCX waiting for its check: docgen's file, not yet up to date
                self._journal(entry, out, self.found.get(task.label), checked=res.checked is not None)
            self._check_docx(document, final=False)
        return more

    def _remember_written(self, task: Task, res: TaskResult) -> None:
        """The next build knows the hash of the file ``task`` wrote by its stat."""
        if self.inputs is not None:
            self.inputs.remember(Path(task.target), self.inputs.stat(Path(task.target)), res.sha256)

    def _check_docx(self, document: tuple[str, str], final: bool) -> None:
        """Check a DOCX built now, once its PDF's check is back (its 目录 entries are compared
        with those that check read in its worker); one whose PDF was not built now, or failed,
        at the end (``final``, after stale outputs are gone), with the record of the PDF's check
        when the PDF is up to date, else reading the PDF."""
        if document not in self.docx_waiting:
            return
        label, entry = self.docx_waiting[document]
        pdf = self.pdf_checks.get(document)
        if pdf is None and not final:
            return  # its PDF is still being laid out, or was not built now
        if pdf is None:
            current = next((o for o in entry["outputs"] if o["format"] == "pdf" and "current" not in o
                            and o.get("sha256") and o["file"] == Path(label).with_suffix(".pdf").name), None)
            pdf = read_record(self.preflight.record_path(current["sha256"])) if current else None
        del self.docx_waiting[document]
        contents = pdf.get("contents") if pdf is not None and "pages" in pdf else UNKNOWN
        self.found[label] = check_written_docx(str(self.out_dir / label), bool(entry.get("draft")), contents)
        self._journal(entry, next(o for o in entry["outputs"] if o["file"] == label), self.found[label])

    def _journal(self, entry: dict, out: dict, findings: list | None, checked: bool = True) -> None:
        """An output written: in the journal, so that a stop after it loses nothing. Until it
        is checked it is known as docgen's file but not as up to date (no key)."""
        record = {**out, "preflight": findings or []} if checked else {**out, "inputs_sha256": None}
        self.journal.output(entry["family"], entry["stem"], record, entry.get("title"))
