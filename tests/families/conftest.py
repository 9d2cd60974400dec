"""Fixtures of the three summary families (summary-report, results-summary, detail-table),
which share their data: the synthetic batch and the real samples, each rendered once."""

from __future__ import annotations

import pytest

from helpers import Family, Format, render
from summary_batch import write_batch

from conftest import SAMPLES


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    write_batch(folder)
    out = folder / "out"
    for family in (Family.SUMMARY_REPORT, Family.RESULTS_SUMMARY, Family.DETAIL_TABLE):
        report = render(family, [folder], out, Format.ALL)
        assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return folder, out


@pytest.fixture(scope="module")
def summary_samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("summaries")
    for sample in ("shuozhou-edz-2024", "shangdang-2022"):
        report = render(None, [SAMPLES / sample], folder / sample, Format.ALL)
        assert not report.diagnostics.errors, [str(d) for d in report.diagnostics]
    return folder
