"""A small client of the YAML language server (``yaml-language-server --stdio``, the server
behind VS Code's YAML extension): what a finance officer's editor shows for a file with
docgen's ``$schema`` line — diagnostics, completions, hover — asked the way the editor asks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

from conftest import ROOT

#: where ``make install`` puts the server (npm); ``DOCGEN_YAML_LS`` names another one
SERVER = Path(os.environ.get("DOCGEN_YAML_LS", ROOT / ".tools" / "node_modules" / "yaml-language-server" / "bin"
                             / "yaml-language-server"))


def available() -> bool:
    return SERVER.is_file() and shutil.which("node") is not None


class LanguageServer:
    def __init__(self, root: Path, locale: str = "zh-cn"):
        """``locale``: the editor's display language (VS Code passes its own; the server ships
        a zh-cn translation of its messages)."""
        self.proc = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.ids = iter(range(1, 1_000_000))
        self.replies: dict[int, Queue] = {}
        self.notes: Queue = Queue()
        threading.Thread(target=self._read, daemon=True).start()
        settings = {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                             "schemaStore": {"enable": False}}}
        self.settings = settings
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "locale": locale, "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True,
                                                                "documentationFormat": ["markdown", "plaintext"]}},
                             "hover": {"contentFormat": ["markdown", "plaintext"]},
                             "publishDiagnostics": {}},
            "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    # ---- protocol
    def _send(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False).encode()
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode().partition(":")
                headers[key.strip().lower()] = value.strip()
            message = json.loads(out.read(int(headers["content-length"])))
            if "id" in message and "method" in message:  # the server asks the client
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [self.settings.get(item.get("section", ""), self.settings) if item.get("section")
                              else self.settings for item in message["params"]["items"]]
                    result = [self.settings["yaml"] if item.get("section") == "yaml" else r
                              for item, r in zip(message["params"]["items"], result)]
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            elif "id" in message:
                self.replies.setdefault(message["id"], Queue()).put(message)
            else:
                self.notes.put(message)

    def request(self, method: str, params: dict, timeout: float = 60) -> Any:
        ident = next(self.ids)
        queue = self.replies.setdefault(ident, Queue())
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        reply = queue.get(timeout=timeout)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    # ---- what an editor does
    def open(self, path: Path) -> list[dict]:
        """Open ``path`` and return the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                               "text": path.read_text(encoding="utf-8")}})
        deadline, found = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                note = self.notes.get(timeout=1 if found is not None else 60)
            except Empty:
                if found is not None:
                    return found  # no later publication: these are the diagnostics
                continue
            if note.get("method") == "textDocument/publishDiagnostics" and note["params"]["uri"] == uri:
                found = note["params"]["diagnostics"]
        return found or []

    def completion(self, path: Path, line: int, character: int) -> list[dict]:
        result = self.request("textDocument/completion", {"textDocument": {"uri": path.as_uri()},
                                                          "position": {"line": line, "character": character}})
        return result.get("items", []) if isinstance(result, dict) else (result or [])

    def hover(self, path: Path, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {"textDocument": {"uri": path.as_uri()},
                                                     "position": {"line": line, "character": character}})
        contents = (result or {}).get("contents", "")
        return contents.get("value", "") if isinstance(contents, dict) else str(contents)

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
        except Exception:
            pass
        self.proc.kill()
        self.proc.wait()
