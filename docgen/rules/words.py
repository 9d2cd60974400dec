"""词: where Chinese text may wrap. A title or heading breaks only between words (GB/T 9704
§7.3.1, "词意完整"), never "绩效评/价"; the PDF keeps each word on one line and the preflight
checks that no line ends inside one.

Words come from jieba's dictionary segmentation (a well-kept segmenter; its dictionary is
loaded once per process, on first use, ~1 s), without HMM guessing of new words, so that a
name it does not know is never taken for one long word that may not be broken.

Loading the dictionary (jieba marshals half a million words and prefixes into a dict, ~0.7 s)
costs more than everything else a one-document rebuild does. So jieba's own cut runs over a copy
of that dictionary kept once per machine in a SQLite file (:func:`dictionary_copy`, made from
jieba's loaded dictionary the first time, keyed by jieba's version and its dictionary file),
from which only the words and prefixes a text asks for are read: the same cut, for a few
milliseconds instead of the load. And a text is cut only when it must be: a title that fits on one line needs no cut
(:func:`title_lines`), and a text cut before is taken from what this process knows — its own
cuts, and those a build hands it (:func:`remember`, from the build's state: the same texts come
back build after build). Every text this process cut or looked up that the build did not hand
it is kept for the build to collect (:func:`take_new`) and store. A cut is the same whoever
made it: jieba's is deterministic for one version of jieba and docgen, which the build's store
is keyed by.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

#: Texts cut in this process or handed to it: text → words.
_known: dict[str, tuple[str, ...]] = {}
#: The texts handed to this process (the build's store has them).
_given: set[str] = set()
#: The texts cut or looked up since :func:`take_new` was last called, not among those handed over.
_new: dict[str, tuple[str, ...]] = {}
#: A process that keeps running (``docgen build --watch``) forgets its cuts past this many.
MAX_KNOWN = 20000


@functools.lru_cache(maxsize=1)
def _jieba(copy: bool = True):
    """jieba's tokenizer over the copy of its dictionary, or over the dictionary itself loaded
    (the first time on a machine, when the copy is then made; or when it cannot be read)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    copy = dictionary_copy(jieba) if copy else None
    broken = False
    if copy is not None and copy.is_file():
        try:
            tokenizer = jieba.Tokenizer()
            tokenizer.FREQ = _Frequencies(copy)
            tokenizer.total = tokenizer.FREQ.total()
            tokenizer.initialized = True
            return tokenizer
        except (sqlite3.Error, TypeError):
            broken = True  # the copy is unreadable: the dictionary itself, copied again
    jieba.initialize()
    if copy is not None:
        _write_copy(jieba.dt, copy, replace=broken)
    return jieba


def cache_dir() -> Path:
    return Path(os.environ.get("DOCGEN_WORDS_CACHE") or Path.home() / ".cache" / "docgen" / "words")


def dictionary_copy(jieba) -> Path | None:
    """Where the copy of jieba's default dictionary is kept: by jieba's version and the
    dictionary file's path, size and time. None when that file cannot be found."""
    source = Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    try:
        stat = source.stat()
    except OSError:
        return None
    key = hashlib.sha256(f"{jieba.__version__}|{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache_dir() / f"jieba-{key.hexdigest()[:24]}.sqlite"


def _write_copy(tokenizer, path: Path, replace: bool = False) -> None:
    """Copy the loaded dictionary (every word and prefix with its frequency, and their total)
    to ``path``, atomically; nothing when the folder cannot be written, or while another
    process is making it (the build's workers start at once)."""
    from filelock import FileLock, Timeout

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path.parent / ".lock"), timeout=0):
            if replace or not path.is_file():
                tmp = _fill_copy(tokenizer, path)
                os.replace(tmp, path)
    except (OSError, sqlite3.Error, Timeout):
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _fill_copy(tokenizer, path: Path) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.close(fd)
        os.chmod(tmp, 0o644)  # readable as the fonts' cache is (mkstemp makes it 0600)
        db = sqlite3.connect(tmp)
        try:
            db.execute("CREATE TABLE f (w TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
            db.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
            db.executemany("INSERT INTO f VALUES (?, ?)", tokenizer.FREQ.items())
            db.execute("INSERT INTO meta VALUES (?)", (tokenizer.total,))
            db.commit()
        finally:
            db.close()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


class _Frequencies:
    """jieba's prefix dictionary (word or prefix → frequency, 0 for a prefix alone) as its
    tokenizer asks it (``in``, ``[]``, ``get``), each entry read from the copy once. The
    connection is this process's own (a forked worker opens its own)."""

    def __init__(self, path: Path):
        self.path, self.seen = path, {}
        self._db, self._pid = None, None
        self.total()  # unreadable: raises now

    def _connection(self):
        if self._pid != os.getpid():
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._db

    def total(self) -> int:
        (total,) = self._connection().execute("SELECT total FROM meta").fetchone()
        if not isinstance(total, int):
            raise TypeError("no total in the dictionary's copy")
        return total

    def get(self, key, default=None):
        try:
            value = self.seen[key]
        except KeyError:
            row = self._connection().execute("SELECT n FROM f WHERE w = ?", (key,)).fetchone()
            value = self.seen[key] = None if row is None else row[0]
        return default if value is None else value

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key):
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words: their concatenation is ``text``."""
    found = _known.get(text)
    if found is None:
        try:
            found = tuple(_jieba().lcut(text, HMM=False))
        except sqlite3.Error:  # the dictionary's copy went bad under us: the dictionary itself
            _jieba.cache_clear()
            found = tuple(_jieba(copy=False).lcut(text, HMM=False))
        if len(_known) >= MAX_KNOWN:
            _known.clear()
        _known[text] = found
    if text not in _given:
        _new[text] = found
    return found


def remember(cuts: dict[str, list[str] | tuple[str, ...]]) -> None:
    """Take ``cuts`` (text → words, as :func:`words` made them, in this or another process)
    as known; a cut whose words are not its text is ignored."""
    for text, parts in cuts.items():
        if isinstance(text, str) and isinstance(parts, (list, tuple)) and all(isinstance(p, str) for p in parts) \
                and "".join(parts) == text:
            _known.setdefault(text, tuple(parts))
            _given.add(text)


def take_new() -> dict[str, tuple[str, ...]]:
    """The texts cut or looked up since the last call that the build did not hand over (for
    the build to keep)."""
    out = dict(_new)
    _new.clear()
    return out


def title_lines(text: str, characters: int) -> tuple[str, ...]:
    """A title in lines of at most ``characters`` (full-width) characters, broken only between
    words and as even as the words allow (GB/T 9704 §7.3.1: "词意完整，排列对称，长短适宜" —
    lines of like length, not one long line and a stub). One line when it fits."""
    from docgen.rules.formatting import text_width

    if text_width(text) <= characters:  # the words' widths add up to the text's: no cut needed
        return (text,)
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
