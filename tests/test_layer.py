"""The local layer: what a municipality owns, over a base plan it does not edit.

The base plan is tests/fixtures/base/v1 (ACTIONPLAN_BASE), a small plan shaped like the default:
national contacts and steps in the base, the municipality's contacts as placeholders in its
local.yaml.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.plan.read import check_plan
from actionplan.project import BASE_ENV, Project

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "base"
TODAY = dt.date(2026, 12, 1)

FILLED = """\
plan:
  owner: SSP Eksempel Kommune
local:
  municipality: Eksempel Kommune
contacts:
  ssp:
    name: SSP Eksempel
    phone: "12 34 56 78"
  lokal-politi:
    name: Eksempel Politistation
    phone: "87 65 43 21"
"""


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture base plan, set as the base of projects that hold none."""
    content = tmp_path / "base" / "content"
    shutil.copytree(FIXTURES / "v1" / "content", content)
    monkeypatch.setenv(BASE_ENV, str(content))
    return content


def layer(root: Path, files: dict[str, str]) -> Path:
    """A project whose content/ holds only the given layer files."""
    for name, text in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_a_project_with_only_a_layer_reads_the_base_under_it(tmp_path: Path, base: Path) -> None:
    project = layer(tmp_path / "p", {"local.yaml": FILLED})
    assert Project.find(project).base == base
    report = check_plan(project / "content", today=TODAY)
    assert report.problems == []
    plan = report.plan
    assert plan is not None
    assert plan.info.owner == "SSP Eksempel Kommune"  # the layer's, key by key
    assert plan.info.title == "Handleplan ved digitale krænkelser"  # the base's
    assert plan.contacts["ssp"].phone == "12 34 56 78"
    assert plan.local.municipality == "Eksempel Kommune"
    assert "politianmeldelse" in plan.nodes


@pytest.mark.parametrize("given", ["missing", "a file", "a layer"])
@pytest.mark.parametrize("command", ["check", "build", "diff"])
def test_a_base_folder_named_by_the_variable_that_is_no_base_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: str, command: str
) -> None:
    """ACTIONPLAN_BASE is easily forgotten: a folder it names that holds no base plan is an
    error that says where the folder came from, not one about the author's own project."""
    project = layer(tmp_path / "project", {"local.yaml": FILLED})
    named = {
        "missing": tmp_path / "gone",
        "a file": project / "content" / "local.yaml",
        "a layer": project / "content",  # the project's own layer, as its base
    }[given]
    monkeypatch.setenv(BASE_ENV, str(named))
    code, _out, err = run(command, project)
    assert code == 1
    assert err.startswith(f"{named}: error: {BASE_ENV} names this as the base plan's folder, but ")
    assert f"(set {BASE_ENV} to the content folder of a base plan, or unset it" in err


def test_a_project_with_a_plan_of_its_own_holds_its_base(tmp_path: Path, base: Path) -> None:
    shutil.copytree(base, tmp_path / "fork" / "content")
    assert Project.find(tmp_path / "fork").base is None


def test_files_in_local_come_after_local_yaml(tmp_path: Path, base: Path) -> None:
    project = layer(
        tmp_path / "p",
        {
            "local.yaml": FILLED,
            "local/politi.yaml": "contacts:\n  lokal-politi:\n    phone: '11 11 11 11'\n",
        },
    )
    plan = check_plan(project / "content", today=TODAY).plan
    assert plan is not None
    assert plan.contacts["lokal-politi"].phone == "11 11 11 11"
    assert plan.contacts["lokal-politi"].name == "Eksempel Politistation"


def test_a_fork_sets_everything_in_content_local(tmp_path: Path, base: Path) -> None:
    """A fork holds the base in content/ and changes no file of it: its values, its owner and
    its translations live in content/local/, so merging upstream never conflicts."""
    fork = tmp_path / "fork"
    shutil.copytree(base, fork / "content")
    before = {p: p.read_bytes() for p in (fork / "content").rglob("*") if p.is_file()}
    layer(
        fork,
        {
            "local/kommune.yaml": FILLED,
            "local/translations/en.yaml": "language: en\nname: English\n"
            "plan:\n  title: Our action plan\n",
        },
    )
    report = check_plan(fork / "content", today=TODAY)
    assert [p.message for p in report.problems] == ["the plan: the translation has no fingerprint"]
    plan = report.plan
    assert plan is not None and plan.info.owner == "SSP Eksempel Kommune"
    assert plan.translations["en"].plan is not None
    assert plan.translations["en"].plan.title == "Our action plan"
    assert plan.translations["en"].nodes["akut-fare"].title == "Is anyone in acute danger?"
    assert all(p.read_bytes() == data for p, data in before.items())


def test_the_layer_translates_its_own_node_over_the_base_translation(
    tmp_path: Path, base: Path
) -> None:
    node = (
        "nodes:\n  politianmeldelse:\n    kind: step\n    title: Ring til os\n"
        "    contacts: [lokal-politi]\n    next: opfoelgning\n"
    )
    project = layer(
        tmp_path / "p",
        {
            "local.yaml": FILLED,
            "local/politi.yaml": node,
            "translations/en.yaml": "language: en\nname: English\nnodes:\n"
            "  politianmeldelse:\n    title: Call us\n",
        },
    )
    code, _out, err = run("check", project)
    assert "node 'politianmeldelse': the translation has no fingerprint" in err
    assert run("stamp", project)[0] == 0
    assert "fingerprint:" in (project / "content" / "translations" / "en.yaml").read_text()
    assert (base / "translations" / "en.yaml").read_text() == (
        FIXTURES / "v1" / "content" / "translations" / "en.yaml"
    ).read_text()  # the base's translation is never written
    code, _out, err = run("check", "--strict", project)
    assert code == 0, err
    plan = check_plan(project / "content", today=TODAY).plan
    assert plan is not None
    english = plan.translations["en"]
    assert english.nodes["politianmeldelse"].title == "Call us"
    assert english.nodes["ring-112"].title == "Call 112"  # the base's entry


def test_a_draft_language_is_checked_but_not_published(tmp_path: Path, base: Path) -> None:
    project = layer(
        tmp_path / "p",
        {
            "local.yaml": FILLED,
            "translations/de.yaml": "language: de\nname: Deutsch\ndraft: true\n"
            "nodes:\n  ring-112:\n    title: 112 anrufen\n",
        },
    )
    code, out, err = run("check", "--strict", project)
    assert code == 0, err
    assert "note: node 'akut-fare' is not translated into 'de'" in err
    assert "warning" not in err
    assert "notes" in out
    code, _out, err = run("build", "--strict", project)
    assert code == 0, err
    html = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in html
    assert 'lang="de"' not in html and "112 anrufen" not in html


def test_the_layer_orders_the_languages(tmp_path: Path, base: Path) -> None:
    filled = FILLED.replace("local:\n", "local:\n  languages: [uk, en]\n")
    project = layer(
        tmp_path / "p",
        {"local.yaml": filled, "translations/uk.yaml": "language: uk\nname: Українська\n"},
    )
    plan = check_plan(project / "content", today=TODAY).plan
    assert plan is not None and plan.languages == ("da", "uk", "en")


def test_a_language_the_plan_has_not_is_named(tmp_path: Path, base: Path) -> None:
    filled = FILLED.replace("local:\n", "local:\n  languages: [en, fr]\n")
    project = layer(tmp_path / "p", {"local.yaml": filled})
    code, _out, err = run("check", project)
    assert code == 1
    assert "error: the plan has no language 'fr' (add translations/fr.yaml" in err


def test_base_dates_are_notes_and_the_project_s_own_are_warnings(
    tmp_path: Path, base: Path
) -> None:
    """Years later the base's dates are old: that is shown, but never holds up a strict build;
    a date the project set itself is its own to keep."""
    own = "contacts:\n  politi-114:\n    verified: 2029-01-01\n"
    project = layer(tmp_path / "p", {"local.yaml": FILLED, "local/checked.yaml": own})
    report = check_plan(project / "content", today=dt.date(2030, 6, 1))
    notes = [p.message for p in report.notes]
    assert (
        "the plan was reviewed 1308 days ago by the base plan, more than review_after_days (365)"
        in notes
    )
    assert any("contact 'alarm-112' was verified" in n for n in notes)
    assert not any("politi-114" in n for n in notes)  # the project checked it itself
    assert [p.message for p in report.warnings] == [
        "contact 'politi-114' was verified 516 days ago, more than review_after_days (365)"
    ]
    hint = next(p.hint for p in report.notes if "alarm-112" in p.message)
    assert hint.startswith(
        "check it against https://example.org/kilder/alarm-112, then set verified:"
    )
    (project / "content" / "local" / "checked.yaml").unlink()
    assert not check_plan(project / "content", today=dt.date(2030, 6, 1)).failed(strict=True)


def test_in_a_project_that_holds_its_base_every_date_is_its_own(tmp_path: Path, base: Path) -> None:
    """This repository, or a fork that has not pinned the base it took over."""
    shutil.copytree(base, tmp_path / "own" / "content")
    report = check_plan(tmp_path / "own" / "content", today=dt.date(2030, 6, 1))
    assert any("alarm-112" in p.message for p in report.warnings)
    assert report.notes == []


def test_check_stale_lists_the_facts_to_check_again(tmp_path: Path, base: Path) -> None:
    contacts = base / "contacts.yaml"
    old = contacts.read_text(encoding="utf-8").replace(
        "verified: 2026-11-01", "verified: 2020-01-01", 1
    )
    contacts.write_text(old, encoding="utf-8")
    own = "contacts:\n  politi-114:\n    verified: 2021-02-03\n"
    project = layer(tmp_path / "p", {"local.yaml": FILLED, "local/checked.yaml": own})
    code, out, _err = run("check", "--stale", project)
    assert code == 1
    lines = out.splitlines()
    assert re.fullmatch(
        r".*/base/content/contacts\.yaml:7:15: contact 'alarm-112' verified 2020-01-01, "
        r"\d+ days ago \(the base plan's\): check it against https://example\.org/kilder/alarm-112",
        lines[0],
    ), lines[0]
    assert re.fullmatch(
        r".*/p/content/local/checked\.yaml:3:15: contact 'politi-114' verified 2021-02-03, "
        r"\d+ days ago: check it against https://example\.org/kilder/politi-114",
        lines[1],
    ), lines[1]
    # oldest first; from November 2027 on, the base plan's own review date joins them
    assert all("the plan reviewed 2026-11-01" in line for line in lines[2:-1])
    assert lines[-1] == f"{len(lines) - 1} older than 365 days"
    # the base plan's old date alone does not stop a strict build; the project's own does
    assert run("build", "--strict", project)[0] == 1
    (project / "content" / "local" / "checked.yaml").unlink()
    code, _out, err = run("build", "--strict", project)
    assert code == 0, err


def test_stamp_leaves_upstream_translations_alone_in_a_pinned_fork(
    tmp_path: Path, base: Path
) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(base, fork / "content")
    english = fork / "content" / "translations" / "en.yaml"
    stamped = english.read_text(encoding="utf-8")
    unstamped = re.sub(r'\n    fingerprint: "\w+"(?=\n    title: Call 112)', "", stamped)
    assert unstamped != stamped
    english.write_text(unstamped, encoding="utf-8")
    assert run("diff", "--accept", fork)[0] == 0  # the base is upstream's from now on
    assert run("stamp", fork)[0] == 0
    assert english.read_text(encoding="utf-8") == unstamped
    (fork / "content" / "base-lock.json").unlink()  # the repository of the plan itself
    assert run("stamp", fork)[0] == 0
    assert english.read_text(encoding="utf-8") != unstamped
