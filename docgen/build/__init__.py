"""Building documents: a packet (or ``docgen render``'s command line) in, DOCX, PDF, the
combined PDF and the manifest out — incremental, parallel, reproducible.

One module a concern, importing down this list:

* :mod:`~docgen.build.keys` — hashes and fingerprints: what an output depends on;
* :mod:`~docgen.build.spec` — the packet file, read and resolved into a :class:`PacketSpec`;
* :mod:`~docgen.build.plan` — the documents of a data set, and which of them its errors touch;
* :mod:`~docgen.build.state` — atomic writes, the manifest, the build state, the lock;
* :mod:`~docgen.build.tasks` — one output to render, as a picklable task, and parts of long PDFs;
* :mod:`~docgen.build.executor` — one way to run tasks: in this process or in a process pool;
* :mod:`~docgen.build.cluster` — the same on a Dask cluster (``--scheduler``), no shared folder;
* :mod:`~docgen.build.combined` — the combined packet PDF with its 目录 page;
* :mod:`~docgen.build.outcome` — what a build did, as data;
* :mod:`~docgen.build.schedule` — a build's tasks on an executor: parts, assembly, DOCX meanwhile;
* :mod:`~docgen.build.runner` — the build itself;
* :mod:`~docgen.build.watch` — ``--watch``: rebuild on every change, workers kept warm.

Heavy modules (pydantic models, renderers, WeasyPrint, pypdf) are imported on first use, so
that a build with nothing to do stays fast.
"""

from docgen.build.outcome import BuildResult
from docgen.build.executor import default_jobs
from docgen.build.runner import build_packet, render_documents
from docgen.build.watch import watch
from docgen.build.spec import PacketSpec, load_packet
from docgen.build.state import BuildBusy, OutputNotWritable, UnsafeOutput, write_atomic

__all__ = ["BuildBusy", "OutputNotWritable", "UnsafeOutput", "BuildResult", "PacketSpec", "build_packet", "default_jobs", "load_packet",
           "render_documents", "watch", "write_atomic"]
