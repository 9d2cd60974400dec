"""The ``docgen`` program's entry point.

For ``docgen build`` a PDF worker process is forked first thing, before the command line
framework and docgen's models are imported, so that it loads WeasyPrint and the fonts
(about a second) while this process reads the packet and the data; the build adopts it
(:func:`docgen.packet.prestart_worker`). Not when docgen's server (:mod:`docgen.server`)
has a warm worker waiting.
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "build" and "--watch" not in sys.argv[2:]:
        from docgen import server
        from docgen.packet import prestart_worker

        if not server.available():  # else the build takes a warm worker from docgen's server
            prestart_worker()
    from docgen.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
