"""The JSON Schemas for editors: made from the model, one per kind of file, committed in schema/."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from yaml12 import load as editor_load

from actionplan.cli import cli
from actionplan.plan.loader import Role, load_files
from actionplan.plan.schema import FILE_KINDS, editor_settings, json_schema, schema_files
from actionplan.project import default_dir

ROLES = {
    Role.BASE: "content",
    Role.LOCAL: "local",
    Role.TRANSLATION: "translation",
    Role.LOCAL_TRANSLATION: "translation",
}


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_committed_schemas_are_current(kind: str) -> None:
    name = FILE_KINDS[kind][0]
    committed = (default_dir("schema") / name).read_text(encoding="utf-8")
    assert committed == schema_files()[name], "run: actionplan schema -o schema"


def test_the_schema_folder_holds_the_schemas_and_nothing_else() -> None:
    assert sorted(p.name for p in default_dir("schema").iterdir()) == sorted(schema_files())


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_each_schema_is_valid_draft_7(kind: str) -> None:
    jsonschema.Draft7Validator.check_schema(json_schema(kind))


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
    assert sorted(p.name for p in (tmp_path / "schema").iterdir()) == sorted(schema_files())


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
