"""`actionplan serve` against hostile requests and hostile content: what tests/test_serve.py does
not already try.

The server must stay on loopback unless told otherwise, serve nothing but the card (no other file
of the temporary folder, none of the project, no listing, whatever the encoding of the path), and
show the errors of a hostile plan as text.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import PWNED, Visit, everywhere, plan_files, snapshot, write_files

from actionplan.cli import cli
from actionplan.commands.serve import DevServer, is_loopback
from actionplan.project import Project

TOKENS = ("TOKEN-OUTSIDE", "TOKEN-PROJECT", "TOKEN-TEMPORARY")

# Request targets that must get 400 or 404 and none of the files around the card.
TARGETS = [
    "/..%2f..%2fsecret.txt",
    "/%2e%2e%2f%2e%2e%2fsecret.txt",
    "/%252e%252e%252fsecret.txt",
    "/.%2e/secret.txt",
    "/%2e./secret.txt",
    "/..;/secret.txt",
    "/.../secret.txt",
    "/....//secret.txt",
    "//..//secret.txt",
    "/%2F..%2Fsecret.txt",
    "/%2e%2e%5csecret.txt",
    "/%c0%ae%c0%ae/secret.txt",
    "/%e0%80%ae%e0%80%ae/secret.txt",
    "/%e2%80%a5/secret.txt",
    "/%ef%bc%8e%ef%bc%8e/secret.txt",
    "/..\\..\\secret.txt",
    "/%5c..%5csecret.txt",
    "/C:\\secret.txt",
    "/c:/secret.txt",
    "/%00/secret.txt",
    "/index.html%00.txt",
    "/index.html/..",
    "/index.html/",
    "/" + "../" * 50 + "secret.txt",
    "/" + "a/" * 2000,
    "/secret.txt",
    "/content/plan.yaml",
    "/project/content/plan.yaml",
    "/templates/card.html",
    "/build/index.html",
    "/stage/index.html",
    "/site/index.html",
    "/../stage/index.html",
    "/__actionplan__/../secret.txt",
    "/__actionplan__/status/../../secret.txt",
    "/__actionplan__/",
    "/.git/config",
    "/%2e/index.html",
    "/index.html;.txt",
    "/index.html%2f",
    "/index.html%5c",
]
# Request lines as sent, byte for byte, with what the server must answer.
RAW = {
    "nul-in-path": (b"GET /%00/../secret.txt HTTP/1.1", 404),
    "raw-nul": (b"GET /\x00/../secret.txt HTTP/1.1", (400, 404)),
    "absolute-form": (b"GET http://evil.example/../secret.txt HTTP/1.1", 404),
    "file-url": (b"GET file:///etc/passwd HTTP/1.1", 404),
    "asterisk": (b"OPTIONS * HTTP/1.1", 501),
    "post": (b"POST /index.html HTTP/1.1", 501),
    "put": (b"PUT /index.html HTTP/1.1", 501),
    "delete": (b"DELETE /index.html HTTP/1.1", 501),
    "connect": (b"CONNECT evil.example:443 HTTP/1.1", 501),
    "trace": (b"TRACE / HTTP/1.1", 501),
    "long-line": (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", 414),
    "http-0.9": (b"GET /../secret.txt", (400, 404)),
    "bad-version": (b"GET / HTTP/9.9", 505),
}
HOSTS = {
    "127.0.0.1.evil.example": 400,
    "localhost.evil.example": 400,
    "evil.example": 400,
    "127.0.0.1@evil.example": 400,
    "[::ffff:8.8.8.8]": 400,
    "0.0.0.0": 400,
    "LOCALHOST": 200,
    "[::1]": 200,
    "127.0.0.2": 200,
    "app.localhost": 200,
}
LOOPBACK = {
    "127.0.0.1": True,
    "127.1.2.3": True,
    "::1": True,
    "[::1]": True,
    "localhost": True,
    "LocalHost": True,
    "x.localhost": True,
    "0.0.0.0": False,
    "::": False,
    "192.168.1.10": False,
    "localhost.evil.example": False,
    "127.0.0.1.nip.io": False,
    "2130706433": False,
    "0x7f000001": False,
    "": False,
    "evil.example": False,
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DevServer, Path]]:
    """One server for the module, with a secret beside the project, in it, and beside the card."""
    tmp = tmp_path_factory.mktemp("serve")
    project = write_files(
        tmp / "project",
        {**plan_files(), "secret.txt": "TOKEN-PROJECT", ".git/config": "TOKEN-PROJECT"},
    )
    (tmp / "secret.txt").write_text("TOKEN-OUTSIDE")
    with DevServer(Project.find(project), port=0) as server:
        (server.live.folder / "secret.txt").write_text("TOKEN-TEMPORARY")
        yield server, tmp


def send(server: DevServer, request: bytes, host: str | None = None) -> tuple[int, bytes]:
    """Send a request line (and a Host header) as raw bytes; the status and the whole answer."""
    port = server.httpd.server_address[1]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        head = request + b"\r\nHost: " + (host or f"127.0.0.1:{port}").encode() + b"\r\n"
        conn.sendall(head + b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    if answer.startswith(b"HTTP/"):
        return int(answer.split(b" ", 2)[1]), answer
    # An answer in HTTP/0.9, without a status line, to what the server could not take as 1.x.
    found = re.search(rb"Error code: (\d+)", answer)
    return (int(found[1]) if found else 404 if answer == b"not found\n" else 0), answer


def leaked(answer: bytes) -> list[str]:
    return [t for t in TOKENS if t.encode() in answer] + (
        ["a listing"] if b"Directory listing" in answer or b"plan.yaml" in answer else []
    )


@pytest.mark.parametrize("target", TARGETS)
def test_no_way_out_of_the_served_folder(served: tuple[DevServer, Path], target: str) -> None:
    server, _ = served
    status, answer = send(server, f"GET {target} HTTP/1.1".encode())
    assert status in (400, 404, 414), answer[:200]
    assert leaked(answer) == []


@pytest.mark.parametrize("name", list(RAW))
def test_raw_requests_get_a_refusal(served: tuple[DevServer, Path], name: str) -> None:
    server, tmp = served
    request, expected = RAW[name]
    before = snapshot(tmp), snapshot(server.live.folder)
    status, answer = send(server, request)
    assert status in (expected if isinstance(expected, tuple) else (expected,)), answer[:300]
    assert leaked(answer) == []
    assert (snapshot(tmp), snapshot(server.live.folder)) == before  # nothing written


@pytest.mark.parametrize("host", list(HOSTS))
def test_only_loopback_host_names_are_answered(served: tuple[DevServer, Path], host: str) -> None:
    server, _ = served
    port = server.httpd.server_address[1]
    status, _ = send(server, b"GET / HTTP/1.1", host=f"{host}:{port}")
    assert status == HOSTS[host]


def test_no_file_of_the_project_is_served(served: tuple[DevServer, Path]) -> None:
    server, tmp = served
    project = tmp / "project"
    for path in sorted(project.rglob("*")):
        for target in (path.relative_to(project), path.relative_to(tmp), path):
            status, answer = send(server, f"GET /{target} HTTP/1.1".encode())
            assert status == 404 and leaked(answer) == [], target
    status, answer = send(server, b"GET / HTTP/1.1")
    assert status == 200 and b"<!doctype html>" in answer and leaked(answer) == []


def test_every_answer_forbids_sniffing(served: tuple[DevServer, Path]) -> None:
    server, _ = served
    for target in ("/", "/missing", "/__actionplan__/status"):
        _, answer = send(server, f"GET {target} HTTP/1.1".encode())
        assert b"X-Content-Type-Options: nosniff" in answer, target


@pytest.mark.parametrize("host", list(LOOPBACK))
def test_what_counts_as_loopback(host: str) -> None:
    assert is_loopback(host) is LOOPBACK[host]


def test_loopback_is_the_default(served: tuple[DevServer, Path]) -> None:
    server, _ = served
    assert server.httpd.server_address[0] == "127.0.0.1"
    option = next(p for p in cli.commands["serve"].params if p.name == "host")
    assert option.default == "127.0.0.1"


@pytest.mark.browser
def test_hostile_errors_are_shown_as_text(tmp_path: Path, browser: Any) -> None:
    """A plan broken from the start with markup in its errors: the waiting page has no policy
    of its own, so only the banner's textContent keeps the payload from running."""
    payloads = ("<img src=x onerror=alert(1)>", "<svg onload=__pwned=1>")  # quoted in full
    files = plan_files()
    for payload in payloads:
        files["content/plan.yaml"]["plan"][payload] = f"<script>{PWNED}</script>"
    project = write_files(tmp_path / "project", files)
    with DevServer(Project.find(project), port=0) as server:
        context = browser.new_context()
        dialogs: list[str] = []
        requests: list[str] = []
        try:
            context.on("request", lambda r: requests.append(r.url))
            page = context.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(server.url)
            banner = page.get_by_role("alert")
            banner.wait_for(timeout=10_000)
            assert all(payload in banner.inner_text() for payload in payloads)
            page.wait_for_timeout(100)
            assert page.evaluate("window.__pwned === undefined")
            assert page.locator("[role=alert] img, [role=alert] script").count() == 0
        finally:
            context.close()
    assert dialogs == []
    assert [r for r in requests if not r.startswith(server.url)] == []


@pytest.mark.browser
def test_a_hostile_card_served_live_runs_nothing(
    tmp_path: Path, visit: Callable[..., Visit]
) -> None:
    """The served copy admits one more script, the live reload, by its hash: no other."""
    text = everywhere(f"<script>{PWNED}</script><img src=x onerror={PWNED}>")
    project = write_files(tmp_path / "project", plan_files(text, ui=text))
    with DevServer(Project.find(project), port=0) as server:
        seen = visit(server.url, walk=("", "en/start"))
    assert seen.pwned is None and seen.dialogs == [] and seen.errors == []
    assert seen.csp == [] and seen.handlers == [] and seen.links == []
    assert [r for r in seen.requests if not r.startswith(server.url)] == []
