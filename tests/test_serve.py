"""`actionplan serve`: a temporary build, served on loopback only, rebuilt and reloaded on save."""

from __future__ import annotations

import base64
import hashlib
import html as html_text
import http.client
import json
import re
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from test_graph import write_plan
from test_kept_checks import watch_checks
from test_rebuild_cache import clean, edit, one_file_plan

from actionplan import cache, deferred
from actionplan.cache import Store
from actionplan.card import render
from actionplan.card.theme import Theme
from actionplan.cli import cli
from actionplan.commands.build import build_card
from actionplan.commands.serve import (
    LIVE_SCRIPT,
    STATUS_PATH,
    VERSION_PATH,
    DevServer,
    LiveCard,
    allow_in_csp,
    changed_plan,
    inject_live_script,
    live_page,
)
from actionplan.plan import checks
from actionplan.plan.loader import READS
from actionplan.project import Project

NODES = {
    "start": {
        "kind": "question",
        "title": "Is it urgent?",
        "options": [{"label": "Yes", "next": "call"}, {"label": "No", "next": "done"}],
    },
    "call": {"kind": "step", "title": "Call now", "urgent": True, "next": "done"},
    "done": {"kind": "outcome", "title": "Done"},
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "project", NODES, title="First title")


def break_plan(root: Path) -> None:
    with (root / "content" / "plan.yaml").open("a", encoding="utf-8") as plan:
        plan.write("nodes: [\n")


@pytest.fixture
def server(project: Path) -> Iterator[DevServer]:
    with DevServer(Project.find(project), port=0) as running:
        yield running


def get(server: DevServer, target: str, host: str | None = None) -> tuple[int, bytes]:
    """GET the raw request target, exactly as written (no normalising of '..' or '%2e')."""
    _host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", target, skip_host=True)
        conn.putheader("Host", host or f"127.0.0.1:{port}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def status(server: DevServer) -> dict[str, Any]:
    code, body = get(server, STATUS_PATH)
    assert code == 200
    return json.loads(body)


def page(server: DevServer) -> str:
    code, body = get(server, "/")
    assert code == 200
    return body.decode()


def wait_until(condition: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the server")
        time.sleep(0.05)


def test_edits_rebuild_and_a_bad_edit_keeps_the_last_good_card(
    project: Path, server: DevServer
) -> None:
    assert "<title>First title</title>" in page(server)
    assert status(server) == {"version": 1, "ok": True, "errors": []}

    write_plan(project, NODES, title="Second title")
    wait_until(lambda: "<title>Second title</title>" in page(server))
    assert status(server)["version"] == 2
    assert get(server, VERSION_PATH) == (200, b"2")

    break_plan(project)
    wait_until(lambda: not status(server)["ok"])
    broken = status(server)
    assert broken["version"] == 2
    assert any("plan.yaml" in e and "error" in e for e in broken["errors"])
    assert "<title>Second title</title>" in page(server)

    write_plan(project, NODES, title="Fixed title")
    wait_until(lambda: status(server)["ok"])
    assert status(server)["version"] == 3
    assert "<title>Fixed title</title>" in page(server)
    assert not (project / "build").exists()  # never the project's own build folder


def test_a_build_of_a_file_still_being_written_is_given_up_for_the_next(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor writes a large file in several steps, and the watcher can see a pause between
    two: the build of the half-written file is not shown (neither its errors nor its card),
    as the end of the write sets off another build, which is."""
    from actionplan.commands import serve

    plan = project / "content" / "plan.yaml"
    found = Project.find(project)
    live = LiveCard(found, tmp_path / "live")
    assert live.rebuild()[0]
    whole = plan.read_text(encoding="utf-8").replace("First title", "Second title")
    plan.write_text(whole[: len(whole) // 2], encoding="utf-8")  # the editor's first write
    make_site = serve.make_site

    def written_on(*args: Any, **kwargs: Any) -> Any:
        try:
            return make_site(*args, **kwargs)
        finally:
            plan.write_text(whole, encoding="utf-8")  # its last, while the build read the first

    monkeypatch.setattr(serve, "make_site", written_on)
    assert live.rebuild_after({str(plan)}, changed_plan(found, {str(plan)})) is None
    assert live.status() == {"version": 1, "ok": True, "errors": []}
    assert "<title>First title</title>" in (live.site / "index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(serve, "make_site", make_site)
    built = live.rebuild_after({str(plan)}, changed_plan(found, {str(plan)}))
    assert built is not None and built[0]
    assert live.status()["version"] == 2
    assert "<title>Second title</title>" in (live.site / "index.html").read_text(encoding="utf-8")
    # A build that failed on a file left alone tells its errors, as before.
    break_plan(project)
    built = live.rebuild_after({str(plan), str(project / "content")})
    assert built is not None and not built[0]
    assert not live.status()["ok"]


def test_the_served_card_admits_the_live_script_by_hash(server: DevServer) -> None:
    html = page(server)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    live = scripts[-1]
    assert STATUS_PATH in live
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
    assert sha256(live).replace("'", "&#x27;") in csp
    assert "connect-src &#x27;self&#x27;" in csp


def test_a_plan_broken_from_the_start_gets_a_page_that_waits(project: Path) -> None:
    (project / "content" / "plan.yaml").write_text("plan: [\n", encoding="utf-8")
    with DevServer(Project.find(project), port=0) as server:
        assert STATUS_PATH in page(server)
        assert status(server)["version"] == 0 and not status(server)["ok"]
        write_plan(project, NODES, title="Now good")
        wait_until(lambda: "<title>Now good</title>" in page(server))


TRAVERSALS = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%2Fsecret.txt",
    "/..\\secret.txt",
    "/..%5csecret.txt",
    "/site/../../secret.txt",
    "/%252e%252e/secret.txt",
    "//secret.txt",
    "/./index.html",
    "/index.html%00",
    "/sub/../../secret.txt",
    "http://127.0.0.1/../secret.txt",
    "*",
]


def test_only_files_inside_the_build_are_served(server: DevServer) -> None:
    (server.live.folder / "secret.txt").write_text("secret")
    (server.live.site / ".hidden").write_text("secret")
    (server.live.site / "sub").mkdir()
    (server.live.site / "sub" / "file.txt").write_text("inside")
    (server.live.site / "link").symlink_to(server.live.folder / "secret.txt")
    for target in [*TRAVERSALS, "/.hidden", "/link", "/missing.html"]:
        code, body = get(server, target)
        assert (code, b"secret" in body) == (404, False), target
    # No listings: a folder is not a page, though the files in it are served.
    assert get(server, "/sub/")[0] == 404
    assert get(server, "/sub")[0] == 404
    assert get(server, "/sub/file.txt") == (200, b"inside")


def test_absolute_paths_are_not_followed(server: DevServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    assert get(server, "/" + str(secret))[0] == 404
    assert get(server, str(secret))[0] == 404


def test_a_file_inside_the_build_is_served(server: DevServer) -> None:
    assert get(server, "/index.html")[0] == 200
    assert get(server, "/?from=a-link")[0] == 200


def test_other_host_names_are_refused_on_loopback(server: DevServer) -> None:
    port = server.httpd.server_address[1]
    assert get(server, "/", host=f"evil.example:{port}")[0] == 400
    assert get(server, "/", host=f"localhost:{port}")[0] == 200


def test_non_loopback_needs_an_explicit_host(project: Path) -> None:
    with pytest.raises(ValueError, match="loopback"):
        DevServer(Project.find(project), host="0.0.0.0", port=0)


def test_a_port_in_use_is_one_clear_error(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", str(project), "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


# The injected script and the policy, on their own


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_allow_in_csp_adds_the_hash_and_self() -> None:
    csp = "default-src 'none'; script-src 'sha256-A'; style-src 'sha256-B'"
    assert allow_in_csp(csp, "x") == (
        f"default-src 'none'; script-src 'sha256-A' {sha256('x')}; "
        "style-src 'sha256-B'; connect-src 'self'"
    )


def test_allow_in_csp_falls_back_on_default_src() -> None:
    assert allow_in_csp("default-src 'self'", "x") == (
        f"default-src 'self'; script-src 'self' {sha256('x')}; connect-src 'self'"
    )
    assert allow_in_csp("default-src 'none'; script-src 'none'", "x") == (
        f"default-src 'none'; script-src {sha256('x')}; connect-src 'self'"
    )
    assert allow_in_csp("img-src data:", "x") == "img-src data:"


def test_inject_puts_the_script_at_the_end_of_the_body() -> None:
    html = inject_live_script("<html><body><p>card</p></body></html>", 7)
    assert html.startswith("<html><body><p>card</p><script>(function")
    assert "var version = 7," in html and html.endswith("</body></html>")


@pytest.mark.parametrize(
    ("page", "before"),
    [
        ("<body><p>a</p></BODY>\n</html>", "<body><p>a</p>"),  # in any case
        ("<body><p>a</p></body><!-- </body> --></html>", "<body><p>a</p></body><!-- "),  # the last
        ("<p>a</p></p>", "<p>a</p></p>"),  # none: at the end
    ],
)
def test_the_script_goes_before_the_last_end_of_the_body(page: str, before: str) -> None:
    html = inject_live_script(page, 1)
    assert html.startswith(before + "<script>(function"), html
    assert html.endswith(page[len(before) :])


def injected_whole(page: str, version: int) -> str:
    """The served copy as it was first made: the policy replaced in the whole page, then the
    script put before the last </body> of the page so made."""
    script = LIVE_SCRIPT % (version, STATUS_PATH)
    page = re.sub(
        r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")',
        lambda m: m[1] + html_text.escape(allow_in_csp(html_text.unescape(m[2]), script)) + m[3],
        page,
        count=1,
        flags=re.IGNORECASE,
    )
    ends = [m.start() for m in re.finditer("</body>", page, re.IGNORECASE)]
    end = ends[-1] if ends else len(page)
    return f"{page[:end]}<script>{script}</script>\n{page[end:]}"


PAGE_PARTS = [
    "<html><head>",
    '<meta http-equiv="Content-Security-Policy" content="',
    '<META HTTP-EQUIV="content-security-policy"\n CONTENT="',
    "default-src 'none'; script-src 'sha256-A'",
    "&#x27;",
    '">',
    "</head><body>",
    "</body>",
    "</BODY>",
    "</bo",
    "</p>",
    "<p>",
    "Trin – hvad gør du nu? ",
    "\U0001f600",
    "x",
    "\n",
    "</html>",
]


@given(st.lists(st.sampled_from(PAGE_PARTS), max_size=14), st.integers(0, 99))
def test_the_served_copy_is_the_page_with_the_script_as_it_always_was(
    parts: list[str], version: int
) -> None:
    page = "".join(parts)
    assert inject_live_script(page, version) == injected_whole(page, version)
    assert (
        b"".join(live_page(page, page.encode(), version)) == injected_whole(page, version).encode()
    )


def test_serve_remembers_its_builds_for_the_next_save_and_no_other_build_does(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    live = LiveCard(Project.find(project), tmp_path / "live")
    assert live.rebuild()[0]
    assert {"graph", "checks", "nodes checked", "graph checked"} <= live.memory.kinds()
    assert cache.memory() is None  # a build outside serve's keeps nothing


def test_a_file_saved_in_two_writes_gets_one_good_card_and_no_error_between(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An editor that writes a file in pieces (the first half, then 5 ms later the rest): the
    # build waits for the save to settle, and never reads the half-written file.
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    plan = project / "content" / "plan.yaml"
    builds: list[tuple[bool, list[str]]] = []
    with DevServer(
        Project.find(project),
        port=0,
        on_build=lambda ok, problems: builds.append((ok, [p.format() for p in problems])),
    ) as running:
        before = "First title"
        for title in ("Second title", "Third title", "Fourth title"):
            builds.clear()
            version = running.live.version
            text = plan.read_text(encoding="utf-8").replace(before, title)
            half = len(text) // 2
            with plan.open("w", encoding="utf-8") as saving:
                saving.write(text[:half])
                saving.flush()
                time.sleep(0.005)
                saving.write(text[half:])
            wait_until(lambda v=version: running.live.version > v or bool(running.live.errors))
            time.sleep(0.3)  # a second build, of the same file, would have come by now
            assert builds == [(True, [])], title
            assert running.live.version == version + 1
            assert f"<title>{title}</title>" in page(running)
            before = title


def test_a_save_of_the_plan_keeps_the_theme_and_one_of_a_template_reads_it_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    templates = project / "templates"
    templates.mkdir()
    (templates / "custom.css").write_text("p { letter-spacing: 0.01em }\n", encoding="utf-8")
    loaded: list[object] = []
    load = Theme.load.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Theme], custom: Path | None = None) -> Theme:
        loaded.append(custom)
        return load(cls, custom)  # type: ignore[no-any-return]

    monkeypatch.setattr(Theme, "load", classmethod(counted))
    found = Project.find(project)
    live = LiveCard(found, tmp_path / "live")
    assert live.rebuild()[0]
    assert loaded == [templates]
    plan = project / "content" / "plan.yaml"

    def served() -> str:
        return (live.site / "index.html").read_text(encoding="utf-8")

    def clean_card() -> str:
        monkeypatch.setenv("ACTIONPLAN_NO_CACHE", "1")
        try:
            made = build_card(Project.find(project), tmp_path / "clean")
        finally:
            monkeypatch.delenv("ACTIONPLAN_NO_CACHE")
        return inject_live_script(made.path.read_text(encoding="utf-8"), live.version)

    # A save of the plan: its card, with the theme as the last build loaded it.
    write_plan(project, NODES, title="Second title")
    assert live.rebuild(changed_plan(found, {str(plan)}))[0]
    assert len(loaded) == 1
    assert "<title>Second title</title>" in served()
    loaded.clear()
    assert served() == clean_card()
    loaded.clear()
    # A save of a template: read again, and in the card.
    (templates / "custom.css").write_text("p { letter-spacing: 0.02em }\n", encoding="utf-8")
    assert changed_plan(found, {str(templates / "custom.css")}) is None
    assert live.rebuild(changed_plan(found, {str(templates / "custom.css")}))[0]
    assert loaded == [templates]
    assert "0.02em" in served()
    assert served() == clean_card()


def test_a_template_inside_the_content_folder_is_no_plan_s_own_change(tmp_path: Path) -> None:
    # A project that is its content folder has its templates/ inside it: a change there is a
    # change of the theme, never only of the plan.
    root = tmp_path / "plan"
    shutil.copytree(write_plan(tmp_path / "project", NODES) / "content", root)
    (root / "templates").mkdir()
    (root / "templates" / "custom.css").write_text("p { color: #000 }\n", encoding="utf-8")
    found = Project.find(root)
    assert found.templates == root / "templates"
    assert changed_plan(found, {str(root / "plan.yaml")}) is not None
    assert changed_plan(found, {str(root / "templates" / "custom.css")}) is None


def spy_on_puts(monkeypatch: pytest.MonkeyPatch, note: Callable[[Store, str], Any]) -> list[Any]:
    """What `note` says of each value the cache's stores are given (Store.put), in order; the
    value is stored as before."""
    noted: list[Any] = []
    put = Store.put

    def writing(self: Store, key: str, value: Any) -> None:
        noted.append(note(self, key))
        put(self, key, value)

    monkeypatch.setattr(Store, "put", writing)
    return noted


def served_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, LiveCard]:
    """A project whose plan is one file of 300 nodes (its entries kept in buckets), with a
    cache in tmp_path, and serve's card of it built once: the project, its plan and the card."""
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = one_file_plan(tmp_path / "project", n=300)
    live = LiveCard(Project.find(project), tmp_path / "live")
    assert live.rebuild()[0]
    return project, project / "content" / "plan.yaml", live


def built_by_a_new_process(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The card a new process builds from what serve left in the cache (the test's spies
    undone), having found every node's checks there."""
    monkeypatch.undo()
    Store.forget()
    seen = watch_checks(monkeypatch)
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    card = build_card(Project.find(project), tmp_path / "out").path.read_bytes()
    assert seen["_node_references"] == []  # every node's checks found in the cache
    monkeypatch.undo()
    return card


def test_a_save_s_card_is_served_before_the_cache_is_written_for_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, plan, live = served_plan(tmp_path, monkeypatch)

    # At each write of what was read and what the checks found: the version served, and
    # whether it is the card of the save.
    def served(store: Store, _key: str) -> tuple[int, bool] | None:
        if store.kind not in (READS, checks.CHECKS, render.NODES):
            return None
        card = (live.site / "index.html").read_text(encoding="utf-8")
        return (live.version, "Trin fem" in card)

    noted = spy_on_puts(monkeypatch, served)
    edit(plan, "title: Trin 5\n", "title: Trin fem\n")
    assert live.rebuild()[0]
    # Written once serve is idle, after the card: a save straight after does not wait for it.
    assert noted == []
    live.write_kept()
    written = [n for n in noted if n is not None]
    # The file's cut, the node's entry as read, what the checks found, the node's group of
    # sections rendered (with its sections by key) and the page's list of groups.
    assert len(written) >= 6
    assert set(written) == {(2, True)}
    # ... and then a new process finds all it needs there.
    card = built_by_a_new_process(project, tmp_path, monkeypatch)
    assert card == clean(project, tmp_path / "clean", monkeypatch)[0]


def test_saves_back_to_back_leave_one_writing_of_each_part_of_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second save's writing of the file's cut and entries replaces the first's, which was
    # never done: serve idle writes each once, as the last save has it.
    project, plan, live = served_plan(tmp_path, monkeypatch)
    live.write_kept()
    edit(plan, "title: Trin 5\n", "title: Trin fem\n")
    assert live.rebuild()[0]
    left = len(live.left)
    assert left >= 3  # the file's cut, its entries as read, what the checks found
    edit(plan, "title: Trin fem\n", "title: Trin seks\n")
    assert live.rebuild()[0]
    assert len(live.left) == left
    written = spy_on_puts(monkeypatch, lambda _store, key: key)
    live.write_kept()
    assert live.left == {}
    assert len(written) == len(set(written))
    built = built_by_a_new_process(project, tmp_path, monkeypatch)
    assert b"Trin seks" in built
    assert built == clean(project, tmp_path / "clean", monkeypatch)[0]


def test_serve_writes_what_the_cache_keeps_when_it_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = one_file_plan(tmp_path / "project", n=300)
    server = DevServer(Project.find(project), port=0)
    assert server.live.left == {}  # the first build's, written before the first save
    edit(project / "content" / "plan.yaml", "title: Trin 5\n", "title: Trin fem\n")
    assert server.live.rebuild()[0]
    assert len(server.live.left) >= 3  # the save's: the file's cut, its entries, its checks
    written = spy_on_puts(monkeypatch, lambda store, _key: store.kind)
    server.stop()
    assert server.live.left == {}
    assert {READS, checks.CHECKS, render.NODES} <= set(written)


def test_a_save_whose_cache_was_never_written_leaves_the_next_build_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if serve ended between a save's card and writing what it keeps: the cache is as the
    # build before left it, and the next build does more again, never makes a stale card.
    project, plan, live = served_plan(tmp_path, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(deferred, "run", lambda left: left.clear())
        edit(plan, "title: Trin 5\n", "title: Trin fem\n")
        assert live.rebuild()[0]
    Store.forget()  # a new process
    built = build_card(Project.find(project), tmp_path / "out").path.read_bytes()
    assert b"Trin fem" in built
    assert built == clean(project, tmp_path / "clean", monkeypatch)[0]


def test_the_banner_is_text_only() -> None:
    assert "textContent" in LIVE_SCRIPT and "innerHTML" not in LIVE_SCRIPT


# In a browser: the reload, the banner, and no CSP violation.


@pytest.mark.browser
def test_the_page_reloads_and_shows_errors_in_a_browser(
    browser: Any, project: Path, server: DevServer
) -> None:
    page_ = browser.new_page()
    errors: list[str] = []
    page_.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page_.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page_.goto(server.url)
        assert "First title" in page_.title()
        break_plan(project)
        banner = page_.get_by_role("alert")
        banner.wait_for(timeout=15_000)
        assert "plan.yaml" in banner.inner_text()
        assert "First title" in page_.title()
        write_plan(project, NODES, title="<b>Second</b>")
        wait_until(lambda: "<b>Second</b>" in page_.title())  # no eval: the CSP forbids it
        assert page_.get_by_role("alert").count() == 0
        assert errors == []
    finally:
        page_.close()
