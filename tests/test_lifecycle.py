"""A municipality's card through its life: made, filled in, adapted, upgraded, published.

The base plan comes from ACTIONPLAN_BASE, set to tests/fixtures/base/v1 and later v2: a newer
version of the same plan, as a newer actionplan would bring (a new step, a changed step, a
removed step, a new contact, a route that now ends elsewhere).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.commands import diff as upgrade
from actionplan.project import BASE_ENV, LOCK_FILE

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "base"

OWN_POLICE_STEP = """\
nodes:
  politianmeldelse:
    kind: step
    title: Anmeld til Eksempel Politistation
    checklist:
      - Ring til den lokale politistation
    contacts: [lokal-politi]
    next: opfoelgning
"""
ITS_ENGLISH = """\
language: en
name: English
nodes:
  politianmeldelse:
    title: Report to Example Police Station
    checklist:
      - Call the local police station
"""
DRAFT_GERMAN = """\
language: de
name: Deutsch
draft: true
nodes:
  akut-fare:
    title: Ist jemand in akuter Gefahr?
"""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"NO_COLOR": "1"})
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def use_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> Path:
    """Install base plan `version` (a copy: nothing here writes into the repository)."""
    content = tmp_path / "installed" / version / "content"
    shutil.copytree(FIXTURES / version / "content", content)
    monkeypatch.setenv(BASE_ENV, str(content))
    return content


def fill_placeholders(path: Path, owner: str) -> None:
    """What a municipality writes in place of each placeholder; the owner is its own."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"owner: \{placeholder: .*\}", f"owner: {owner}", text)
    text = re.sub(r"phone: \{placeholder: .*\}", 'phone: "12 34 56 78"', text)
    text = re.sub(r"\{placeholder: .*\}", "Eksempel", text)
    path.write_text(text, encoding="utf-8")


def test_a_card_from_new_through_an_upgrade_to_a_strict_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_base(tmp_path, monkeypatch, "v1")
    monkeypatch.chdir(tmp_path)  # files are named as from here
    project = Path("eksempel")
    content = project / "content"
    assert run("new", project, "--source", "git+https://example.org/actionplan@v0.1.0")[0] == 0

    # The municipality fills in its values and sets itself as the owner...
    fill_placeholders(content / "local.yaml", "SSP Eksempel Kommune")
    # ...replaces the police step with its own, in its own file, with the step's English...
    (content / "local").mkdir()
    (content / "local" / "politi.yaml").write_text(OWN_POLICE_STEP, encoding="utf-8")
    (content / "translations").mkdir()
    (content / "translations" / "en.yaml").write_text(ITS_ENGLISH, encoding="utf-8")
    assert run("stamp", project)[0] == 0
    # ...and starts a German translation that is not ready.
    (content / "translations" / "de.yaml").write_text(DRAFT_GERMAN, encoding="utf-8")
    code, _out, err = run("check", "--strict", project)
    assert code == 0, err
    assert "note: node 'ring-112' is not translated into 'de'" in err
    code, _out, err = run("build", "--strict", project)
    assert code == 0, err
    assert err.splitlines()[-1] == "left out the draft translations: de"

    # A newer actionplan brings a newer base plan: the strict build stops until it is reviewed.
    use_base(tmp_path, monkeypatch, "v2")
    code, _out, err = run("build", "--strict", project)
    assert code == 1
    assert (
        f"{LOCK_FILE}: warning: the base plan has changed since this project reviewed it "
        "(2026.1 → 2026.2) (see what changed with 'actionplan diff', "
        "then take it with 'actionplan diff --accept')"
    ) in err

    code, out, _err = run("diff", project)
    assert code == 0
    for line in (
        "Base plan: Handleplan ved digitale krænkelser (2026.1 → 2026.2)",
        "  + stop-spredning: step “Stop spredningen” (new)",
        "    checklist: [“Se ikke på billedet, og send det ikke videre”]",
        "  - tal-med-leder: step “Tal med din leder” (removed)",
        "  ~ politianmeldelse: step “Anmeld til politiet”",
        "    checklist: + “Skriv ned, hvornår og hvor billedet er delt”",
        "  ~ hvad-skete: question “Hvad er sket?”",
        "    option “Et billede er delt”: next politianmeldelse → stop-spredning",
        "  + boernetelefonen: “BørneTelefonen” (new)",
        "    role: “Når det ikke haster” → “Når det ikke haster, men skal anmeldes”",
        "  ~ akut-fare “Nej”, hvad-skete “Andet”",
        "    now ends at henvist “Den unge har fået råd”, not at opfoelgning “Følg op”",
        "  ! you replaced node politianmeldelse; upstream changed it: review yours",
        "    yours is in eksempel/content/local/politi.yaml",
        "After reviewing, take the new base plan with: actionplan diff --accept",
    ):
        assert line in out.splitlines(), f"{line!r} not in:\n{out}"

    assert run("diff", "--accept", project)[0] == 0
    assert "No step, fact, contact or route has changed." in run("diff", project)[1]
    code, _out, err = run("build", "--strict", project)
    assert code == 0, err
    html = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert "Stop spredningen" in html  # upstream's new step
    assert "Anmeld til Eksempel Politistation" in html  # the municipality's own step
    assert "Report to Example Police Station" in html
    assert "SSP Eksempel Kommune" in html
    assert "Ist jemand in akuter Gefahr?" not in html  # the draft stays out

    # Not one base file in the project: only what the municipality owns, and the record.
    owned = sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file())
    assert owned == [
        LOCK_FILE,
        "local.yaml",
        "local/politi.yaml",
        "translations/de.yaml",
        "translations/en.yaml",
    ]


def test_diff_compares_two_plans_given(tmp_path: Path) -> None:
    code, out, _err = run("diff", FIXTURES / "v1", FIXTURES / "v2")
    assert code == 0
    assert out.splitlines()[0] == "Base plan: Handleplan ved digitale krænkelser (2026.1 → 2026.2)"
    assert "  + henvist: outcome “Den unge har fået råd” (new)" in out.splitlines()
    assert "diff --accept" not in out  # nothing of a project's to accept


def test_diff_without_a_record_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(FIXTURES / "v1", fork)
    code, _out, err = run("diff", fork)
    assert code == 1
    assert "no record of a reviewed base plan yet" in err
    assert run("diff", "--accept", fork)[0] == 0
    assert upgrade.read_lock(fork / "content") is not None
    code, out, _err = run("diff", fork)
    assert (code, out.splitlines()[-1]) == (0, "  No step, fact, contact or route has changed.")


def test_a_fork_sees_what_a_merge_of_upstream_changed(tmp_path: Path) -> None:
    """A fork pins the base it holds; after merging upstream, diff shows what came in and which
    of its own nodes in content/local/ shadow a changed one."""
    fork = tmp_path / "fork"
    shutil.copytree(FIXTURES / "v1", fork)
    (fork / "content" / "local").mkdir()
    (fork / "content" / "local" / "politi.yaml").write_text(OWN_POLICE_STEP, encoding="utf-8")
    assert run("diff", "--accept", fork)[0] == 0
    lock = (fork / "content" / LOCK_FILE).read_bytes()
    shutil.rmtree(fork / "content")
    shutil.copytree(FIXTURES / "v2" / "content", fork / "content")  # the merge of upstream
    (fork / "content" / "local").mkdir()
    (fork / "content" / "local" / "politi.yaml").write_text(OWN_POLICE_STEP, encoding="utf-8")
    (fork / "content" / LOCK_FILE).write_bytes(lock)
    code, out, _err = run("diff", fork)
    assert code == 0
    assert "  ! you replaced node politianmeldelse; upstream changed it: review yours" in (
        out.splitlines()
    )


def test_a_broken_record_is_named(tmp_path: Path) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(FIXTURES / "v1", fork)
    (fork / "content" / LOCK_FILE).write_text("{", encoding="utf-8")
    for command in ("diff", "check"):
        code, _out, err = run(command, fork)
        assert code == 1
        assert err.startswith(f"{fork / 'content' / LOCK_FILE}: error: cannot read the record")


def _with(record: dict[str, Any], where: str, key: str, value: object) -> dict[str, Any]:
    """A copy of the record with one value replaced: in the plan ("plan"), in the base ("base"),
    or in the first option of the first question ("option"), or in that question ("question")."""
    changed = json.loads(json.dumps(record))
    base = changed["base"]
    question = next(n for n in base["nodes"].values() if n.get("options"))
    target = {"base": base, "plan": base["plan"], "question": question}.get(where)
    (question["options"][0] if target is None else target)[key] = value
    return changed


# A record a merge or a hand changed: each is refused as a whole, never met halfway.
BAD_RECORDS: dict[str, Callable[[dict[str, Any]], object]] = {
    "a list": lambda r: [r],
    "no base": lambda r: {"about": r["about"]},
    "an empty base": lambda r: {"base": {}},
    "the plan as a number": lambda r: _with(r, "base", "plan", 5),
    "nodes as a list": lambda r: _with(r, "base", "nodes", [1, 2]),
    "a node as text": lambda r: _with(r, "base", "nodes", {"a": "text"}),
    "contacts as text": lambda r: _with(r, "base", "contacts", "x"),
    "an option without a label": lambda r: _with(r, "option", "label", None),
    "an option's next as a list": lambda r: _with(r, "option", "next", []),
    "options as a map": lambda r: _with(r, "question", "options", {"a": 1}),
    "loop as text": lambda r: _with(r, "option", "loop", "yes"),
    "the start as a list": lambda r: _with(r, "plan", "start", ["a"]),
}


@pytest.mark.parametrize("case", list(BAD_RECORDS))
def test_a_record_of_another_shape_is_refused_whole(tmp_path: Path, case: str) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(FIXTURES / "v1", fork)
    assert run("diff", "--accept", fork)[0] == 0
    lock = fork / "content" / LOCK_FILE
    record = json.loads(lock.read_text(encoding="utf-8"))
    lock.write_text(json.dumps(BAD_RECORDS[case](record)), encoding="utf-8")
    for command in ("diff", "check"):
        code, _out, err = run(command, fork)
        assert code == 1, (command, err)
        assert err.startswith(f"{lock}: error: this is not a record of a reviewed base plan")


def test_a_record_nested_too_deeply_or_not_a_file_is_an_error(tmp_path: Path) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(FIXTURES / "v1", fork)
    lock = fork / "content" / LOCK_FILE
    lock.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, _out, err = run("diff", fork)
    assert (code, err.split(": error: ")[1]) == (
        1,
        "this is not a record of a reviewed base "
        "plan (restore it from version control, or record the base anew with 'actionplan diff "
        "--accept')\n",
    )
    lock.unlink()
    os.mkfifo(lock)  # read as it was, this waited for a writer for ever
    for command in ("diff", "check"):  # check took it for no record, and said nothing
        code, _out, err = run(command, fork)
        assert code == 1, command
        assert err.startswith(f"{lock}: error: this is a named pipe, not a file"), command
    lock.unlink()
    lock.symlink_to(tmp_path / "nowhere.json")
    for command in ("diff", "check"):
        code, _out, err = run(command, fork)
        assert code == 1, command
        assert err.startswith(f"{lock}: error: no such file"), (command, err)


def test_a_value_a_newer_base_asks_for_is_named_where_to_set_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upstream's local.yaml adds a contact to fill in: the project, whose own local.yaml lacks
    it, is told what to set in its layer, not to edit the base plan's file."""
    base = use_base(tmp_path, monkeypatch, "v1")
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    (project / "content" / "local.yaml").write_text(
        "plan:\n  owner: SSP Eksempel\nlocal:\n  municipality: Eksempel\n", encoding="utf-8"
    )
    code, _out, err = run("check", project)
    assert code == 0
    assert (
        f"{base / 'local.yaml'}:8:12: warning: placeholder not filled in: SSP-konsulentens "
        "telefonnummer (the base plan leaves it to you: set 'contacts: ssp: phone' in your "
        "local layer)"
    ) in err.splitlines()
