"""The theme: what its templates get, how a project overrides them, and what a theme may not do."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from actionplan.card import render

DOCS = Path(__file__).resolve().parent.parent / "docs" / "theming.md"


@pytest.mark.parametrize("value", [render.Card, render.Page, render.Document])
def test_theming_md_names_every_variable_the_templates_get(value: type) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## What the templates get") :]
    section = section[: section.index("\n## ", 1)]
    named = set(re.findall(r"`(\w+)", section))
    missing = [f.name for f in dataclasses.fields(value) if f.name not in named]
    assert not missing, f"docs/theming.md does not tell of {missing}"
