"""A warm PDF worker that outlives one ``docgen build``: the next build starts rendering at once.

A one-shot ``docgen build`` spends over a second before its first PDF: a fresh worker
imports WeasyPrint and docgen's models and loads the fonts. After a build that made PDFs,
docgen leaves one process behind with all of that loaded (the *server*), listening on a
Unix socket that only this user can reach. The next build connects; for each connection
the server forks a child, already warm, that renders the build's tasks exactly as a
build's own worker would (:func:`docgen.packet.run_task`), in the build's working folder
and with its umask, and ends when the build closes the connection.

Safety:
- the socket's name carries a hash of docgen's code, the Python interpreter and the
  environment that affects rendering, so a server of other code is never used; a server
  whose installed fonts differ from the build's answers "stale" and ends;
- the socket lies in a folder of mode 0700 owned by the user, and a connection must know
  the random key in that folder (``multiprocessing.connection`` authentication);
- the server ends after :data:`IDLE_SECONDS` without a build (``DOCGEN_SERVER_IDLE``);
  it runs as ``python -m docgen.server`` and writes its pid next to its socket;
- ``DOCGEN_SERVER=0`` turns it off: builds then fork their own workers (the tests do this).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import select
import signal
import stat
import sys
import tempfile
import time
from pathlib import Path

from docgen.packet import (_RENDERERS, code_fingerprint, current_umask, font_fingerprint, run_task,
                           set_file_mode, trace)

IDLE_SECONDS = 600.0

#: Environment variables that change what a worker renders or where it finds fonts.
_ENV_PREFIXES = ("DOCGEN_FONT_CACHE", "FONTCONFIG_", "XDG_DATA", "XDG_CONFIG", "XDG_CACHE", "HOME", "LANG", "LC_")


def enabled() -> bool:
    return os.environ.get("DOCGEN_SERVER", "1") != "0"


def idle_seconds() -> float:
    try:
        return float(os.environ.get("DOCGEN_SERVER_IDLE", IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS


def _folder() -> Path | None:
    """The user's private folder for the socket and key; None when it is not private."""
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    folder = base / f"docgen-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None  # someone else's or an open folder: no server
    return folder


def _key(folder: Path) -> bytes:
    path = folder / "key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it meanwhile
        time.sleep(0.05)
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(secrets.token_bytes(32))
    return path.read_bytes()


def _identity() -> str:
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES))
    return hashlib.sha256(repr((code_fingerprint(), sys.executable, os.getuid(), env)).encode()).hexdigest()[:16]


def _address(folder: Path) -> Path:
    return folder / f"worker-{_identity()}.sock"


class RemoteProcess:
    """The few ``multiprocessing.Process`` members :class:`docgen.packet.WorkerPool` uses,
    for a worker that is the server's child, not ours."""

    exitcode = None

    def __init__(self, pid: int):
        self.pid = pid
        self.sentinel = os.pidfd_open(pid)  # readable once the process has ended

    def is_alive(self) -> bool:
        return not select.select([self.sentinel], [], [], 0)[0]

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def join(self, timeout: float | None = None) -> None:
        select.select([self.sentinel], [], [], timeout)

    def __del__(self):
        try:
            os.close(self.sentinel)
        except OSError:
            pass


class RemoteWorker:
    def __init__(self, conn, pid: int):
        self.conn, self.process, self.task = conn, RemoteProcess(pid), None


def connect() -> RemoteWorker | None:
    """A warm worker from the server, or None (no server, other code, other fonts)."""
    if not enabled() or not hasattr(os, "pidfd_open"):
        return None
    folder = _folder()
    if folder is None:
        return None
    address = _address(folder)
    if not address.exists():
        return None
    from multiprocessing.connection import Client

    try:
        conn = Client(str(address), family="AF_UNIX", authkey=_key(folder))
        conn.send(("hello", os.getcwd(), current_umask(), font_fingerprint()))
        answer = conn.recv()
    except (OSError, EOFError, ValueError) as exc:
        trace(f"server: not used ({type(exc).__name__})")
        return None
    if not (isinstance(answer, tuple) and answer[0] == "ready"):
        conn.close()
        return None
    trace(f"server: worker {answer[1]}")
    return RemoteWorker(conn, answer[1])


def available() -> bool:
    """Whether a server for this code seems to be listening (no connection is made)."""
    folder = _folder() if enabled() else None
    return folder is not None and _address(folder).exists()


def start() -> None:
    """Leave a server behind unless one is listening (called when a build has ended): a new
    process of its own session, no terminal, no inherited descriptors, so a caller waiting
    for the build's output (a shell, CI) does not wait for the server too."""
    if not enabled() or not hasattr(os, "pidfd_open"):
        return
    folder = _folder()
    if folder is None or _listening(_address(folder)):
        return
    _key(folder)
    import subprocess

    subprocess.Popen([sys.executable, "-m", "docgen.server"], cwd="/", start_new_session=True,
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _listening(address: Path) -> bool:
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(address))
            return True
        except OSError:
            return False


def _serve(folder: Path) -> None:
    import socket

    address = _address(folder)
    address.unlink(missing_ok=True)  # the lock is ours (main): a socket file left is stale
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(address))
    listener.listen(16)
    pid_file = address.with_suffix(".pid")
    pid_file.write_text(f"{os.getpid()}\n")
    signal.signal(signal.SIGTERM, lambda *_: _stop(listener, address, pid_file))
    try:
        _RENDERERS.warm_up()
    except Exception:
        pass  # each task reports its own failure
    fonts = font_fingerprint()
    key = _key(folder)
    children: set[int] = set()
    last = time.monotonic()
    limit = idle_seconds()
    while True:
        for pid in list(children):
            try:
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
            except ChildProcessError:
                children.discard(pid)
        if children:
            last = time.monotonic()
        elif time.monotonic() - last > limit:
            break
        if not select.select([listener], [], [], min(limit, 1.0))[0]:
            continue
        try:
            client, _ = listener.accept()
        except OSError:
            continue
        pid = os.fork()  # the child authenticates the caller: a slow or silent one never blocks the server
        if pid == 0:
            listener.close()
            _serve_build(client, key, fonts)
        children.add(pid)
        client.close()
        last = time.monotonic()
    _stop(listener, address, pid_file)


def _stop(listener, address: Path, pid_file: Path) -> None:
    listener.close()
    address.unlink(missing_ok=True)
    pid_file.unlink(missing_ok=True)
    os._exit(0)


def _serve_build(client, key: bytes, fonts: str) -> None:
    """One build's worker: authenticate it, take its folder and umask, run its tasks until it
    hangs up. A build whose installed fonts differ from this server's ends the server."""
    from multiprocessing.connection import AuthenticationError, Connection, answer_challenge, deliver_challenge

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the server's handler removes its socket
    try:
        conn = Connection(client.detach())
        signal.alarm(10)  # a caller that never answers ends this child, not the server
        deliver_challenge(conn, key)
        answer_challenge(conn, key)
        hello = conn.recv()
        signal.alarm(0)
        if not (isinstance(hello, tuple) and len(hello) == 4 and hello[0] == "hello"):
            return
        if hello[3] != fonts:  # fonts installed or removed since this server started
            conn.send(("stale",))
            os.kill(os.getppid(), signal.SIGTERM)
            return
        os.chdir(hello[1])
        os.umask(hello[2])
        set_file_mode(hello[2])
        conn.send(("ready", os.getpid()))
        while True:
            task = conn.recv()
            if task is None:
                break
            conn.send(run_task(task))
    except (EOFError, OSError, AuthenticationError, ValueError):
        pass
    finally:
        os._exit(0)


def main() -> None:
    """The server process (started by :func:`start`); one per identity: a second one started
    by a build that ended at the same moment finds the lock taken and ends."""
    import fcntl

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    folder = _folder()
    if folder is None:
        return
    lock = open(_address(folder).with_suffix(".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held as long as this process lives
    except OSError:
        return
    _serve(folder)


if __name__ == "__main__":
    main()
