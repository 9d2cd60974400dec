"""Limits of one document's rendering: the values (``limits:`` of packet.yaml, ``docgen render
--time-limit/--memory-limit``). :mod:`docgen.build.watchdog` enforces them.

Kept free of pydantic so that a build that renders nothing does not load it.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The samples' largest documents render in under 4 s each and grow their process by under
#: 60 MB (BENCHMARKS.md, "Limits"): the defaults leave far more than four times that, for
#: slower machines and longer documents.
DEFAULT_SECONDS = 120
DEFAULT_MEMORY_MB = 2048


@dataclass(frozen=True)
class RenderLimits:
    """Time (seconds) and memory growth (MB) one document's rendering may take; 0 turns a
    limit off."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB
