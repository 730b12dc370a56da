"""What an author sees in an editor: the YAML language server (npm yaml-language-server) reading a
project made by `actionplan new`, through the editor settings and schemas `new` writes.  The
default plan is Danish, so the project's editor speaks Danish: the schemas in schema/da/.  The
server's own words ("Property titel is not allowed.") are its own, in English.

The server runs over stdio as an editor runs it; .ci/run installs it (see tests/yaml_server.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from yaml_server import LanguageServer

from actionplan.cli import cli
from actionplan.plan.model import Outcome, Question, Step
from actionplan.plan.shapes import fields_of

# A node file the author has just made: no `$schema` line, only the settings to go by.
NODE_FILE = """\
nodes:
  ring-politiet:
    kind: step
    titel: Ring til politiet
    next: slut
    {cursor}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor") / "kommune"
    result = CliRunner().invoke(cli, ["new", str(root), "--host", "none"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def server(project: Path, yaml_server_command: list[str]) -> Iterator[LanguageServer]:
    vscode = json.loads((project / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    settings: dict[str, Any] = {
        "yaml": {
            "schemas": vscode["yaml.schemas"],
            "validate": True,
            "completion": True,
            "hover": True,
        }
    }
    with LanguageServer(yaml_server_command, project, settings) as running:
        yield running


def _open(server: LanguageServer, path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return server.open(path, text)


def _keys(cls: type) -> set[str]:
    return set(fields_of(cls)) - {"kind"}


@pytest.mark.parametrize("folder", ["content/nodes", "plans/bekymring/nodes"])
def test_completion_after_kind_step_offers_only_step_keys(
    project: Path, server: LanguageServer, folder: str
) -> None:
    text = NODE_FILE.format(cursor="")
    uri = _open(server, project / folder / "ny.yaml", text)
    line = text.splitlines().index("    ")
    server.wait_for_diagnostics(uri)  # the file is read, with its schema
    offered = set(server.completion_labels(uri, line, 4))
    keys = offered & (_keys(Question) | _keys(Step) | _keys(Outcome))
    assert keys == _keys(Step) - {"next"}  # 'next' is written already
    assert "options" not in offered and "follow_up" not in offered


def test_a_wrong_key_is_reported_in_plain_words(project: Path, server: LanguageServer) -> None:
    text = NODE_FILE.format(cursor="")
    uri = _open(server, project / "content" / "nodes" / "fejl.yaml", text)
    diagnostics = server.wait_for_diagnostics(uri)
    messages = {(d["range"]["start"]["line"], d["message"]) for d in diagnostics}
    assert messages == {
        (3, "Property titel is not allowed."),
        (1, 'Missing property "title".'),
    }


def test_a_wrong_value_is_explained_not_shown_as_a_pattern(
    project: Path, server: LanguageServer
) -> None:
    text = (
        "contacts:\n"
        "  ssp:\n"
        "    name: SSP\n"
        "    phone: ring til os\n"
        "  politi-hjælp:\n"
        "    name: Politiet\n"
        '    url: "https://politi.dk/"\n'
    )
    uri = _open(server, project / "content" / "kontakter.yaml", text)
    messages = {d["range"]["start"]["line"]: d["message"] for d in server.wait_for_diagnostics(uri)}
    assert messages[3].startswith("Dette er ikke et telefonnummer: brug cifre, mellemrum")
    assert "skriv ae, oe og aa for æ, ø og å" in messages[4]
    assert not any("pattern" in m for m in messages.values())


def test_hovering_over_a_key_explains_it_in_danish(project: Path, server: LanguageServer) -> None:
    text = NODE_FILE.format(cursor="")
    uri = _open(server, project / "content" / "nodes" / "forklaring.yaml", text)
    server.wait_for_diagnostics(uri)
    line = text.splitlines().index("    next: slut")
    shown = server.hover_text(uri, line, 6)
    assert "\n\nId'et på det punkt, der kommer bagefter.\n\nPåkrævet.\n\n" in shown, shown


def test_local_yaml_has_its_own_schema(project: Path, server: LanguageServer) -> None:
    text = "language: en\nlocal:\n  municipality: Eksempel Kommune\n"  # a translation's key
    uri = _open(server, project / "content" / "local.yaml", text)
    messages = [d["message"] for d in server.wait_for_diagnostics(uri)]
    assert messages == ["Property language is not allowed."]
