"""The README's "Set up": two commands that work on any machine a municipality has, run by CI."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup_blocks() -> list[tuple[str, list[str]]]:
    """The code blocks of the README's Set up section: their language and their commands."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Set up\n", 1)[1].split("\n## ", 1)[0]
    return [
        (language, [line.split("  #", 1)[0].rstrip() for line in body.splitlines()])
        for language, body in re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)
    ]


def test_setup_is_two_commands_that_work_in_a_virtual_environment() -> None:
    (language, (first, second)), *_ = setup_blocks()
    assert language == "sh"
    # A system Python under PEP 668 refuses pip: every command after `venv` runs from .venv.
    make, *rest = first.split(" && ")
    assert make == "python3 -m venv .venv"
    assert all(part.startswith(".venv/bin/") for part in [*rest, second])
    assert rest[-1] == ".venv/bin/actionplan build"  # the first command builds the default card
    assert second == ".venv/bin/python -m pytest"  # the second runs the tests


def test_windows_runs_the_same_commands_in_powershell() -> None:
    (_, posix), (language, windows), *_ = setup_blocks()
    assert language == "powershell"
    assert windows == [
        line.replace("python3 -m venv", "py -m venv")
        .replace(".venv/bin/", ".venv\\Scripts\\")
        .replace(" && ", "; ")
        for line in posix
    ]


def test_ci_runs_the_readme_s_commands_as_written() -> None:
    """.ci/run carries no commands of its own for these: it reads them from the README."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    (program,) = re.findall(r"mapfile -t setup < <\(awk '(.*?)' README\.md\)", ci, flags=re.DOTALL)
    found = subprocess.run(
        ["awk", program, "README.md"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    (_, commands), *_ = setup_blocks()
    assert [line.split("  #", 1)[0].rstrip() for line in found] == commands
    assert 'bash -euo pipefail -c "${setup[0]}"' in ci
    assert 'bash -euo pipefail -c "${setup[1]}"' in ci
    assert "ACTIONPLAN_REQUIRE_BROWSER=1" in ci


def test_ci_checks_lint_format_and_types_before_the_tests() -> None:
    """Under `set -e`, each check's failure stops .ci/run before the tests run."""
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.startswith("#!/usr/bin/env bash\n") and "\nset -euo pipefail\n" in ci
    lines = ci.splitlines()
    install = lines.index('bash -euo pipefail -c "${setup[0]}"')
    tests = lines.index('bash -euo pipefail -c "${setup[1]}"')
    checks = [".venv/bin/ruff check .", ".venv/bin/ruff format --check .", ".venv/bin/mypy"]
    assert all(install < lines.index(check) < tests for check in checks)
