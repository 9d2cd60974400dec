"""词: where Chinese text may wrap. A title or heading breaks only between words (GB/T 9704
§7.3.1, "词意完整"), never "绩效评/价"; the PDF keeps each word on one line and the preflight
checks that no line ends inside one.

Words come from jieba's dictionary segmentation (a well-kept segmenter; its dictionary is
loaded once per process, on first use, ~1 s), without HMM guessing of new words, so that a
name it does not know is never taken for one long word that may not be broken.
"""

from __future__ import annotations

import functools
import logging


@functools.lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@functools.lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words: their concatenation is ``text``."""
    return tuple(_jieba().lcut(text, HMM=False))
