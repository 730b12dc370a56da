"""A file read entry by entry of its `nodes:` (merge.read_in_parts, with what the cache kept from
the text before an edit) reads to what the whole file reads to: the same model, every position
and every problem, word for word; or it is not read in parts at all, and the whole file is read.

Generated plans are edited as authors edit them: lines added and removed above and between the
entries, comments, block texts, anchors and aliases, entries that are wrong, duplicated or cut
where they must not be, and text that is no YAML at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from counting import entries_read
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from actionplan import cache
from actionplan.cache import Store
from actionplan.errors import PlanError, Problems
from actionplan.plan import loader, merge, model
from actionplan.plan.loader import Role, SourceFile
from actionplan.plan.validate import read_file

NAME = "content/plan.yaml"
PATH = Path(NAME)
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

PLAN = """plan:
  title: Plan
  language: da
  version: "1"
  owner: SSP
  reviewed: 2026-11-01
  start: n0
"""
CONTACTS = """contacts:
  ssp:
    name: SSP
    phone: "12 34 56 78"
"""

# Lines an author might put anywhere: each is harmless, odd or wrong somewhere.
LINES = [
    "",
    "# a comment",
    "  # a comment",
    "    # a comment",
    " x: y",
    "  stray: value",
    "  title: A title at the ids' indentation",
    "    title: Another title",
    "    body: |",
    "      A block text",
    "    extra: 1",
    "---",
    "...",
    "%YAML 1.2",
    "\tkind: step",
    "  n0:",
    "  n1:",
    "  ap-x:",
    "  'quoted':",
    "nodes:",
    "plan:",
    "  - item",
    "    next: n1 #tag",
    '    title: "open',
    '  closed"',
    "    &a title: x",
    "    title: *a",
    "    body: &b Text kept",
    "    body: *b",
    "      - label: Ja",
    "        next: n0",
    "[",
    "]",
    "\ufeff",
    "    title: a line\u2028break",
    "    body: next\x85line",
]

WORDS = st.sampled_from(["Ja", "Nej", "Trin", "vent", "ring", "# no", "#1", "a: b", "ændr", ""])


@st.composite
def entry(draw: st.DrawFn, node_id: str, ids: list[str], indent: int) -> str:
    """One entry of `nodes:`, mostly good, each part drawn from what authors write."""
    pad, inner = " " * indent, " " * (indent + 2)
    rare = draw(st.integers(0, 24)) == 0  # one entry in some 25 is wrong in one way
    title = draw(
        st.sampled_from(
            [
                f"Trin {node_id}",
                f"Trin {node_id}",
                f"Trin {node_id}",
                f'"Trin {node_id}"',
                f"'Trin {node_id}'",
                f"Trin {node_id} #{node_id}",  # a comment meant as part of the title: a warning
                f"Trin {node_id}  # a comment",
                f"Trin\n{inner}  {node_id} over two lines",
                f'"Trin\n{inner}  {node_id}, quoted over two"',
                f"&t{node_id} Trin {node_id}",
            ]
            + (["", f"*t{node_id}"] if rare else [])  # empty, or an alias with no anchor
        )
    )
    lines = [f"{pad}{node_id}:"]
    kind = draw(st.sampled_from(["question", "step", "outcome", *(["mystery", None] * rare)]))
    if kind is not None:
        lines.append(f"{inner}kind: {kind}")
    if not rare or draw(st.booleans()):
        lines.append(f"{inner}title: {title}".rstrip())
    body = draw(
        st.sampled_from(
            [
                None,
                "Tal roligt med den unge.",
                "|\n" + f"{inner}  Første linje\n\n{inner}  Anden linje",
                ">-\n" + f"{inner}  Foldet\n{inner}  tekst",
                "|\n" + f"{inner}  # not a comment\n{inner}  text",
                "{placeholder: Skriv her}",
                *([f"*t{node_id}"] if title.startswith("&") else []),
                *([""] if rare else []),  # empty: a warning
            ]
        )
    )
    if body is not None:
        lines.append(f"{inner}body: {body}".rstrip())
    targets = draw(st.lists(st.sampled_from([*ids, "nowhere"]), min_size=1 - rare, max_size=3))
    if kind == "question" or (kind is None and targets):
        style = draw(st.sampled_from(["block", "flow", *(["empty"] * rare)]))
        if style == "flow":
            options = ", ".join(f"{{label: Svar {i}, next: {t}}}" for i, t in enumerate(targets))
            lines.append(f"{inner}options: [{options}]")
        elif style == "block":
            lines.append(f"{inner}options:")
            for i, target in enumerate(targets):
                lines.append(f"{inner}  - label: {draw(WORDS) or 'Svar'} {i}")
                lines.append(f"{inner}    next: {target}")
        else:
            lines.append(f"{inner}options:")
    elif kind == "step":
        lines.append(f"{inner}next: {targets[0] if targets else ids[0]}")
        if draw(st.booleans()):
            lines.append(f"{inner}checklist:\n{inner}  - Gør det\n{inner}  - {draw(WORDS)}")
    elif kind == "outcome" and draw(st.booleans()):
        lines.append(f"{inner}follow_up: [Opfølgning, {json.dumps(draw(WORDS))}]")
    if rare and draw(st.booleans()):
        lines.append(f"{inner}{draw(st.sampled_from(['titel', 'nexxt', 'who', 'urgent']))}: x")
    for _ in range(draw(st.integers(0, 2))):  # comments and blank lines among its lines
        at = draw(st.integers(1, len(lines)))
        lines.insert(at, draw(st.sampled_from(["", f"{inner}# note", "# note", f"{pad}# note"])))
    return "\n".join(lines) + "\n"


@st.composite
def plan_text(draw: st.DrawFn) -> str:
    """A plan of one file: its metadata, maybe contacts, and a few nodes."""
    indent = draw(st.sampled_from([2, 2, 2, 4, 1]))
    count = draw(st.integers(1, 7))
    ids = [f"n{i}" for i in range(count)]
    if draw(st.integers(0, 6)) == 0:
        ids[-1] = draw(st.sampled_from(["n0", "ap-x", "Ab_C", "title", "x.y"]))  # odd ids
    entries = [draw(entry(node_id, ids, indent)) for node_id in ids]
    head = draw(st.sampled_from(["nodes:\n", "nodes:  # the steps\n", "nodes:\n# first\n\n"]))
    nodes = head + "".join(entries)
    layout = draw(st.sampled_from(["plan-first", "nodes-first", "contacts-after", "between"]))
    if layout == "plan-first":
        return PLAN + nodes
    if layout == "nodes-first":
        return nodes + PLAN
    if layout == "contacts-after":
        return PLAN + nodes + CONTACTS
    return PLAN + "\n# nodes below\n" + nodes + "\n" + CONTACTS


@st.composite
def edited(draw: st.DrawFn, text: str) -> str:
    """The text after one to three edits: a line added or removed, a word changed, an entry
    removed or moved."""
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split("\n")
        what = draw(st.sampled_from(["add", "add", "odd", "remove", "word", "swap", "drop"]))
        at = draw(st.integers(0, len(lines) - 1))
        if what == "add":
            lines.insert(at, draw(st.sampled_from(LINES[:4])))  # blank, or a comment
        elif what == "odd":
            lines.insert(at, draw(st.sampled_from(LINES)))
        elif what == "remove" and len(lines) > 1:
            del lines[at]
        elif what == "word":
            lines[at] = lines[at].replace("Trin", draw(WORDS), 1)
        else:
            parts = loader.split_nodes(text)
            if parts is None or len(parts.chunks) < 2:
                continue
            i, j = draw(st.integers(0, len(parts.chunks) - 1)), draw(st.integers(0, 1))
            first = parts.chunks[i][0]
            size = parts.chunks[i][2].count("\n")
            chunk = lines[first : first + size]
            del lines[first : first + size]
            if what == "swap":
                target = parts.chunks[0][0] if j == 0 else len(lines)
                lines[target:target] = chunk
        text = "\n".join(lines)
    return text


def whole(text: str) -> tuple[Any, list[tuple[Any, ...]]]:
    """The file read whole, as the loader and merge read a file the cache does not hold."""
    try:
        root = loader.parse(text, NAME)
    except PlanError as exc:
        return None, problems_of(exc.problems)
    found = Problems()
    value = read_file(
        SourceFile(PATH, NAME, Role.BASE, root, "&" in text, text),
        model.ContentFile,
        "the file",
        found,
    )
    return value, problems_of(found)


def problems_of(problems: list[Any]) -> list[tuple[Any, ...]]:
    return sorted((tuple(p.pos), p.message, p.hint, p.severity.value) for p in problems)


def positions(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every position a value of the model holds, by where it is in the value."""
    if isinstance(value, model.Located):
        yield path, tuple(value.pos)
        yield f"{path}@", sorted((k, tuple(p)) for k, p in value.at.items())
        for f in dataclasses.fields(value):
            if f.name not in ("pos", "at"):
                yield from positions(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from positions(item, f"{path}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from positions(item, f"{path}[{key!r}]")


@contextlib.contextmanager
def fresh_cache() -> Iterator[None]:
    """A cache of its own, in the process and on disk (hypothesis runs many examples in one
    test, so tmp_path cannot give one to each)."""
    old = os.environ.get(cache.ENV_VAR), os.environ.get(cache.OFF_VAR)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[cache.ENV_VAR] = folder
        os.environ.pop(cache.OFF_VAR, None)
        Store.forget()
        try:
            yield
        finally:
            Store.forget()
            for var, was in zip((cache.ENV_VAR, cache.OFF_VAR), old, strict=True):
                if was is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = was


def assert_same(text: str, new_process: bool) -> bool:
    """Read in parts (None: not in parts) and whole are the same; whether it was read in parts."""
    if new_process:
        Store.forget()  # what was kept is read from disk, as a new process reads it
    parts = merge.read_in_parts(text, NAME, Role.BASE, PATH)
    value, problems = whole(text)
    if parts is None:
        return False
    assert parts[:2] == ("ContentFile", "the file")
    assert problems_of(parts[3]) == problems
    assert parts[2] == value, "the model differs"
    assert list(positions(parts[2])) == list(positions(value)), "a position differs"
    assert list(parts[2].nodes) == list(value.nodes), "the order of the nodes differs"
    return True


@SETTINGS
@given(st.data(), st.booleans())
def test_a_file_read_in_parts_reads_as_the_whole_file(data: st.DataObject, new: bool) -> None:
    text = data.draw(plan_text(), "plan")
    with fresh_cache(), cache.remembering(None if new else cache.Memory()):
        event("read in parts" if assert_same(text, new) else "read whole")
        for i in range(2):  # edits, each read with what the text before it left in the cache
            text = data.draw(edited(text), f"edit {i}")
            event("edit read in parts" if assert_same(text, new) else "edit read whole")


@pytest.mark.parametrize("new_process", [True, False], ids=["new process", "serve"])
def test_a_plain_plan_is_read_in_parts_after_every_edit(new_process: bool) -> None:
    """The property above would hold if nothing were ever read in parts: a plain plan is, and
    stays so as lines are added above its entries, a node goes and one comes."""
    nodes = "".join(
        f"  n{i}:\n    kind: step\n    title: Trin {i}\n    next: n{(i + 1) % 300}\n"
        for i in range(300)
    )
    text = PLAN + "nodes:\n" + nodes + CONTACTS
    edits = [
        lambda t: t,
        lambda t: t.replace("Trin 7\n", "Trin syv\n"),
        lambda t: t.replace("nodes:\n", "nodes:\n# ny\n\n"),
        lambda t: t.replace("  n5:\n", "  # n5 comes next\n  n5:\n"),
        lambda t: t.replace("    title: Trin 9\n", "    title: |\n      Trin\n      ni\n"),
        lambda t: t.replace("  n3:\n    kind: step\n    title: Trin 3\n    next: n4\n", ""),
        lambda t: t.replace("  n2:\n", "  n3:\n    kind: outcome\n    title: Tre\n  n2:\n"),
        lambda t: t.replace("plan:\n", "# top\nplan:\n"),
    ]
    with fresh_cache(), cache.remembering(None if new_process else cache.Memory()):
        for change in edits:
            text = change(text)
            assert assert_same(text, new_process)


def test_an_entry_moved_by_lines_above_it_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    text = (
        PLAN + "nodes:\n" + "".join(f"  n{i}:\n    kind: outcome\n    title: T\n" for i in range(9))
    )
    read = entries_read(monkeypatch)
    first = merge.read_in_parts(text, NAME, Role.BASE, PATH)
    assert first is not None and len(read) == 9
    read.clear()
    Store.forget()
    text = text.replace("nodes:\n", "nodes:\n# two lines\n\n")
    text = text.replace("  n4:\n    kind: outcome\n    title: T\n", "  n4:\n    kind: step\n")
    text = text.replace(
        "  n4:\n    kind: step\n", "  n4:\n    kind: step\n    title: T\n    next: n0\n"
    )
    again = merge.read_in_parts(text, NAME, Role.BASE, PATH)
    assert read == ["n4"]  # the others moved, and were not read again
    assert again is not None
    assert again[2].nodes["n3"].pos.line == first[2].nodes["n3"].pos.line + 2
    assert again[2].nodes["n5"].pos.line == first[2].nodes["n5"].pos.line + 3


@SETTINGS
@given(st.data())
def test_a_text_cut_again_where_it_changed_is_cut_as_a_whole_text_is(data: st.DataObject) -> None:
    """serve cuts a saved text again only where it changed (loader.split_again): into the very
    parts that cutting the whole text gives, or not at all."""
    text = data.draw(plan_text(), "plan")
    for i in range(3):
        new = data.draw(edited(text), f"edit {i}")
        old = loader.split_nodes(text)
        if old is not None and data.draw(st.booleans(), "kept by another process"):
            unpacked = loader.unpack_parts(loader.pack_parts(text, old))
            assert unpacked == (text, old)
            old = unpacked[1]
        again = loader.split_again(new, text, old) if old is not None else None
        whole = loader.split_nodes(new)
        event("cut again" if again is not None else "cut whole")
        if again is not None:
            assert whole is not None
            assert dataclasses.replace(again, was=()) == whole
            assert len(again.was) == len(again.chunks)
            for chunk, was in zip(again.chunks, again.was, strict=True):
                assert was is None or chunk[1:] == old.chunks[was][1:]
            # In the shape merge takes in slices: the old chunks before, at their lines, the
            # new ones, then the old ones after, all moved as far.
            runs = merge._runs(again.was)
            assert runs is not None
            first, count, at = runs
            rest = len(again.was) - first - count
            assert again.was == (*range(first), *[None] * count, *range(at, at + rest))
            assert again.chunks[:first] == old.chunks[:first]
            after = again.chunks[first + count :]
            assert len({c[0] - o[0] for c, o in zip(after, old.chunks[at:], strict=False)}) <= 1
        text = new


def test_a_new_process_cuts_an_edited_text_again_only_where_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text and parts a build cut are kept for the next in another process: an edit is cut
    again where it changed, and no part but the edited one is digested again."""
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    text = (
        PLAN + "nodes:\n" + "".join(f"  n{i}:\n    kind: outcome\n    title: T\n" for i in range(9))
    )
    assert merge.read_in_parts(text, NAME, Role.BASE, PATH) is not None
    Store.forget()
    cut_whole: list[str] = []
    digested: list[str] = []
    real_split, real_digest = loader.split_nodes, merge._digest
    monkeypatch.setattr(loader, "split_nodes", lambda t: cut_whole.append(t) or real_split(t))
    monkeypatch.setattr(merge, "_digest", lambda c: digested.append(c) or real_digest(c))
    monkeypatch.setattr(merge, "_digests", lambda chunks: pytest.fail("every part digested"))
    text = text.replace("  n2:\n", "  # n2 comes next\n  n2:\n")
    text = text.replace(
        "  n4:\n    kind: outcome\n    title: T\n", "  n4:\n    kind: outcome\n    title: Ny\n"
    )
    again = merge.read_in_parts(text, NAME, Role.BASE, PATH)
    assert again is not None and not cut_whole
    # n1 (which the comment after it is part of) to n4; n0 is as it was, n5 to n8 only moved.
    assert [c.split(":")[0].strip() for c in digested] == ["n1", "n2", "n3", "n4"]
    value, _problems = whole(text)
    assert again[2] == value and list(positions(again[2])) == list(positions(value))


@pytest.mark.parametrize(
    "damage",
    [
        lambda kept: ("not", "parts"),
        lambda kept: (*kept[:7], [e + 1 for e in kept[7]], *kept[8:]),  # ends past the text
        lambda kept: (*kept[:9], kept[9][:-1]),  # a digest cut short
        lambda kept: (*kept[:5], kept[5][:-1], *kept[6:]),  # a line missing
        lambda kept: (*kept[:8], "many", kept[9]),  # a count of brackets that is none
    ],
)
def test_damaged_kept_parts_are_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    text = (
        PLAN + "nodes:\n" + "".join(f"  n{i}:\n    kind: outcome\n    title: T\n" for i in range(5))
    )
    Store.forget()
    assert merge.read_in_parts(text, NAME, Role.BASE, PATH) is not None
    ((key, kept),) = [
        (k, v) for (_folder, k), v in Store._memory.items() if type(v) is tuple and len(v) == 10
    ]
    Store(loader.READS).put(key, damage(kept))
    Store.forget()
    text = text.replace("title: T\n", "title: Ny\n", 1)
    assert assert_same(text, new_process=True)
