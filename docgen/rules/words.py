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


def title_lines(text: str, characters: int) -> tuple[str, ...]:
    """A title in lines of at most ``characters`` (full-width) characters, broken only between
    words and as even as the words allow (GB/T 9704 §7.3.1: "词意完整，排列对称，长短适宜" —
    lines of like length, not one long line and a stub). One line when it fits."""
    from docgen.rules.formatting import text_width

    parts = words(text)
    widths = [text_width(w) for w in parts]
    total = sum(widths)
    if total <= characters or not parts:
        return (text,)
    count = -(-int(total) // characters)  # fewest lines that can hold it
    while True:
        best = _even_breaks(widths, count, characters)
        if best is not None:
            cuts = [0, *best, len(parts)]
            return tuple("".join(parts[a:b]) for a, b in zip(cuts, cuts[1:]))
        count += 1
        if count > len(parts):
            return (text,)  # a single word longer than a line: left to the renderer


def _even_breaks(widths: list, count: int, characters: int) -> list[int] | None:
    """Where to break ``widths`` (word widths) into ``count`` lines of at most ``characters``,
    the lines' widths as near their mean as can be (least squares); None when impossible."""
    n = len(widths)
    mean = sum(widths) / count
    prefix = [0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    # cost[k][i]: the best cost of the first i words in k lines, with the breaks that give it
    cost: list[dict[int, tuple]] = [{0: (0, [])}] + [{} for _ in range(count)]
    for k in range(1, count + 1):
        for i in range(1, n + 1):
            options = []
            for j, (c, breaks) in cost[k - 1].items():
                width = prefix[i] - prefix[j]
                if j < i and width <= characters:
                    options.append((c + (width - mean) ** 2, breaks + [j] if j else breaks))
            if options:
                cost[k][i] = min(options, key=lambda o: o[0])
    found = cost[count].get(n)
    return None if found is None else found[1]
