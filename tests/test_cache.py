"""The compiled-template cache: a shortcut that never changes a card and never fails a build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from actionplan import cache
from actionplan.cache import Store
from actionplan.commands.build import build_card
from actionplan.project import Project


def card(project: Path, out: Path) -> bytes:
    return build_card(Project.find(project), out).path.read_bytes()


def cached_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_build_fills_the_cache_and_a_cached_build_is_the_same_card(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    first = card(small_card, tmp_path / "a")
    files = cached_files(tmp_path / "cache")
    assert len(files) >= 4  # card, language, node and macros templates
    stamps = [f.stat().st_mtime_ns for f in files]
    assert card(small_card, tmp_path / "b") == first
    assert [f.stat().st_mtime_ns for f in files] == stamps  # read, not written again
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")
    assert card(small_card, tmp_path / "c") == first


def test_an_edited_template_is_compiled_anew(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    (small_card / "templates").mkdir(exist_ok=True)
    node = small_card / "templates" / "node.html"
    shutil.copy(Path(__file__).parent.parent / "templates" / "node.html", node)
    card(small_card, tmp_path / "a")
    node.write_text(
        node.read_text(encoding="utf-8").replace("<section ", "<section data-edited ", 1),
        encoding="utf-8",
    )
    assert b"<section data-edited " in card(small_card, tmp_path / "b")


def test_an_empty_setting_turns_the_cache_off(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    card(small_card, tmp_path / "a")
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_without_a_setting_the_cache_is_in_the_users_cache_folder(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACTIONPLAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    card(small_card, tmp_path / "a")
    assert cached_files(tmp_path / "xdg" / "actionplan")


def test_a_relative_xdg_setting_is_ignored_and_a_missing_home_is_not_made(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The XDG spec: a relative path in XDG_CACHE_HOME is invalid, and is ignored.  A home
    folder that does not exist (a service's HOME=/nonexistent) is not made for a cache."""
    monkeypatch.delenv("ACTIONPLAN_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    card(small_card, tmp_path / "a")
    assert not (tmp_path / "relative").exists()
    assert cached_files(tmp_path / "home" / ".cache" / "actionplan")
    monkeypatch.setenv("HOME", str(tmp_path / "nonexistent"))
    card(small_card, tmp_path / "b")
    assert not (tmp_path / "nonexistent").exists()


def test_a_cache_that_cannot_be_made_is_no_cache(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(blocker / "cache"))
    expected = card(small_card, tmp_path / "a")
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")
    assert card(small_card, tmp_path / "b") == expected


def test_a_damaged_or_unwritable_cache_is_passed_over(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(cache))
    expected = card(small_card, tmp_path / "a")
    for damaged in cached_files(cache):
        damaged.write_bytes(damaged.read_bytes()[:40] + b"\x00garbage")
    assert card(small_card, tmp_path / "b") == expected
    Store.forget()
    for folder in [p for p in cache.iterdir() if p.is_dir()]:
        shutil.rmtree(folder)
        folder.write_text("a file where the folder was", encoding="utf-8")
    assert card(small_card, tmp_path / "c") == expected


def test_an_entry_under_another_entrys_name_is_passed_over(
    small_card: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that is not the entry its name says (swapped by a sync tool, restored from another
    backup) holds a value of another shape or for other input: it is no entry, never a crash or a
    stale card."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(cache))
    expected = card(small_card, tmp_path / "a")
    kinds = [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith("templates")]
    assert kinds
    for kind in kinds:
        files = cached_files(kind)
        assert len(files) >= 2, kind
        data = [f.read_bytes() for f in files]
        for f, other in zip(files, data[1:] + data[:1], strict=True):
            f.write_bytes(other)
    Store.forget()
    assert card(small_card, tmp_path / "b") == expected


def test_a_memory_keeps_the_newest_places_of_each_kind() -> None:
    memory = cache.Memory()
    for i in range(cache.Memory.PLACES):
        memory.keep("split", i, f"text {i}")
    memory.keep("graph", "plan", "ways")
    memory.keep("split", 0, "text 0 again")  # kept again: the newest, nothing forgotten
    assert memory.recall("split", 1) == "text 1"
    memory.keep("split", "one more", "text")  # past the bound: the oldest goes
    assert memory.recall("split", 1) is None
    assert memory.recall("split", 0) == "text 0 again"
    assert memory.recall("split", "one more") == "text"
    assert memory.recall("graph", "plan") == "ways"  # each kind has its own places
    memory.forget("graph", "plan")
    assert memory.kinds() == {"split"}
    memory.clear()
    assert memory.recall("split", 0) is None


def test_a_build_remembers_only_inside_a_memory_and_not_with_the_stores_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert cache.memory() is None and not cache.builds_again()
    with cache.remembering(cache.Memory()) as memory:
        assert cache.memory() is memory and cache.builds_again()
        monkeypatch.setenv(cache.OFF_VAR, "1")
        assert cache.memory() is None and cache.builds_again()
    assert cache.memory() is None and not cache.builds_again()
