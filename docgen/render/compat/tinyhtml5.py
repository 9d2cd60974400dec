"""tinyhtml5 (WeasyPrint's HTML parser): a mended pattern cache.

Checked against tinyhtml5 2.1.0.
"""

from __future__ import annotations

import re


class RegexCache(dict):
    """tinyhtml5 2.1's cache of ``chars_until`` patterns stores each pattern under a key of the
    pattern itself (``characters = cache[(characters, opposite)] = regex`` rebinds
    ``characters`` first), so it never hits and every text run of the HTML compiles its
    pattern again: half of the parse time of a long document. This cache builds the same
    pattern on a miss and keeps it under the key that is looked up."""

    def __missing__(self, key):
        characters, opposite = key
        regex = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{regex if opposite else '^' + regex}]+")
        return pattern


def mend_html_parser() -> None:
    """Replace the module-level ``tinyhtml5.inputstream.characters_until_regex`` (a private,
    undocumented dict) by a :class:`RegexCache`; idempotent. Checked against tinyhtml5 2.1.0:
    the parse tree is the same (tests/test_html_parser.py), only faster."""
    import tinyhtml5.inputstream as stream

    if not isinstance(stream.characters_until_regex, RegexCache):
        stream.characters_until_regex = RegexCache()
