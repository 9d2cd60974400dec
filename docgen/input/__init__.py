"""Input: YAML files read into the data contract, with every problem located.

* :mod:`~docgen.input.yaml` — reading YAML (line marks, Decimal numbers, Chinese messages);
* :mod:`~docgen.input.messages` — pydantic validation errors as Chinese sentences;
* :mod:`~docgen.input.records` — what one file gives on its own;
* :mod:`~docgen.input.cache` — what files gave, kept between builds by content hash;
* :mod:`~docgen.input.dataset` — a folder of files into one data set, checked.

The names below are imported on first use: a build with nothing to do reads the cache's
file hashes without loading pydantic and the models.
"""

import importlib

_EXPORTS = {
    "DataSet": "dataset", "LoadedProject": "dataset", "Origin": "dataset", "data_blocks": "dataset",
    "data_file_model": "dataset", "load_dataset": "dataset",
    "add_findings": "messages", "chinese_message": "messages", "validate_model": "messages",
    "SourceFile": "yaml", "line_of": "yaml", "read_yaml": "yaml", "shown_path": "yaml", "yaml_files": "yaml",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"docgen.input.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'docgen.input' has no attribute {name!r}")
