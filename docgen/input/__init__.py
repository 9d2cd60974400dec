"""Input: YAML files read into the data contract, with every problem located.

* :mod:`~docgen.input.yaml` — reading YAML (line marks, Decimal numbers, Chinese messages);
* :mod:`~docgen.input.messages` — pydantic validation errors as Chinese sentences;
* :mod:`~docgen.input.dataset` — a folder of files into one data set, checked.
"""

from docgen.input.dataset import DataSet, LoadedProject, Origin, data_blocks, data_file_model, load_dataset
from docgen.input.messages import add_findings, chinese_message, validate_model
from docgen.input.yaml import SourceFile, line_of, read_yaml, shown_path, yaml_files

__all__ = ["DataSet", "LoadedProject", "Origin", "SourceFile", "add_findings", "chinese_message", "data_blocks",
           "data_file_model", "line_of", "load_dataset", "read_yaml", "shown_path", "validate_model",
           "yaml_files"]
