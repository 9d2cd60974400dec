"""One context builder per document family: models in, a format-neutral document tree out.

Renderers get only these trees, so DOCX and PDF print the same derived figures.
"""
