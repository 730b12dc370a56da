"""The JSON Schemas for editors: made from the model, one per kind of file, committed in schema/."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from yaml12 import load as editor_load

from actionplan.cli import cli
from actionplan.i18n import LANGUAGES
from actionplan.plan.loader import Role, load_files
from actionplan.plan.schema import (
    FILE_KINDS,
    editor_settings,
    json_schema,
    schema_files,
    schema_line_in,
)
from actionplan.project import default_dir

ROLES = {
    Role.BASE: "content",
    Role.LOCAL: "local",
    Role.TRANSLATION: "translation",
    Role.LOCAL_TRANSLATION: "translation",
}


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_committed_schemas_are_current(name: str) -> None:
    committed = (default_dir("schema") / name).read_text(encoding="utf-8")
    assert committed == schema_files()[name], "run: actionplan schema -o schema"


def test_the_schema_folder_holds_the_schemas_and_nothing_else() -> None:
    assert files_under(default_dir("schema")) == sorted(schema_files())
    assert "da/content.schema.json" in schema_files()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", FILE_KINDS)
def test_each_schema_is_valid_draft_7(kind: str, language: str) -> None:
    jsonschema.Draft7Validator.check_schema(json_schema(kind, language))


WORDS = ("title", "description", "markdownDescription", "errorMessage", "patternErrorMessage")


def words_of(schema: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every text of the schema meant for a reader, by where it is."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in WORDS and isinstance(value, str):
                yield f"{where}/{key}", value
            elif key == "markdownEnumDescriptions":
                yield from ((f"{where}/{key}/{i}", v) for i, v in enumerate(value))
            else:
                yield from words_of(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from words_of(item, f"{where}/{i}")


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_the_danish_schema_is_the_english_in_danish(kind: str) -> None:
    english, danish = json_schema(kind, "en"), json_schema(kind, "da")
    english_words, danish_words = dict(words_of(english)), dict(words_of(danish))
    assert english_words.keys() == danish_words.keys()
    same = [w for w in english_words if english_words[w] == danish_words[w]]
    assert not same, "not translated (docs/translating.md)"
    # Only the words differ: what the schema accepts is the same.
    for where in english_words:
        *path, last = where.strip("/").split("/")
        for schema in (english, danish):
            parent = schema
            for step in path:
                parent = parent[int(step)] if isinstance(parent, list) else parent[step]
            parent[last if not isinstance(parent, list) else int(last)] = ""
    assert english == danish


def test_the_danish_schema_explains_in_danish() -> None:
    contact = json_schema("content", "da")["definitions"]["Contact"]
    phone = contact["properties"]["phone"]
    assert phone["patternErrorMessage"].startswith("Dette er ikke et telefonnummer: brug cifre")
    assert phone["markdownDescription"].startswith("Et telefonnummer, som vises som et link")
    assert contact["properties"]["name"]["markdownDescription"].endswith("\n\nPåkrævet.")
    assert contact["description"] == "En, man kan ringe eller skrive til eller slå op."


def test_cli_prints_one_schema_and_writes_all(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "local"])
    assert result.exit_code == 0
    assert set(json.loads(result.output)["properties"]) == {
        "plan",
        "local",
        "contacts",
        "laws",
        "nodes",
    }
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / "schema")])
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path / "schema") == sorted(schema_files())


def test_cli_prints_a_schema_in_the_language_of_its_messages() -> None:
    result = CliRunner().invoke(cli, ["--lang", "da", "schema", "local"])
    assert result.exit_code == 0
    assert result.output == schema_files()["da/local.schema.json"]


def test_each_node_kind_has_a_branch_of_its_own() -> None:
    defs = json_schema("content")["definitions"]
    branches = {b["if"]["properties"]["kind"]["const"]: b["then"] for b in defs["Node"]["allOf"]}
    assert branches == {
        kind: {"$ref": f"#/definitions/{kind.title()}"} for kind in ("question", "step", "outcome")
    }
    assert "options" in defs["Question"]["properties"]
    assert "options" not in defs["Step"]["properties"]
    assert "follow_up" not in defs["Step"]["properties"]
    assert defs["Step"]["required"] == ["title", "next"]


def test_messages_and_descriptions_are_words_not_patterns() -> None:
    text = json.dumps([json_schema(kind) for kind in FILE_KINDS])
    phone = json_schema("content")["definitions"]["Contact"]["properties"]["phone"]
    assert phone["patternErrorMessage"].startswith("This is not a phone number: use digits")
    assert phone["markdownDescription"].startswith("A phone number")
    assert "String does not match" not in text


def _role_files() -> list[tuple[Path, str]]:
    return [(f.path, ROLES[f.role]) for f in load_files(default_dir("content"))]


@pytest.mark.parametrize(("path", "kind"), _role_files(), ids=lambda v: getattr(v, "name", v))
def test_default_content_names_its_schema_and_validates(path: Path, kind: str) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), "the editor hint comes first"
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target == (default_dir("schema") / FILE_KINDS[kind][0]).resolve()
    jsonschema.validate(editor_load(text), json_schema(kind))


@pytest.mark.parametrize("path", sorted((default_dir("templates") / "i18n").glob("*.yaml")))
def test_the_default_words_validate(path: Path) -> None:
    jsonschema.validate(editor_load(path.read_text(encoding="utf-8")), json_schema("words"))


def test_the_editor_settings_give_each_file_one_schema() -> None:
    settings = json.loads(editor_settings())["yaml.schemas"]
    assert set(settings) == {f"./schema/{name}" for name, _ in FILE_KINDS.values()}
    content = settings["./schema/content.schema.json"]
    assert "!content/local.yaml" in content and "!content/translations/**" in content
    danish = json.loads(editor_settings(language="da"))["yaml.schemas"]
    assert danish == {key.replace("/schema/", "/schema/da/"): v for key, v in settings.items()}


def _matches(pattern: str, path: str) -> bool:
    """A file pattern of the editor's settings ('*' within a folder, '**' across folders)."""
    parts = re.split(r"(\*\*/|\*\*|\*)", pattern)
    wild = {"**/": "(?:.*/)?", "**": ".*", "*": "[^/]*"}
    return re.fullmatch("".join(wild.get(p) or re.escape(p) for p in parts), path) is not None


def _kinds_of(path: str) -> list[str]:
    return [
        kind
        for kind, (_name, patterns) in FILE_KINDS.items()
        if any(_matches(p, path) for p in patterns if not p.startswith("!"))
        and not any(_matches(p[1:], path) for p in patterns if p.startswith("!"))
    ]


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("content/plan.yaml", "content"),
        ("content/nodes/start.yaml", "content"),
        ("content/local.yaml", "local"),
        ("content/local/nodes.yaml", "local"),
        ("content/translations/en.yaml", "translation"),
        ("content/local/translations/en.yaml", "translation"),
        ("plans/bekymring/plan.yaml", "content"),
        ("plans/bekymring/nodes/start.yml", "content"),
        ("plans/bekymring/local.yaml", "local"),
        ("plans/bekymring/translations/en.yaml", "translation"),
        ("shared/local.yaml", "local"),
        ("shared/translations/en.yaml", "translation"),
        ("templates/i18n/da.yaml", "words"),
    ],
)
def test_every_file_of_a_project_of_several_plans_gets_one_schema(path: str, kind: str) -> None:
    assert _kinds_of(path) == [kind]


@pytest.mark.parametrize(
    ("line", "danish"),
    [
        (
            "# yaml-language-server: $schema=../schema/local.schema.json",
            "# yaml-language-server: $schema=../schema/da/local.schema.json",
        ),
        (
            "# yaml-language-server: $schema=../../schema/content.schema.json",
            "# yaml-language-server: $schema=../../schema/da/content.schema.json",
        ),
        ("# yaml-language-server: $schema=../schema/da/local.schema.json", None),  # already
        ("# yaml-language-server: $schema=https://example.org/other.json", None),
        ("# a comment that names ../schema/local.schema.json", None),
        ("plan:", None),
    ],
)
def test_a_files_schema_line_points_at_the_danish_schema(line: str, danish: str | None) -> None:
    text = f"{line}\nplan:\n  title: x\n"
    pointed = schema_line_in(text, "da")
    assert pointed == (text if danish is None else f"{danish}\nplan:\n  title: x\n")
    assert schema_line_in(text, "en") == text
