"""The default plan: the cases a professional meets, walked by the answers they would give, and
the points of the senior SSP consultant's review (issue 15) that can be stated as a route."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from default_cases import ANSWERS, fill_placeholders

from actionplan.cli import cli
from actionplan.plan import model
from actionplan.plan.checks import is_home_page
from actionplan.plan.read import check_plan, load_plan
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


def texts_on(node: model.Node) -> list[str]:
    """The body, checklist and warnings of a node, lower-cased, in the order the card shows them."""
    parts = [node.body or "", *getattr(node, "checklist", ()), *getattr(node, "do_not", ())]
    return [part.lower() for part in parts]


def text_on(path: list[model.Node]) -> str:
    return " ".join(t for n in path for t in texts_on(n))


KEEP_EVERYTHING = "slet ikke noget, og bed ikke den unge slette noget, før politiet siger det"
OTHER_FAMILIES = "kontakt familierne til de børn, der har delt eller modtaget"


@pytest.mark.parametrize("case", list(ANSWERS))
def test_every_case_walks_to_an_outcome(plan: model.Plan, case: str) -> None:
    path = walk(plan, ANSWERS[case])
    assert ids(path)[:3] == ["akut-fare", "modtag", "hvad-skete"]
    assert isinstance(path[-1], model.Outcome)


def test_a_14_year_olds_nude_shared_by_a_13_year_old_classmate(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["nude shared by a classmate"])
    steps = ids(path)
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


def test_a_16_year_old_extorted_for_money_after_sending_an_image(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["sextortion"])
    steps = ids(path)
    assert "afpresning" in steps and "politianmeldelse" in steps and "stop-spredning" in steps
    assert "afpresning-112" not in steps
    warnings = warnings_on(path)
    assert "betal ikke" in warnings and "send ikke flere billeder" in warnings
    checklist = " ".join(plan.nodes["afpresning"].checklist).lower()
    assert "gem chatten uden billeder" in checklist and "bloker" in checklist
    assert checklist.index("gem chatten") < checklist.index("bloker")  # keep evidence first
    assert "take-it-down" in contacts_on(path)


def test_in_the_sextortion_branch_talk_of_self_harm_leads_to_112_before_anything_else(
    plan: model.Plan,
) -> None:
    # Issue 15, point 1: the threat to self-harm often comes out in the middle of the talk.
    path = walk(plan, ANSWERS["sextortion, and the young person speaks of harming themselves"])
    steps = ids(path)
    asked = steps.index("afpresning-selvskade")
    assert steps[asked - 1] == "hvad-skete"
    emergency = path[asked + 1]
    assert emergency.id == "afpresning-112" and emergency.urgent
    assert "alarm-112" in emergency.contacts
    assert "bliv hos den unge" in " ".join(texts_on(emergency))
    assert steps.index("afpresning-112") < steps.index("afpresning")


def test_evidence_is_kept_without_holding_abuse_material(plan: model.Plan) -> None:
    # Issue 15, point 2.
    for case in ("nude shared by a classmate", "sextortion", "a hacked profile spreading a nude"):
        assert KEEP_EVERYTHING in text_on(walk(plan, ANSWERS[case])), case
    for node_id in ("afpresning", "dokumentation", "trusler", "hacket"):
        text = " ".join(texts_on(plan.nodes[node_id]))
        assert "skærmbillede" in text and ("profil" in text or "tekst" in text), node_id
    assert "aldrig af et seksuelt billede" in " ".join(texts_on(plan.nodes["afpresning"]))
    assert "brugernavne" in " ".join(texts_on(plan.nodes["dokumentation"]))


@pytest.mark.parametrize("case", list(ANSWERS))
def test_other_families_are_contacted_only_after_the_police_report(
    plan: model.Plan, case: str
) -> None:
    # Issue 15, point 3: an early warning lets evidence be deleted.
    path = walk(plan, ANSWERS[case])
    steps = ids(path)
    tells = [i for i, node in enumerate(path) if any(OTHER_FAMILIES in t for t in texts_on(node))]
    if "politianmeldelse" in steps:
        assert all(i > steps.index("politianmeldelse") for i in tells), (case, steps)
    for node_id in ("inddrag-foraeldre", "foraeldre-chikane"):
        checklist = " ".join(plan.nodes[node_id].checklist).lower()
        assert "andre" not in checklist, node_id
    assert "aftalt det med politiet" in " ".join(texts_on(plan.nodes["andre-involverede"]))


def test_a_hacked_profile_spreading_a_nude_goes_to_the_police_before_the_platform(
    plan: model.Plan,
) -> None:
    # Issue 15, point 4.
    steps = ids(walk(plan, ANSWERS["a hacked profile spreading a nude"]))
    assert "hacket" not in steps  # its 'report the profile' would come before the police
    assert steps.index("billede-regler") < steps.index("politianmeldelse")
    assert steps.index("politianmeldelse") < steps.index("stop-spredning")


def test_a_hacked_profile_without_images_is_still_offered_the_police(plan: model.Plan) -> None:
    # Issue 15, point 4: hacking and misuse of identity are crimes in themselves.
    path = walk(plan, ANSWERS["a hacked profile, no images"])
    hacked = plan.nodes["hacket"]
    assert "hacket" in ids(path)
    assert {"straffeloven-263", "straffeloven-264e"} <= set(hacked.legal)
    assert "politi-114" in hacked.contacts
    checklist = [item.lower() for item in hacked.checklist]
    police = next(i for i, item in enumerate(checklist) if "politiet, før" in item)
    platform = next(i for i, item in enumerate(checklist) if item.startswith("anmeld derefter"))
    assert police < platform


def test_group_chat_bullying_without_threats_or_sexual_content(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["bullying"])
    steps = ids(path)
    assert "lokal-handling" in steps and "raad-ssp" in steps and "dokumentation" in steps
    assert "politianmeldelse" not in steps
    assert "ssp" in contacts_on(path)
    assert "navnene på de involverede børn" in warnings_on(path)


def test_an_account_that_rates_pupils_is_reported_and_its_spread_stopped(
    plan: model.Plan,
) -> None:
    # Issue 15, point 5: the parents' safety is a question on the way, not a link in a text.
    path = walk(plan, ANSWERS["an account that rates pupils"])
    steps = ids(path)
    assert "foraeldre-trygt-chikane" in steps
    assert steps.index("foraeldre-trygt-chikane") < steps.index("foraeldre-chikane")
    assert "stop-spredning" in steps
    assert "rater" in " ".join(texts_on(plan.nodes["stop-spredning"]))
    assert not any("](#" in (node.body or "") for node in path)


def test_the_pupil_who_shared_it_is_supported_not_interrogated(plan: model.Plan) -> None:
    # Issue 15, point 6.
    path = walk(plan, ANSWERS["the pupil in front of you shared it"])
    steps = ids(path)
    assert steps[3] == "selv-delt"
    assert steps.index("selv-delt") < steps.index("billede-regler") < steps.index("underretning")
    text = " ".join(texts_on(plan.nodes["selv-delt"]))
    for must in ("støtte", "afhør ikke", "før politiet siger det", "anden skole", "underretning"):
        assert must in text, must


def test_deepfakes_are_named_where_images_are_handled(plan: model.Plan) -> None:
    # Issue 15, point 7.
    what = plan.nodes["hvad-skete"]
    assert isinstance(what, model.Question)
    image = next(o for o in what.options if o.label.startswith("Et intimt billede"))
    assert "AI" in (image.hint or "")
    for node_id in ("billede-alder", "billede-regler"):
        assert "AI" in (plan.nodes[node_id].body or ""), node_id


def test_receiving_the_young_person_asks_few_open_questions(plan: model.Plan) -> None:
    # Issue 15, point 8: where an adult may be involved, the police do the interview.
    text = " ".join(texts_on(plan.nodes["modtag"]))
    assert "få og åbne spørgsmål" in text and "konkrete" not in text
    assert "politiet, der stiller spørgsmålene" in text
    assert "spørg ikke den unge ud om selve billederne" in text


def test_coercion_between_peers_or_a_child_under_13_escalates_at_once(plan: model.Plan) -> None:
    # Issue 15, point 9.
    path = walk(plan, ANSWERS["a 12-year-old pressed by classmates to send a nude"])
    steps = ids(path)
    serious = plan.nodes["alvorlig-sag"]
    assert "alvorlig-sag" in steps and serious.urgent
    assert steps.index("alvorlig-sag") < steps.index("raad")
    assert {"politi-114", "kommunens-modtagelse"} <= set(serious.contacts)
    assert "under 13" in plan.nodes["billede-alvor"].title


def test_every_question_the_reader_may_not_know_has_a_safe_dont_know(plan: model.Plan) -> None:
    # Issue 15, point 10.
    for node_id in (
        "billede-alder",
        "billede-voksen",
        "billede-alvor",
        "deler-alder",
        "chikane-type",
        "hacket-type",
        "spredt",
        "foraeldre-trygt",
        "foraeldre-trygt-chikane",
        "afpresning-selvskade",
    ):
        question = plan.nodes[node_id]
        assert isinstance(question, model.Question) and question.may_be_unknown, node_id
        assert any(o.unknown for o in question.options), node_id
    # 'Don't know' leads the careful way: the image is treated as a child's, an adult as involved.
    unknown = {
        q.id: next(o.next for o in q.options if o.unknown)
        for q in plan.nodes.values()
        if isinstance(q, model.Question) and q.may_be_unknown
    }
    assert unknown["billede-alder"] == "billede-regler"
    assert unknown["billede-voksen"] == "voksen-involveret"
    assert unknown["foraeldre-trygt"] == "kommunen-direkte"
    assert unknown["afpresning-selvskade"] == "afpresning-112"


def test_when_nobody_knows_who_shared_it_the_case_still_reaches_advice_and_the_police(
    plan: model.Plan,
) -> None:
    steps = ids(walk(plan, ANSWERS["nobody knows who shared it"]))
    assert {"raad", "underretning", "politianmeldelse", "stop-spredning"} <= set(steps)


def test_the_law_texts_say_what_the_law_says(plan: model.Plan) -> None:
    # Issue 15, point 11.
    assert "forsæt til at sælge eller udbrede" in (plan.laws["straffeloven-226"].summary or "")
    for law_id in (
        "straffeloven-222-225",
        "straffeloven-242",
        "straffeloven-263",
        "straffeloven-264e",
    ):
        assert law_id in plan.laws
    assert "serviceloven" not in plan.laws["barnets-lov-133"].source.lower()
    assert "bornsvilkar" not in plan.laws["barnets-lov-133"].source


def test_the_english_says_manager_and_person_affected() -> None:
    # Issue 15, point 12.
    english = (default_dir("content") / "translations" / "en.yaml").read_text(encoding="utf-8")
    for word in ("leader", "person violated", "without right"):
        assert word not in english.lower(), word


def test_a_case_where_a_parent_may_be_involved(plan: model.Plan) -> None:
    path = walk(plan, ANSWERS["a parent may be involved"])
    steps = ids(path)
    assert "kommunen-direkte" in steps
    assert "inddrag-foraeldre" not in steps
    assert "kontakt ikke forældrene først" in warnings_on(path)
    assert {"kommunens-modtagelse", "socialvagt"} <= contacts_on(path)


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
