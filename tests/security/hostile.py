"""The security suite's tools (conftest.py has its fixtures).

A plan with a value of our choosing in every place text goes, a build that records what it
changed on disk, an audit of the HTML as a parser reads it, and what a browser visit watches for.
`plan_files(text)` is the plan every module attacks: `text(place)` gives the value for each place
(`PLACES` lists them), so a payload can go everywhere at once, or anywhere in particular.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import yaml
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.project import default_dir

Text = Callable[[str], str]

# Every place a plan's author (or a translator, or a theme's translator) can put text.
PLACES = (
    "plan.title",
    "plan.summary",
    "plan.version",
    "plan.owner",
    "question.title",
    "question.body",
    "option.label",
    "option.hint",
    "step.title",
    "step.body",
    "step.who",
    "step.checklist",
    "step.do_not",
    "source.title",
    "outcome.title",
    "outcome.body",
    "outcome.follow_up",
    "contact.name",
    "contact.role",
    "contact.hours",
    "contact.note",
    "law.title",
    "law.summary",
    "local.municipality",
    "translation.name",
    "translation.plan.title",
    "translation.plan.summary",
    "translation.question.title",
    "translation.question.body",
    "translation.option.label",
    "translation.option.hint",
    "translation.step.title",
    "translation.step.body",
    "translation.step.who",
    "translation.step.checklist",
    "translation.step.do_not",
    "translation.outcome.title",
    "translation.outcome.body",
    "translation.outcome.follow_up",
    "translation.contact.name",
    "translation.contact.role",
    "translation.contact.hours",
    "translation.contact.note",
    "translation.law.title",
    "translation.law.summary",
    "translation.local.municipality",
)
# The places read as Markdown; the rest are plain text.
MARKDOWN = frozenset(
    p
    for p in PLACES
    if p.rsplit(".", 1)[-1] in ("summary", "body", "checklist", "do_not", "follow_up", "note")
)
# The card's own words, from the default theme's English file: a project may translate them.
UI_WORDS = tuple(
    yaml.safe_load((default_dir("templates") / "i18n" / "en.yaml").read_text(encoding="utf-8"))
)

# A payload that runs says so here; the card never sets it.
PWNED = "window.__pwned=1;alert(1)"


def plain(place: str) -> str:
    """An ordinary value for every place."""
    return f"Text for {place}"


def plan_files(
    text: Text = plain, *, font: str | None = "Verdana, sans-serif", ui: Text | None = None
) -> dict[str, Any]:
    """A valid plan (Danish, translated into English, with a local layer) with text(place) in
    every place; `ui` adds a templates/i18n/da.yaml with ui(word) for every word of the card."""
    today = dt.date.today()
    t = text
    files: dict[str, Any] = {
        "content/plan.yaml": {
            "plan": {
                "title": t("plan.title"),
                "summary": t("plan.summary"),
                "language": "da",
                "version": t("plan.version"),
                "owner": t("plan.owner"),
                "reviewed": today,
                "start": "start",
                "emergency": ["alarm"],
            }
        },
        "content/nodes.yaml": {
            "nodes": {
                "start": {
                    "kind": "question",
                    "title": t("question.title"),
                    "body": t("question.body"),
                    "options": [
                        {
                            "label": t("option.label") + " (ja)",
                            "hint": t("option.hint"),
                            "next": "act",
                        },
                        {"label": t("option.label") + " (nej)", "next": "done"},
                    ],
                },
                "act": {
                    "kind": "step",
                    "title": t("step.title"),
                    "body": t("step.body"),
                    "who": t("step.who"),
                    "urgent": True,
                    "checklist": [t("step.checklist")],
                    "do_not": [t("step.do_not")],
                    "contacts": ["alarm", "raad"],
                    "legal": ["lov"],
                    "sources": [{"title": t("source.title"), "url": "https://example.org/kilde"}],
                    "next": "done",
                },
                "done": {
                    "kind": "outcome",
                    "title": t("outcome.title"),
                    "body": t("outcome.body"),
                    "follow_up": [t("outcome.follow_up")],
                    "contacts": ["raad"],
                    "legal": ["lov"],
                },
            }
        },
        "content/contacts.yaml": {
            "contacts": {
                "alarm": {"name": t("contact.name") + " 1", "phone": "112"},
                "raad": {
                    "name": t("contact.name") + " 2",
                    "role": t("contact.role"),
                    "phone": "+45 12 34 56 78",
                    "url": "https://example.org/raad",
                    "email": "raad@example.org",
                    "hours": t("contact.hours"),
                    "note": t("contact.note"),
                    "verified": today,
                },
            },
            "laws": {
                "lov": {
                    "title": t("law.title"),
                    "summary": t("law.summary"),
                    "url": "https://example.org/lov",
                    "verified": today,
                }
            },
        },
        "content/local.yaml": {
            "local": {
                "municipality": t("local.municipality"),
                **({"font": font} if font else {}),
                "colors": {"primary": "#00567a"},
            }
        },
        "content/translations/en.yaml": {
            "language": "en",
            "name": t("translation.name"),
            "plan": {
                "title": t("translation.plan.title"),
                "summary": t("translation.plan.summary"),
            },
            "nodes": {
                "start": {
                    "title": t("translation.question.title"),
                    "body": t("translation.question.body"),
                    "options": [
                        {
                            "label": t("translation.option.label") + " (yes)",
                            "hint": t("translation.option.hint"),
                        },
                        t("translation.option.label") + " (no)",
                    ],
                },
                "act": {
                    "title": t("translation.step.title"),
                    "body": t("translation.step.body"),
                    "who": t("translation.step.who"),
                    "checklist": [t("translation.step.checklist")],
                    "do_not": [t("translation.step.do_not")],
                },
                "done": {
                    "title": t("translation.outcome.title"),
                    "body": t("translation.outcome.body"),
                    "follow_up": [t("translation.outcome.follow_up")],
                },
            },
            "contacts": {
                "raad": {
                    "name": t("translation.contact.name"),
                    "role": t("translation.contact.role"),
                    "hours": t("translation.contact.hours"),
                    "note": t("translation.contact.note"),
                }
            },
            "laws": {
                "lov": {
                    "title": t("translation.law.title"),
                    "summary": t("translation.law.summary"),
                }
            },
            "local": {"municipality": t("translation.local.municipality")},
        },
    }
    if ui is not None:
        files["templates/i18n/da.yaml"] = {
            word: ui(word) for word in UI_WORDS if word not in ("direction",)
        }
    return files


def everywhere(payload: str) -> Text:
    """The payload in every place, each kept apart so that labels stay unique."""
    return lambda place: f"{payload} {place}"


def write_files(root: Path, files: dict[str, Any]) -> Path:
    """Write each file (text, bytes, or data dumped as YAML) under root; gives root."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        elif isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_text(dump(data), encoding="utf-8")
    return root


class _Dumper(yaml.SafeDumper):
    """Text always in double quotes, where YAML escapes what it must: in other styles PyYAML
    writes a NEL or a line separator as it is, and YAML then reads it as a line break."""


_Dumper.add_representer(
    str, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=2**31)


def run(*args: str) -> tuple[int, str]:
    """The CLI's exit code and everything it printed; a traceback fails the test."""
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1"})
    assert isinstance(result.exception, (SystemExit, type(None))), (
        f"a traceback for {args}: {result.exception!r}\n{result.output}"
    )
    return result.exit_code, result.output


def snapshot(root: Path) -> dict[str, str]:
    """Every path under root with a digest of what it is: to compare a tree before and after."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[rel] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(info.st_mode):
                found[rel] = "dir"
            elif not stat.S_ISREG(info.st_mode):  # a pipe or a device: reading it could block
                found[rel] = f"special:{info.st_mode:o}"
            elif info.st_size > 2**26:  # a sparse giant of a test: not hashed, still watched
                found[rel] = f"size:{info.st_size}:{info.st_mtime_ns}"
            else:
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


# A problem as the command line prints it: where (a file, with line and column if known), what.
PROBLEM = re.compile(r"[^\s:]+(?::\d+:\d+)?: error: \S")


@dataclass
class Build:
    """One `actionplan build` over a project that already has a good card in build/."""

    code: int
    output: str
    changed: set[str]  # paths under the test's tmp folder that the build changed
    good: bytes  # the card built before the content was changed
    card: Path

    @property
    def html(self) -> str:
        return self.card.read_text(encoding="utf-8")

    def assert_refused(self, *messages: str) -> None:
        """Exit 1, every problem as file:line:col or file, the last good card kept, nothing
        written anywhere."""
        assert self.code == 1, self.output
        errors = [line for line in self.output.splitlines() if ": error: " in line]
        assert errors, self.output
        assert all(PROBLEM.match(line) for line in errors), errors
        for message in messages:
            assert message in self.output, self.output
        assert self.card.read_bytes() == self.good
        assert self.changed == set(), self.changed

    def assert_built(self) -> None:
        """Exit 0 and nothing changed but the card (which may read the same as before)."""
        assert self.code == 0, self.output
        assert self.changed <= {"project/build/index.html"}, self.changed


def build_over_good(
    tmp: Path,
    files: dict[str, Any] | Callable[[Path], dict[str, Any]],
) -> Build:
    """A project with a good card in tmp/project; its files changed, then built again.

    `files` may be a function of tmp, called once the good project is in place (to make links).
    """
    project = tmp / "project"
    shutil.copytree(_good_project(), project, symlinks=True)
    card = project / "build" / "index.html"
    good_card = card.read_bytes()
    write_files(project, files(tmp) if callable(files) else files)
    before = snapshot(tmp)
    code, output = run("build", str(project))
    return Build(code, output, changed(before, snapshot(tmp)), good_card, card)


@functools.cache
def _good_project() -> Path:
    """The plain plan, built once a session, to copy where a test needs a good project."""
    project = write_files(Path(tempfile.mkdtemp(prefix="actionplan-good-")), plan_files())
    atexit.register(shutil.rmtree, project, ignore_errors=True)
    code, output = run("build", str(project))
    assert code == 0, output
    return project


# The HTML as a parser (and so a browser) reads it -------------------------------------------

SAFE_HREF = re.compile(r"(?:https?:|mailto:|tel:|#)", re.IGNORECASE)


class Audit(HTMLParser):
    """What a document holds that could run or fetch: scripts, styles, handlers, links; and its
    text outside scripts and styles, as a reader sees it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.handlers: list[str] = []
        self.texts: list[str] = []
        self._in: str | None = None
        self.bodies: list[tuple[str, dict[str, str | None], str]] = []  # scripts, style sheets
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.handlers += [f"<{tag} {k}>" for k, _ in attrs if k.lower().startswith("on")]
        self._in = tag if tag in ("script", "style") else None
        if self._in:
            self.bodies.append((tag, dict(attrs), ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is None:
            self.texts.append(data)
        else:
            tag, attrs, body = self.bodies[-1]
            self.bodies[-1] = (tag, attrs, body + data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def bad_links(self) -> list[str]:
        """hrefs with a scheme outside http(s), mailto, tel and #fragments; srcs not data:."""
        bad = [
            str(a["href"])
            for _, a in self.tags
            if "href" in a
            and not SAFE_HREF.match(a["href"] or "")
            and a != {"rel": "icon", "href": "data:,"}
        ]  # stops a request for a favicon
        bad += [
            str(a["src"])
            for _, a in self.tags
            if "src" in a and not (a["src"] or "").startswith("data:image/")
        ]
        return bad

    def assert_safe(self) -> None:
        """Exactly the card's two scripts (its data and its code) and one style sheet, one
        policy, no element that embeds or fetches, no event handler, no link off the list."""
        scripts = self.all("script")
        assert scripts == [{"type": "application/json", "id": "ap-data"}, {}], scripts
        assert 1 <= len(self.all("style")) <= 2
        assert all(set(attrs) <= {"id"} for attrs in self.all("style"))
        policies = [m for m in self.all("meta") if "http-equiv" in m]
        assert [m["http-equiv"] for m in policies] == ["Content-Security-Policy"], policies
        # Every script and style sheet that runs is the one the policy admits by its hash.
        policy = str(policies[0]["content"])
        for tag, attrs, body in self.bodies:
            if attrs.get("type") != "application/json":
                digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                assert f"'sha256-{digest}'" in policy, (tag, body[:80])
        assert [t for t, _ in self.tags if t in FETCHING] == []
        assert self.handlers == []
        assert self.bad_links == []


# Elements that run, embed or fetch something, or change where links lead.
FETCHING = frozenset(
    (
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "form",
        "svg",
        "math",
        "video",
        "audio",
        "source",
        "track",
        "portal",
        "template",
    )
)


# In the browser -----------------------------------------------------------------------------

WATCH = """
window.__apCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__apCsp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@dataclass
class Visit:
    """What a card did in the browser while it was open."""

    dialogs: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # requests the policy stopped
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)
    pwned: Any = None
    handlers: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    text: str = ""
    style: dict[str, str] = field(default_factory=dict)
    scripted: bool = False  # the card's own script ran

    def assert_clean(self, url: str, csp: tuple[str, ...] = ()) -> None:
        """Nothing ran, nothing was asked for but the card, and the policy blocked only `csp`."""
        assert self.dialogs == []
        assert self.pwned is None
        assert [r for r in self.requests if urldefrag(r).url != url] == []
        assert self.errors == []
        assert sorted(set(self.csp)) == sorted(csp), self.csp
        assert self.handlers == []
        assert self.links == []


# After the card's own script has run: handlers and links in the live DOM, as the browser
# resolves them (so `JaVaScRiPt:` and `java&#x09;script:` read as what they are).
INSPECT = """() => {
  const handlers = [], links = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (a.name.toLowerCase().startsWith("on")) handlers.push(el.tagName + " " + a.name);
    }
  }
  for (const a of document.querySelectorAll("[href], [src], [action], [formaction]")) {
    const url = a.href || a.src || a.action || a.formAction;
    const scheme = String(url).split(":")[0].toLowerCase();
    if (!["http", "https", "mailto", "tel", "file", "data"].includes(scheme)) links.push(url);
    if (scheme === "data" && !/^data:(image\\/|,$)/.test(url)) links.push(url);
    if (scheme === "file" && !url.startsWith(location.href.split("#")[0])) links.push(url);
  }
  const css = (selector, property) => {
    const el = document.querySelector(selector);
    return el ? getComputedStyle(el)[property] : null;
  };
  const style = {header: css(".ap-header", "backgroundColor"),
                 header_text: css(".ap-header", "color"),
                 emergency: css(".ap-emergency", "backgroundColor"),
                 main: css(".ap-main", "maxWidth"), button: css(".ap-button", "borderTopColor"),
                 node: css(".ap-node", "display"), font: css("body", "fontFamily")};
  return {pwned: window.__pwned === undefined ? null : window.__pwned, csp: window.__apCsp || [],
          handlers: handlers, links: links, text: document.body.innerText, style: style,
          scripted: document.documentElement.classList.contains("ap-js")};
}"""


def card_fragments(html: str) -> tuple[str, ...]:
    """Every node's fragment in a card, in every language: to show each one in turn."""
    data = json.loads(re.search(r'id="ap-data">(.*?)</script>', html, re.S)[1])
    nodes = re.findall(r'<section id="([^"]+)" class="ap-node', html)
    assert data["start"] in nodes
    return tuple(nodes)
