"""docgen — 财政预算绩效公开文档生成引擎.

Finance staff describe evaluated projects in YAML; docgen validates them, derives every
computed figure and renders the official documents as DOCX and PDF.

Layers, importing in one direction only::

    models → rules → contexts → render → build → cli
"""

__version__ = "0.1.0"
