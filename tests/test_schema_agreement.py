"""The editor's schemas and `actionplan check` agree on what is right.

Each probe changes one thing in a small project that checks clean, in one kind of file.  The
changed file goes through its JSON Schema, read as an editor reads YAML (YAML 1.2, see yaml12.py),
and the whole project through `check` (with --strict's eyes: a warning counts as a refusal).  Both
must accept it, or both refuse it.

A schema sees one file as data.  It cannot see what `check` reads across files or beyond the
data, so for the probes listed in BEYOND_A_SCHEMA the schema accepts what `check` refuses, and the
test holds them to exactly that: ids defined in another file, links inside Markdown, today's date,
a comment after a value, a placeholder still to fill in, and whether a contact in local.yaml is new.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml
from yaml12 import load as editor_load

from actionplan.commands.check import check_project
from actionplan.commands.stamp import stamp
from actionplan.plan.schema import json_schema
from actionplan.project import Project

TODAY = date(2026, 12, 1)

PLAN = """\
plan:
  title: Minimal plan
  language: da
  version: "1"
  owner: Test team
  reviewed: 2026-11-01
  review_after_days: 36500
  start: danger
  emergency: [emergency-112]
contacts:
  emergency-112:
    name: Emergency services
    phone: "112"
    verified: 2026-11-01
laws:
  penal-code-264:
    title: Straffeloven § 264 d
    url: https://www.retsinformation.dk/eli/lta/2024/434
nodes:
  danger:
    kind: question
    title: Er nogen i fare?
    options:
      - label: Ja
        next: call-112
      - label: Nej
        next: done
  call-112:
    kind: step
    title: Ring 112
    legal: [penal-code-264]
    next: done
  done:
    kind: outcome
    title: Færdig
"""

LOCAL = """\
local:
  municipality: Eksempel Kommune
  colors:
    primary: "#00567a"
contacts:
  emergency-112:
    hours: Døgnet rundt
"""

TRANSLATION = """\
language: en
name: English
plan:
  title: Minimal plan
nodes:
  danger:
    title: Is anyone in danger?
    options: [Yes, No]
  call-112:
    title: Call 112
  done:
    title: Done
laws:
  penal-code-264:
    title: Danish Penal Code § 264 d
"""

WORDS = """\
back: Tilbage
"""

FILES = {
    "content": "content/plan.yaml",
    "local": "content/local.yaml",
    "translation": "content/translations/en.yaml",
    "words": "templates/i18n/da.yaml",
}


@dataclass(frozen=True)
class Probe:
    id: str
    kind: str  # the kind of file changed: content, local, translation or words
    old: str  # the text replaced in the clean file ("" for none)
    new: str


def content(id: str, old: str, new: str) -> Probe:
    return Probe(id, "content", old, new)


PROBES = [
    # Text, as YAML 1.2 and the plan read it
    content("clean", "", ""),
    content("title-a-number", "title: Ring 112", "title: 112"),
    content("title-yes", "label: Ja", "label: Yes"),
    content("title-true", "label: Ja", "label: true"),
    content("version-a-number", 'version: "1"', "version: 2026.1"),
    content("title-empty-quotes", "title: Ring 112", 'title: ""'),
    content("title-blank", "title: Ring 112", 'title: "  "'),
    content("title-nothing", "title: Ring 112", "title:"),
    content("title-null", "title: Ring 112", "title: null"),
    content("title-a-list", "title: Ring 112", "title: [Ring, 112]"),
    content("title-placeholder", "title: Ring 112", "title: {placeholder: Hvad skal man gøre}"),
    content("title-other-braces", "title: Ring 112", "title: {text: Ring 112}"),
    content("quotes-in-quotes", "title: Ring 112", 'title: "Få "deepfaken" fjernet"'),
    content("comment-after-title", "title: Ring 112", "title: Ring 112 #nu"),
    # Phone numbers, addresses, colours, languages
    content("phone-digits-unquoted", 'phone: "112"', "phone: 99311234"),
    content("phone-country-code-in-brackets", 'phone: "112"', "phone: (+45) 99311234"),
    content("phone-spaces", 'phone: "112"', 'phone: "+45 99 31 12 34"'),
    content("phone-words", 'phone: "112"', "phone: call one-one-two"),
    content("phone-plus-inside", 'phone: "112"', 'phone: "45+99311234"'),
    content("phone-negative", 'phone: "112"', "phone: -112"),
    content("phone-emptied", 'phone: "112"', 'phone: "112"\n    email:'),
    content("email-without-domain", 'phone: "112"', 'phone: "112"\n    email: someone@example'),
    content("url-ftp", 'phone: "112"', 'phone: "112"\n    url: ftp://example.org/'),
    content("url-https", 'phone: "112"', 'phone: "112"\n    url: https://example.org/'),
    content("unreachable-contact", '    phone: "112"\n', ""),
    content("language-dk", "language: da", "language: dk"),
    content("language-dansk", "language: da", "language: dansk"),
    content("language-with-region", "language: da", "language: da-DK"),
    # true or false, whole numbers, dates
    content("urgent-true", "    title: Ring 112\n", "    title: Ring 112\n    urgent: true\n"),
    content("urgent-True", "    title: Ring 112\n", "    title: Ring 112\n    urgent: True\n"),
    content("urgent-yes", "    title: Ring 112\n", "    title: Ring 112\n    urgent: yes\n"),
    content("urgent-quoted", "    title: Ring 112\n", '    title: Ring 112\n    urgent: "true"\n'),
    content(
        "loop-no",
        "        next: done\n  call-112",
        "        next: done\n        loop: no\n  call-112",
    ),
    content("days-negative", "review_after_days: 36500", "review_after_days: -1"),
    content("days-quoted", "review_after_days: 36500", 'review_after_days: "3650"'),
    content("days-decimal", "review_after_days: 36500", "review_after_days: 36.5"),
    content("date-february-30", "reviewed: 2026-11-01", "reviewed: 2026-02-30"),
    content("date-leap-day", "reviewed: 2026-11-01", "reviewed: 2024-02-29"),
    content("date-no-leap-day", "reviewed: 2026-11-01", "reviewed: 2025-02-29"),
    content("date-century-leap-day", "reviewed: 2026-11-01", "reviewed: 2000-02-29"),
    content("date-short-month", "reviewed: 2026-11-01", "reviewed: 2026-2-3"),
    content("date-short-year", "reviewed: 2026-11-01", "reviewed: 26-11-01"),
    content("date-in-the-future", "verified: 2026-11-01", "verified: 2027-01-01"),
    # Nodes: each kind its own keys
    content(
        "options-empty",
        "    options:\n      - label: Ja\n        next: call-112\n"
        "      - label: Nej\n        next: done\n",
        "    options: []\n",
    ),
    content(
        "step-with-follow-up",
        "    legal: [penal-code-264]\n",
        "    legal: [penal-code-264]\n    follow_up: [Ring igen]\n",
    ),
    content(
        "step-with-options",
        "    legal: [penal-code-264]\n",
        "    legal: [penal-code-264]\n    options: []\n",
    ),
    content("outcome-with-next", "    title: Færdig\n", "    title: Færdig\n    next: danger\n"),
    content(
        "outcome-with-contacts",
        "    title: Færdig\n",
        "    title: Færdig\n    contacts: [emergency-112]\n",
    ),
    content("misspelt-key", "    title: Ring 112", "    titel: Ring 112"),
    content("misspelt-kind", "kind: step", "kind: stpe"),
    content("no-kind", "    kind: step\n", ""),
    content(
        "source-without-url",
        "    legal: [penal-code-264]\n",
        "    legal: [penal-code-264]\n    sources:\n      - title: Red Barnet\n",
    ),
    content(
        "option-hint-empty",
        "        next: done\n  call-112",
        '        next: done\n        hint: ""\n  call-112',
    ),
    content("emergency-none", "emergency: [emergency-112]", "emergency: []"),
    content("content-file-with-local", "laws:", "local:\n  municipality: X\nlaws:"),
    # Ids
    content("id-upper-case", "next: done\n  call-112", "next: Done_Now\n  call-112"),
    content("id-with-aa", "  call-112:", "  ring-hjælp:"),
    content("id-with-invisible-space", "  call-112:", "  call-112\u200b:"),
    content("id-null", "  call-112:", "  null:"),
    content("id-reserved", "  call-112:", "  ap-call:"),
    content(
        "id-digits",
        "next: done\n  call-112",
        "next: 112\n  112:\n    kind: outcome\n    title: Slut\n  call-112",
    ),
    content("id-missing", "next: done\n  call-112", "next: nowhere\n  call-112"),
    content(
        "link-to-missing-node",
        "    title: Færdig\n",
        "    title: Færdig\n    body: Se [trin](#nowhere).\n",
    ),
    # The local layer
    Probe("local-clean", "local", "", ""),
    Probe("colour-unquoted", "local", 'primary: "#00567a"', "primary: #00567a"),
    Probe("colour-short", "local", 'primary: "#00567a"', 'primary: "#05a"'),
    Probe("colour-five-digits", "local", 'primary: "#00567a"', 'primary: "#0567a"'),
    Probe("colour-name", "local", 'primary: "#00567a"', "primary: blue"),
    Probe("local-override-phone", "local", "hours: Døgnet rundt", 'phone: "114"'),
    Probe(
        "local-new-contact-without-name",
        "local",
        "hours: Døgnet rundt",
        'hours: Døgnet rundt\n  ssp:\n    phone: "12 34 56 78"',
    ),
    Probe("local-placeholder", "local", "hours: Døgnet rundt", "hours: {placeholder: Tider}"),
    Probe("local-with-plan", "local", "local:", "plan:\n  title: X\nlocal:"),
    Probe(
        "local-node",
        "local",
        "contacts:",
        "nodes:\n  done:\n    kind: outcome\n    title: Slut\ncontacts:",
    ),
    Probe(
        "local-node-misspelt",
        "local",
        "contacts:",
        "nodes:\n  done:\n    kind: outcome\n    titel: Slut\ncontacts:",
    ),
    # Translations
    Probe("translation-clean", "translation", "", ""),
    Probe(
        "translation-options-with-hint",
        "translation",
        "options: [Yes, No]",
        "options: [{label: 'Yes', hint: Call now}, 'No']",
    ),
    Probe("translation-misspelt", "translation", "    title: Done", "    titel: Done"),
    Probe("translation-name-empty", "translation", "name: English", "name:"),
    Probe("translation-direction", "translation", "name: English", "name: English\ndirection: up"),
    Probe("translation-rtl", "translation", "name: English", "name: English\ndirection: rtl"),
    Probe("translation-node-unknown", "translation", "  done:", "  gone:"),
    # The theme's words
    Probe("words-clean", "words", "", ""),
    Probe("words-no", "words", "back: Tilbage", "back: No"),
    Probe("words-digits", "words", "back: Tilbage", "start_over: 0123"),
    Probe("words-misspelt", "words", "back: Tilbage", "bakc: Tilbage"),
    Probe("words-nothing", "words", "back: Tilbage", "back:"),
    Probe("words-empty", "words", "back: Tilbage", 'back: ""'),
    Probe("words-a-list", "words", "back: Tilbage", "back: [Tilbage]"),
    Probe("words-direction", "words", "back: Tilbage", "direction: up"),
]

# Probes the schema accepts and `check` refuses, each with why no schema can see it.
BEYOND_A_SCHEMA = {
    "comment-after-title": "a comment is not part of the data a schema sees",
    "date-in-the-future": "whether a date is in the future depends on today",
    "id-missing": "the ids of nodes are defined across files",
    "link-to-missing-node": "links are inside Markdown text, and lead to ids in other files",
    "local-new-contact-without-name": "whether a contact in local.yaml is new depends on the "
    "base plan: an override needs no name",
    "local-placeholder": "a placeholder is allowed while editing: check warns until it is filled",
    "title-placeholder": "a placeholder is allowed while editing: check warns until it is filled",
    "translation-node-unknown": "the ids a translation translates are defined in the plan",
}


def test_there_are_enough_probes_and_each_is_named_once() -> None:
    assert len(PROBES) >= 40
    assert len({p.id for p in PROBES}) == len(PROBES)
    assert set(BEYOND_A_SCHEMA) <= {p.id for p in PROBES}


@pytest.fixture(scope="module")
def clean_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The clean project's files, the translation stamped with its fingerprints."""
    root = tmp_path_factory.mktemp("clean")
    _write(root, {FILES["content"]: PLAN, FILES["translation"]: TRANSLATION})
    stamp(root / "content")
    return {
        "content": PLAN,
        "local": LOCAL,
        "translation": (root / FILES["translation"]).read_text(encoding="utf-8"),
        "words": WORDS,
    }


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def schema_accepts(kind: str, text: str) -> bool:
    try:
        data = editor_load(text)
    except yaml.YAMLError:
        return False  # the editor underlines the YAML itself
    return jsonschema.Draft7Validator(json_schema(kind)).is_valid(data)


def check_accepts(root: Path) -> tuple[bool, list[str]]:
    report = check_project(Project.find(root), today=TODAY)
    return not report.problems, [p.format() for p in report.problems]


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.id)
def test_the_schema_and_check_agree(
    probe: Probe, clean_files: dict[str, str], tmp_path: Path
) -> None:
    clean = clean_files[probe.kind]
    assert probe.old in clean, f"{probe.id}: the clean {probe.kind} file has no {probe.old!r}"
    text = clean.replace(probe.old, probe.new, 1) if probe.old else clean
    files = {FILES["content"]: clean_files["content"], FILES[probe.kind]: text}
    shutil.rmtree(tmp_path, ignore_errors=True)
    _write(tmp_path, files)
    by_schema = schema_accepts(probe.kind, text)
    by_check, problems = check_accepts(tmp_path)
    if probe.id in BEYOND_A_SCHEMA:
        assert by_schema and not by_check, (
            f"{probe.id} is listed as beyond a schema ({BEYOND_A_SCHEMA[probe.id]}), but "
            f"schema accepts: {by_schema}, check: {problems}"
        )
    else:
        assert by_schema == by_check, f"schema accepts: {by_schema}; check says: {problems}"
