"""The plan in one language: translated texts put in place, the original where one is missing.

A text that falls back to the original is a `model.Text` that knows its language, so the card can
mark it with the right `lang`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from actionplan.plan import model


def localize(plan: model.Plan, lang: str) -> model.Plan:
    """The plan with every translatable text in `lang` (or marked as the original's language)."""
    if lang == plan.info.language:
        return plan
    tr = plan.translations[lang]
    original = plan.info.language
    info = _apply(plan.info, tr.plan, ("title", "summary", "owner"), original)
    return dataclasses.replace(
        plan,
        info=info,
        nodes={k: _node(n, tr.nodes.get(k), original) for k, n in plan.nodes.items()},
        contacts={
            k: _apply(c, tr.contacts.get(k), ("name", "role", "hours", "note"), original)
            for k, c in plan.contacts.items()
        },
        laws={
            k: _apply(law, tr.laws.get(k), ("title", "summary"), original)
            for k, law in plan.laws.items()
        },
        local=_apply(plan.local, tr.local, ("municipality",), original),
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
    names = {
        model.Question: ("title", "body"),
        model.Step: ("title", "body", "who", "checklist", "do_not"),
        model.Outcome: ("title", "body", "follow_up"),
    }[type(node)]
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
