"""Placeholders only where the format has them: in text, and in what a municipality fills in
for its own card (a contact's phone, e-mail and web page). Not where the card itself reads the
value (a language lands in lang attributes and the script's data; an id leads somewhere; a
colour goes into the style sheet; a file is read) nor where it is a fact to check (the address
of a source or a law). Which is which is said once, in the model (model.FILL_IN).
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import pytest
from hostile import build_over_good, plan_files

from actionplan.plan import model
from actionplan.plan.shapes import fields_of, shape

PLACEHOLDER = {"placeholder": "fill in"}

# id: (file, the path to the value in it)
REFUSED: dict[str, tuple[str, tuple[Any, ...]]] = {
    "plan-language": ("content/plan.yaml", ("plan", "language")),
    "plan-start": ("content/plan.yaml", ("plan", "start")),
    "emergency-contact": ("content/plan.yaml", ("plan", "emergency", 0)),
    "option-next": ("content/nodes.yaml", ("nodes", "start", "options", 0, "next")),
    "step-next": ("content/nodes.yaml", ("nodes", "act", "next")),
    "step-contact": ("content/nodes.yaml", ("nodes", "act", "contacts", 0)),
    "step-law": ("content/nodes.yaml", ("nodes", "act", "legal", 0)),
    "source-url": ("content/nodes.yaml", ("nodes", "act", "sources", 0, "url")),
    "law-url": ("content/contacts.yaml", ("laws", "lov", "url")),
    "contact-source": ("content/contacts.yaml", ("contacts", "raad", "source")),
    "colour": ("content/local.yaml", ("local", "colors", "primary")),
    "logo": ("content/local.yaml", ("local", "logo")),
    "translation-language": ("content/translations/en.yaml", ("language",)),
    "translation-direction": ("content/translations/en.yaml", ("direction",)),
    "review-date": ("content/plan.yaml", ("plan", "reviewed")),
    "review-days": ("content/plan.yaml", ("plan", "review_after_days")),
}
# id: (file, the path to the value in it): text, and a contact's own details
ALLOWED: dict[str, tuple[str, tuple[Any, ...]]] = {
    "step-title": ("content/nodes.yaml", ("nodes", "act", "title")),
    "step-body": ("content/nodes.yaml", ("nodes", "act", "body")),
    "checklist-item": ("content/nodes.yaml", ("nodes", "act", "checklist", 0)),
    "contact-name": ("content/contacts.yaml", ("contacts", "raad", "name")),
    "contact-phone": ("content/contacts.yaml", ("contacts", "raad", "phone")),
    "contact-email": ("content/contacts.yaml", ("contacts", "raad", "email")),
    "contact-web-page": ("content/contacts.yaml", ("contacts", "raad", "url")),
    "municipality": ("content/local.yaml", ("local", "municipality")),
}


def with_placeholder(file: str, path: tuple[Any, ...]) -> dict[str, Any]:
    files = plan_files()
    data: Any = files[file]
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = PLACEHOLDER
    return {file: files[file]}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_placeholder_where_the_card_reads_the_value_is_refused(name: str, tmp_path: Path) -> None:
    result = build_over_good(tmp_path, with_placeholder(*REFUSED[name]))
    result.assert_refused(REFUSED[name][0])
    assert "cannot be a placeholder" in result.output


def test_placeholders_in_text_and_a_contacts_details_are_built_and_marked(tmp_path: Path) -> None:
    files: dict[str, Any] = plan_files()
    for file, path in ALLOWED.values():
        data: Any = files[file]
        for step in path[:-1]:
            data = data[step]
        data[path[-1]] = PLACEHOLDER
    result = build_over_good(tmp_path, files)
    result.assert_built()
    assert result.html.count('class="ap-placeholder"') >= len(ALLOWED)


def test_the_model_says_which_kinds_of_value_may_be_placeholders() -> None:
    """Every kind of value with a form, in every class of the model, and whether it may be one."""
    kinds: dict[str, set[bool]] = {}
    todo: list[Any] = [model.ContentFile, model.LocalFile, model.Translation]
    seen: set[Any] = set()
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for _, hint in fields_of(cls).values():
            for part in _parts(hint):
                if dataclasses.is_dataclass(part):
                    todo.append(part)
                kind, arg = shape(part)
                if kind == "format":
                    kinds.setdefault(arg[1], set()).add(arg[2])
    assert kinds == {
        "markdown": {True},
        "phone": {True},
        "email": {True},
        "url": {True, False},  # a contact's web page; the address of a source or a law
        "ref:node": {False},
        "ref:contact": {False},
        "ref:law": {False},
        "language": {False},
        "color": {False},
        "file": {False},
    }


def _parts(hint: Any) -> list[Any]:
    """The hint and every hint inside it (the items of a list, the choices of a union)."""
    if typing.get_origin(hint) in (typing.Annotated, typing.Literal):
        return [hint]
    args = [a for a in typing.get_args(hint) if a not in (type(None), Ellipsis)]
    if not args:
        return [hint]
    return [hint, *(p for a in args for p in _parts(a))] if typing.get_origin(hint) else [hint]
