"""The theme's colours against WCAG 2.2 AA: 4.5:1 for text, 3:1 for lines."""

from __future__ import annotations

import pytest

from actionplan.card.contrast import contrast, contrast_problems
from actionplan.plan.model import Colors, LocalSettings
from actionplan.project import default_dir


@pytest.mark.parametrize(
    ("fore", "back", "ratio"),
    [
        ("#000", "#fff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#767676", "#fff", 4.54),  # the lightest grey that passes on white
        ("#777777", "#ffffff", 4.48),  # and the next one, which does not
        ("#00405e", "#fff", 11.08),
        ("#0000ff80", "#fff", 3.29),  # half transparent: over the white page
    ],
)
def test_contrast_is_wcag_s_ratio(fore: str, back: str, ratio: float) -> None:
    assert contrast(fore, back) == pytest.approx(ratio, abs=0.01)


def _css() -> str:
    return (default_dir("templates") / "card.css").read_text(encoding="utf-8")


def test_the_default_theme_s_colours_pass() -> None:
    defaults = Colors(primary="#00405e", primary_text="#fff", accent="#005ea5", urgent="#a4061f")
    assert contrast_problems(LocalSettings(colors=defaults), _css()) == []


def test_a_colour_just_below_the_line_is_refused_and_one_on_it_passes() -> None:
    assert contrast_problems(LocalSettings(colors=Colors(urgent="#767676")), _css()) == []
    [problem] = contrast_problems(LocalSettings(colors=Colors(urgent="#777777")), _css())
    assert "(4.47:1)" in problem.message and "4.5:1 for text" in problem.message
    assert not problem.is_error  # a warning: --strict refuses it


def test_the_theme_s_own_colours_are_not_judged() -> None:
    css = ":root { --ap-primary: #eee; --ap-bg: #fff; }"
    assert contrast_problems(LocalSettings(), css) == []
