"""The wheel carries docgen's templates, schemas and skeletons: installed with plain ``pip install``
into a fresh virtual environment, away from the checkout, ``docgen init``, ``validate`` and
``render`` work. (An editable install finds them in the checkout; only a wheel proves they ship.)

The wheel is built from a copy of the sources, so the checkout gets no build/ or egg-info
leftovers and a stale build/lib can never leak into the wheel. Dependencies come from the
package registry through pip's cache; fonts from the prepared-font cache (HOME and
DOCGEN_FONT_CACHE are passed through, so they are not prepared again).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import ROOT, SAMPLES, docx_text, pdf_text, squash
from docgen.render.environment import TemplateSet

#: What a wheel is built from (the rest of the checkout is samples, tests and tools).
SOURCES = ["pyproject.toml", "README.md", "docgen", "templates", "schemas"]


def test_every_package_folder_is_listed_in_pyproject():
    """pyproject.toml lists the packages by hand (discovery cannot see the mapped resource
    folders): a package folder missing from the list would be missing from the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "docgen").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    mapped = {name: ROOT / folder for name, folder in config["package-dir"].items()}
    assert mapped == {"docgen.resources.templates": ROOT / "templates", "docgen.resources.schemas": ROOT / "schemas"}
    assert all(folder.is_dir() for folder in mapped.values())
    assert listed - on_disk == set(mapped)


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that would import docgen from the checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DOCGEN_TEMPLATES")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """docgen built as a wheel and installed with its dependencies into a new virtual environment."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    env = _clean_env()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(tmp / "dist"), str(src)], check=True, env=env, cwd=tmp)
    (wheel,) = (tmp / "dist").glob("docgen-*.whl")
    venv = tmp / "venv"
    # no pip inside (ensurepip costs seconds): this pip installs into it with --python
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, env=env, cwd=tmp)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = next(p for p in (bindir / "python", bindir / "python.exe") if p.exists())
    # --no-compile: byte-compiling every dependency costs more than compiling what docgen imports
    subprocess.run([*pip, "--python", str(python), "install", "--no-compile", str(wheel)], check=True, env=env, cwd=tmp)
    work = tmp / "work"
    work.mkdir()
    return {"python": python, "docgen": bindir / ("docgen.exe" if os.name == "nt" else "docgen"),
            "work": work, "env": env}


def _run(installed: dict, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, encoding="utf-8",
                          env=installed["env"], cwd=cwd or installed["work"])


def test_wheel_carries_templates_schemas_and_skeletons(installed):
    probe = _run(installed, installed["python"], "-I", "-c", """if True:
        import json, docgen, docgen.resources as r
        from importlib.metadata import files
        print(json.dumps({"module": docgen.__file__, "templates": str(r.templates_dir()),
                          "schemas": str(r.schemas_dir()), "skeletons": str(r.skeletons_dir()),
                          "record": [f.as_posix() for f in files("docgen")]}))""")
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    venv = installed["python"].parent.parent
    for key in ("module", "templates", "schemas", "skeletons"):
        assert Path(found[key]).is_relative_to(venv), (key, found[key])  # nothing from the checkout
        assert not Path(found[key]).is_relative_to(ROOT)
    record = set(found["record"])

    def shipped(prefix: str) -> set[str]:
        return {name.removeprefix(prefix) for name in record if name.startswith(prefix)}

    # exactly the checkout's sets: a file kind the package-data globs forget fails here
    templates = shipped("docgen/resources/templates/")
    assert templates == set(TemplateSet(ROOT / "templates", None).files())
    assert {"result-sheet.html", "result-sheet.docx", "base.html", "css/official.css"} <= templates
    assert shipped("docgen/resources/schemas/") == {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert shipped("docgen/authoring/skeletons/") == {p.name for p in (ROOT / "docgen/authoring/skeletons").glob("*.yaml")}
    # and the files on disk are the checkout's, byte for byte
    for name in ("result-sheet.docx", "css/official.css"):
        assert (Path(found["templates"]) / name).read_bytes() == (ROOT / "templates" / name).read_bytes()


def test_init_validate_render_from_the_wheel(installed, tmp_path):
    docgen, work = installed["docgen"], tmp_path

    init = _run(installed, docgen, "init", "project", "项目/01.yaml", cwd=work)
    assert init.returncode == 0, init.stderr
    skeleton = (work / "项目" / "01.yaml").read_text(encoding="utf-8")
    assert "<<" in skeleton and "object_type" in skeleton
    # its $schema line points, relative to the file, at the schema inside the installed package
    first = skeleton.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema = (work / "项目" / first.split("$schema=", 1)[1]).resolve()
    assert schema.name == "project.schema.json" and schema.is_relative_to(installed["python"].parent.parent.resolve())
    assert json.loads(schema.read_text(encoding="utf-8"))["properties"]["name"]

    sample = work / "jiyuan"
    shutil.copytree(SAMPLES / "jiyuan-2023", sample)
    validate = _run(installed, docgen, "validate", "jiyuan", cwd=work)
    assert validate.returncode == 0, validate.stderr
    assert "检查通过：8 个评价对象" in validate.stdout

    render = _run(installed, docgen, "render", "result-sheet", "jiyuan", "-o", "out", "--format", "all", cwd=work)
    assert render.returncode == 0, render.stderr
    docx, pdf = sorted((work / "out").rglob("*.docx")), sorted((work / "out").rglob("*.pdf"))
    assert len(docx) == len(pdf) == 8, render.stdout
    name = squash(YAML(typ="safe").load((SAMPLES / "jiyuan-2023" / "01-housing.yaml").read_text(encoding="utf-8"))["name"])
    assert name == "2022年度住建局部门整体评价"
    # one sheet per project: the first project's name is in exactly one DOCX and one PDF
    assert [p.stem for p in docx if name in docx_text(p)] == ["01-housing"]
    assert [p.stem for p in pdf if name in pdf_text(p)] == ["01-housing"]

    # the packet build, with its worker processes, from the wheel too
    build = _run(installed, docgen, "build", "jiyuan/packet.yaml", "-o", "built", "--json", cwd=work)
    assert build.returncode == 0, build.stderr
    summary = json.loads(build.stdout)
    assert len(summary["built"]) == 17 and not summary["failed"]
    assert (work / "built" / "01-housing.docx").read_bytes() != b""
    assert "2022年度住建局部门整体评价" in pdf_text(work / "built" / "01-housing.pdf")
