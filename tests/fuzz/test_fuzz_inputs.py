"""Property-based fuzzing of every input kind: a sample file mutated (its YAML structure, keys,
types, numbers, strings, encodings, raw text) must give exit code 0 or 2, never an internal
error; every error names its file, and its line when it is about the file's content; each
input is handled within seconds and a bounded growth of memory; no input file is changed.

The default run is small (``make test``); ``make fuzz`` runs the ``fuzz`` profile (over 5,000
inputs) and prints the counts."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from docgen.cli import app

from conftest import SAMPLES
from helpers import PeakMemory

# make test: the same few inputs every run (derandomized), so a failure there is reproducible
settings.register_profile("default", max_examples=12, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("fuzz", max_examples=int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", 900)), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: (kind, sample folder, the file mutated, the other files of the data set)
KINDS = {
    "result-sheet project": ("jiyuan-2023", "01-housing.yaml", ["publisher.yaml"]),
    "report": ("shuozhou-edz-2024", "report.yaml", ["projects.yaml"]),
    "results summary": ("shangdang-2022", "summary.yaml", ["projects.yaml"]),
    "detail table": ("shangdang-2022", "table.yaml", ["projects.yaml"]),
    "accounts": ("shangdang-gov-office-2023", "accounts.yaml", ["department.yaml", "explanations.yaml"]),
    "packet.yaml": ("jiyuan-2023", "packet.yaml", ["publisher.yaml", "01-housing.yaml"]),
}

COUNTS: Counter = Counter()
PEAKS: Counter = Counter()  # the largest growth of memory per kind, in MB
#: What handling one input may add to the process at its peak (the largest sample input takes
#: a few tens of MB; a nine-level alias bomb read whole would take gigabytes).
MAX_GROWTH_MB = 400

#: What a mutation may put in: values of every type, and the texts users and attackers write.
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.sampled_from([".nan", ".inf", "-.inf", "1e28", "-1", "0", "100.005", "1,234.56", "１２３", "!!float xyz",
                     "2024-13-01", "2024-02-30", "~", "null", "yes", "*a", "&a x", "<<: *a", "? [a, b]"]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(['"\\a"', '"\\x1b[31m"', '"\\udfff"', '"\\0"', "'{{ 7*7 }}'", "'<script>'", "'\\f'",
                     "'优秀'", "'良好'", "'108.5'", "'万元'", "'6354.80万元'", "'-5万元'"]),
)

TEXT_NOISE = st.sampled_from([":", "- ", "\t", "'", '"', "*", "&", "<<: ", "---\n", "\x00", "[", "]", "{", "}",
                              "\n  ", "?", "|", ">", "%", "!", "\\", "\r", "\ufeff", "\udcff", "# ", "@", "`"])


def _yaml_scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and (value.startswith(("'", '"', "!!", "*", "&", "<<", "?", ".", "-", "~"))
                                   or value.replace(".", "").isdigit()):
        return value
    return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


@st.composite
def mutated(draw, text: str) -> bytes:
    """The sample's text with a few mutations: values replaced, keys renamed or dropped, lines
    duplicated or cut, noise inserted; sometimes the whole file re-encoded."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        how = draw(st.sampled_from(["value", "key", "drop", "duplicate", "noise", "indent", "truncate"]))
        m = re.match(r"^(\s*(?:- )?)([^:#]+):(.*)$", line)
        if how == "value" and m:
            lines[i] = f"{m.group(1)}{m.group(2)}: {_yaml_scalar(draw(VALUES))}"
        elif how == "key" and m:
            lines[i] = f"{m.group(1)}{draw(st.sampled_from(['nmae', 'id', '1', 'score', '<<', '? x', 'ＩＤ']))}:{m.group(3)}"
        elif how == "drop":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, line)
        elif how == "noise":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(TEXT_NOISE) + line[at:]
        elif how == "indent":
            lines[i] = draw(st.sampled_from(["", " ", "   ", "\t"])) + line.lstrip()
        elif how == "truncate":
            lines = lines[:i]
    result = "\n".join(lines) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "gb18030", "utf-16"]))
    # a lone surrogate is kept as bytes in UTF-8 (invalid UTF-8, as a broken editor writes it)
    return result.encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")


def _check(kind: str, data: bytes) -> None:
    folder_name, name, others = KINDS[kind]
    sample = SAMPLES / folder_name
    with tempfile.TemporaryDirectory(prefix="docgen-fuzz-") as tmp:
        work = Path(tmp) / "data"
        work.mkdir()
        for other in others:
            shutil.copy(sample / other, work / other)
        (work / name).write_bytes(data)
        before = {p.name: p.read_bytes() for p in work.iterdir()}
        cwd = os.getcwd()
        os.chdir(work)
        started = time.monotonic()
        try:
            with PeakMemory() as memory:
                if name == "packet.yaml":
                    result = CliRunner().invoke(app, ["build", "packet.yaml", "-o", "../out", "--jobs", "1"])
                else:
                    result = CliRunner().invoke(app, ["render", "all", ".", "-o", "../out", "--format", "docx",
                                                      "--allow-errors"])
        finally:
            os.chdir(cwd)
        seconds = time.monotonic() - started
        after = {p.name: p.read_bytes() for p in work.iterdir()}
    assert seconds < 20, f"{seconds:.1f} s for one input"
    assert memory.growth_mb < MAX_GROWTH_MB, f"{memory.growth_mb:.0f} MB for one input"
    PEAKS[kind] = max(PEAKS[kind], memory.growth_mb)
    output = result.output
    assert result.exit_code in (0, 2), output
    assert not (result.exception and not isinstance(result.exception, SystemExit)), repr(result.exception)
    assert "内部错误" not in output and "Traceback" not in output, output
    assert before == after, "an input file was changed"
    for line in output.splitlines():  # a message about a field of the file names its line
        assert not re.match(rf"^{re.escape(name)}: [\w\[\]．.]+: ", line), line
    COUNTS[(kind, result.exit_code)] += 1


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    if COUNTS:
        lines = [f"  {kind}: exit {code} × {n}" for (kind, code), n in sorted(COUNTS.items())]
        peaks = "、".join(f"{kind} {mb:.0f} MB" for kind, mb in sorted(PEAKS.items()))
        print(f"\nfuzzed inputs: {sum(COUNTS.values())}\n" + "\n".join(lines) + f"\n  peak memory growth: {peaks}")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_mutated_input_gets_exit_0_or_2_and_located_messages(kind):
    folder, name, _ = KINDS[kind]
    text = (SAMPLES / folder / name).read_text(encoding="utf-8")

    @given(mutated(text))
    def run(data: bytes) -> None:
        _check(kind, data)

    run()
