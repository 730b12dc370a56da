"""The last line of `check` and of a failed `build` says what was decided, and why."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from actionplan.cli import cli

PLAN = """\
plan:
  title: Plan
  language: da
  version: "1"
  owner: Team
  reviewed: 2026-11-01
  start: done
nodes:
  done:
    kind: outcome
    title: {title}
"""


def _project(tmp_path: Path, title: str) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "plan.yaml").write_text(PLAN.format(title=title), encoding="utf-8")
    return tmp_path


def _run(*args: str) -> tuple[int, list[str], list[str]]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


def test_check_strict_says_that_strict_refused_the_warnings(tmp_path: Path) -> None:
    root = _project(tmp_path, "{placeholder: Hvad der er sket}")
    code, out, _ = _run("check", str(root))
    assert code == 0 and out[-1].endswith(": 0 errors, 1 warning")
    code, out, _ = _run("check", str(root), "--strict")
    assert code == 1
    assert out[-1].endswith(": 0 errors, 1 warning: refused, as --strict fails on warnings")


def test_check_strict_with_errors_needs_no_word_about_strict(tmp_path: Path) -> None:
    root = _project(tmp_path, '""')
    code, out, _ = _run("check", str(root), "--strict")
    assert code == 1 and out[-1].endswith(": 1 error, 0 warnings")


def test_a_build_refused_by_strict_ends_with_a_summary(tmp_path: Path) -> None:
    root = _project(tmp_path, "{placeholder: Hvad der er sket}")
    code, _, err = _run("build", str(root), "--strict")
    assert code == 1
    assert ": warning: placeholder not filled in: Hvad der er sket" in err[0]
    assert err[-1] == (
        f"not built: 0 errors, 1 warning: refused, as --strict fails on warnings "
        f"({root / 'build'} is left as it was)"
    )
    assert not (root / "build").exists()


def test_a_failed_build_ends_with_a_summary(tmp_path: Path) -> None:
    root = _project(tmp_path, '""')
    code, _, err = _run("build", str(root))
    assert code == 1
    assert err[-1] == f"not built: 1 error, 0 warnings ({root / 'build'} is left as it was)"


def test_the_closing_lines_in_danish(tmp_path: Path) -> None:
    root = _project(tmp_path, "{placeholder: Hvad der er sket}")
    code, out, _ = _run("--lang", "da", "check", str(root), "--strict")
    assert code == 1
    assert out[-1].endswith(": 0 fejl, 1 advarsel: afvist, fordi --strict også afviser advarsler")
    code, _, err = _run("--lang", "da", "build", str(root), "--strict")
    assert code == 1
    assert ": warning: pladsholder, der ikke er udfyldt: Hvad der er sket" in err[0]
    assert err[-1] == (
        "ikke bygget: 0 fejl, 1 advarsel: afvist, fordi --strict også afviser advarsler "
        f"({root / 'build'} er ikke ændret)"
    )
