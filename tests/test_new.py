"""`actionplan new`: a project folder to fill in, check, serve and publish."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.commands import diff as upgrade
from actionplan.plan.read import check_plan
from actionplan.project import BASE_ENV, Project, default_dir

PLAN = {
    "plan": {
        "title": "Default plan",
        "language": "en",
        "version": "1",
        "owner": "Test",
        "reviewed": dt.date.today(),
        "start": "done",
        "emergency": ["help"],
    },
    "nodes": {"done": {"kind": "outcome", "title": "Done"}},
}
SOURCE = "git+https://example.org/municipality/actionplan@v0.1.0"
LOCAL = (
    "local:\n  municipality: {placeholder: Your municipality}\ncontacts:\n  help:\n"
    "    name: Help\n    phone: {placeholder: The phone number}\n"
)


@pytest.fixture
def default_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the base plan (ACTIONPLAN_BASE), so these tests do not depend on its files."""
    content = tmp_path / "default" / "content"
    (content / "nodes").mkdir(parents=True)
    (content / "plan.yaml").write_text(yaml.safe_dump(PLAN), encoding="utf-8")
    (content / "nodes" / "more.yaml").write_text("nodes: {}\n", encoding="utf-8")
    (content / "local.yaml").write_text(LOCAL, encoding="utf-8")
    monkeypatch.setenv(BASE_ENV, str(content))
    return content


def files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def new(dest: Path, *options: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["new", "--source", SOURCE, *options, "--", str(dest)])
    return result.exit_code, result.stdout, result.stderr


def test_new_makes_a_project_to_fill_in(tmp_path: Path, default_content: Path) -> None:
    dest = tmp_path / "kommune"
    code, _out, err = new(dest)
    assert code == 0, err
    assert "local.yaml" in err
    assert sorted(files(dest)) == [
        ".github/workflows/pages.yml",
        ".gitignore",
        ".vscode/settings.json",
        "README.md",
        "content/base-lock.json",
        "content/local.yaml",
        "schema/content.schema.json",
        "schema/da/content.schema.json",
        "schema/da/local.schema.json",
        "schema/da/translation.schema.json",
        "schema/da/words.schema.json",
        "schema/local.schema.json",
        "schema/translation.schema.json",
        "schema/words.schema.json",
        "templates/README.md",
    ]
    # Only the local layer, started from the base plan's; the base plan stays in the package.
    assert files(dest / "content")["local.yaml"] == LOCAL.encode()
    assert upgrade.read_lock(dest / "content") is not None  # the base it starts from, reviewed
    report = check_plan(dest / "content")
    assert report.plan is not None and report.plan.info.title == "Default plan"
    assert not report.errors
    assert len(report.warnings) == 2  # the placeholders: the local layer is there to fill in
    assert (dest / ".gitignore").read_text() == "build/\n"
    settings = json.loads((dest / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert "./schema/local.schema.json" in settings  # an English plan, the English schemas
    for schema in settings:  # each file the editor is pointed at is there
        json.loads((dest / schema).read_text())
    readme = (dest / "README.md").read_text()
    for command in ("actionplan check", "actionplan build --strict", "actionplan serve"):
        assert command in readme
    assert "content/local.yaml" in readme
    templates = (dest / "templates" / "README.md").read_text()
    assert "same name" in templates and "custom.css" in templates


def test_new_copy_base_copies_the_whole_base_plan(tmp_path: Path, default_content: Path) -> None:
    dest = tmp_path / "kommune"
    code, _out, err = new(dest, "--copy-base")
    assert code == 0, err
    assert files(dest / "content") == files(default_content)
    assert Project.find(dest).base is None  # the copy is the project's own base plan now
    assert len(check_plan(dest / "content").warnings) == 2


def test_a_danish_plan_gets_the_danish_schemas(tmp_path: Path, default_content: Path) -> None:
    plan = {**PLAN, "plan": {**PLAN["plan"], "language": "da"}}
    (default_content / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    schema_line = "# yaml-language-server: $schema=../schema/local.schema.json\n"
    (default_content / "local.yaml").write_text(schema_line + LOCAL, encoding="utf-8")
    dest = tmp_path / "kommune"
    assert new(dest)[0] == 0
    settings = json.loads((dest / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    assert sorted(settings) == [
        "./schema/da/content.schema.json",
        "./schema/da/local.schema.json",
        "./schema/da/translation.schema.json",
        "./schema/da/words.schema.json",
    ]
    local = (dest / "content" / "local.yaml").read_text(encoding="utf-8")
    assert local == "# yaml-language-server: $schema=../schema/da/local.schema.json\n" + LOCAL
    danish = json.loads((dest / "schema" / "da" / "local.schema.json").read_text())
    assert danish["title"] == "actionplans lokale lag (content/local.yaml)"


def test_new_accepts_an_empty_folder(tmp_path: Path, default_content: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert new(tmp_path / "empty")[0] == 0
    assert (tmp_path / "empty" / "content" / "local.yaml").is_file()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("folder", "already exists and is not an empty folder"),
        ("file", "is a file, not a folder"),
    ],
)
def test_new_refuses_what_is_there(
    tmp_path: Path, default_content: Path, kind: str, message: str
) -> None:
    dest = tmp_path / "taken"
    if kind == "folder":
        dest.mkdir()
        (dest / "notes.txt").write_text("mine")
    else:
        dest.write_text("mine")
    before = files(tmp_path / "taken") if kind == "folder" else dest.read_bytes()
    code, out, err = new(dest)
    assert code == 1
    assert out == ""
    assert err == f"{dest}: error: {message} (give the name of a new folder)\n"
    assert (files(dest) if kind == "folder" else dest.read_bytes()) == before


def test_new_names_a_file_or_a_link_to_nothing_on_the_way(
    tmp_path: Path, default_content: Path
) -> None:
    """Without a folder there, making one said only "Not a directory" or "File exists"."""
    (tmp_path / "a-file").write_text("mine")
    (tmp_path / "a-link").symlink_to(tmp_path / "nowhere")
    for dest, said in (
        (tmp_path / "a-file" / "p", "a part of this path is a file, not a folder (check the path)"),
        (tmp_path / "a-link" / "p", "a part of this path is a file, not a folder (check the path)"),
        (
            tmp_path / "a-link",
            "already exists and is not an empty folder (give the name of a new folder)",
        ),
    ):
        code, out, err = new(dest)
        assert (code, out, err) == (1, "", f"{dest}: error: {said}\n")
    assert not (tmp_path / "nowhere").exists()


def test_new_layers_over_the_installed_default_plan(tmp_path: Path) -> None:
    assert new(tmp_path / "p")[0] == 0
    assert Project.find(tmp_path / "p").base == default_dir("content")
    report = check_plan(tmp_path / "p" / "content")
    assert not report.errors
    default = check_plan(default_dir("content")).plan
    assert report.plan is not None and default is not None
    assert report.plan.nodes == default.nodes


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("kommune", "actionplan serve kommune"),
        ("Min Kommune Kort", "actionplan serve 'Min Kommune Kort'"),
        ("-kort", "actionplan serve ./-kort"),  # not taken for an option
    ],
)
def test_the_next_command_can_be_copied(
    tmp_path: Path, default_content: Path, monkeypatch: pytest.MonkeyPatch, name: str, command: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _out, err = new(Path(name))
    assert code == 0, err
    assert err.rstrip().endswith(f"then run: {command}")
