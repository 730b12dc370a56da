"""A small client for the YAML language server (npm yaml-language-server) over stdio.

It speaks just enough of the Language Server Protocol to open a file and ask what an editor asks:
its diagnostics, the completions at a place and what hovering there shows.  The server runs on
the machine's Node.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# Where .ci/run installs the server: outside the tracked files, ignored by git.
INSTALLED = REPO / ".tools/node_modules/yaml-language-server/bin/yaml-language-server"
# Only a server that has stopped answering waits this long; an answer ends the wait at once.
TIMEOUT = 120.0


def server_command() -> list[str] | None:
    """How to start the server: ACTIONPLAN_YAML_SERVER, or the one .ci/run installs; None if
    neither is there or there is no Node to run it."""
    path = Path(os.environ.get("ACTIONPLAN_YAML_SERVER") or INSTALLED)
    node = shutil.which("node")
    if not path.is_file() or node is None:
        return None
    return [node, str(path), "--stdio"]


class LanguageServer:
    """One running server for one workspace folder, with the editor settings given."""

    def __init__(self, command: list[str], root: Path, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=root,
        )
        self.selector = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)
        self.buffer = b""
        self.next_id = 0
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.versions: dict[str, int] = {}
        root_uri = root.resolve().as_uri()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": root.name}],
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "publishDiagnostics": {"versionSupport": True},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def __enter__(self) -> LanguageServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, TimeoutError):
            self.proc.kill()
            self.proc.wait()
        finally:
            self.selector.close()
            for stream in (self.proc.stdin, self.proc.stdout):
                if stream is not None:
                    stream.close()

    # Files ------------------------------------------------------------------------------------

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.versions[uri] = 1
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        return uri

    def wait_for_diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics of the file's current version, once the server has published them."""
        self.diagnostics.pop(uri, None)
        while uri not in self.diagnostics:
            self._handle(self._read())
        return self.diagnostics[uri]

    def completion_labels(self, uri: str, line: int, character: int) -> list[str]:
        """The labels the server offers at (line, character), both counted from 0."""
        result = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    def hover_text(self, uri: str, line: int, character: int) -> str:
        """What the editor shows on hovering at (line, character), both counted from 0."""
        result = self.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        contents = result.get("contents", "") if isinstance(result, dict) else ""
        return str(contents.get("value", "") if isinstance(contents, dict) else contents)

    # The protocol -----------------------------------------------------------------------------

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        wanted = self.next_id
        self._send({"jsonrpc": "2.0", "id": wanted, "method": method, "params": params})
        while True:
            message = self._read()
            if message.get("id") == wanted and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
            self._handle(message)

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _handle(self, message: dict[str, Any]) -> None:
        """Answer the server's own requests; keep the diagnostics it publishes."""
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            version = params.get("version")
            if version is None or version == self.versions.get(params["uri"]):
                self.diagnostics[params["uri"]] = params["diagnostics"]
        elif method is not None and "id" in message:
            result: Any = None
            if method == "workspace/configuration":
                result = [
                    self.settings.get(item.get("section", ""), None)
                    for item in message["params"]["items"]
                ]
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> dict[str, Any]:
        while True:
            header_end = self.buffer.find(b"\r\n\r\n")
            if header_end >= 0:
                headers = self.buffer[:header_end].decode("ascii").split("\r\n")
                length = next(
                    int(h.split(":", 1)[1])
                    for h in headers
                    if h.lower().startswith("content-length")
                )
                start = header_end + 4
                if len(self.buffer) >= start + length:
                    body = self.buffer[start : start + length]
                    self.buffer = self.buffer[start + length :]
                    return json.loads(body)  # type: ignore[no-any-return]
            self._fill()

    def _fill(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not self.selector.select(timeout=max(0.0, deadline - time.monotonic())):
            if time.monotonic() >= deadline:
                raise TimeoutError("the YAML language server stopped answering")
        assert self.proc.stdout is not None
        chunk = os.read(self.proc.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError("the YAML language server stopped")
        self.buffer += chunk
