"""pypdf internals docgen needs to assemble PDFs (:mod:`docgen.render.assemble`, the combined
packet PDF) and write them compactly with a reproducible file identifier.

Checked against pypdf 7.1.1.
"""

from __future__ import annotations


def add_object(writer, obj):
    """Add ``obj`` to ``writer`` as a new indirect object and return its reference.

    Touches ``PdfWriter._add_object`` (private; pypdf has no public way to add an object that
    no page refers to yet, such as a merged font's descriptor); pypdf 7.1.1."""
    return writer._add_object(obj)


def info_reference(writer):
    """The indirect reference of ``writer``'s document information dictionary (/Info), or None.

    Touches ``PdfWriter._info_obj`` (private; ``writer.metadata`` gives the dictionary but not
    its object number, which the trailer written by ``write_compact`` needs); pypdf 7.1.1."""
    return writer._info_obj.indirect_reference if writer._info_obj is not None else None


def set_file_identifier(writer, identifier: bytes):
    """Make ``identifier`` both halves of ``writer``'s file identifier (trailer /ID), so the
    bytes do not depend on a random id, and return that /ID array (for ``write_compact``).

    Touches ``PdfWriter._ID`` (private; pypdf sets a random identifier and has no public
    setter); pypdf 7.1.1, where ``writer.write`` writes ``_ID`` as the trailer's /ID."""
    from pypdf.generic import ArrayObject, ByteStringObject

    ident = ByteStringObject(identifier)
    writer._ID = ArrayObject([ident, ident])
    return writer._ID
