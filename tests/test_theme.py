"""The theme: what its templates get, how a project overrides them, and what a theme may not do."""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import jinja2
import jinja2.compiler
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from actionplan.card import assets, filters, render, shelf
from actionplan.card import theme as theme_module
from actionplan.card.theme import Theme
from actionplan.cli import cli
from actionplan.files import MAX_IMAGE_BYTES
from actionplan.plan.model import Option, Question, Text
from actionplan.project import default_dir

REGEN = bool(os.environ.get("ACTIONPLAN_REGEN"))
DOCS = Path(__file__).resolve().parent.parent / "docs" / "theming.md"


@pytest.mark.parametrize(
    "value",
    [render.Card, render.Page, render.Document, shelf.Index, shelf.IndexPage, shelf.IndexEntry],
)
def test_theming_md_names_every_variable_the_templates_get(value: type) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## What the templates get") :]
    section = section[: section.index("\n## ", 1)]
    named = set(re.findall(r"`(\w+)", section))
    missing = [f.name for f in dataclasses.fields(value) if f.name not in named]
    assert not missing, f"docs/theming.md does not tell of {missing}"


CASES = Path(__file__).resolve().parent / "fixtures" / "theme"
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "good" / "minimal" / "content"
PROBLEM = re.compile(r"\S+: (?:error|warning): ")


def _problems(output: str) -> list[str]:
    return [line for line in output.splitlines() if PROBLEM.match(line)]


def _large_image(work: Path) -> None:
    """An image over the limit: made here, not kept in the repository."""
    (work / "templates" / "big.png").write_bytes(b"\x89PNG" + bytes(MAX_IMAGE_BYTES))


SETUP = {"image-too-large": _large_image}


def theme_case(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The case's templates/ over a copy of the minimal plan, worked on from inside it."""
    work = tmp_path / case.name
    shutil.copytree(case, work)
    shutil.copytree(MINIMAL, work / "content")
    SETUP.get(case.name, lambda _: None)(work)
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("lang", ["en", "da"])
@pytest.mark.parametrize(
    "case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name
)
def test_a_theme_case_gives_the_same_problems_in_check_and_build(
    case: Path, lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exact problem lines, in English (expected.txt) and Danish (expected.da.txt)."""
    work = theme_case(case, tmp_path, monkeypatch)
    expected_file = case / ("expected.txt" if lang == "en" else f"expected.{lang}.txt")
    env = {"NO_COLOR": "1"}
    check = CliRunner().invoke(cli, ["--lang", lang, "check", "."], env=env)
    build = CliRunner().invoke(cli, ["--lang", lang, "build", "."], env=env)
    if REGEN:
        lines = "".join(f"{line}\n" for line in _problems(check.stderr))
        expected_file.write_text(lines, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert _problems(check.stderr) == expected
    assert _problems(build.stderr) == expected
    failed = any(": error: " in line for line in expected)
    assert (check.exit_code, build.exit_code) == ((1, 1) if failed else (0, 0))
    assert (work / "build" / "index.html").exists() != failed
    if lang != "en" and expected:
        english = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
        assert expected != english, "the Danish is the English: translate the message"


def test_an_override_that_extends_its_own_name_extends_the_default_theme(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = theme_case(CASES / "extends-own-name", tmp_path, monkeypatch)
    assert CliRunner().invoke(cli, ["build", "."]).exit_code == 0
    html = (work / "build" / "index.html").read_text(encoding="utf-8")
    assert "<p>Eksempel Kommune</p>" in html  # the override's block
    assert 'class="ap-emergency"' in html  # the default theme's around it
    assert "Is anyone in danger right now?" in html


def test_the_default_theme_names_nothing_to_load_or_to_inline(tmp_path: Path) -> None:
    """The build passes the default theme's own files by (assets.inline_images); read as a
    project's files, they come out as they are, with no problem."""
    folder = default_dir("templates")
    read = 0
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".html", ".css"):
            text = path.read_text(encoding="utf-8")
            assert assets.inline_images(text, path.name, tmp_path) == text, path.name
            read += 1
    assert read >= 6
    assert assets.inline_images("a { background: url(x.png) }", "x.css", folder) == (
        "a { background: url(x.png) }"
    )


@pytest.mark.parametrize("case", ["image-in-css", "image-in-template", "image-in-style"])
def test_an_image_in_the_templates_folder_is_made_part_of_the_card(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = theme_case(CASES / case, tmp_path, monkeypatch)
    assert CliRunner().invoke(cli, ["build", "."]).exit_code == 0
    html = (work / "build" / "index.html").read_text(encoding="utf-8")
    svg = (work / "templates" / "images" / "mark.svg").read_bytes()
    assert f"data:image/svg+xml;base64,{base64.b64encode(svg).decode()}" in html
    assert "images/mark.svg" not in html


def test_theme_prefix_names_the_default_theme_s_template(tmp_path: Path) -> None:
    (tmp_path / "language.html").write_text("own", encoding="utf-8")
    theme = Theme.load(tmp_path)
    assert theme.source("language.html") == "own"
    assert "{% block footer %}" in (theme.source("theme/language.html") or "")


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "p"
    shutil.copytree(MINIMAL, work / "content")
    monkeypatch.chdir(work)
    return work


def test_theme_lists_the_default_files_and_the_project_s_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _project(tmp_path, monkeypatch)
    (work / "templates" / "i18n").mkdir(parents=True)
    (work / "templates" / "node.html").write_text("x", encoding="utf-8")
    (work / "templates" / "custom.css").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, ["theme"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.stdout.splitlines()[1:-1]]
    assert ["card.html"] in lines and ["i18n/da.yaml"] in lines
    assert ["node.html", "overridden", "by", "templates/node.html"] in lines
    assert ["custom.css", "templates/custom.css,", "the", "project's", "own"] in lines
    assert CliRunner().invoke(cli, ["theme", "list", "."]).stdout == result.stdout


def test_theme_copy_copies_a_default_file_into_templates_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _project(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["theme", "copy", "i18n/da.yaml"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    copied = work / "templates" / "i18n" / "da.yaml"
    assert copied.read_bytes() == (Theme.load().source("i18n/da.yaml") or "").encode()
    copied.write_text("back: Tilbage igen\n", encoding="utf-8")
    again = CliRunner().invoke(cli, ["theme", "copy", "i18n/da.yaml"], env={"NO_COLOR": "1"})
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "templates/i18n/da.yaml: error: already exists: your own copy, which overrides the "
        "default (edit it, or remove it first to copy the default again)"
    ]
    assert copied.read_text(encoding="utf-8") == "back: Tilbage igen\n"


def test_theme_copy_names_a_file_or_a_dangling_link_where_its_folder_should_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdir's "file exists" was told as the author's own copy, which it is not."""
    work = _project(tmp_path, monkeypatch)
    (work / "templates").mkdir()
    for make in (
        lambda path: path.write_text("x", encoding="utf-8"),
        lambda path: path.symlink_to(tmp_path / "nowhere"),
    ):
        make(work / "templates" / "i18n")
        result = CliRunner().invoke(cli, ["theme", "copy", "i18n/da.yaml"], env={"NO_COLOR": "1"})
        assert result.exit_code == 1
        assert result.stderr.splitlines() == [
            "templates/i18n/da.yaml: error: a part of this path is a file, not a folder "
            "(check the path)"
        ]
        (work / "templates" / "i18n").unlink()
    assert not (tmp_path / "nowhere").exists()


def test_theme_copy_refuses_a_name_the_default_theme_does_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _project(tmp_path, monkeypatch)
    result = CliRunner().invoke(cli, ["theme", "copy", "nod.html"], env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "nod.html: error: not a file of the default theme (did you mean node.html?)"
    ]
    assert not (work / "templates").exists()


@given(st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False)))
def test_a_value_a_template_writes_is_escaped_as_markupsafe_escapes_it(value: object) -> None:
    written = theme_module._escape_output(value)
    assert str(written) == str(escape(value))
    assert str(theme_module._escape_output(Text(str(value), "en"))) == str(escape(str(value)))


@given(st.text())
def test_markup_a_template_writes_is_written_as_it_is(value: str) -> None:
    assert theme_module._escape_output(Markup(value)) == Markup(value)
    assert theme_module._escape_output(escape(value)) == str(escape(value))


@given(st.text())
def test_a_string_is_escaped_as_markupsafe_escapes_it_with_or_without_its_speedups(
    value: str,
) -> None:
    assert filters._escape_text(value) == str(escape(value))
    assert filters._replaced(value) == str(escape(value))


@given(st.text())
def test_the_text_filter_writes_what_escape_writes_with_its_calls(value: str) -> None:
    # text() makes a plain string's Markup without markupsafe's Python calls, where it has no
    # bidirectional control to isolate; and md() its HTML's Markup so.
    written = filters.text(None, value)
    assert type(written) is Markup
    assert written == filters._isolated(value, escape(value))
    made = filters._markup(value)
    assert type(made) is Markup
    assert made == Markup(value)


class _JinjasOwnCode(theme_module._Environment):
    """The theme's environment, with the code Jinja's own generator writes."""

    code_generator_class = jinja2.compiler.CodeGenerator


# Templates that read fields everywhere Jinja lets them: what the theme's generator writes
# must give what Jinja's own code gives, with the theme's getattr (another kind's field, a
# word of a mapping), or fail with the same error.
FIELD_READS = [
    "{{ node.title }}|{{ node.urgent }}|{{ node.options|length }}|{{ node.next }}",
    "{{ plan.info.start }}{{ plan.info.start.upper() }}{{ ui.back }}{{ ui.items }}",
    "{% for o in node.options if o.next != 'b' %}{{ loop.index }}{{ o.label }}{% endfor %}",
    "{% for o in node.options %}{{ loop.previtem.label if loop.previtem is defined }}{% endfor %}",
    "{% macro m(x, y=node.title) %}{{ x.label }}{{ y }}{{ caller().strip() if caller is defined }}"
    "{% endmacro %}{{ m(node.options[0]) }}{% call m(node.options[1]) %} {{ node.id }}"
    "{% endcall %}",
    "{% set t %}{{ node.title }}{% endset %}{{ t }}{% filter upper %}{{ node.body }}"
    "{% endfilter %}",
    "{% set ns = namespace(n=node.title) %}{% set ns.n = ns.n ~ node.id %}{{ ns.n }}",
    "{% with k = node.kind %}{{ k }}{{ node.options[0].next }}{% endwith %}",
    "{{ node.who or node.title }}{{ (node.options|first).label }}{{ node.__class__.__name__ }}",
    "{% block b %}{{ node.title }}{{ self._TemplateReference__context.name }}{% endblock %}",
    "{{ node.nothing }}",
    "{{ ui.nothing }}",
    "{{ nothing.at_all }}",
]


@pytest.mark.parametrize("source", FIELD_READS)
def test_a_field_read_by_the_theme_s_code_gives_what_jinja_s_own_code_gives(
    source: str,
) -> None:
    question = Question(
        id="a",
        title="Spørgsmål <1>",
        body="Tekst",
        options=(Option(label="Ja", next="b"), Option(label="Nej", next="c")),
    )
    plan = SimpleNamespace(info=SimpleNamespace(start="a"))
    values = {"node": question, "plan": plan, "ui": {"back": "Tilbage"}}
    found = []
    for env in (Theme.load().env, _JinjasOwnCode(**_options(Theme.load().env))):
        try:
            found.append(env.from_string(source).render(values))
        except jinja2.UndefinedError as exc:
            found.append(f"{type(exc).__name__}: {exc}")
    assert found[0] == found[1]
    if "nothing" not in source:
        assert "Error" not in found[0]


def _options(env: jinja2.Environment) -> dict[str, object]:
    """What the environment was made with (Theme.load), for another made the same way."""
    return {
        "loader": env.loader,
        "autoescape": env.autoescape,
        "trim_blocks": env.trim_blocks,
        "lstrip_blocks": env.lstrip_blocks,
        "keep_trailing_newline": env.keep_trailing_newline,
        "undefined": env.undefined,
    }


def test_every_template_escapes_what_it_writes_with_the_theme_s_escape() -> None:
    """Compiled or loaded from the bytecode cache, each template's code looks `escape` up in
    its own module, where the theme puts _escape_output; and what it writes is escaped."""
    theme = Theme.load()
    for name in ("card.html", "language.html", "node.html", "macros.html"):
        template = theme.template(name)
        assert template.root_render_func.__globals__["escape"] is theme_module._escape_output
    written = theme.env.from_string("{{ a }}|{{ b }}|{{ c }}").render(
        a="<'&\">", b=Markup("<i>"), c=3
    )
    assert written == "&lt;&#39;&amp;&#34;&gt;|<i>|3"
