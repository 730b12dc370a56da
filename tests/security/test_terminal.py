"""What a message quotes from a plan (a value, a file's name) reaches the author's terminal
written out: no escape sequence, carriage return, direction override or line separator from the
plan acts on the terminal or splits the message's one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hostile import plan_files, run, write_files

from actionplan.errors import ActionplanError, Pos, Problem, visible

# Sequences a terminal acts on: recolour, set the window title (OSC, ended by BEL), clear the
# screen, return to the line's start; then the text reordered by a right-to-left override.
PAYLOAD = "\x1b[31mRED\x1b[0m \x1b]0;owned\x07 \x1b[2J\rover \u202eevil\u202c \u2028next"
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def test_a_value_quoted_in_a_message_is_written_out(tmp_path: Path) -> None:
    files = plan_files()
    files["content/contacts.yaml"]["contacts"]["raad"]["phone"] = PAYLOAD
    code, output = run("check", str(write_files(tmp_path, files)))
    assert code == 1
    assert not ACTING.search(output), repr(output)
    (line,) = [line for line in output.splitlines() if "is not a phone number" in line]
    # Quoted shortened, on one line, and every escape written out.
    assert r"'\x1b[31mRED\x1b[0m \x1b]0;owned\x07 \x1b[2J over \u202eevil…'" in line


def test_a_file_name_in_a_message_is_written_out(tmp_path: Path) -> None:
    root = write_files(tmp_path, plan_files())
    (root / "content" / "x\x1b]0;owned\x07.yaml").write_text("nodes: [", encoding="utf-8")
    code, output = run("check", str(root))
    assert code == 1
    assert not ACTING.search(output), repr(output)
    assert r"x\x1b]0;owned\x07.yaml:" in output


def test_visible_leaves_ordinary_text_as_it_is() -> None:
    for text in ("Ring 112 – æøå ÆØÅ", "اتصل بالشرطة", "a « b » ‹c›", "'quoted' (hint)"):
        assert visible(text) == text


def test_a_problem_and_an_error_of_several_lines_keep_their_own_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    problem = Problem(Pos("a\rb.yaml", 2, 3), "bad \x1b[2J", "fix \u202eit")
    assert problem.format() == r"a\x0db.yaml:2:3: error: bad \x1b[2J (fix \u202eit)"

    class Several(ActionplanError):
        pass

    Several("first \x07\nsecond\x1b").show(color=False)
    assert capsys.readouterr().err == "error: first \\x07\nsecond\\x1b\n"


def test_a_name_in_a_line_that_is_no_problem_is_written_out(tmp_path: Path) -> None:
    """The lines that report what was done quote names too: a folder given on the command line,
    or a plan's folder in a project cloned from someone else."""
    root = write_files(tmp_path, plan_files())
    out = tmp_path / "out\x1b]0;owned\x07\u202e"
    code, output = run("build", str(root), "-o", str(out))
    assert code == 0, output
    assert not ACTING.search(output), repr(output)
    assert r"out\x1b]0;owned\x07\u202e" in output
    code, output = run("new", "--host", "none", str(tmp_path / "new\x1b[2J\rproject"))
    assert code == 0, output
    assert not ACTING.search(output), repr(output)
    assert r"new\x1b[2J\x0dproject" in output
