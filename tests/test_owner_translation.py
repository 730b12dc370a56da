"""The plan's owner in other languages: translated in the plan entry, without breaking the
fingerprints of translations written before it could be, nor those of projects that name their own
owner over the base's.

The base plan is a copy of tests/fixtures/base/v1 (owner "Standardindhold (tilpasses af
kommunen)", an English translation of the plan's title).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.plan import model, translate
from actionplan.plan.read import check_plan
from actionplan.plan.translate import localize
from actionplan.project import BASE_ENV

BASE = Path(__file__).resolve().parent / "fixtures" / "base" / "v1" / "content"
TODAY = dt.date(2026, 12, 1)
ENGLISH_OWNER = "Default content (to be adapted by the municipality)"
CONTACTS = """\
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
    content = tmp_path / "base" / "content"
    shutil.copytree(BASE, content)
    # Its local values filled in, and no owner over the base's.
    (content / "local.yaml").write_text(CONTACTS, encoding="utf-8")
    monkeypatch.setenv(BASE_ENV, str(content))
    return content


def _translate_owner(content: Path) -> None:
    """The base's English plan entry gives the owner too, with the fingerprint stamp writes."""
    en = content / "translations" / "en.yaml"
    text = en.read_text(encoding="utf-8")
    old = "  title: Action plan for digital violations\n"
    en.write_text(text.replace(old, old + f"  owner: {ENGLISH_OWNER}\n"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["stamp", "--stale", str(content)])
    assert result.exit_code == 0, result.output


def _messages(content: Path) -> list[str]:
    return [p.message for p in check_plan(content, today=TODAY).problems]


def _plan(content: Path) -> model.Plan:
    plan = check_plan(content, today=TODAY).plan
    assert plan is not None
    return plan


def test_a_translation_without_the_owner_keeps_its_fingerprint(base: Path) -> None:
    plan = _plan(base)
    entry = plan.translations["en"].plan
    assert entry is not None and entry.owner is None
    # The fingerprint written before the owner could be translated: the title's alone.
    assert entry.fingerprint == translate.fingerprint(plan.info, ["title"])
    assert _messages(base) == []  # neither stale nor asked for the owner
    owner = localize(plan, "en").info.owner
    assert owner == "Standardindhold (tilpasses af kommunen)"
    assert isinstance(owner, model.Text) and owner.lang == "da"


def test_the_owner_is_translated_and_fingerprinted(base: Path) -> None:
    _translate_owner(base)
    plan = _plan(base)
    assert plan.translations["en"].plan is not None
    assert plan.translations["en"].plan.fingerprint == translate.fingerprint(
        plan.info, ["title", "owner"]
    )
    assert _messages(base) == []
    assert localize(plan, "en").info.owner == ENGLISH_OWNER

    plan_yaml = base / "plan.yaml"
    plan_yaml.write_text(
        plan_yaml.read_text(encoding="utf-8").replace("Standardindhold", "Grundindhold"),
        encoding="utf-8",
    )
    assert _messages(base) == [
        "the plan: the translation into 'en' is stale: the original has changed since it was "
        "translated"
    ]


def test_a_project_that_names_its_owner_shows_it_untranslated_and_stays_current(
    tmp_path: Path, base: Path
) -> None:
    _translate_owner(base)
    project = tmp_path / "p"
    (project / "content").mkdir(parents=True)
    (project / "content" / "local.yaml").write_text(
        "plan:\n  owner: SSP Eksempel Kommune\n" + CONTACTS, encoding="utf-8"
    )
    assert _messages(project / "content") == []
    owner = localize(_plan(project / "content"), "en").info.owner
    assert owner == "SSP Eksempel Kommune"  # not the base's owner in English
    assert isinstance(owner, model.Text) and owner.lang == "da"

    # A title of the layer's own still makes the base's translation stale.
    (project / "content" / "local.yaml").write_text(
        "plan:\n  owner: SSP Eksempel Kommune\n  title: Vores handleplan\n" + CONTACTS,
        encoding="utf-8",
    )
    assert any("'en' is stale" in m for m in _messages(project / "content"))


def test_the_layer_translates_its_own_owner(tmp_path: Path, base: Path) -> None:
    _translate_owner(base)
    project = tmp_path / "p"
    (project / "content" / "translations").mkdir(parents=True)
    (project / "content" / "local.yaml").write_text(
        "plan:\n  owner: SSP Eksempel Kommune\n" + CONTACTS, encoding="utf-8"
    )
    (project / "content" / "translations" / "en.yaml").write_text(
        "language: en\nname: English\nplan:\n  title: Action plan for digital violations\n"
        "  owner: SSP Example Municipality\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["stamp", str(project)])
    assert result.exit_code == 0, result.output
    assert _messages(project / "content") == []
    assert localize(_plan(project / "content"), "en").info.owner == "SSP Example Municipality"


def test_stamp_writes_a_base_translation_against_the_base_owner(tmp_path: Path) -> None:
    """In the repository of a base plan, local.yaml names the owner (a placeholder to fill in):
    the base's own translation is still stamped against the base's owner."""
    content = tmp_path / "repo" / "content"
    shutil.copytree(BASE, content)
    (content / "local.yaml").write_text(
        "plan:\n  owner: {placeholder: Hvem der står for kortet}\n" + CONTACTS, encoding="utf-8"
    )
    _translate_owner(content)
    text = (content / "translations" / "en.yaml").read_text(encoding="utf-8")
    base_info = _plan(content).base_info
    assert base_info is not None and base_info.owner == "Standardindhold (tilpasses af kommunen)"
    assert f'fingerprint: "{translate.fingerprint(base_info, ["title", "owner"])}"' in text
    assert not [m for m in _messages(content) if "placeholder" not in m]
