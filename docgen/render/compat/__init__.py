"""Every use of a library's private API (underscore names, undocumented internals,
monkey-patching) lives in this package, one module per library: :mod:`.weasyprint`,
:mod:`.pypdf`, :mod:`.tinyhtml5`, :mod:`.docxtpl`.

The rule: code elsewhere in docgen uses only the libraries' documented API and calls these
modules for the rest. Each function here says what it touches, why docgen needs it and the
version of the library it was checked against; ``pyproject.toml`` pins each library to that
major/minor range, and ``tests/test_compat.py`` checks every function against the installed
library, so an upgrade that moves an internal fails a named test instead of a document.
"""
