"""The JSON Schema for editors: generated from the model, committed beside the content."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.project import default_dir
from actionplan.schema import json_schema, schema_text

REPO = Path(__file__).resolve().parent.parent


def test_committed_schema_is_current() -> None:
    committed = (default_dir("schema") / "plan.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: actionplan schema -o schema/plan.schema.json"


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_cli_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["$defs"]["Step"]["required"] == ["title", "next", "kind"]


class EditorLoader(yaml.SafeLoader):
    """Reads dates as text, as an editor's YAML language server does before it checks them."""


EditorLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _content_files() -> list[Path]:
    return sorted(default_dir("content").rglob("*.yaml"))


@pytest.mark.parametrize("path", _content_files(), ids=lambda p: p.name)
def test_default_content_validates_against_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema="), "the editor hint comes first"
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target == (default_dir("schema") / "plan.schema.json").resolve()
    jsonschema.validate(yaml.load(text, Loader=EditorLoader), json_schema())


def test_schema_catches_an_unknown_key() -> None:
    bad = {"nodes": {"a": {"kind": "step", "title": "x", "next": "b", "titel": "y"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, json_schema())
