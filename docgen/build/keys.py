"""Keys and fingerprints: what an output depends on, as hashes (Sphinx's "outdated" test).

* a document's slice of the data: the canonical serialisation of its context (contexts hold
  exactly what a document prints);
* the template files an output reads (``<family>.docx``; ``<family>.html`` with what it
  extends, includes and links);
* for PDFs the installed fonts and the PDF libraries; for every output docgen's version and
  code, the renderer libraries and the dates;
* the *stamp*: everything any output of a packet could depend on, so that a build whose
  inputs did not change by a byte stops after hashing files.

Light imports only: a build with nothing to do runs this module and little else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

from docgen import __version__
from docgen.input.cache import sha256_of

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def builtin_templates() -> Path:
    """The built-in template set (a user's set falls back to it file by file)."""
    from docgen.resources import templates_dir

    return templates_dir()

YAML_SUFFIXES = (".yaml", ".yml")
#: Bump when the meaning of keys or the manifest changes.
KEY_SCHEME = 1

#: Python distributions whose versions change the bytes of DOCX or PDF output (jieba: where
#: titles break; matplotlib and numpy: charts), or what the preflight finds in them (pypdfium2
#: reads the PDFs it checks).
RENDER_DISTRIBUTIONS = (
    "weasyprint", "pydyf", "tinycss2", "tinyhtml5", "cssselect2", "fonttools", "pillow", "cffi",
    "docxtpl", "python_docx", "docxcompose", "lxml", "jinja2", "markupsafe", "pypdf", "jieba", "pypdfium2",
    "matplotlib", "numpy",
)
#: Shared libraries WeasyPrint loads (text layout, fonts, subsetting).
SYSTEM_LIBRARIES = ("libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libharfbuzz-subset",
                    "libfontconfig", "libfreetype", "libgobject-2.0")
LIBRARY_DIRS = ("/usr/lib/*-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/opt/homebrew/lib")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_or_missing(path: Path | str) -> str | None:
    try:
        return sha256_file(path) if os.path.isfile(path) else None
    except OSError:
        return None


def sha256_file(path: Path | str) -> str:
    return sha256_of(path)  # one implementation, in the loader's cache (the lower layer)


def hash_json(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode())


def output_key(common: str, family: str, stem: str, fmt: str, slice_: str, templates: str) -> str:
    """An output's key (the manifest's ``inputs_sha256``): what its format's outputs share
    (``common``: scheme, code, libraries, options), its document's slice and its templates."""
    return sha256_bytes("\0".join((common, family, stem, fmt, slice_, templates)).encode())


def canonical(value: Any) -> Any:
    """A JSON-able, order-stable form of a document context (frozen dataclasses, Decimal,
    dates, enums, lists, dicts). Unknown types are an error: a key must never depend on
    ``repr`` (memory addresses)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return canonical(value.value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"@": type(value).__qualname__}
        for f in dataclasses.fields(value):
            out[f.name] = canonical(getattr(value, f.name))
        return out
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(canonical(v) for v in value)
    if hasattr(value, "model_dump"):  # a pydantic model
        return {"@": type(value).__qualname__, **canonical(value.model_dump(mode="json"))}
    raise TypeError(f"cannot hash a {type(value).__name__} in a document context")


def context_hash(context: dict) -> str:
    """The document's slice of the data: the hash of everything its templates receive."""
    return hash_json(canonical(context))


def context_key(context: dict) -> tuple[str, int]:
    """(hash, size): the size of the serialised context estimates the work of rendering it."""
    text = json.dumps(canonical(context), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return sha256_bytes(text), len(text)


def tree_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        out.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    return out


@functools.lru_cache(maxsize=None)
def code_fingerprint() -> str:
    """docgen's version and the bytes of its source: a changed renderer or filter rebuilds."""
    h = hashlib.sha256(f"docgen {__version__} scheme {KEY_SCHEME}\n".encode())
    for path in tree_files(PACKAGE_ROOT):
        if path.suffix == ".py":
            h.update(str(path.relative_to(PACKAGE_ROOT)).encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def distribution_versions() -> tuple[str, ...]:
    """``name-version`` of the renderer libraries, from the installed ``.dist-info`` folders
    (without importing them)."""
    wanted = set(RENDER_DISTRIBUTIONS)
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                dist = name[: -len(".dist-info")]
                if dist.split("-")[0].lower().replace(".", "_") in wanted:
                    found.add(dist)
    return tuple(sorted(found))


@functools.lru_cache(maxsize=None)
def system_libraries() -> tuple[str, ...]:
    """The real file names (with versions) of the shared libraries behind WeasyPrint."""
    found = set()
    for pattern in LIBRARY_DIRS:
        for folder in glob.glob(pattern):
            for lib in SYSTEM_LIBRARIES:
                for path in glob.glob(f"{folder}/{lib}.so*") + glob.glob(f"{folder}/{lib}*.dylib"):
                    try:
                        found.add(os.path.basename(os.path.realpath(path)))
                    except OSError:
                        pass
    return tuple(sorted(found))


@functools.lru_cache(maxsize=None)
def font_fingerprint() -> str:
    """The installed fonts (file, face index, family, style, size, mtime) as fontconfig sees them:
    installing or updating a font can change any PDF."""
    lines: list[str] = []
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}|%{index}|%{family}|%{style}\n"],
            capture_output=True, text=True, timeout=30, check=True,
        ).stdout
        lines = sorted(set(out.splitlines()))
    except (OSError, subprocess.SubprocessError):
        for folder in ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts"):
            root = Path(folder).expanduser()
            if root.is_dir():
                lines.extend(str(p) for p in tree_files(root))
    h = hashlib.sha256()
    for line in lines:
        path = line.split("|", 1)[0]
        try:
            st = os.stat(path)
            h.update(f"{line}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{line}|missing\n".encode())
    return h.hexdigest()


_REFERENCE = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#?]+)|url\(\s*["']?([^"')#?]+)|@import\s+["']([^"']+)""")


def _template_references(templates, name: str, seen: set[str]) -> bool:
    """Add to ``seen`` the files ``name`` (an HTML template or stylesheet, relative to the
    template set) reads: templates it extends/includes, linked stylesheets and assets.
    Returns False when a reference cannot be resolved statically (then every file counts)."""
    from docgen.render.environment import OutsideTemplateSet

    if name in seen:
        return True
    try:
        path = templates.path(name)
    except OutsideTemplateSet:  # never read: the render refuses it and reports it
        seen.add(name)
        return True
    if not path.is_file():
        seen.add(name)
        return True
    seen.add(name)
    text = path.read_text(encoding="utf-8", errors="replace")
    static = True
    if name.endswith(".html"):
        import jinja2
        from jinja2 import meta

        try:
            ast = jinja2.Environment().parse(text)
        except jinja2.TemplateSyntaxError:
            return False  # the render reports the syntax error; hash everything meanwhile
        for ref in meta.find_referenced_templates(ast):
            if ref is None:
                static = False
            else:
                static &= _template_references(templates, ref, seen)
    base = "" if name.endswith(".html") else os.path.dirname(name)  # HTML's base URL is the set's root
    for match in _REFERENCE.finditer(text):
        ref = next(g for g in match.groups() if g)
        if "{" in ref:
            static = False
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            continue  # data:, file:, http: — the URL fetcher refuses what lies outside the set
        target = os.path.normpath(os.path.join(base, ref))
        if target.startswith(".."):
            continue
        static &= _template_references(templates, target, seen) if target.endswith((".html", ".css")) else True
        seen.add(target)
    return static


def template_fingerprints(root: Path, family: str) -> dict[str, str]:
    """For each format, the hash of the template files that output of ``family`` reads
    (each name as the template set serves it: the user's file, else the built-in one)."""
    from docgen.render import TemplateSet
    from docgen.render.environment import OutsideTemplateSet

    templates = TemplateSet(root)

    def digest(names: Iterable[str]) -> str:
        h = hashlib.sha256()
        for name in sorted(set(names)):
            try:
                p = templates.path(name)
            except OutsideTemplateSet:
                h.update(name.encode() + b"\0outside\n")
                continue
            h.update(name.encode() + b"\0" + (sha256_file(p).encode() if p.is_file() else b"missing") + b"\n")
        return h.hexdigest()

    seen: set[str] = set()
    if not _template_references(templates, f"{family}.html", seen):
        every = templates.files() if hasattr(templates, "files") else {
            str(p.relative_to(root)): p for p in tree_files(root)}
        seen |= {name for name in every if not name.endswith(".docx")}
    return {"docx": digest([f"{family}.docx"]), "pdf": digest(seen)}


def _candidate_files(inputs: list[Path]) -> list[str]:
    """Every file the loader could read under ``inputs`` (a superset: also packet files), as
    the loader names them (strings: 20,000 Path objects cost a noticeable part of a no-op build)."""
    out = []
    for p in inputs:
        if p.is_dir():
            with os.scandir(p) as listing:  # the kind of each entry comes with the listing
                names = [e.name for e in listing if e.name.endswith(YAML_SUFFIXES) and e.is_file()]
            folder = str(p)
            out.extend(os.path.join(folder, name) for name in sorted(names, key=os.path.normcase))
        else:
            out.append(str(p))
    return out


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What :func:`stamp` hashes, in two parts: ``setting``, everything but the data files
    (code, packet, templates, fonts, libraries, the working folder…), and ``files``, each
    candidate data file with its content hash ("missing" when it cannot be read). A build
    whose setting is unchanged can tell which data files changed (:mod:`docgen.build.delta`)."""

    setting: str
    files: tuple[tuple[str, str], ...]

    @property
    def value(self) -> str:
        h = hashlib.sha256(self.setting.encode())
        for name, sha in self.files:
            h.update(f"file\0{name}\0{sha}\n".encode())
        return h.hexdigest()


def stamp(packet: Path, inputs: list[Path], templates: Path, hashes=None) -> str:
    """Everything any output of the packet could depend on, by content: when it is unchanged
    since the last successful build, nothing needs to be looked at again. ``hashes``: where
    files' hashes are known by their stat (:class:`docgen.input.cache.InputCache`)."""
    return stamp_parts(packet, inputs, templates, hashes).value


def stamp_parts(packet: Path, inputs: list[Path], templates: Path, hashes=None) -> Stamp:
    """:func:`stamp` before it is hashed into one value."""
    setting = stamp_setting(packet, inputs, templates, hashes)
    sha256_file = hashes.sha if hashes is not None else _sha256_or_missing
    # None: missing, a folder, unreadable
    return Stamp(setting, tuple((p, sha256_file(p) or "missing") for p in _candidate_files(inputs)))


def stamp_setting(packet: Path, inputs: list[Path], templates: Path, hashes=None) -> str:
    """The stamp's ``setting`` (:class:`Stamp`): everything but the data files."""
    sha256_file = hashes.sha if hashes is not None else _sha256_or_missing
    h = hashlib.sha256()

    def put(*parts: str) -> None:
        h.update(("\0".join(parts) + "\n").encode())

    put("code", code_fingerprint())
    put("python", sys.version)
    put("cwd", os.getcwd())  # messages name files relative to it
    for name in ("SOURCE_DATE_EPOCH", "DOCGEN_TEMPLATES"):
        put("env", name, os.environ.get(name, "\0unset"))
    put("packet", str(packet), sha256_file(packet) or "missing")
    for root in inputs:
        put("input", str(root), "dir" if root.is_dir() else "file" if root.exists() else "missing")
    for root in dict.fromkeys([templates, builtin_templates()]):  # a user's set falls back to the built-in one
        for p in tree_files(root) if root.is_dir() else []:
            # a link is hashed by where it points, never followed out of the set (nor into a FIFO)
            what = ("link:" + os.readlink(p)) if p.is_symlink() else (sha256_file(p) if p.is_file() else None) or "special"
            put("template", str(root), str(p.relative_to(root)), what)
    put("fonts", font_fingerprint())
    put("libraries", *distribution_versions(), *system_libraries())
    return h.hexdigest()


def held(before: Stamp, packet: Path, inputs: list[Path], templates: Path, hashes=None,
         whole: bool = True) -> bool:
    """Whether the build that took ``before`` as it began used what ``before`` says, so that
    the stamp may stand for its outputs. A file changed while it ran and changed back after
    would otherwise leave outputs of the passing content under a stamp of the lasting one.

    With the loader's cache (:class:`docgen.input.cache.InputCache`): the setting is taken
    again, and each data file the loader read in this build (``hashes.served``) must have
    held the content ``before`` hashed. A file it did not read was planned from the last
    build's index, that is from the content ``before`` hashed; a later change to it changes
    the next build's stamp. ``whole``: the build read the whole data set, so each data file
    ``before`` lists must have been read. That spares 20,000 stats and hashes of the data
    files at the end of a build. Anything else, or no cache: the whole stamp is taken again
    and compared."""
    if hashes is not None:
        if stamp_setting(packet, inputs, templates, hashes) != before.setting:
            return False
        listed = dict(before.files)
        if any(listed.get(name) != (sha or "missing") for name, sha in hashes.served.items()):
            return False  # read with other content than the stamp's, or not listed by it
        if not whole:
            return True
        from docgen.models.packet import PACKET_FILE_NAMES

        if all(name in hashes.served or os.path.basename(name) in PACKET_FILE_NAMES for name in listed):
            return True
    return stamp_parts(packet, inputs, templates, hashes) == before
