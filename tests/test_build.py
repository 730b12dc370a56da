"""`actionplan build`: one self-contained file, written atomically and reproducibly."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.commands.build import build_card
from actionplan.project import Project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def small(small_card: Path) -> Path:
    return small_card


def build(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(path), *args])
    return result.exit_code, result.output


def test_build_writes_one_self_contained_file(small: Path) -> None:
    code, output = build(small)
    assert code == 0, output
    assert [p.name for p in (small / "build").iterdir()] == ["index.html"]
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    # Nothing that would make the browser fetch: no src/href to another file or host.
    assert not re.search(r'\b(?:src|href)="(?!#|data:|tel:|mailto:|https?://)', html)
    assert not re.search(r'\bsrc="https?:', html)
    assert '<link rel="stylesheet"' not in html
    assert '<link rel="icon" href="data:,">' in html


def test_csp_admits_exactly_the_inline_script_and_style(small: Path) -> None:
    build(small)
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "unsafe" not in csp and "default-src 'none'" in csp

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 1
    assert f"style-src 'sha256-{digest(style)}'" in csp
    assert f"script-src 'sha256-{digest(scripts[0])}'" in csp


def test_two_builds_are_byte_identical(small: Path, tmp_path: Path) -> None:
    build(small, "--out", str(tmp_path / "a"))
    build(small, "--out", str(tmp_path / "b"))
    assert (tmp_path / "a" / "index.html").read_bytes() == (
        tmp_path / "b" / "index.html"
    ).read_bytes()


def test_output_does_not_depend_on_hash_seed(small: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        subprocess.run(
            [sys.executable, "-m", "actionplan", "-q", "build", str(small), "-o", str(out)],
            check=True,
            cwd=tmp_path,
            env={
                "PYTHONHASHSEED": seed,
                "PATH": "",
                "PYTHONPATH": str(REPO),
                "ACTIONPLAN_CACHE_DIR": os.environ["ACTIONPLAN_CACHE_DIR"],
            },
        )
        outputs.append((out / "index.html").read_bytes())
    assert outputs[0] == outputs[1]


def test_a_failed_build_keeps_the_last_good_card(small: Path) -> None:
    build(small)
    card = small / "build" / "index.html"
    good = card.read_bytes()
    plan = small / "content" / "plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("start: fare", "start: nowhere"), encoding="utf-8"
    )
    code, output = build(small)
    assert code == 1
    assert "plan.yaml:8:10: error: no node with the id 'nowhere'" in output
    assert card.read_bytes() == good
    assert [p.name for p in card.parent.iterdir()] == ["index.html"]  # no temp file left


def test_a_broken_template_keeps_the_last_good_card(small: Path) -> None:
    build(small)
    good = (small / "build" / "index.html").read_bytes()
    (small / "templates").mkdir()
    (small / "templates" / "node.html").write_text("{% if %}", encoding="utf-8")
    code, output = build(small)
    assert code == 1
    assert "node.html:1:1: error: not a valid template" in output
    assert (small / "build" / "index.html").read_bytes() == good


def test_a_template_that_fails_while_rendering_is_named_with_its_line(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (small / "templates").mkdir()
    (small / "templates" / "node.html").write_text("<p>\n{{ foo.bar }}</p>\n", encoding="utf-8")
    monkeypatch.chdir(small)
    code, output = build(small)
    assert code == 1
    assert output.splitlines() == [
        "templates/node.html:2:1: error: 'foo' is not a variable of the templates "
        "(see what the templates get in docs/theming.md; is it misspelt?)",
        f"not built: 1 error, 0 warnings ({small / 'build'} is left as it was)",
    ]


def test_strict_build_refuses_warnings(small: Path) -> None:
    code, output = build(small, "--strict")
    assert code == 1
    assert "warning: node 'ring' is not translated into 'ar'" in output
    assert not (small / "build").exists()


def test_a_template_override_replaces_the_default(small: Path) -> None:
    (small / "templates").mkdir()
    (small / "templates" / "card.html").write_text(
        "<!doctype html><title>{{ plan.info.title }}</title>mine", encoding="utf-8"
    )
    build(small)
    assert (small / "build" / "index.html").read_text(encoding="utf-8").endswith("mine")


def test_custom_css_is_appended_and_hashed(small: Path) -> None:
    (small / "templates").mkdir()
    (small / "templates" / "custom.css").write_text(
        ".ap-title { color: rebeccapurple; }", encoding="utf-8"
    )
    build(small)
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    assert style.endswith(".ap-title{color:rebeccapurple}")  # minified like the rest


def test_local_colours_and_logo_are_inlined(small: Path) -> None:
    (small / "content" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8"
    )
    (small / "content" / "local.yaml").write_text(
        "local:\n  municipality: Testby Kommune\n  logo: logo.svg\n"
        '  colors:\n    primary: "#123456"\n',
        encoding="utf-8",
    )
    code, output = build(small)
    assert code == 0, output
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    assert ":root{--ap-primary:#123456}" in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Testby Kommune" in html


def test_content_is_never_run_as_a_template(small: Path) -> None:
    nodes = small / "content" / "plan.yaml"
    text = nodes.read_text(encoding="utf-8").replace(
        "title: Færdig", 'title: "{{ 7*7 }} {% for x in y %}<script>alert(1)</script>"'
    )
    nodes.write_text(text, encoding="utf-8")
    code, output = build(small)
    assert code == 0, output
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }} {% for x in y %}&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "49" not in html.split("<body>")[1].split("<script")[0]


def test_output_inside_content_is_refused(small: Path) -> None:
    code, output = build(small, "--out", str(small / "content" / "out"))
    assert code == 1
    assert "inside the content folder" in output


def test_an_output_that_is_no_folder_is_named_so(small: Path) -> None:
    """A device, a named pipe, a dangling link or a file among the parents gave a bare
    "cannot write: File exists" when the card was written."""
    os.mkfifo(small / "pipe")
    (small / "file").write_text("x", encoding="utf-8")
    (small / "dangling").symlink_to(small / "nowhere")
    cases = {
        "/dev/null": "/dev/null: error: the output folder is not a folder (give a folder",
        str(small / "pipe"): "pipe: error: the output folder is not a folder",
        str(
            small / "file" / "out"
        ): f"a part of the output folder's path is not a folder: {small}/file",
        str(small / "dangling"): f"a symbolic link to {small}/nowhere, which does not exist",
    }
    for out, said in cases.items():
        code, output = build(small, "--out", out)
        assert code == 1 and said in output, output
    assert not (small / "nowhere").exists()


def test_project_folder_and_content_folder_both_work(small: Path) -> None:
    assert Project.find(small).content == small / "content"
    assert Project.find(small / "content").content == small / "content"
    result = build_card(Project.find(small / "content"))
    assert result.path == small / "build" / "index.html"


def test_a_folder_that_holds_no_plan_is_one_error_not_every_file_below(small: Path) -> None:
    """Run from the folder above a project, a check would read that project's files (and any
    other's) as if they were one plan, and report each as a mistake."""
    above = small.parent
    code, output = build(above)
    assert code == 1
    assert output.splitlines() == [
        f"{above.as_posix()}: error: no plan here: no content/ folder and no .yaml files "
        "(did you mean small/? Give the folder that has content/ in it)"
    ]
    empty = above / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["check", str(empty)])
    assert result.exit_code == 1
    assert "no plan here" in result.output and "did you mean" not in result.output


def test_a_content_folder_of_another_name_needs_an_output_folder(small: Path) -> None:
    plan = small.parent / "my-plan"
    (small / "content").rename(plan)
    code, output = build(plan)
    assert code == 1
    assert "the default output folder is inside the content folder" in output
    assert "-o" in output
    assert not (plan / "build").exists()
    code, output = build(plan, "-o", str(small / "out"))
    assert code == 0, output
    assert (small / "out" / "index.html").is_file()


def test_a_step_replaced_locally_builds_with_the_original_list_in_other_languages(
    project: Path,
) -> None:
    """A municipality replaces a step in local.yaml with a shorter checklist: the English
    translation of the step no longer fits it, which is a warning, not a failed build."""
    local = project / "content" / "local.yaml"
    local.write_text(
        local.read_text(encoding="utf-8")
        + "\nnodes:\n  ring-112:\n    kind: step\n    title: Ring 112 nu\n"
        "    checklist: [Ring 112., Ring til skolens ledelse.]\n"
        "    contacts: [alarm-112]\n    next: modtag\n",
        encoding="utf-8",
    )
    code, output = build(project)
    assert code == 0, output
    assert "'checklist' has 3 items in the translation and 2 items in the original" in output
    assert ": warning: " in output and ": error: " not in output
    html = (project / "build" / "index.html").read_text(encoding="utf-8")
    english = html.split('<section id="en/ring-112"', 1)[1].split("</section>", 1)[0]
    checklist = english.split('class="ap-checklist"', 1)[1].split("</ul>", 1)[0]
    assert '<span lang="da" dir="auto">Ring til skolens ledelse.</span>' in checklist
    assert "Stay with the young person." not in english  # the base step's translation


def test_a_language_without_interface_words_is_warned_about(small: Path) -> None:
    code, output = build(small)
    assert code == 0
    assert "no words of its own in 'ar'" in output
    code, output = build(small, "--strict")
    assert code == 1


def test_check_reports_the_card_s_words_as_build_does(small: Path) -> None:
    """A check that passes with --strict promises a build that does too."""
    check = CliRunner().invoke(cli, ["check", str(small), "--strict"])
    assert check.exit_code == 1
    assert "no words of its own in 'ar'" in check.output


def test_a_misspelt_word_in_a_words_file_is_a_warning(small: Path) -> None:
    words = small / "templates" / "i18n"
    words.mkdir(parents=True)
    (words / "ar.yaml").write_text("back: رجوع\nbakc: رجوع\n", encoding="utf-8")
    expected = (
        "templates/i18n/ar.yaml:2:1: warning: 'bakc' is not one of the card's words, so it is "
        "not used (did you mean 'back'?)"
    )
    code, output = build(small)
    assert code == 0 and expected in output
    check = CliRunner().invoke(cli, ["check", str(small)])
    assert check.exit_code == 0 and expected in check.output
    assert build(small, "--strict")[0] == 1


def test_a_broken_words_file_fails_check_and_build_alike(small: Path) -> None:
    words = small / "templates" / "i18n"
    words.mkdir(parents=True)
    (words / "ar.yaml").write_text("back: رجوع\nstart_over [\n", encoding="utf-8")
    code, output = build(small)
    check = CliRunner().invoke(cli, ["check", str(small)])
    assert code == 1 and check.exit_code == 1
    # Read by the plan's own loader, the words file is explained as a content file is.
    message = "templates/i18n/ar.yaml:2:1: error: a key without ':' (write 'key: value', or quote"
    assert message in output
    assert message in check.output


def test_interface_words_for_a_new_language_are_a_file_in_templates(small: Path) -> None:
    (small / "templates" / "i18n").mkdir(parents=True)
    (small / "templates" / "i18n" / "ar.yaml").write_text(
        "back: رجوع\nstart_over: ابدأ من جديد\n", encoding="utf-8"
    )
    code, output = build(small)
    assert code == 0 and "no words of its own" not in output
    html = (small / "build" / "index.html").read_text(encoding="utf-8")
    arabic = html.split('lang="ar" dir="rtl"', 1)[1].split('class="ap-lang"')[0]
    assert "رجوع" in arabic and "ابدأ من جديد" in arabic
    assert "Skip to content" in arabic  # a word the file leaves out falls back to English


def test_every_placeholder_in_the_default_card_says_it_is_one(project: Path) -> None:
    """A contact still to be filled in is shown by its hint alone in a step and in the emergency
    bar; a screen reader, or text copied from the card, must not take the hint for a name."""
    code, output = build(project)
    assert code == 0, output
    html = (project / "build" / "index.html").read_text(encoding="utf-8")
    marks = re.findall(r'<mark class="ap-placeholder">(.*?)</mark>', html)
    assert marks
    short = [m for m in marks if not m.startswith("[")]
    assert short, "the default card shows some placeholders by their hint alone"
    for mark in short:
        assert re.match(r'<span class="ap-sr">(Skal udfyldes|To be filled in): </span>', mark)


def test_the_plan_s_owner_is_marked_in_its_language_in_another(project: Path) -> None:
    local = project / "content" / "local.yaml"
    text = local.read_text(encoding="utf-8")
    local.write_text(re.sub(r"owner: \{placeholder: .*\}", "owner: SSP Eksempel", text))
    assert build(project)[0] == 0
    html = (project / "build" / "index.html").read_text(encoding="utf-8")
    english = html.split('lang="en"', 1)[1]
    owner = english.split("Responsible: ", 1)[1].split("</p>", 1)[0]
    assert owner == '<span lang="da" dir="auto">SSP Eksempel</span>'


def test_quiet_build_still_prints_its_warnings(small: Path) -> None:
    """-q prints only problems, and a warning is one, as it is for check -q."""
    result = CliRunner().invoke(cli, ["-q", "build", str(small)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        line for line in result.output.splitlines() if ": warning: " in line
    ]
    assert "no words of its own in 'ar'" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["build", "{project}", "-o", ""],
        ["build", "{project}", "--out="],
        ["schema", "-o", ""],
        ["check", ""],
        ["new", ""],
        ["diff", ""],
    ],
)
def test_an_empty_path_is_refused_not_taken_for_the_current_folder(
    args: list[str], small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-o "$OUT"` with OUT never set: the card (or the schemas) would go to the current
    folder, over any index.html there."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "index.html").write_text("someone's own page")
    monkeypatch.chdir(here)
    result = CliRunner().invoke(cli, [a.format(project=small) for a in args])
    assert result.exit_code == 2, result.output
    assert "an empty path" in result.output
    assert "Traceback" not in result.output
    assert [p.name for p in here.iterdir()] == ["index.html"]
    assert (here / "index.html").read_text() == "someone's own page"
