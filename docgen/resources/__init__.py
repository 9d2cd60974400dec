"""Where docgen's own files are: the built-in templates, the JSON Schemas, the ``docgen init`` skeletons.

Contract: each function returns an existing folder on disk (a real :class:`~pathlib.Path`,
since Jinja, WeasyPrint and editors read files by path), or raises :class:`FileNotFoundError`
with a message in Chinese when the installation is incomplete.

- Installed from a wheel (``pip install .``, ``pipx install``): the folders ship inside this
  package as ``docgen/resources/templates`` and ``docgen/resources/schemas`` (pyproject.toml
  maps the checkout's top-level ``templates/`` and ``schemas/`` onto them) and
  ``docgen/authoring/skeletons``.
- In a checkout (``pip install -e .``, or run from the source tree): ``templates/`` and
  ``schemas/`` stay at the top of the checkout, where staff and the samples' ``$schema`` lines
  find them; setuptools' editable install cannot map a nested package onto another folder,
  so they are found there instead.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The checkout this package sits in, if it does (its pyproject.toml is the mark: an installed
#: package's parent is site-packages, where another distribution may have put a ``templates/``).
_CHECKOUT = Path(__file__).resolve().parents[2]

_NAMES = {"templates": "模板", "schemas": "JSON Schema", "skeletons": "填写模板（docgen init）"}


def _folder(package: str, name: str, checkout: bool) -> Path:
    packaged = files(package) / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.resolve()
    if checkout and (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / name).is_dir():
        return _CHECKOUT / name
    raise FileNotFoundError(f"找不到 docgen 自带的{_NAMES[name]}文件夹（{name}）：安装不完整，请重新安装 docgen")


def templates_dir() -> Path:
    """The built-in template set (``<family>.docx``, ``<family>.html``, ``css/``…)."""
    return _folder(__name__, "templates", checkout=True)


def schemas_dir() -> Path:
    """The JSON Schemas of the input files (``<kind>.schema.json``), as ``docgen schema`` writes them."""
    return _folder(__name__, "schemas", checkout=True)


def skeletons_dir() -> Path:
    """The skeletons ``docgen init`` copies (``<kind>.yaml``); they live in the package in both layouts."""
    return _folder("docgen.authoring", "skeletons", checkout=False)


def fontconfig_aliases() -> Path:
    """``fonts.conf``: fontconfig aliases from the official faces' names (仿宋_GB2312, 方正小标宋简体,
    黑体, 楷体_GB2312) to the free Debian faces, for LibreOffice on a machine without them."""
    return Path(str(files(__name__) / "fonts.conf"))
