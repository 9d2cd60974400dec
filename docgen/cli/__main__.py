"""``python -m docgen.cli``: the ``docgen`` program."""

from docgen.cli import main

main()
