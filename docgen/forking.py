"""Processes of docgen's own: a worker that ends with the build, and work done in a forked copy
of the current process (``Child``) that talks with its parent in pickled messages."""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from typing import Callable


def die_with_parent() -> None:
    """This process must not outlive its parent (kill -9 of the build ends its workers too)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


class Child:
    """Work done in a forked copy of this process, which talks with the parent in pickled
    messages: ``work(channel)`` may ``send`` values before its result and ``receive`` what
    the parent sends. The copy collects no garbage (it lives for one part and ends), and
    ends with ``os._exit``: nothing of the parent's is flushed or closed twice."""

    def __init__(self, work: Callable[["Channel"], object]):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            code = 1
            try:
                gc.disable()
                die_with_parent()
                os.close(to_child_w)
                os.close(from_child_r)
                channel = Channel(to_child_r, from_child_w)
                channel.send(work(channel))
                code = 0
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)
        self.channel = Channel(from_child_r, to_child_w)
        self.ended = False

    def receive(self):
        """The child's next message, or None if it ended without sending one."""
        try:
            return self.channel.receive()
        except (EOFError, OSError, pickle.UnpicklingError):
            return None

    def send(self, value) -> None:
        try:
            self.channel.send(value)
        except OSError:
            pass  # the child is gone: its receive() says so

    def end(self, kill: bool = False) -> None:
        if self.ended:
            return
        self.ended = True
        self.channel.close()
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(self.pid, 0)


class Channel:
    """Length-prefixed pickles over a pair of pipes."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd

    def send(self, value) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(len(data).to_bytes(8, "big") + data)
        while view:
            view = view[os.write(self.write_fd, view):]

    def receive(self):
        size = int.from_bytes(self._read(8), "big")
        return pickle.loads(self._read(size))

    def _read(self, size: int) -> bytes:
        chunks, left = [], size
        while left:
            chunk = os.read(self.read_fd, min(left, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
