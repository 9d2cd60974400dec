"""The preflight of a build: every file the build wrote is checked (:mod:`docgen.check`) once
the manifest says which documents are drafts, on the same executor as the rendering (each
PDF's check in a worker, DOCX in this process, as they are rendered), and its findings are
kept in the manifest beside the file's entry (``"preflight"``). A file that is up to date
keeps the findings recorded when it was built: a no-op build checks nothing and still
reports them.
"""

from __future__ import annotations

from pathlib import Path

from docgen.build.executor import Executor


def check_output(path: str) -> list[dict]:
    """One file's findings as manifest entries ({page, rule, severity, message}); in any
    process (a picklable task)."""
    from docgen.check import check_document

    findings = []
    for finding in check_document(Path(path)):
        entry = finding.as_dict()
        entry.pop("document", None)  # the manifest entry names the file
        findings.append(entry)
    return findings


def run_preflight(out_dir: Path, names: list[str], executor: Executor, local: Executor) -> dict[str, list[dict]]:
    """The findings of each of ``names`` (files in ``out_dir``): PDFs on ``executor``, DOCX on
    ``local``. A file whose check itself failed gets one finding saying so."""
    futures = {}
    for name in names:
        runner = local if name.lower().endswith(".docx") else executor
        futures[runner.submit(check_output, str(out_dir / name))] = name
    pending = [f for f in futures if not f.done()]  # the DOCX are done: checked here, at once
    while pending:
        executor.wait(pending)
        pending = [f for f in pending if not f.done()]
    return {name: _findings(future) for future, name in futures.items()}


def _findings(future) -> list[dict]:
    try:
        return future.result()
    except Exception as exc:  # (a worker that died, say): the check must never fail the build
        return [{"page": None, "rule": "unreadable", "severity": "error",
                 "message": f"预检未能完成：{type(exc).__name__}: {exc}"}]


def count(findings: dict[str, list[dict]]) -> tuple[int, int]:
    """(errors, warnings) over every file's findings."""
    errors = sum(1 for fs in findings.values() for f in fs if f.get("severity") == "error")
    warnings = sum(1 for fs in findings.values() for f in fs if f.get("severity") != "error")
    return errors, warnings
