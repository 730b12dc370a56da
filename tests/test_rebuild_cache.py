"""The rebuild cache: a rebuild reads and renders again only what changed, and its card is always
the card a clean build makes, byte for byte, whatever input changed."""

from __future__ import annotations

import contextlib
import copyreg
import datetime as dt
import importlib
import os
import pickle
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from counting import entries_read, files_parsed, node_renders

from actionplan import cache
from actionplan.cache import Store
from actionplan.card import render
from actionplan.cli import Options, cli
from actionplan.commands.build import BuildResult, build_card, build_site
from actionplan.commands.check import check_project
from actionplan.errors import PlanError, Pos
from actionplan.plan import checks, loader
from actionplan.plan.graph import Graph
from actionplan.project import BASE_ENV, Project, default_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2026, 12, 1)


def as_a_new_process() -> None:
    """Forget what the process keeps in memory, as a new process starts with nothing there."""
    Store.forget()
    if (memory := cache.memory()) is not None:
        memory.clear()


def build(root: Path, out: Path, new_process: bool = True) -> tuple[bytes, list[str]]:
    """The card and the warnings of a build, as a new process would make them (or, with
    new_process False, as `serve` makes them: after the builds before it in the same process,
    remembering them with the fixture `as_serve`)."""
    if new_process:
        as_a_new_process()
    result: BuildResult = build_card(Project.find(root), out)
    return result.path.read_bytes(), [p.format() for p in result.warnings]


@contextlib.contextmanager
def nothing_kept(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In the block, no cache at all (what the process keeps in memory left as it was)."""
    with monkeypatch.context() as m:
        m.setenv("ACTIONPLAN_CACHE_DIR", "")
        m.setenv(cache.OFF_VAR, "1")
        yield


def clean(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, list[str]]:
    """A build with no cache at all."""
    with nothing_kept(monkeypatch):
        return build(root, out, new_process=False)


def checked(
    root: Path, new_process: bool = True, language: str = "en", today: dt.date = TODAY
) -> tuple[int, str]:
    """What `actionplan check` prints (errors, warnings and notes) and its exit code, as a new
    process would (or, with new_process False, as `serve` checks: after the checks before it)."""
    if new_process:
        as_a_new_process()
    result = CliRunner().invoke(
        cli,
        ["check", str(root)],
        env={"NO_COLOR": "1", "LANGUAGE": language},
        obj=Options(today=today),
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def clean_check(
    root: Path, monkeypatch: pytest.MonkeyPatch, language: str = "en", today: dt.date = TODAY
) -> tuple[int, str]:
    """What `actionplan check` prints with nothing kept from any check before it."""
    with nothing_kept(monkeypatch):
        return checked(root, False, language, today)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def entries(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="{}" height="4"/></svg>'
)


@pytest.mark.parametrize("new_process", [True, False], ids=["new process", "serve"])
def test_after_every_kind_of_change_the_cached_card_is_the_clean_card(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_process: bool,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    if not new_process:
        request.getfixturevalue("as_serve")  # as serve does
    content, templates = project / "content", project / "templates"
    changes: list[tuple[str, Callable[[], None]]] = [
        ("nothing", lambda: None),
        ("a node file", lambda: edit(content / "nodes" / "start.yaml", "Bevar roen", "Bevar ro")),
        (
            "local.yaml",
            lambda: edit(
                content / "local.yaml",
                'phone: {placeholder: "SSP-konsulentens telefonnummer"}',
                'phone: "12 34 56 78"',
            ),
        ),
        (
            "a translation",
            lambda: edit(
                content / "translations" / "en.yaml",
                "Is anyone in immediate danger right now?",
                "Is anyone in danger right now?",
            ),
        ),
        # A step put in early: every later node's number changes, and its file does not.
        (
            "the order of the steps",
            lambda: (
                edit(
                    content / "nodes" / "start.yaml",
                    "        next: modtag\n",
                    "        next: mellem\n",
                ),
                edit(
                    content / "nodes" / "start.yaml",
                    "nodes:\n",
                    "nodes:\n  mellem:\n    kind: step\n    title: Mellem\n    next: modtag\n",
                ),
            ),
        ),
        (
            "a node's template",
            lambda: edit(templates / "node.html", "<section ", "<section data-x "),
        ),
        ("a page's template", lambda: edit(templates / "language.html", "<ol>", "<ol data-y>")),
        ("the words", lambda: edit(templates / "i18n" / "en.yaml", "Skip to content", "Skip")),
        (
            "custom.css",
            lambda: (templates / "custom.css").write_text(".ap-node{color:#111}", encoding="utf-8"),
        ),
        (
            "the logo",
            lambda: (
                (content / "logo.svg").write_text(SVG.format(1), encoding="utf-8"),
                edit(content / "local.yaml", "local:\n", "local:\n  logo: logo.svg\n"),
            ),
        ),
        ("the logo's bytes", lambda: (content / "logo.svg").write_text(SVG.format(2))),
        ("the plan's metadata", lambda: edit(content / "plan.yaml", "title:", "title: Ny")),
    ]
    before = clean(project, tmp_path / "clean-0", monkeypatch)
    assert build(project, tmp_path / "cached-0", new_process) == before
    for i, (what, change) in enumerate(changes, 1):
        change()
        # The check first, which finds the change: what it prints is a clean check's.
        assert checked(project, new_process) == clean_check(project, monkeypatch), what
        expected = clean(project, tmp_path / f"clean-{i}", monkeypatch)
        assert what == "nothing" or expected != before, f"changing {what} changes nothing"
        cached = build(project, tmp_path / f"cached-{i}", new_process)
        assert cached == expected, f"after changing {what}"
        before = expected


def test_a_new_version_of_the_tool_finds_nothing_the_old_one_kept(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(folder))
    expected = clean(small_card, tmp_path / "clean", monkeypatch)
    assert build(small_card, tmp_path / "a") == expected
    kept = entries(folder / loader.READS)
    assert kept
    monkeypatch.setattr(cache, "__version__", "999.0")
    cache.code_digest.cache_clear()
    try:
        assert build(small_card, tmp_path / "b") == expected
        assert len(entries(folder / loader.READS) - kept) == len(kept)  # all read anew
    finally:
        cache.code_digest.cache_clear()


def test_a_change_to_the_base_plan_under_a_layer_is_in_the_cached_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "base" / "content"
    shutil.copytree(FIXTURES / "base" / "v1" / "content", base)
    monkeypatch.setenv(BASE_ENV, str(base))
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    shutil.copy(base / "local.yaml", project / "content" / "local.yaml")
    before = clean(project, tmp_path / "clean-0", monkeypatch)
    assert build(project, tmp_path / "cached-0") == before
    nodes = base / "nodes.yaml"
    text = nodes.read_text(encoding="utf-8")
    title = text.index("title:") + len("title:")
    nodes.write_text(text[:title] + " Ny" + text[title:], encoding="utf-8")
    expected = clean(project, tmp_path / "clean-1", monkeypatch)
    assert expected != before
    assert build(project, tmp_path / "cached-1") == expected


def test_a_file_unchanged_since_the_last_build_is_not_parsed_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    expected = build(project, tmp_path / "a")
    parsed = files_parsed(monkeypatch)
    assert build(project, tmp_path / "b") == expected
    # The local layer, read over what comes before it, is always read anew (the card's words,
    # templates/i18n/, are not content: read at every build).
    content = [Path(name).name for name in parsed if "i18n" not in Path(name).parts]
    assert content == ["local.yaml"]


def test_a_damaged_or_unreadable_entry_is_passed_over(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(folder))
    expected = build(small_card, tmp_path / "a")
    kept = sorted(p for p in folder.rglob("*") if p.is_file() and "templates" not in p.parts)
    assert kept
    for i, entry in enumerate(kept):
        if i % 3 == 0:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # cut short
        elif i % 3 == 1:
            entry.write_bytes(b"\x80\x05garbage")
        else:
            entry.chmod(0)  # cannot be read (unless by root, which then reads it whole)
    assert build(small_card, tmp_path / "b") == expected
    for entry in kept:
        entry.chmod(0o600)


def test_a_kept_value_of_another_kind_is_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    store = Store("test")
    store.put("k" * 64, ["a list"])
    Store.forget()
    assert store.get("k" * 64, tuple) is None
    assert store.get("k" * 64, list) == ["a list"]


def test_the_kept_content_can_be_switched_off(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(cache.OFF_VAR, "1")
    expected = clean(project, tmp_path / "clean", monkeypatch)
    assert build(project, tmp_path / "a") == expected
    assert build(project, tmp_path / "b") == expected
    kept = {p.name for p in (tmp_path / "cache").iterdir()}
    assert all(name.startswith("templates-") for name in kept), kept  # compiled templates alone


def test_a_rebuild_renders_again_only_the_nodes_that_changed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    build(project, tmp_path / "a")
    rendered = node_renders(monkeypatch)
    # A line added at the top moves every node of the file; one node's text changes.
    edit(project / "content" / "nodes" / "start.yaml", "nodes:\n", "nodes:\n\n")
    edit(project / "content" / "nodes" / "start.yaml", "Bevar roen", "Bevar ro")
    card = build(project, tmp_path / "b")
    # Once in each language: the English section is kept by the texts of the node and of its
    # translation, and the node's changed (though English has its own text for that line).
    assert sorted(rendered) == ["modtag", "modtag"], rendered
    assert card == clean(project, tmp_path / "clean", monkeypatch)


def site(root: Path, out: Path) -> dict[str, bytes]:
    """Every file a build of a project of several plans writes, as a new process makes them."""
    Store.forget()
    build_site(Project.find(root), out)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_a_change_to_another_plan_of_the_project_is_in_the_links_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shelf = Path(shutil.copytree(FIXTURES / "plans" / "shelf", tmp_path / "shelf"))
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    before = site(shelf, tmp_path / "cached-0")
    # Without its English, the second plan's links from the first card lead to its Danish.
    (shelf / "plans" / "second" / "translations" / "en.yaml").unlink()
    after = site(shelf, tmp_path / "cached-1")
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")
    expected = site(shelf, tmp_path / "clean")
    assert after == expected
    assert after["index.html"] != before["index.html"]


def test_a_store_keeps_its_newest_entries_and_no_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    store = Store("test")
    keys = [f"ab{i:062x}" for i in range(Store.ENTRIES_PER_FOLDER + 5)]
    for i, key in enumerate(keys):
        store.put(key, (i,))
        entry = tmp_path / "cache" / "test" / "ab" / key
        os.utime(entry, ns=(i * 10**9, i * 10**9))  # one a second, whatever the file system
    Store.forget()
    kept = [key for key in keys if store.get(key, tuple) is not None]
    assert kept == keys[-Store.ENTRIES_PER_FOLDER :]


def test_the_code_digest_covers_the_package_and_nothing_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "actionplan"
    package.mkdir(parents=True)
    (package / "cache.py").write_text("# the cache\n", encoding="utf-8")
    (package / "card").mkdir()
    (package / "card" / "render.py").write_text("# render\n", encoding="utf-8")
    beside = tmp_path / "site" / "other.py"  # another package installed beside it
    monkeypatch.setattr(cache, "__file__", str(package / "cache.py"))

    def code() -> str:
        cache.code_digest.cache_clear()
        return cache.code_digest()

    try:
        first = code()
        beside.write_text("x = 1\n", encoding="utf-8")
        assert code() == first
        (package / "card" / "render.py").write_text("# render, changed\n", encoding="utf-8")
        assert code() != first
    finally:
        cache.code_digest.cache_clear()


def test_the_code_digest_changes_with_the_markdown_libraries_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new cmark or markdown-it-py may write a text otherwise: nothing kept before is found."""
    site = tmp_path / "site"
    for name in ("cmarkgfm", "markdown_it"):
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text("# a library\n", encoding="utf-8")
    (site / "cmarkgfm-2025.10.22.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(site))
    for name in ("cmarkgfm", "markdown_it"):  # found on the path, not as imported by other tests
        monkeypatch.delitem(sys.modules, name, raising=False)
    importlib.invalidate_caches()

    def code() -> str:
        cache.code_digest.cache_clear()
        return cache.code_digest()

    try:
        first = code()
        (site / "cmarkgfm-2025.10.22.dist-info").rename(site / "cmarkgfm-2026.1.1.dist-info")
        second = code()
        assert second != first
        (site / "markdown_it" / "__init__.py").write_text('__version__ = "9"\n', encoding="utf-8")
        assert code() != second
    finally:
        cache.code_digest.cache_clear()


def kept_problems(root: Path) -> list[str]:
    """What checking the project finds, in a process that checked it before (as `serve` does):
    what did not change is taken from the cache's memory and the checks' own."""
    return [p.format() for p in check_project(Project.find(root), today=TODAY).problems]


def clean_problems(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    with monkeypatch.context() as m:
        m.setenv(cache.OFF_VAR, "1")
        return kept_problems(root)


@pytest.mark.usefixtures("as_serve")  # as serve does
def test_a_check_after_an_edit_finds_what_a_clean_check_finds(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    nodes = project / "content" / "nodes"
    body = "    body: Fx trusler mod liv, selvskade eller et aftalt møde med en voksen."
    extra = "  ekstra:\n    kind: outcome\n    title: Ekstra\n"

    def add_extra() -> None:
        text = (nodes / "politi.yaml").read_text(encoding="utf-8")
        (nodes / "politi.yaml").write_text(text + extra, encoding="utf-8")

    # (what changes, whether start.yaml's link then names no node)
    changes: list[tuple[str, Callable[[], object], bool]] = [
        ("nothing", lambda: None, False),
        # start.yaml links to a node that no file has.
        ("a link", lambda: edit(nodes / "start.yaml", body, body + " Se [mere](#ekstra)."), True),
        # Only politi.yaml changes, and gets the node: start.yaml's link no longer dangles.
        ("the node it names", add_extra, False),
        ("nothing again", lambda: None, False),
        # ... and loses it again: the link in start.yaml, unchanged, dangles once more.
        ("the node removed", lambda: edit(nodes / "politi.yaml", extra, ""), True),
        ("an option's label", lambda: edit(nodes / "start.yaml", "label: Nej", "label: Ja"), True),
        (
            "a placeholder",
            lambda: edit(
                project / "content" / "local.yaml",
                'phone: {placeholder: "SSP-konsulentens telefonnummer"}',
                'phone: "12 34 56 78"',
            ),
            True,
        ),
        # Only the translation changes: an entry without its fingerprint.
        (
            "a translation",
            lambda: edit(
                project / "content" / "translations" / "en.yaml",
                '    fingerprint: "9d274e28"\n',
                "",
            ),
            True,
        ),
        # The original changes under its translation: en.yaml, unchanged, is stale.
        (
            "the original of a translation",
            lambda: edit(nodes / "start.yaml", "Er nogen i akut fare", "Er nogen i fare"),
            True,
        ),
    ]
    Store.forget()
    before = kept_problems(project)
    for what, change, dangles in changes:
        change()
        expected = clean_problems(project, monkeypatch)
        assert what.startswith("nothing") or expected != before, f"changing {what} changes nothing"
        assert kept_problems(project) == expected, f"after changing {what}"
        found = [p for p in expected if "no node with the id 'ekstra'" in p]
        assert [p.split(":")[0].rsplit("/", 1)[-1] for p in found] == (
            ["start.yaml"] if dangles else []
        ), what
        before = expected


def test_a_build_makes_the_plan_s_graph_once(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[object] = []
    make = Graph.__init__

    def counted(self: Graph, plan: Any) -> None:
        made.append(plan)
        make(self, plan)

    monkeypatch.setattr(Graph, "__init__", counted)
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")
    build(project, tmp_path / "a")
    assert len(made) == 1  # the checks' graph is the card's


# In a plan of more than 150 nodes, in the second group of a hundred: an urgent step's warning,
# and a step that marks one of its warnings as key and names a source.
EXTRAS = {
    120: "    urgent: true\n    do_not:\n      - Vent ikke.\n",
    150: "    do_not:\n      - Slet ikke noget.\n      - Del ikke billedet.\n"
    "    key_do_not: [2]\n    sources:\n      - title: Kilde\n        url: https://example.org/a\n",
}


def one_file_plan(folder: Path, n: int = 40) -> Path:
    """A project whose plan is one file, content/plan.yaml: a chain of n steps, a placeholder
    and a comment the reader warns about, and a link from one node to another (and EXTRAS)."""
    nodes = []
    for i in range(n):
        body = f"Gør trin {i}."
        if i == 3:
            body = "{placeholder: Skriv hvem der ringer}"
        elif i == 4:
            body = "Se [trin tyve](#n20)."
        nodes.append(
            f"  n{i}:\n    kind: step\n    title: Trin {i}\n    body: {body}\n"
            + (f"    who: SSP #{i}\n" if i == 6 else "")
            + EXTRAS.get(i, "")
            + f"    next: n{i + 1}\n"
        )
    nodes.append(f"  n{n}:\n    kind: outcome\n    title: Slut\n")
    content = folder / "content"
    content.mkdir(parents=True)
    (content / "plan.yaml").write_text(
        'plan:\n  title: Én fil\n  language: da\n  version: "1"\n  owner: SSP\n'
        "  reviewed: 2026-11-01\n  start: n0\nnodes:\n" + "".join(nodes),
        encoding="utf-8",
    )
    return folder


def build_or_errors(root: Path, out: Path, new_process: bool = True) -> tuple[bytes, list[str]]:
    """As build, or, where the plan has errors, no card and the errors."""
    try:
        return build(root, out, new_process)
    except PlanError as exc:
        return b"", [p.format() for p in exc.problems]


LOOP = "    loop: true\n"


@pytest.mark.parametrize("new_process", [True, False], ids=["new process", "serve"])
@pytest.mark.parametrize("size", [40, 250], ids=["40 nodes", "250 nodes packed"])
def test_after_each_edit_inside_one_file_the_cached_card_is_the_clean_card(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_process: bool,
    request: pytest.FixtureRequest,
    size: int,
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    if not new_process:
        request.getfixturevalue("as_serve")  # as serve does
    # The entries kept in buckets, as for a large file (the other tests keep them in one).
    monkeypatch.setattr(cache.Buckets, "FROM", 8)
    # At 250 nodes, three groups of sections, each node in a <noscript> as on a large card.
    monkeypatch.setattr(render, "PACKED_FROM", 100)
    project = one_file_plan(tmp_path / "project", size)
    plan = project / "content" / "plan.yaml"
    n20 = "  n20:\n    kind: step\n    title: Trin 20\n    body: Gør trin 20.\n    next: n21\n"
    changes: list[tuple[str, Callable[[], None]]] = [
        ("a word", lambda: edit(plan, "title: Trin 5\n", "title: Trin fem\n")),
        # The warnings about the placeholder (n3) and the comment after a value (n6) move down.
        ("a line added above a node", lambda: edit(plan, "  n2:\n", "  # to\n\n  n2:\n")),
        ("a line added above every node", lambda: edit(plan, "nodes:\n", "nodes:\n# trin\n")),
        ("a line removed above every node", lambda: edit(plan, "nodes:\n# trin\n", "nodes:\n")),
        ("a line inside a node", lambda: edit(plan, "  n2:\n", "  n2:\n    who: SSP\n")),
        ("a word put back", lambda: edit(plan, "title: Trin fem\n", "title: Trin 5\n")),
        ("a word as it once was", lambda: edit(plan, "title: Trin 5\n", "title: Trin fem\n")),
        # An error in one node, found in that node alone, and taken away.
        (
            "a contact named that is not there",
            lambda: edit(plan, "title: Trin 12\n", "title: Trin 12\n    contacts: [ingen]\n"),
        ),
        ("a word beside it", lambda: edit(plan, "title: Trin 13\n", "title: Trin tretten\n")),
        (
            "the contact taken away",
            lambda: edit(plan, "title: Trin 12\n    contacts: [ingen]\n", "title: Trin 12\n"),
        ),
        (
            "a node's id changed",
            lambda: (
                edit(plan, "  n25:\n", "  n25b:\n"),
                edit(plan, "next: n25\n", "next: n25b\n"),
            ),
        ),
        (
            "a way on changed",
            lambda: edit(plan, "trin 26.\n    next: n27\n", "trin 26.\n    next: n28\n"),
        ),
        (
            "the way put back",
            lambda: edit(plan, "trin 26.\n    next: n28\n", "trin 26.\n    next: n27\n"),
        ),
        (
            "a node removed",
            lambda: (
                edit(plan, "next: n10\n", "next: n11\n"),
                edit(plan, "  n10:\n    kind: step\n    title: Trin 10\n", "  n10:\n"),
                edit(plan, "  n10:\n    body: Gør trin 10.\n    next: n11\n", ""),
            ),
        ),
        # n4's link, unchanged, then leads nowhere: an error, and no card.
        (
            "a link made dangling",
            lambda: (edit(plan, "next: n20\n", "next: n21\n"), edit(plan, n20, "")),
        ),
        ("the node put back", lambda: edit(plan, "  n21:\n", n20 + "  n21:\n")),
        ("the step before it put back", lambda: edit(plan, "next: n21\n", "next: n20\n")),
        (
            "a node moved to the end",
            lambda: (
                edit(plan, n20, ""),
                plan.write_text(plan.read_text(encoding="utf-8") + n20, encoding="utf-8"),
            ),
        ),
        # The graph's problems: a way back, which cuts off the nodes after it; lines added above
        # it move them; marked as a loop, and gone.
        ("a way back", lambda: edit(plan, "trin 30.\n    next: n31\n", "trin 30.\n    next: n5\n")),
        ("a line above it", lambda: edit(plan, "  n30:\n", "  # tretti\n  n30:\n")),
        ("a word in the loop", lambda: edit(plan, "title: Trin 8\n", "title: Trin otte\n")),
        # n30's own link (n4's is the first "next: n5" in the file).
        (
            "the way back marked",
            lambda: edit(plan, "trin 30.\n    next: n5\n", "trin 30.\n    next: n5\n" + LOOP),
        ),
        (
            "the way back gone",
            lambda: edit(plan, f"trin 30.\n    next: n5\n{LOOP}", "trin 30.\n    next: n31\n"),
        ),
        ("nothing", lambda: None),
    ]
    if size > 150:  # what the card lists from every node: the sources, the key warnings
        changes[1:1] = [
            ("a source's address", lambda: edit(plan, "example.org/a", "example.org/b")),
            ("no key warning marked", lambda: edit(plan, "    key_do_not: [2]\n", "")),
            (
                "one marked again",
                lambda: edit(
                    plan,
                    "  - Del ikke billedet.\n",
                    "  - Del ikke billedet.\n    key_do_not: [1]\n",
                ),
            ),
            ("a source's title", lambda: edit(plan, "title: Kilde\n", "title: Kilden\n")),
            # The same nodes, each the way from the start still reaches: n148, n150, n149, n151.
            (
                "two steps swapped",
                lambda: (
                    edit(plan, "next: n151\n", "next: n149-\n"),
                    edit(plan, "next: n150\n", "next: n151\n"),
                    edit(plan, "next: n149\n", "next: n150\n"),
                    edit(plan, "next: n149-\n", "next: n149\n"),
                ),
            ),
        ]
    before = clean_or_errors(project, tmp_path / "clean-0", monkeypatch)
    assert (b"<noscript><section" in before[0]) == (size >= render.PACKED_FROM)
    assert build_or_errors(project, tmp_path / "cached-0", new_process) == before
    for i, (what, change) in enumerate(changes, 1):
        change()
        # The check first, which finds the change: what it prints is a clean check's.
        assert checked(project, new_process) == clean_check(project, monkeypatch), what
        expected = clean_or_errors(project, tmp_path / f"clean-{i}", monkeypatch)
        # The card's steps are in the order of the way from the start, not of the file; a plan
        # with errors has no card.
        same = what in ("nothing", "a node moved to the end", "a word in the loop") or (
            what == "a word beside it"  # beside an error: no card, the same error
        )
        assert same or expected != before, f"changing {what} changes nothing"
        cached = build_or_errors(project, tmp_path / f"cached-{i}", new_process)
        assert cached == expected, f"after {what}"
        before = expected
    # The edits end where they began: a plan without errors, whose card the last ones compared.
    assert before[0] and not [line for line in before[1] if ": error: " in line], before[1]


def clean_or_errors(
    root: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, list[str]]:
    with nothing_kept(monkeypatch):
        return build_or_errors(root, out, new_process=False)


def test_a_one_word_edit_in_a_plan_of_one_file_reads_that_node_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache.Buckets, "FROM", 8)
    project = one_file_plan(tmp_path / "project", n=250)  # three groups of sections
    build(project, tmp_path / "a")
    sections = tmp_path / "cache" / render.NODES
    kept = {p: p.read_bytes() for p in entries(sections)}
    read = entries_read(monkeypatch)
    real_parse = loader.parse

    def parse(text: str, name: str) -> Any:
        assert "  n4:" not in text, "the whole file was parsed"
        return real_parse(text, name)

    monkeypatch.setattr(loader, "parse", parse)
    rendered = node_renders(monkeypatch)
    edit(project / "content" / "plan.yaml", "title: Trin 5\n", "title: Trin fem\n")
    card = build(project, tmp_path / "b")
    assert read == ["n5"]
    assert rendered == ["n5"]
    # n5's group is kept anew, whole and as its sections, and the list of the page's groups
    # written again; the other two groups are left as they were.
    now = {p: p.read_bytes() for p in entries(sections)}
    assert kept.keys() <= now.keys()
    assert len(now) == len(kept) + 2
    assert sum(now[p] != kept.get(p) for p in now) == 3
    monkeypatch.undo()
    assert card == clean(project, tmp_path / "clean", monkeypatch)


def test_two_projects_with_files_of_the_same_name_keep_their_entries_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each project's `content/plan.yaml` is kept apart: building one does not drop what the
    other kept, so a municipality's several projects do not read each other's files anew."""
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    first = one_file_plan(tmp_path / "first", n=20)
    second = one_file_plan(tmp_path / "second", n=20)
    edit(second / "content" / "plan.yaml", "title: Trin 7\n", "title: Trin syv\n")
    # Each built from its own folder, as a municipality does: both files are named alike in
    # messages, "content/plan.yaml".
    monkeypatch.chdir(first)
    build(first, tmp_path / "a")
    monkeypatch.chdir(second)
    build(second, tmp_path / "b")
    read = entries_read(monkeypatch)
    edit(first / "content" / "plan.yaml", "title: Trin 5\n", "title: Trin fem\n")
    monkeypatch.chdir(first)
    card = build(first, tmp_path / "c")
    assert read == ["n5"]
    assert card == clean(first, tmp_path / "clean", monkeypatch)


@pytest.mark.parametrize("new_process", [True, False], ids=["new process", "serve"])
def test_a_theme_s_own_page_that_puts_each_node_in_place_gets_the_kept_sections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, new_process: bool
) -> None:
    """A project's own language.html from before `nodes_html`, that puts each node's section in
    place by id (`node_html`), gets the sections kept, and the clean card."""
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "PACKED_FROM", 100)
    project = one_file_plan(tmp_path / "project", n=150)
    page = (default_dir("templates") / "language.html").read_text(encoding="utf-8")
    assert "{% if nodes_html %}" in page
    page = page.replace("{% if nodes_html %}", "{% if false %}").replace(
        '{% include "node.html" %}',
        '{% if node_html %}{{ node_html[node_id] }}{% else %}{% include "node.html" %}{% endif %}',
    )
    (project / "templates").mkdir()
    (project / "templates" / "language.html").write_text(page, encoding="utf-8")
    build(project, tmp_path / "a", new_process)
    rendered = node_renders(monkeypatch)
    edit(project / "content" / "plan.yaml", "title: Trin 5\n", "title: Trin fem\n")
    card = build(project, tmp_path / "b", new_process)
    assert rendered == ["n5"]
    monkeypatch.undo()
    monkeypatch.setattr(render, "PACKED_FROM", 100)
    assert card == clean(project, tmp_path / "clean", monkeypatch)
    assert b"<noscript><section" in card[0]


@pytest.mark.usefixtures("as_serve")  # as serve does
def test_serve_walks_the_graph_again_only_when_a_way_on_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = one_file_plan(tmp_path / "project")
    plan = project / "content" / "plan.yaml"
    walked: list[object] = []
    real = checks._check_graph

    def counted(*args: Any) -> Any:
        walked.append(args[0])
        return real(*args)

    monkeypatch.setattr(checks, "_check_graph", counted)
    build(project, tmp_path / "a", new_process=False)
    for change, walks in [
        (lambda: edit(plan, "title: Trin 5\n", "title: Trin fem\n"), 0),
        (lambda: edit(plan, "Gør trin 9.", "Gør trin ni."), 0),
        (lambda: edit(plan, "next: n12\n", 'next: "n12"\n'), 0),  # the same way on
        (lambda: edit(plan, "  n12:\n", "\n  n12:\n"), 1),  # n12 and after have moved
        (lambda: edit(plan, 'next: "n12"\n', "next: n13\n"), 1),  # n12 cut off: an error
        # As two saves before: what the walk found then is in the cache.
        (lambda: edit(plan, "next: n13\n", "next: n12\n"), 0),
    ]:
        walked.clear()
        change()
        cached = build_or_errors(project, tmp_path / "b", new_process=False)
        assert len(walked) == walks
        assert cached == clean_or_errors(project, tmp_path / "clean", monkeypatch)


def test_a_file_read_in_parts_is_not_digested_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file read in parts is never kept whole: a key for it as a whole would never be found.
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = one_file_plan(tmp_path / "project")
    expected = build(project, tmp_path / "a")
    text = (project / "content" / "plan.yaml").read_text(encoding="utf-8")
    digested: list[tuple[str | bytes, ...]] = []
    real = loader.digest

    def counting(*parts: str | bytes) -> str:
        digested.append(parts)
        return real(*parts)

    monkeypatch.setattr(loader, "digest", counting)
    read = entries_read(monkeypatch)
    assert build(project, tmp_path / "b") == expected
    assert read == []
    assert not any(text in parts for parts in digested)


def test_a_file_that_aliases_across_entries_is_kept_whole_and_found_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An entry that names another's anchor cannot be read alone: the file is read whole, kept
    # whole, and the next build takes it from the cache without trying its parts again.
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = one_file_plan(tmp_path / "project")
    plan = project / "content" / "plan.yaml"
    edit(plan, "title: Trin 1\n", "title: &same Trin 1\n")
    edit(plan, "title: Trin 2\n", "title: *same\n")
    expected = build(project, tmp_path / "a")
    read = entries_read(monkeypatch)
    parsed = files_parsed(monkeypatch)
    assert build(project, tmp_path / "b") == expected
    assert read == []
    assert [Path(name).name for name in parsed if "i18n" not in Path(name).parts] == []
    monkeypatch.undo()
    assert expected == clean(project, tmp_path / "clean", monkeypatch)


def test_a_kept_position_is_made_again_as_a_position_without_a_python_call() -> None:
    pos = Pos("content/plan.yaml", 12, 5)
    again = pickle.loads(pickle.dumps({"at": pos}, protocol=pickle.HIGHEST_PROTOCOL))["at"]
    assert type(again) is Pos
    assert again == pos
    assert str(again) == "content/plan.yaml:12:5"
    # Made by tuple.__new__ (in C), not by the named tuple's __new__, a Python function.
    assert copyreg.dispatch_table[Pos](pos) == (tuple.__new__, (Pos, tuple(pos)))
