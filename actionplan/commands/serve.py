"""Serve: the card on a local web server, rebuilt on every save, with live reload.

The card is built into a temporary folder (never the project's build/) and only that folder is
served.  The served copy of the card gets a small script that polls the status endpoint: it reloads
the page after a new build, and shows the errors of a failed one over the last good card.  The
script's hash and `connect-src 'self'` are added to the served copy's Content-Security-Policy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import html
import ipaddress
import json
import mimetypes
import os
import re
import shutil
import signal
import socket
import stat
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import watchfiles

from actionplan import cache, deferred
from actionplan.card.render import csp_hash
from actionplan.card.theme import Theme
from actionplan.card.write import write_atomic
from actionplan.commands.build import CARD_NAME, make_site
from actionplan.errors import PlanError, Pos, Problem
from actionplan.i18n import _
from actionplan.plan.read import Report
from actionplan.project import PLANS_DIR, Project

STATUS_PATH = "/__actionplan__/status"
VERSION_PATH = "/__actionplan__/version"

# Polls the status every second; `version` is that of the build the page shows.
LIVE_SCRIPT = """\
(function () {
  "use strict";
  var version = %d, banner = null;
  function show(text) {
    if (!text) {
      if (banner) { banner.remove(); banner = null; }
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "alert");
      Object.assign(banner.style, {position: "fixed", top: "0", left: "0", right: "0",
        zIndex: "2147483647", margin: "0", padding: "1em", maxHeight: "50vh", overflow: "auto",
        background: "#b00020", color: "#fff", font: "14px/1.4 monospace", whiteSpace: "pre-wrap"});
      document.body.appendChild(banner);
    }
    banner.textContent = text;
  }
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (response) {
      return response.json();
    }).then(function (status) {
      if (status.version !== version) { location.reload(); return; }
      show(status.ok ? "" : "The last save has errors; this is the last good card.\\n\\n"
        + status.errors.join("\\n"));
      setTimeout(poll, 1000);
    }, function () {
      show("actionplan serve has stopped.");
      setTimeout(poll, 1000);
    });
  }
  poll();
})();
"""

WAITING_PAGE = """\
<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>actionplan serve</title>
<p>The plan has errors, so there is no card yet. Fix them and this page will reload.</p>
</html>
"""

_CSP_META = re.compile(
    r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.IGNORECASE
)


def allow_in_csp(csp: str, script: str) -> str:
    """The policy with the script admitted by hash and fetches to the page's own server allowed."""
    directives = [d.split() for d in csp.split(";") if d.strip()]
    default = next((d[1:] for d in directives if d[0].lower() == "default-src"), None)

    def add(name: str, source: str) -> None:
        directive = next((d for d in directives if d[0].lower() == name), None)
        if directive is None:
            if default is None:  # without default-src, nothing restricts it
                return
            directive = [name, *default]
            directives.append(directive)
        directive[1:] = [s for s in directive[1:] if s not in ("'none'", source)] + [source]

    add("script-src", csp_hash(script))
    add("connect-src", "'self'")
    return "; ".join(" ".join(d) for d in directives)


def inject_live_script(page: str, version: int) -> str:
    """The page with the live-reload script at the end of its body, admitted by its CSP."""
    parts: list[str] = []
    at = 0
    for start, end, text in live_edits(page, version):
        parts += (page[at:start], text)
        at = end
    parts.append(page[at:])
    return "".join(parts)


def live_page(page: str, data: bytes, version: int) -> list[bytes | memoryview]:
    """inject_live_script's page, encoded, in parts: `data` is the page encoded (a large card's
    5 MB), and is neither copied nor encoded again, only cut where the script and the policy go."""
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    at = 0
    for start, end, text in live_edits(page, version):
        parts += (view[at : _offset(page, data, start)], text.encode())
        at = _offset(page, data, end)
    parts.append(view[at:])
    return parts


def _offset(page: str, data: bytes, at: int) -> int:
    """Where in `data`, the page encoded in UTF-8, its character `at` starts: counted from the
    nearer end, since what changes is near the page's start (the policy) or its end (the body's)."""
    if page.isascii():
        return at
    if at <= len(page) // 2:
        return len(page[:at].encode())
    return len(data) - len(page[at:].encode())


def live_edits(page: str, version: int) -> list[tuple[int, int, str]]:
    """What the served copy changes in a page, as (start, end, the text in their place), in
    order: the Content-Security-Policy's value, where the page has one, with the live-reload
    script admitted (allow_in_csp); and the script put before the last </body>, in any case
    (at the page's end where it has none)."""
    script = LIVE_SCRIPT % (version, STATUS_PATH)
    edits = []
    end = -1
    csp = _CSP_META.search(page)
    if csp is None:
        end = _body_end(page, 0, len(page))
    else:
        value = html.escape(allow_in_csp(html.unescape(csp[2]), script))
        edits.append((csp.start(2), csp.end(2), value))
        # The policy's new value holds no '<' (it is escaped), and its old one is not looked in.
        end = _body_end(page, csp.end(2), len(page))
        if end < 0:
            end = _body_end(page, 0, csp.start(2))
    if end < 0:
        end = len(page)
    edits.append((end, end, f"<script>{script}</script>\n"))
    edits.sort()
    return edits


def _body_end(page: str, start: int, end: int) -> int:
    """Where the last </body> between start and end, in any case, starts (-1 if none): looked
    for from the end, as a copy of the whole page in lower case took a tenth of a large card's
    build."""
    at = end
    while (at := page.rfind("</", start, at)) >= 0:
        if page[at : at + 7].lower() == "</body>":
            return at
    return -1


def _today() -> dt.date:
    return dt.date.today()


@dataclass
class LiveCard:
    """The card in a folder of its own, rebuilt on demand; keeps the last good one on errors."""

    project: Project
    folder: Path
    plan: str | None = None  # only this plan of a project of several (--plan)
    version: int = 0  # how many good builds there have been
    built: list[str] = field(default_factory=list)  # the pages the last good build wrote
    checked: dict[str, Report] = field(default_factory=dict)  # each plan's, until it changes
    checked_on: dt.date | None = None  # the day they were checked: a date check ages overnight
    errors: list[str] = field(default_factory=list)
    # The theme as the last build loaded it: kept while a save changes only a plan's files.
    theme: Theme | None = field(default=None, repr=False)
    # What the builds left for the cache, written when serve is idle (write_kept).
    left: deferred.Left = field(default_factory=dict, repr=False)
    # What the builds remember of the builds before them: a save looks again only at what it
    # changed.
    memory: cache.Memory = field(default_factory=cache.Memory, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def site(self) -> Path:
        """The only folder served."""
        return self.folder / "site"

    def rebuild(self, only: str | None = None) -> tuple[bool, list[Problem]]:
        """Build the card (of a project of several plans: the plan named `only`, or every one,
        and the index); (True, warnings) when it worked, (False, errors) when not."""
        built = self._build(only, None)
        assert built is not None  # only a build that looks at its files again is given up
        return built

    def rebuild_after(
        self, changed: Iterable[str], only: str | None = None
    ) -> tuple[bool, list[Problem]] | None:
        """rebuild, after a save of the files `changed`; None, and nothing shown, when one of
        them changed again while the build read it: an editor was still writing it (a large
        file is written in several steps), and the build which that change sets off shows
        the card, rather than this one's errors of a file cut short."""
        paths = set(changed)
        before = file_states(paths)
        return self._build(only, lambda: file_states(paths) == before)

    def _build(
        self, only: str | None, still: Callable[[], bool] | None
    ) -> tuple[bool, list[Problem]] | None:
        # The cyclic collector waits until the new card is served: a save of a large plan makes
        # tens of thousands of objects that live on, and the collections they set off (tens of
        # milliseconds at 10 000 nodes, more when the oldest generation's turn comes) came in
        # the middle of the build.
        enabled = gc.isenabled()
        gc.disable()
        try:
            # What the cache keeps for other processes is written once serve is idle
            # (write_kept): this process keeps it in memory, and a save made straight after
            # this one does not wait for it (a crash before leaves the cache as it was, which
            # only makes the next build in another process do more again).
            with deferred.collect(self.left), cache.remembering(self.memory):
                return self._rebuild(only, still)
        finally:
            if enabled:
                gc.enable()

    def write_kept(self) -> None:
        """Write what the builds since the last call left for the cache (deferred): each
        file's entries and what the checks found in them as the last build had them."""
        with contextlib.suppress(Exception):  # the cache is a shortcut: not kept, made again
            deferred.run(self.left)
        self.left.clear()  # what failed is not tried again

    def _rebuild(
        self, only: str | None, still: Callable[[], bool] | None
    ) -> tuple[bool, list[Problem]] | None:
        # The plans a save did not touch are not checked again: only the one it changed, or
        # all when it reached further (only is None: the templates, the shared layer).
        today = _today()
        if only is None or today != self.checked_on:
            self.checked.clear()
        else:
            self.checked.pop(only, None)
        self.checked_on = today
        if only is None or self.theme is None:  # a template may have changed: read it again
            try:
                self.theme = Theme.load(self.project.templates)
            except PlanError:
                self.theme = None  # the build loads it again, and says what is wrong with it
        try:
            # Made, not written: what is written is the served copy, from the page in memory.
            results = make_site(
                self.project,
                out=self.site,
                only=only or self.plan,
                cache=self.checked,
                theme=self.theme,
            )
        except PlanError as exc:
            problems = exc.problems
        except Exception as exc:  # keep serving: a failed build must not end the session
            problems = [
                Problem(
                    Pos(str(self.project.content)),
                    _("the build failed: {reason}").format(reason=exc),
                )
            ]
        else:
            if still is not None and not still():
                return None
            with self._lock:
                for result in results:
                    page = live_page(result.text, result.data, self.version + 1)
                    # A file of a temporary folder: it need not wait for the disk.
                    write_atomic(result.path, page, durable=False)
                self.version += 1
                self.errors = []
            self.built = [r.path.relative_to(self.site).as_posix() for r in results]
            return True, [p for r in results for p in r.warnings]
        if still is not None and not still():
            return None
        with self._lock:
            self.errors = [p.format() for p in problems]
            if self.version == 0:
                write_atomic(self.site / CARD_NAME, inject_live_script(WAITING_PAGE, 0).encode())
        return False, problems

    def status(self) -> dict[str, object]:
        with self._lock:
            return {"version": self.version, "ok": not self.errors, "errors": list(self.errors)}


def file_states(paths: Iterable[str]) -> dict[str, tuple[int, int] | None]:
    """Each file's size and time of change (None for one that is gone), to tell whether a file
    changed while a build read it.  Folders are left out: an editor's swap file, which the
    watcher ignores, changes its folder's time without a change the watcher would tell."""
    states: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            states[path] = None
            continue
        if stat.S_ISREG(st.st_mode):
            states[path] = (st.st_size, st.st_mtime_ns)
    return states


def resolve_request(site: Path, target: str) -> Path | None:
    """The file inside site that a request target names, or None: no listings, no way out."""
    raw = target.split("?", 1)[0].split("#", 1)[0]
    # Encoded slashes, backslashes and NULs have no business in a path to the card.
    if not raw.startswith("/") or re.search(r"%(2f|5c|00)", raw, re.IGNORECASE):
        return None
    parts = unquote(raw).removeprefix("/").split("/")
    if parts[-1] == "":  # a folder: its card, as a web server shows index.html
        parts[-1] = CARD_NAME
    if any(p in ("", ".", "..") or p.startswith(".") or "\\" in p or "\0" in p for p in parts):
        return None
    root = site.resolve()
    path = root.joinpath(*parts).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine only."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    if header.startswith("["):
        return header[1 : header.find("]")]
    return header.rsplit(":", 1)[0]


def changed_plan(project: Project, paths: set[str]) -> str | None:
    """The one plan that every changed file belongs to, to rebuild only its card; None when a
    change reaches further (the templates, the shared layer, a plan added or removed)."""
    try:
        plans = project.plans
    except PlanError:
        return None
    # The templates, even inside a plan's folder (a project that is its content folder).
    templates = project.templates.resolve() if project.templates is not None else None
    names = set()
    for path in paths:
        changed = Path(path).resolve()
        if templates is not None and templates in (changed, *changed.parents):
            return None
        owner = next(
            (f.name for f in plans if f.content.resolve() in (changed, *changed.parents)), None
        )
        if owner is None or changed in (f.content.resolve() for f in plans):
            return None
        names.add(owner)
    return names.pop() if len(names) == 1 else None


class _Handler(BaseHTTPRequestHandler):
    server: CardServer
    server_version = "actionplan"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        live = self.server.live
        host = self.headers.get("Host")
        path = self.path.split("?", 1)[0]
        # A page elsewhere that renames itself to 127.0.0.1 (DNS rebinding) still sends its name.
        if self.server.loopback_only and host is not None and not is_loopback(_host_name(host)):
            status, kind, body = 400, "text/plain", b"wrong host\n"
        elif path == STATUS_PATH:
            status, kind, body = 200, "application/json", json.dumps(live.status()).encode()
        elif path == VERSION_PATH:
            status, kind, body = 200, "text/plain", str(live.status()["version"]).encode()
        elif (file := resolve_request(live.site, self.path)) is not None:
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            status, body = 200, file.read_bytes()
        else:
            status, kind, body = 404, "text/plain", b"not found\n"
        self.send_response(status)
        text = kind.startswith("text/") or kind == "application/json"
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if text else kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the page polls every second: a line per request would drown the build messages


class CardServer(ThreadingHTTPServer):
    daemon_threads = True
    # Once bound, the name of an IP socket: the host is text, never bytes.
    server_address: tuple[str, int] | tuple[str, int, int, int]

    def __init__(self, live: LiveCard, host: str, port: int) -> None:
        self.live = live
        self.loopback_only = is_loopback(host)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)


BuildReport = Callable[[bool, list[Problem]], None]


class DevServer:
    """`actionplan serve`: the live card, its web server and the watcher that rebuilds it.

    Usable from tests: `with DevServer(project, port=0) as server:` serves on a free port in
    threads until the block ends.
    """

    def __init__(
        self,
        project: Project,
        host: str = "127.0.0.1",
        port: int = 8000,
        *,
        allow_remote: bool = False,
        on_build: BuildReport | None = None,
        plan: str | None = None,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(f"{host} is not a loopback address; pass allow_remote=True")
        self.project = project
        self.on_build = on_build or (lambda ok, problems: None)
        if plan is not None:
            project.plan(plan)  # a plan the project lacks is named before anything is served
        folder = Path(tempfile.mkdtemp(prefix="actionplan-serve-"))
        self.live = LiveCard(project, folder, plan)
        try:
            self.on_build(*self.live.rebuild())
            self.live.write_kept()  # before the first save: it need not wait for it
            self.httpd = CardServer(self.live, host, port)
        except BaseException:
            shutil.rmtree(self.live.folder, ignore_errors=True)
            raise
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}/"

    def start(self) -> None:
        """Serve and watch in background threads; returns once the watcher is watching."""
        self._threads = [
            threading.Thread(target=self.httpd.serve_forever, args=(0.2,), daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._watching.wait(timeout=10)

    def _watch(self) -> None:
        project = self.project
        plans = project.root / PLANS_DIR if project.content != project.root else None
        folders = [
            d
            for d in (project.content, project.templates, project.shared, plans)
            if d is not None and d.is_dir()
        ]
        # yield_on_timeout: the first (empty) yield tells that the watches are in place.  The
        # changes of one save (an editor may write a copy, then rename it over the file) come
        # within a few milliseconds: after `step` ms with no more, the card is built again.
        for changes in watchfiles.watch(
            *folders,
            stop_event=self._stop,
            debounce=400,
            step=20,
            rust_timeout=200,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            self._watching.set()
            if changes and not self._stop.is_set():
                paths = {p for _, p in changes}
                built = self.live.rebuild_after(paths, changed_plan(project, paths))
                if built is not None:
                    self.on_build(*built)
            elif not changes:  # `rust_timeout` ms without a change: what the cache keeps
                self.live.write_kept()

    def run(self) -> None:
        """Serve until Ctrl-C (or SIGTERM), then clean up; call it from the main thread."""
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            self.start()
            self._stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            signal.signal(signal.SIGTERM, previous)

    def stop(self) -> None:
        """Stop serving and watching, and remove the temporary folder."""
        self._stop.set()
        if self._threads:
            self.httpd.shutdown()
            for thread in self._threads:
                thread.join(timeout=5)
            self._threads = []
        self.httpd.server_close()
        self.live.write_kept()
        shutil.rmtree(self.live.folder, ignore_errors=True)

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
