"""Translation: which texts translate, their fingerprints, and the plan in one language.

The fields a translation gives are listed once, in `TRANSLATED`: `localize` puts them in place,
`fingerprint` and `covered` tell when a translation is stale (the checks and `stamp` use them).

A text that falls back to the original is a `model.Text` that knows its language, so the card can
mark it with the right `lang`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import typing
from typing import Any

from actionplan.plan import model

TRANSLATED = {
    model.PlanInfo: ("title", "summary", "owner"),
    model.Contact: ("name", "role", "hours", "note"),
    model.Law: ("title", "summary"),
    model.Question: ("title", "body", "options"),
    model.Step: ("title", "body", "who", "checklist", "do_not"),
    model.Outcome: ("title", "body", "follow_up"),
}
# A translation may leave these out: names of people and places, and opening hours, read the same
# in most languages.  A fingerprint covers only the fields an entry gives (`covered`), so an entry
# that leaves one out keeps the fingerprint it had before the field could be translated.
# Translated where a translation gives it, but neither fingerprinted nor missed: the municipality's
# name is a proper name, and a translation of it is a courtesy.
UNCHECKED = {model.LocalSettings: ("municipality",)}
OPTIONAL = {(model.Contact, "name"), (model.Contact, "hours"), (model.PlanInfo, "owner")}


def _texts(value: Any) -> list[str]:
    if isinstance(value, tuple):
        return [t for item in value for t in _texts(item)]
    if isinstance(value, model.Option):
        return [value.label, value.hint or ""]
    return [value or ""]


def fingerprint(obj: model.Located, names: typing.Iterable[str] | None = None) -> str:
    """A short hash of the original texts a translation covers (all translatable ones by default).

    A translation records it; when one of those originals changes, the translation is stale.
    """
    names = TRANSLATED.get(type(obj), ()) if names is None else names
    texts = [f"{name}={text}" for name in names for text in _texts(getattr(obj, name))]
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:8]


def covered(original: model.Located, text: Any) -> list[str]:
    """The fields of original that the translation entry gives."""
    return [n for n in TRANSLATED.get(type(original), ()) if getattr(text, n, None)]


def wanted(original: model.Located) -> list[str]:
    """The fields a translation must give: those with a real value that reads differently."""
    result = []
    for name in TRANSLATED.get(type(original), ()):
        value = getattr(original, name)
        if (
            value
            and not isinstance(value, model.Placeholder)
            and (type(original), name) not in OPTIONAL
        ):
            result.append(name)
    return result


def localize(plan: model.Plan, lang: str) -> model.Plan:
    """The plan with every translatable text in `lang` (or marked as the original's language)."""
    if lang == plan.info.language:
        return plan
    tr = plan.translations[lang]
    original = plan.info.language
    info = _apply(plan.info, tr.plan, TRANSLATED[model.PlanInfo], original)
    return dataclasses.replace(
        plan,
        info=info,
        nodes={k: _node(n, tr.nodes.get(k), original) for k, n in plan.nodes.items()},
        contacts={
            k: _apply(c, tr.contacts.get(k), TRANSLATED[model.Contact], original)
            for k, c in plan.contacts.items()
        },
        laws={
            k: _apply(law, tr.laws.get(k), TRANSLATED[model.Law], original)
            for k, law in plan.laws.items()
        },
        local=_apply(plan.local, tr.local, UNCHECKED[model.LocalSettings], original),
    )


def _pick(value: Any, translated: Any, original: str) -> Any:
    """The translation where there is one, else the original marked with its language."""
    if isinstance(value, tuple):
        items = (
            translated
            if isinstance(translated, tuple) and len(translated) == len(value)
            else (None,) * len(value)
        )
        return tuple(_pick(v, t, original) for v, t in zip(value, items, strict=True))
    if translated:
        return translated
    if isinstance(value, str) and not isinstance(value, model.Placeholder):
        return model.Text(value, original)
    return value


def _apply(obj: Any, text: Any, names: tuple[str, ...], original: str) -> Any:
    changes = {n: _pick(getattr(obj, n), getattr(text, n, None), original) for n in names}
    return dataclasses.replace(obj, **changes)


def _node(node: model.Node, text: model.NodeText | None, original: str) -> model.Node:
    names = tuple(n for n in TRANSLATED[type(node)] if n != "options")  # options: below
    node = _apply(node, text, names, original)
    if isinstance(node, model.Question):
        given = text.options if text and len(text.options) == len(node.options) else ()
        options = []
        for i, option in enumerate(node.options):
            t = given[i] if given else None
            label = t if isinstance(t, str) else getattr(t, "label", None)
            hint = getattr(t, "hint", None)
            options.append(
                dataclasses.replace(
                    option,
                    label=_pick(option.label, label, original),
                    hint=_pick(option.hint, hint, original),
                )
            )
        node = dataclasses.replace(node, options=tuple(options))
    return node
