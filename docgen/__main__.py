"""``python -m docgen``: the ``docgen`` program."""

from docgen.cli import main

main()
