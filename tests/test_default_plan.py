"""The default plan: the six cases a professional meets, walked by the answers they would give."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from default_cases import ANSWERS

from actionplan import model
from actionplan.checks import is_home_page
from actionplan.cli import cli
from actionplan.plan import check_plan, load_plan
from actionplan.project import default_dir


@pytest.fixture(scope="module")
def plan() -> model.Plan:
    return load_plan(default_dir("content"))


def walk(plan: model.Plan, labels: list[str]) -> list[model.Node]:
    """The nodes from the start to an outcome, choosing the option with each label in turn."""
    node, path, answers = plan.start, [], list(labels)
    while True:
        path.append(node)
        if isinstance(node, model.Question):
            assert answers, f"no answer left for '{node.title}'"
            label = answers.pop(0)
            chosen = [o for o in node.options if o.label == label]
            assert chosen, f"'{node.title}' has no option '{label}'"
            node = plan.nodes[chosen[0].next]
        elif isinstance(node, model.Step):
            node = plan.nodes[node.next]
        else:
            assert not answers, f"answers left over at the outcome: {answers}"
            return path


def ids(path: list[model.Node]) -> list[str]:
    return [n.id for n in path]


def warnings_on(path: list[model.Node]) -> str:
    return " ".join(w for n in path for w in getattr(n, "do_not", ())).lower()


def contacts_on(path: list[model.Node]) -> set[str]:
    return {c for n in path for c in getattr(n, "contacts", ())}


def test_a_14_year_olds_nude_shared_by_a_13_year_old_classmate(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["nude shared by a classmate"])
    steps = ids(path)
    assert steps[:3] == ["akut-fare", "modtag", "hvad-skete"]
    for must in (
        "billede-regler",
        "deler-under-15",
        "raad",
        "inddrag-foraeldre",
        "underretning",
        "politianmeldelse",
        "stop-spredning",
        "andre-involverede",
        "dokumentation",
    ):
        assert must in steps
    # The image rules come before anything else is done with the case.
    assert steps.index("billede-regler") < steps.index("raad")
    warnings = warnings_on(path)
    for rule in (
        "se ikke på billedet",
        "skærmbillede",
        "videresend",
        "bed aldrig den unge",
        "lov ikke at holde det hemmeligt",
        "navnene på de involverede børn",
    ):
        assert rule in warnings
    assert {"take-it-down", "sletdet", "kommunens-modtagelse", "ssp"} <= contacts_on(path)
    assert "straffeloven-15" in plan.nodes["deler-under-15"].legal
    assert isinstance(path[-1], model.Outcome)


def test_a_16_year_old_extorted_for_money_after_sending_an_image(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["sextortion"])
    steps = ids(path)
    assert "afpresning" in steps and "politianmeldelse" in steps and "stop-spredning" in steps
    warnings = warnings_on(path)
    assert "betal ikke" in warnings and "send ikke flere billeder" in warnings
    checklist = " ".join(plan.nodes["afpresning"].checklist).lower()
    assert "gem chatten" in checklist and "bloker" in checklist
    assert checklist.index("gem chatten") < checklist.index("bloker")  # keep evidence first
    assert "take-it-down" in contacts_on(path)


def test_an_adult_stranger_grooming_a_12_year_old(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["grooming"])
    steps = ids(path)
    assert steps[3] == "grooming"
    assert "underretning" in steps and "politianmeldelse" in steps
    assert "advar eller konfrontér ikke den voksne" in warnings_on(path)
    assert "Lad enheden være, som den er." in plan.nodes["grooming"].checklist
    assert "politi-114" in plan.nodes["grooming"].contacts
    assert "straffeloven-231" in plan.nodes["grooming"].legal


def test_an_adult_colleagues_intimate_image_shared(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["an adult's image"])
    steps = ids(path)
    assert "voksen-billede" in steps
    assert "underretning" not in steps  # no notification about an adult
    assert {"stopncii", "stopchikane"} <= contacts_on(path)
    assert "take-it-down" not in contacts_on(path)  # that is for images taken before 18
    assert "straffeloven-264d" in plan.nodes["voksen-billede"].legal


def test_group_chat_bullying_without_threats_or_sexual_content(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["bullying"])
    steps = ids(path)
    assert "lokal-handling" in steps and "raad-ssp" in steps and "dokumentation" in steps
    assert "politianmeldelse" not in steps
    assert "ssp" in contacts_on(path)
    assert "navnene på de involverede børn" in warnings_on(path)


def test_a_case_where_a_parent_may_be_involved(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["a parent may be involved"])
    steps = ids(path)
    assert "kommunen-direkte" in steps
    assert "inddrag-foraeldre" not in steps
    assert "kontakt ikke forældrene først" in warnings_on(path)
    assert {"kommunens-modtagelse", "socialvagt"} <= contacts_on(path)


def test_acute_danger_comes_first(plan: model.Plan) -> None:
    start = plan.start
    assert isinstance(start, model.Question)
    first = plan.nodes[start.options[0].next]
    assert first.id == "ring-112" and first.urgent
    assert "alarm-112" in plan.info.emergency


LOCAL_CONTACTS = {
    "ssp",
    "forebyggende-politi",
    "lokal-politistation",
    "kommunens-modtagelse",
    "socialvagt",
}


def test_every_law_and_national_contact_names_the_page_that_states_it(plan: model.Plan) -> None:
    national = [c for c in plan.contacts.values() if c.id not in LOCAL_CONTACTS]
    for item in [*plan.laws.values(), *national]:
        assert item.source and item.verified, item.id
        assert not is_home_page(item.source), f"{item.id}: {item.source} is a home page"
    for node in plan.nodes.values():
        for source in getattr(node, "sources", ()):
            assert not is_home_page(source.url), f"{node.id}: {source.url}"


def test_check_finds_nothing_but_the_placeholders_left_for_the_municipality() -> None:
    report = check_plan(default_dir("content"))
    assert [p.format() for p in report.problems if "placeholder" not in p.message] == []


def test_only_verified_national_phone_numbers_are_stated(plan: model.Plan) -> None:
    phones = {
        c.phone
        for c in plan.contacts.values()
        if c.phone and not isinstance(c.phone, model.Placeholder)
    }
    assert phones == {"112", "114", "116 111"}


def test_every_step_says_who_does_it(plan: model.Plan) -> None:
    for node in plan.nodes.values():
        if isinstance(node, model.Step):
            assert node.who, node.id


def test_the_english_translation_is_complete_and_current() -> None:
    report = check_plan(default_dir("content"))
    assert [p.format() for p in report.problems if "translat" in p.message] == []


def test_check_warns_about_placeholders_and_strict_refuses_them() -> None:
    content = str(default_dir("content"))
    result = CliRunner().invoke(cli, ["check", content])
    assert result.exit_code == 0, result.output
    assert "placeholder not filled in: SSP-konsulentens telefonnummer" in result.output
    strict = CliRunner().invoke(cli, ["check", "--strict", content])
    assert strict.exit_code == 1


def fill_placeholders(local_yaml: Path) -> None:
    """Example values in place of every placeholder, as a municipality would fill them in."""
    examples = {"phone": '"12 34 56 78"', "email": "kontakt@example.org"}
    lines = []
    for line in local_yaml.read_text(encoding="utf-8").splitlines():
        match = re.match(r"(\s*)(\w+): \{placeholder: .*\}$", line)
        if match:
            indent, key = match.groups()
            line = f"{indent}{key}: {examples.get(key, 'Eksempel')}"
        lines.append(line)
    local_yaml.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_strict_passes_once_the_placeholders_are_filled_in(project: Path) -> None:
    fill_placeholders(project / "content" / "local.yaml")
    assert (
        "{placeholder:"
        not in (project / "content" / "local.yaml")
        .read_text(encoding="utf-8")
        .split("local:", 1)[1]
    )
    result = CliRunner().invoke(cli, ["check", "--strict", str(project)])
    assert result.exit_code == 0, result.output
    built = CliRunner().invoke(cli, ["build", "--strict", str(project)])
    assert built.exit_code == 0, built.output
