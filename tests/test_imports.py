"""What a fresh process imports: a build of a small plan is mostly Python starting and importing,
so a command imports only what it uses (the cost itself is measured by benchmarks/, not here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Runs the command line in this process and prints the modules it imported.
RUN = """
import sys
from actionplan.cli import main
sys.argv = ["actionplan", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("exit", code)
print(*sorted(sys.modules))
"""


def imported(tmp_path: Path, *args: str) -> set[str]:
    """The modules a fresh `actionplan ARGS` has imported when it ends (it must succeed)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    status, modules = done.stdout.splitlines()[-2:]
    assert status == "exit 0", done.stderr
    return set(modules.split())


def test_a_build_that_cmark_renders_whole_does_not_import_markdown_it(tmp_path: Path) -> None:
    # Every text of the default plan goes the fast path (card/markdown.py): markdown-it-py, the
    # reference renderer, is imported by the first text that does not, and not before.
    modules = imported(tmp_path, "build", "-q", str(REPO), "-o", str(tmp_path / "out"))
    assert "actionplan.card.render" in modules  # the build did render
    assert "cmarkgfm" in modules
    assert "markdown_it" not in modules
    # Nor what only other commands, a project of several plans or a failure use.
    assert (
        not {
            "watchfiles",
            "segno",
            "babel",
            "actionplan.commands.serve",
            "actionplan.card.shelf",
            "actionplan.plan.yaml_problems",
            "traceback",  # for a template that fails
            "shlex",  # for the commands `new` prints
            "locale",  # click's words go through our catalogue, not a search for catalogues
        }
        & modules
    )


def test_a_command_that_reads_no_plan_imports_no_reader_yaml_or_jinja(tmp_path: Path) -> None:
    # --help and schema say what the tool does without reading a plan: the plan's reader, the
    # checks, YAML, Jinja and the cache's stores are imported by the commands that read one.
    for args in (["--help"], ["theme", "--help"], ["build", "--help"]):
        modules = imported(tmp_path, *args)
        assert "click" in modules  # the command line did run
        assert (
            not {
                "yaml",
                "jinja2",
                "markupsafe",
                "cmarkgfm",
                "tempfile",
                "pickle",
                "actionplan.cache",
                "actionplan.plan.loader",
                "actionplan.plan.read",
                "actionplan.plan.model",
            }
            & modules
        ), args
    # ... and a build does import them, and says to the reader that the process ends with it.
    code = RUN.replace(
        "print(*sorted(sys.modules))", 'print(sys.modules["actionplan.plan.read"].ONE_SHOT)'
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code, "check", "-q", str(REPO)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        cwd=tmp_path,
    )
    assert done.stdout.split()[-1] == "True", done.stderr


def test_the_command_line_leaves_the_collector_on_with_its_imports_set_aside() -> None:
    # The collector is off while the command line's modules are imported, and what they made is
    # frozen (never walked again); it is on again after, for `serve`, which runs for hours.
    code = (
        "import gc\n"
        "import actionplan.cli\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 10_000)\n"
        "gc.disable()\n"
        "import importlib; importlib.reload(actionplan.cli)\n"
        "print(gc.isenabled())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    # ... and one that imports it with the collector off finds it still off
    assert done.stdout.split() == ["True", "True", "False"]


def test_a_command_that_checks_once_sets_what_it_read_aside_and_serve_does_not() -> None:
    # In a process that ends with its command, what a check made is frozen as the collector is
    # turned on again; where it checks again (serve), the tests or a program using the package,
    # nothing is (a frozen object in a cycle would never be freed).
    code = (
        "import gc, sys\n"
        "from actionplan import cache\n"
        "from actionplan.plan import read\n"
        "def frozen_by_a_check():\n"
        "    gc.unfreeze()\n"
        "    read.check_plan(sys.argv[1])\n"
        "    return gc.get_freeze_count() > 0\n"
        "print(frozen_by_a_check())\n"
        "read.ONE_SHOT = True\n"
        "print(frozen_by_a_check(), gc.isenabled())\n"
        "with cache.remembering(cache.Memory()):\n"
        "    print(frozen_by_a_check())\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_NO_CACHE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(REPO / "content")],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert done.stdout.split() == ["False", "True", "True", "False"]


def test_the_cheap_pattern_for_yamls_reader_matches_exactly_what_pyyaml_writes() -> None:
    """actionplan/__init__.py puts a pattern in re's cache under PyYAML's words: it must match
    the very same characters, every one of them.  re.UNICODE (the default for text) gives a
    key of its own, so that PyYAML's pattern is compiled here as it wrote it."""
    import re

    import actionplan

    written = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    theirs = re.compile(written, re.UNICODE)
    ours = re.compile(actionplan.YAML_NON_PRINTABLE)
    text = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in ours.finditer(text)] == [m.start() for m in theirs.finditer(text)]


def test_a_process_that_imports_actionplan_first_reads_yaml_with_the_cheap_pattern() -> None:
    """Where re keeps its cache as a dict (3.11 to 3.13), PyYAML's reader gets the pattern
    actionplan put there; the source PyYAML has is the one the cheap pattern was made for."""
    check = (
        "import re, actionplan, yaml, inspect\n"
        "print(isinstance(getattr(re, '_cache', None), dict))\n"
        "print(yaml.reader.Reader.NON_PRINTABLE.pattern == actionplan.YAML_NON_PRINTABLE)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", check],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    kept_as_dict, seeded = done.stdout.split()
    assert seeded == kept_as_dict
