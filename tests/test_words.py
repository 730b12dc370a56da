"""The card's own words, templates/i18n/<language>.yaml: each word is shown as it is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.card.theme import Theme
from actionplan.cli import cli
from actionplan.errors import PlanError


def _words(tmp_path: Path, text: str) -> Theme:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "da.yaml").write_text(text, encoding="utf-8")
    return Theme.load(tmp_path)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("No", "No"),  # YAML 1.1: false
        ("yes", "yes"),  # YAML 1.1: true
        ("0123", "0123"),  # YAML 1.1: 83, in octal
        ("1_000", "1_000"),  # YAML 1.1: 1000
        ("12:30", "12:30"),  # YAML 1.1: 750, in base 60
        ("1.10", "1.10"),  # a number: 1.1
        ("~", None),  # nothing: refused below
    ],
)
def test_a_word_is_shown_as_written_not_as_yaml_1_1_reads_it(
    tmp_path: Path, written: str, shown: str | None
) -> None:
    theme = _words(tmp_path, f"back: {written}\n")
    if shown is None:
        with pytest.raises(PlanError, match="the word 'back' is empty"):
            theme.ui("da")
    else:
        assert theme.ui("da")["back"] == shown


def test_the_card_shows_the_words_as_written(small_card: Path) -> None:
    (small_card / "templates" / "i18n").mkdir(parents=True)
    (small_card / "templates" / "i18n" / "ar.yaml").write_text(
        "back: No\nstart_over: 0123\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", str(small_card)])
    assert result.exit_code == 0, result.output
    html = (small_card / "build" / "index.html").read_text(encoding="utf-8")
    assert ">No<" in html and ">0123<" in html
    assert ">False<" not in html and ">83<" not in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name: Dansk\nback: ""\n', "templates/i18n/da.yaml:2:7: error: the word 'back' is empty"),
        ("back:\n", "templates/i18n/da.yaml:1:6: error: the word 'back' is empty"),
        ("direction: up\n", "templates/i18n/da.yaml:1:12: error: 'direction' must be ltr or rtl"),
        ("back: [a, b]\n", "templates/i18n/da.yaml:1:7: error: the word 'back' is not text"),
    ],
)
def test_a_word_that_cannot_be_shown_is_an_error_at_its_line(
    tmp_path: Path, text: str, message: str
) -> None:
    theme = _words(tmp_path, text)
    with pytest.raises(PlanError) as caught:
        theme.ui("da")
    assert str(caught.value).startswith(message)
