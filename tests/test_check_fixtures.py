"""The checker's spec: a plan with one kind of mistake, beside the exact lines `check` prints.

Each folder under fixtures/bad/ holds a tiny plan in content/ and expected.txt; each folder under
fixtures/good/ holds a plan that must check clean.  See fixtures/bad/README.md.  To rewrite the
expected files from what the checker prints now, run with ACTIONPLAN_REGEN=1, then read every
changed line before you commit it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.cli import Options, cli

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 12, 1)  # every case is checked as if on this day, so dates give stable output
REGEN = bool(os.environ.get("ACTIONPLAN_REGEN"))
PROBLEM = re.compile(r"content\S*: (?:error|warning): \S")
SUMMARY = {
    "en": re.compile(
        r"content: (?:\d+ nodes?, \d+ contacts?: )?\d+ errors?, \d+ warnings?"
        r"(?:: refused, as --strict fails on warnings)?"
    ),
    "da": re.compile(
        r"content: (?:\d+ punkt(?:er)?, \d+ kontakt(?:er)?: )?\d+ fejl, \d+ advars(?:el|ler)"
        r"(?:: afvist, fordi --strict også afviser advarsler)?"
    ),
}
REFUSED = {"en": "--strict fails on warnings", "da": "--strict også afviser advarsler"}


def _link_outside(case: Path) -> None:
    """A symlink in the plan's folder to a file beside it: git should not carry the link."""
    (case / "content" / "shared.yaml").symlink_to(Path("..") / "outside.yaml")


def _link_folder_outside(case: Path) -> None:
    (case / "content" / "shared").symlink_to(Path("..") / "shared", target_is_directory=True)


SETUP: dict[str, Callable[[Path], None]] = {
    "symlink-outside": _link_outside,
    "symlink-folder-outside": _link_folder_outside,
}


def cases(kind: str) -> list[pytest.ParameterSet]:
    folders = sorted(p for p in (FIXTURES / kind).iterdir() if p.is_dir())
    return [pytest.param(p, id=f"{kind}/{p.name}") for p in folders]


def run_check(strict: bool, lang: str = "en") -> tuple[list[str], int]:
    """The problem lines `actionplan check content` prints here, and its exit code."""
    args = ["--lang", lang, "check", "content", *(["--strict"] if strict else [])]
    result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1"}, obj=Options(today=TODAY))
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    # The problems go to standard error, like every error; the summary to standard output.
    summary = result.stdout.splitlines()
    assert len(summary) == 1 and SUMMARY[lang].fullmatch(summary[0]), result.output
    problems = result.stderr.splitlines()
    # A refusal that only --strict made says so.
    only_warnings = problems and not any(": error: " in line for line in problems)
    assert summary[0].endswith(REFUSED[lang]) == bool(strict and only_warnings)
    for line in problems:
        assert PROBLEM.match(line), f"not a problem line: {line!r}"
    return problems, result.exit_code


@pytest.fixture
def in_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    """Copy a case to tmp_path and work there, so paths print relative and the repo is untouched."""

    def copy(case: Path) -> Path:
        work = tmp_path / case.name
        shutil.copytree(case, work)
        SETUP.get(case.name, lambda _: None)(work)
        monkeypatch.chdir(work)
        return work

    return copy


@pytest.mark.parametrize("case", cases("bad"))
def test_bad_plan_gives_expected_problems(case: Path, in_copy: Callable[[Path], Path]) -> None:
    in_copy(case)
    problems, code = run_check(strict=False)
    expected_file = case / "expected.txt"
    if REGEN:
        expected_file.write_text("".join(line + "\n" for line in problems), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert expected, f"{expected_file} is empty: a bad case must report something"
    assert problems == expected
    assert len(set(problems)) == len(problems), "a problem is reported twice"
    assert code == (1 if any(": error: " in line for line in expected) else 0)
    strict_problems, strict_code = run_check(strict=True)
    assert strict_problems == problems
    assert strict_code == 1


@pytest.mark.parametrize("case", cases("bad"))
def test_bad_plan_gives_expected_problems_in_danish(
    case: Path, in_copy: Callable[[Path], Path]
) -> None:
    """`check --lang da`: the same problems, at the same places, in Danish (expected.da.txt)."""
    in_copy(case)
    problems, code = run_check(strict=False, lang="da")
    expected_file = case / "expected.da.txt"
    if REGEN:
        expected_file.write_text("".join(line + "\n" for line in problems), encoding="utf-8")
    assert expected_file.exists(), f"{case.name} has no expected.da.txt: every case has its Danish"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    english = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert problems == expected
    assert [where(line) for line in expected] == [where(line) for line in english]
    assert expected != english, "expected.da.txt is the English: translate the message"
    assert code == (1 if any(": error: " in line for line in expected) else 0)


def where(line: str) -> str:
    """A problem line's place and severity: `file:line:col: error`, the same in every language."""
    return line.split(": ", 2)[0] + ": " + line.split(": ", 2)[1]


@pytest.mark.parametrize("case", cases("good"))
def test_good_plan_checks_clean(case: Path, in_copy: Callable[[Path], Path]) -> None:
    in_copy(case)
    assert run_check(strict=True) == ([], 0)
