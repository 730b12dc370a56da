"""docs/security.md states the suite's figures as the suite has them."""

from __future__ import annotations

from figures import DOC, document_with_table


def test_the_figures_in_the_document_are_the_suites() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert document_with_table(text) == text, (
        "docs/security.md is out of date: run python3 tests/security/figures.py --write"
    )
