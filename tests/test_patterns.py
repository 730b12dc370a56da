"""Compiled regular expressions kept between processes (actionplan/patterns.py)."""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actionplan import patterns

REPO = Path(__file__).resolve().parent.parent
REUSED = sys.version_info < (3, 14) and isinstance(getattr(re, "_cache", None), dict)

# A process that imports the package, compiles what it is told (holding those it is told to
# hold), keeps its patterns as a command does when it ends, and says what it found in re's cache
# before compiling each.
PROCESS = """
import json, re, sys
import actionplan
from actionplan import patterns
held, once = json.loads(sys.argv[1])
found = {p: (str, p, 0) in re._cache for p in held + once}
kept = [re.compile(p) for p in held]
for p in once:
    re.match(p, "x")
patterns.keep()
print(json.dumps(found))
"""


def run(cache: Path | str, held: list[str], once: tuple[str, ...] = ()) -> dict[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PROCESS, json.dumps([held, list(once)])],
        env={**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_CACHE_DIR": str(cache)},
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, bool] = json.loads(done.stdout)
    return found


pytestmark = pytest.mark.skipif(not REUSED, reason="re keeps no cache as a dict here")


def test_a_pattern_a_process_holds_is_there_for_the_next(tmp_path: Path) -> None:
    held = ["(?P<year>[0-9]{4})-(?P<month>[0-9]{2})", "ab+c|d(e)"]
    assert run(tmp_path, held) == dict.fromkeys(held, False)
    assert run(tmp_path, held) == dict.fromkeys(held, True)


def test_a_pattern_used_once_and_let_go_is_not_kept(tmp_path: Path) -> None:
    """A pattern made for one use (a build's own digest in it) would fill the file."""
    run(tmp_path, [], ("once-[0-9]+",))
    assert run(tmp_path, [], ("once-[0-9]+",)) == {"once-[0-9]+": False}


def test_no_cache_folder_keeps_nothing(tmp_path: Path) -> None:
    assert run("", ["x[yz]+"]) == {"x[yz]+": False}
    assert run("", ["x[yz]+"]) == {"x[yz]+": False}


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00not marshal",
        marshal.dumps(["of another shape"]),
        marshal.dumps(("a version", "no list")),
    ],
)
def test_a_damaged_file_is_passed_over_and_written_again(tmp_path: Path, damage: bytes) -> None:
    run(tmp_path, ["q+r"])
    (kept,) = tmp_path.glob("patterns-*")
    kept.write_bytes(damage)
    assert run(tmp_path, ["q+r"]) == {"q+r": False}
    assert run(tmp_path, ["q+r"]) == {"q+r": True}


def test_a_file_of_another_interpreter_is_not_read(tmp_path: Path) -> None:
    run(tmp_path, ["s+t"])
    (kept,) = tmp_path.glob("patterns-*")
    version, entries = marshal.loads(kept.read_bytes())
    kept.write_bytes(marshal.dumps((version + " (another build)", entries)))
    assert run(tmp_path, ["s+t"]) == {"s+t": False}


def test_codes_made_elsewhere_are_not_taken_for_the_pattern(tmp_path: Path) -> None:
    """An entry whose codes do not make a pattern (a damaged file that still reads) is passed
    over, and the pattern is compiled as usual."""
    run(tmp_path, ["u+v"])
    (kept,) = tmp_path.glob("patterns-*")
    version, entries = marshal.loads(kept.read_bytes())
    entries = [(e[0], e[1], e[2], b"\xff\xff\xff\xff" * 3, *e[4:]) for e in entries]
    kept.write_bytes(marshal.dumps((version, entries)))
    assert run(tmp_path, ["u+v"]) == {"u+v": False}


def test_every_pattern_a_build_keeps_is_the_one_re_compiles(tmp_path: Path) -> None:
    """A build of the default plan keeps its patterns; in a new process each one put in re's
    cache is equal (text, flags and codes) to the one re's compiler makes of its text."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_CACHE_DIR": str(tmp_path / "c")}
    build = [sys.executable, "-m", "actionplan", "build", "-q", str(REPO), "-o", str(tmp_path)]
    subprocess.run(build, env=env, capture_output=True, check=True)
    compare = (
        "import re, actionplan\n"
        "from actionplan import patterns\n"
        "seeded = {k: re._cache[k] for k in patterns._read}\n"
        "same = [re._compiler.compile(k[1], k[2]) == p for k, p in seeded.items()]\n"
        "print(len(same), all(same))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", compare], env=env, capture_output=True, text=True, check=True
    )
    count, same = done.stdout.split()
    assert int(count) > 20  # the libraries' and the package's
    assert same == "True"


def test_pyyamls_reader_pattern_is_not_kept_under_the_cheap_one(tmp_path: Path) -> None:
    """actionplan/__init__.py puts a pattern of its own under PyYAML's words; keeping it would
    compile PyYAML's at every end (57 million instructions) to compare."""
    run(tmp_path, ["w+"])
    (kept,) = tmp_path.glob("patterns-*")
    _, entries = marshal.loads(kept.read_bytes())
    texts = {entry[1] for entry in entries}
    assert "w+" in texts
    assert not any(isinstance(t, str) and "\U00010000-\U0010ffff" in t for t in texts)


def test_beyond_the_bound_only_what_the_process_holds_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [f"bound{i}[a-z]" for i in range(patterns.MOST_KEPT)]
    run(tmp_path, many)
    assert run(tmp_path, ["after+"]) == {"after+": False}
    (kept,) = tmp_path.glob("patterns-*")
    _, entries = marshal.loads(kept.read_bytes())
    texts = {entry[1] for entry in entries}
    assert "after+" in texts
    assert not texts & set(many)


def test_whatever_goes_wrong_as_it_keeps_the_command_ends_as_it_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> None:
        raise RuntimeError("an interpreter this was not written for")

    monkeypatch.setattr(patterns, "_keep", broken)
    assert patterns.keep() is None


def test_a_folder_it_cannot_write_to_keeps_nothing_and_fails_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "file-not-folder"
    cache.write_text("a file where the cache folder should be")
    assert run(cache, ["y+z"]) == {"y+z": False}
    assert cache.read_text() == "a file where the cache folder should be"
