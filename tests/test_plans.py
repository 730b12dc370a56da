"""Several plans in one project: a card for each, an index of them, links between them, and
every command on the whole project or on one plan (--plan)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.commands.build import build_site

SHELF = Path(__file__).resolve().parent / "fixtures" / "plans" / "shelf"
ONE_PLAN = Path(__file__).resolve().parent / "fixtures" / "good" / "translation"


@pytest.fixture
def shelf(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SHELF, tmp_path / "shelf"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_project_of_three_plans_builds_three_cards_and_an_index(shelf: Path) -> None:
    code, _, err = run("build", str(shelf))
    assert code == 0, err
    build = shelf / "build"
    built = sorted(p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())
    assert built == ["index.html", "plans.html", "second/index.html", "third/index.html"]
    index = (build / "plans.html").read_text(encoding="utf-8")
    for title, summary, version, reviewed in (
        ("Fixture plan one", "When the first fixture situation happens.", "1.0", "2026-11-01"),
        ("Fixture plan two", "When the second fixture situation happens.", "2.1", "2026-10-15"),
        ("Fixture plan three", "When the third fixture situation happens.", "0.3", "2026-09-01"),
    ):
        for text in (title, summary, f"Version {version}", f"Gennemgået {reviewed}"):
            assert text in index
    # In English too, where the plans have it, with each card's English at its start.
    assert "Fixture plan one (en)" in index and "Fixture plan two (en)" in index
    assert 'href="second/index.html#en/two-start"' in index
    assert 'href="index.html"' in index and 'href="third/index.html"' in index
    # The emergency contacts of every plan, each once, from the layer they share.
    assert index.count('href="tel:112"') == 2  # once in each language
    assert index.count('href="tel:11223344"') == 2
    # Nothing is loaded: no script, and the policy allows no request.
    assert "<script" not in index
    assert "default-src 'none'" in index
    assert not re.search(r'\b(?:src|href)="(?!#|data:|tel:|index\.html|second/|third/)', index)


def test_each_card_links_to_the_index_and_to_the_other_plans(shelf: Path) -> None:
    build_site_of(shelf)
    first = (shelf / "build" / "index.html").read_text(encoding="utf-8")
    second = (shelf / "build" / "second" / "index.html").read_text(encoding="utf-8")
    third = (shelf / "build" / "third" / "index.html").read_text(encoding="utf-8")
    assert 'class="ap-shelf" href="plans.html"' in first
    assert 'class="ap-shelf" href="plans.html#en"' in first
    assert 'class="ap-shelf" href="../plans.html"' in second
    assert 'class="ap-shelf" href="../plans.html"' in third
    # plan:second#two-start and plan:content, in each language of the card.
    assert 'href="second/index.html#two-start"' in first
    assert 'href="second/index.html#en/two-start"' in first
    assert 'href="../index.html"' in second
    assert 'href="../index.html#en/one-danger"' in second
    assert "plan:" not in first + second


def build_site_of(path: Path) -> None:
    from actionplan.project import Project

    build_site(Project.find(path))


def test_a_project_of_one_plan_has_no_index_and_no_link_to_one(tmp_path: Path) -> None:
    project = Path(shutil.copytree(ONE_PLAN, tmp_path / "one"))
    code, _, err = run("build", str(project))
    assert code == 0, err
    assert [p.name for p in (project / "build").iterdir()] == ["index.html"]
    assert "plans.html" not in (project / "build" / "index.html").read_text(encoding="utf-8")


def test_a_link_to_a_plan_the_project_lacks_is_an_error_at_its_line(shelf: Path) -> None:
    for name in ("plan.yaml", "translations/en.yaml"):
        path = shelf / "plans" / "second" / name
        path.write_text(path.read_text().replace("plan:content", "plan:contnet"), "utf-8")
    code, _, err = run("check", str(shelf))
    assert code == 1
    assert re.search(
        r"plans/second/plan\.yaml:14:\d+: error: no plan with the id 'contnet' "
        r"\(did you mean 'plan:content'\?\)",
        err,
    ), err
    # The translation's copy of the link is named at its own line.
    assert re.search(r"plans/second/translations/en\.yaml:\d+:\d+: error: no plan", err), err


def test_a_link_to_a_node_another_plan_lacks_is_an_error(shelf: Path) -> None:
    plan = shelf / "content" / "plan.yaml"
    plan.write_text(plan.read_text().replace("#two-start)", "#two-strat)"), encoding="utf-8")
    code, _, err = run("build", str(shelf))
    assert code == 1
    assert re.search(
        r"content/plan\.yaml:22:\d+: error: the plan 'second' has no node with the id "
        r"'two-strat' \(did you mean 'plan:second#two-start'\?\)",
        err,
    ), err
    assert not (shelf / "build").exists()


def test_check_plan_checks_one_plan_and_names_it(shelf: Path) -> None:
    code, out, err = run("check", str(shelf), "--plan", "third")
    assert code == 0, err
    assert out.strip().splitlines() == [
        f"{shelf / 'plans' / 'third'}: 2 nodes, 2 contacts: 0 errors, 0 warnings"
    ]
    code, out, err = run("check", str(shelf))
    assert code == 0, err
    assert len(out.strip().splitlines()) == 3


def test_check_plan_names_a_plan_the_project_lacks(shelf: Path) -> None:
    code, _, err = run("check", str(shelf), "--plan", "secnod")
    assert code == 1
    assert "error: the project has no plan 'secnod' (did you mean 'second'?)" in err


def test_a_problem_in_one_plan_is_reported_with_its_file_and_line(shelf: Path) -> None:
    plan = shelf / "plans" / "third" / "plan.yaml"
    plan.write_text(plan.read_text().replace("next: three-done", "next: three-dnoe"))
    code, _, err = run("check", str(shelf), "--plan", "third")
    assert code == 1
    assert re.search(r"plans/third/plan\.yaml:14:\d+: error: no node with the id 'three-dnoe'", err)
    # The other plans are fine, and --plan content says so.
    assert run("check", str(shelf), "--plan", "content")[0] == 0


def test_the_shared_layer_holds_only_what_every_plan_shares(shelf: Path) -> None:
    shared = shelf / "shared" / "local.yaml"
    shared.write_text(shared.read_text() + "nodes: {}\n", encoding="utf-8")
    code, _, err = run("check", str(shelf), "--plan", "third")
    assert code == 1
    assert re.search(
        r"shared/local\.yaml:\d+:1: error: 'nodes' belongs to one plan, not to the layer "
        "every plan shares",
        err,
    ), err


def test_a_plan_folder_is_named_like_an_id(shelf: Path) -> None:
    shutil.copytree(shelf / "plans" / "third", shelf / "plans" / "Third Plan")
    code, _, err = run("check", str(shelf))
    assert code == 1
    assert "plans/Third Plan: error: 'Third Plan' cannot name a plan" in err


def test_build_plan_rebuilds_one_card_and_the_index(shelf: Path) -> None:
    assert run("build", str(shelf))[0] == 0
    (shelf / "build" / "index.html").unlink()
    code, _, err = run("build", str(shelf), "--plan", "third")
    assert code == 0, err
    assert not (shelf / "build" / "index.html").exists()
    assert "built" in err and "third/index.html" in err and "plans.html" in err


def test_graph_and_paths_print_every_plan_or_one(shelf: Path) -> None:
    code, out, err = run("graph", str(shelf))
    assert code == 0, err
    assert out.count("%% plan ") == 3 and out.count("flowchart") == 3
    code, out, err = run("graph", str(shelf), "--plan", "second")
    assert code == 0, err
    assert out.count("flowchart") == 1 and "n_two_start" in out and "one_danger" not in out
    code, out, err = run("paths", str(shelf), "--plan", "third")
    assert code == 0, err
    assert "three-start" in out and "two-start" not in out
    code, out, _ = run("paths", str(shelf))
    assert code == 0 and out.count("# plan ") == 3


def test_stamp_plan_stamps_that_plan_and_the_shared_layer(shelf: Path) -> None:
    tr = shelf / "plans" / "second" / "translations" / "en.yaml"
    tr.write_text(re.sub(r'\s*fingerprint: "[0-9a-f]+"', "", tr.read_text()), encoding="utf-8")
    first = (shelf / "content" / "translations" / "en.yaml").read_text()
    code, _, err = run("stamp", str(shelf), "--plan", "second")
    assert code == 0, err
    assert tr.read_text().count("fingerprint:") == 3
    assert (shelf / "content" / "translations" / "en.yaml").read_text() == first


def test_serve_serves_every_card_and_rebuilds_only_the_plan_saved(
    shelf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_serve import get, status, wait_until

    from actionplan.commands import check
    from actionplan.commands.serve import DevServer
    from actionplan.project import Project

    checked: list[str] = []

    def check_plan(root: Path, **kwargs: Any) -> Any:
        checked.append(Path(root).name)
        return original(root, **kwargs)

    original = check.check_plan
    monkeypatch.setattr(check, "check_plan", check_plan)
    with DevServer(Project.find(shelf), port=0) as server:
        assert sorted(checked) == ["content", "second", "third"]
        assert sorted(server.live.built) == [
            "index.html",
            "plans.html",
            "second/index.html",
            "third/index.html",
        ]
        for target, text in (
            ("/", "Fixture plan one"),
            ("/plans.html", "Fixture plan three"),
            ("/second/", "Fixture plan two"),
            ("/third/index.html", "Fixture plan three"),
        ):
            code, body = get(server, target)
            assert code == 200 and text in body.decode(), target
        plan = shelf / "plans" / "third" / "plan.yaml"
        plan.write_text(plan.read_text().replace("plan three", "plan 3"), encoding="utf-8")
        wait_until(lambda: status(server)["version"] == 2)
        assert server.live.built == ["third/index.html", "plans.html"]
        assert sorted(checked) == ["content", "second", "third", "third"]  # only it again
        assert "Fixture plan 3" in get(server, "/third/")[1].decode()
        assert "Fixture plan 3" in get(server, "/plans.html")[1].decode()
        # A change to what every plan shares rebuilds them all.
        shared = shelf / "shared" / "local.yaml"
        shared.write_text(shared.read_text().replace("Fixture Municipality", "Fixture Town"))
        wait_until(lambda: status(server)["version"] == 3)
        assert len(server.live.built) == 4
        assert len(checked) == 7  # all three again
        assert "Fixture Town" in get(server, "/second/")[1].decode()


def test_serve_checks_every_plan_again_on_a_new_day(
    shelf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review date ages overnight: a save the next day checks the plans it did not touch
    too, so that a plan that has become due for review says so."""
    import datetime as dt

    from actionplan.commands import check, serve
    from actionplan.project import Project

    checked: list[str] = []
    original = check.check_plan

    def check_plan(root: Path, **kwargs: Any) -> Any:
        checked.append(Path(root).name)
        return original(root, **kwargs)

    monkeypatch.setattr(check, "check_plan", check_plan)
    live = serve.LiveCard(Project.find(shelf), shelf.parent / "live")
    assert live.rebuild()[0]
    assert sorted(checked) == ["content", "second", "third"]
    checked.clear()
    assert live.rebuild(only="third")[0]
    assert checked == ["third"]  # the same day: only the plan saved
    checked.clear()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    monkeypatch.setattr(serve, "_today", lambda: tomorrow)
    assert live.rebuild(only="third")[0]
    assert sorted(checked) == ["content", "second", "third"]


def test_serve_plan_names_a_plan_the_project_lacks(shelf: Path) -> None:
    code, _, err = run("serve", str(shelf), "--plan", "fourth", "--port", "0")
    assert code == 1
    assert "error: the project has no plan 'fourth'" in err


def test_new_plan_adds_a_plan_to_fill_in(shelf: Path) -> None:
    code, _, err = run("new", str(shelf), "--plan", "fourth")
    assert code == 0, err
    assert (shelf / "plans" / "fourth" / "plan.yaml").is_file()
    code, _, err = run("check", str(shelf), "--plan", "fourth")
    assert code == 0, err
    assert "plans/fourth/plan.yaml:4:10: warning: placeholder not filled in" in err
    assert "with the real value)" in err  # in the plan's own file, not in local.yaml
    code, _, err = run("new", str(shelf), "--plan", "fourth")
    assert code == 1 and "plans/fourth: error: already exists" in err
    code, _, err = run("new", str(shelf), "--plan", "content")
    assert code == 1 and "error: 'content' cannot name a plan" in err
    code, _, err = run("new", str(shelf), "--plan", "aux")
    assert code == 1 and "error: 'aux' cannot name a plan: Windows keeps it for a device" in err
    assert not (shelf / "plans" / "aux").exists()


def test_diff_plan_records_and_compares_one_plans_base(shelf: Path) -> None:
    code, _, err = run("diff", str(shelf), "--plan", "second", "--accept")
    assert code == 0, err
    assert (shelf / "plans" / "second" / "base-lock.json").is_file()
    assert not (shelf / "content" / "base-lock.json").exists()
    code, _, err = run("diff", str(shelf), "--plan", "second")
    assert code == 0, err
    code, _, err = run("diff", str(shelf), "--plan", "third")
    assert code == 1
    assert "plans/third/base-lock.json: no record of a reviewed base plan yet" in err
    # The whole project: each plan under its name; only the one recorded is compared.
    code, out, err = run("diff", str(shelf))
    assert code == 0, err
    assert out.count("== plan ") == 3


def test_a_problem_in_the_shared_layer_is_reported_once(shelf: Path) -> None:
    shared = shelf / "shared" / "local.yaml"
    shared.write_text(
        shared.read_text().replace('"11 22 33 44"', "{placeholder: the team's phone}"), "utf-8"
    )
    code, out, err = run("check", str(shelf))
    assert code == 0, err
    assert err.count("placeholder not filled in: the team's phone") == 1, err
    assert out.count("1 warning") == 3  # each plan has it
    code, _, err = run("build", str(shelf), "--strict")
    assert code == 1
    assert err.count("placeholder not filled in: the team's phone") == 1, err
