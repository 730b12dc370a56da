"""Upgrade: what changed in the base plan between the one a project reviewed and the one it has.

A project records the base plan it last reviewed in its content folder (LOCK_FILE): a snapshot of
the base's steps, facts and contacts, written by `actionplan diff --accept` (and by
`actionplan new`), never by hand.  `diff` compares that snapshot with the base plan the project
now gets, and says so as a coordinator reads it: what was added, removed and changed, with the
text; which routes now end elsewhere; and which of the project's own overrides shadow a base node
that changed, so that the municipality reviews its version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import yaml

from actionplan import __version__, files
from actionplan.commands.paths import TooManyRoutes, find_routes
from actionplan.errors import PlanError, Pos, Problem, Severity, display_path
from actionplan.frozen import frozen
from actionplan.i18n import N_, _
from actionplan.plan import loader, merge, model
from actionplan.project import LOCK_FILE, base_for

Snapshot = dict[str, Any]
KINDS = (("nodes", "node"), ("contacts", "contact"), ("laws", "law"))
MAX_ROUTES = 10_000


# Snapshots ----------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A model value as JSON data: objects as their fields that are set, lists, dates as text."""
    if isinstance(value, model.Placeholder):
        return {"placeholder": str(value)}
    if isinstance(value, model.Located):
        data = {}
        for f in dataclasses.fields(value):
            if f.metadata.get("internal"):
                continue
            item = getattr(value, f.name)
            if item in (None, (), False) and f.default is not dataclasses.MISSING:
                continue
            data[f.metadata.get("key", f.name)] = plain(item)
        return data
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return str(value)
    return value


def snapshot(plan: model.Plan) -> Snapshot:
    """The base plan as data: its metadata, and each node, contact and law.

    Routes are not kept: they follow from the nodes (see _routes).
    """
    return {
        "plan": plain(plan.info),
        "nodes": {k: plain(v) for k, v in plan.nodes.items()},
        "contacts": {k: plain(v) for k, v in plan.contacts.items()},
        "laws": {k: plain(v) for k, v in plan.laws.items()},
    }


def _route_ends(snap: Snapshot) -> dict[tuple[str, ...], str]:
    """For each route (by the answers given on the way, "question=label"), where it ends.

    The nodes' ways on are read back into the model, so that paths.find_routes walks them.
    """
    nodes: dict[str, model.Node] = {}
    for key, data in snap["nodes"].items():
        title = str(data.get("title", ""))
        if data.get("kind") == "question":
            options = tuple(
                model.Option(label=o["label"], next=o["next"], loop=o.get("loop", False))
                for o in data.get("options", ())
            )
            nodes[key] = model.Question(id=key, title=title, options=options)
        elif data.get("kind") == "step":
            nodes[key] = model.Step(
                id=key, title=title, next=data["next"], loop=data.get("loop", False)
            )
        else:
            nodes[key] = model.Outcome(id=key, title=title)
    start = snap["plan"].get("start", "")
    if start not in nodes:
        return {}
    info = model.PlanInfo(
        title="", language="", version="", owner="", reviewed=dt.date.min, start=start
    )
    plan = model.Plan(
        root=Path(), info=info, nodes=nodes, contacts={}, laws={}, local=model.LocalSettings()
    )
    try:
        routes = find_routes(plan, MAX_ROUTES)
    except TooManyRoutes:
        return {}
    return {
        tuple(f"{s.node}={s.answer}" for s in route if s.answer is not None): route[-1].node
        for route in routes
    }


def base_plan(content: Path) -> model.Plan:
    """The base plan under a content folder: the base it is layered over, or the part of its own
    files that is upstream's (all but content/local/)."""
    base = base_for(content)
    files = loader.load_files(content, base)
    theirs = loader.upstream(content, base, files)
    return merged(base or content, [f for f in files if f.name in theirs])


def merged(root: Path, files: list[loader.SourceFile]) -> model.Plan:
    """The files merged into a plan, unchecked; PlanError when they cannot be read."""
    plan, problems = merge.merge(root, files)
    if plan is None:
        raise PlanError([p for p in problems if p.is_error])
    return plan


# The lock -----------------------------------------------------------------------------------


def _restore() -> str:
    return _(
        "restore it from version control, or record the base anew with 'actionplan diff --accept'"
    )


def read_lock(content: Path) -> Snapshot | None:
    """The snapshot of the base plan the project last reviewed, or None when it has none.

    The record is a file in the project, which a merge or a hand may have changed: it is read as
    a content file is (a regular file, of bounded size, UTF-8), and taken only in the shape
    `snapshot` writes, so that nothing later meets a value of another kind.
    """
    path = content / LOCK_FILE
    if not os.path.lexists(path):
        return None
    text = files.read_text(path, display_path(path))
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise PlanError.at(
            Pos(display_path(path)),
            _("cannot read the record of the reviewed base plan: {reason}").format(reason=exc),
            _restore(),
        ) from None
    except RecursionError:  # nested deeper than Python's JSON reader goes
        data = None
    if not isinstance(data, dict) or not _is_snapshot(data.get("base")):
        raise PlanError.at(
            Pos(display_path(path)),
            _("this is not a record of a reviewed base plan"),
            _restore(),
        )
    base: Snapshot = data["base"]
    return base


def _is_snapshot(base: Any) -> bool:
    """Whether `base` has the shape `snapshot` gives: the plan's fields; each node, contact and
    law by its id, as fields; each option with its label and where it leads."""
    if not isinstance(base, dict) or not isinstance(base.get("plan"), dict):
        return False
    for section, _noun in KINDS:
        items = base.get(section)
        if not isinstance(items, dict) or not all(isinstance(v, dict) for v in items.values()):
            return False
    for node in base["nodes"].values():
        options = node.get("options", [])
        if not isinstance(options, list) or not all(
            isinstance(o, dict)
            and isinstance(o.get("label"), str)
            and isinstance(o.get("next"), str)
            and isinstance(o.get("loop", False), bool)
            for o in options
        ):
            return False
        if not isinstance(node.get("next", ""), str) or not isinstance(
            node.get("loop", False), bool
        ):
            return False
    return isinstance(base["plan"].get("start", ""), str)


def write_lock(content: Path) -> Snapshot:
    """Record the project's current base plan as reviewed; the snapshot written."""
    from actionplan.card.write import write_atomic

    base = snapshot(base_plan(content))
    record = {
        "about": "The base plan this project was last reviewed against. Written by "
        "'actionplan diff --accept'; do not edit.",
        "actionplan": __version__,
        "base": base,
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    write_atomic(content / LOCK_FILE, text.encode("utf-8"))
    return base


def lock_problems(content: Path, upstream: model.Plan) -> list[Problem]:
    """A warning when the base plan is not the one the project last reviewed; an error when the
    record cannot be read."""
    try:
        pinned = read_lock(content)
    except PlanError as exc:
        return exc.problems
    if pinned is None:
        return []
    now = snapshot(upstream)
    if pinned == now:
        return []
    versions = f"{pinned['plan'].get('version')} → {now['plan'].get('version')}"
    return [
        Problem(
            Pos(display_path(content / LOCK_FILE)),
            _("the base plan has changed since this project reviewed it ({versions})").format(
                versions=versions
            ),
            _(
                "see what changed with 'actionplan diff', then take it with "
                "'actionplan diff --accept'"
            ),
            Severity.WARNING,
        )
    ]


# The difference -----------------------------------------------------------------------------


@frozen
class Line:
    """One line of the report; `kind` says how it reads: heading, added, removed, changed,
    detail, review or text."""

    text: str
    kind: str = "text"
    depth: int = 0


def compare(
    old: Snapshot, new: Snapshot, overrides: dict[str, dict[str, str]] | None = None
) -> list[Line]:
    """The difference between two base plans, as a coordinator reads it.

    `overrides` maps "nodes", "contacts" and "laws" to the ids the project sets over the base,
    each with the file it does so in; those that changed upstream are named for review.
    """
    lines: list[Line] = []
    title = new["plan"].get("title", "")
    old_v, new_v = old["plan"].get("version"), new["plan"].get("version")
    version = (
        f"{old_v} → {new_v}"
        if old_v != new_v
        else _("{version}, unchanged version").format(version=new_v)
    )
    lines.append(
        Line(_("Base plan: {title} ({version})").format(title=title, version=version), "heading")
    )
    lines.append(Line(_("+ added, - removed, ~ changed"), "text"))
    meta = _field_changes(old["plan"], new["plan"])
    if meta:
        lines.append(Line(_("The plan"), "heading"))
        lines += [dataclasses.replace(line, depth=1) for line in meta]
    changed: dict[str, set[str]] = {}
    for section, noun in KINDS:
        part, changed[section] = _section(old[section], new[section], noun)
        if part:
            lines.append(Line(_(_HEADINGS[section]), "heading"))
            lines += part
    lines += _routes(old, new)
    review = []
    for section, _noun in KINDS:
        mine = (overrides or {}).get(section, {})
        for key in sorted(set(mine) & changed[section]):
            review.append(Line(_(_REVIEW[section]).format(key=key), "review", 1))
            review.append(Line(_("yours is in {file}").format(file=mine[key]), "detail", 2))
    if review:
        lines.append(Line(_("Your own versions of what changed"), "heading"))
        lines += review
    if len(lines) == 2:
        lines.append(Line(_("No step, fact, contact or route has changed."), "text", 1))
    return lines


_HEADINGS = {"nodes": N_("Steps and questions"), "contacts": N_("Contacts"), "laws": N_("Laws")}
_REVIEW = {
    "nodes": N_("! you replaced node {key}; upstream changed it: review yours"),
    "contacts": N_("! you changed contact {key}; upstream changed it: review yours"),
    "laws": N_("! you replaced law {key}; upstream changed it: review yours"),
}


def _name(data: dict[str, Any]) -> str:
    text = data.get("title") or data.get("name") or ""
    if isinstance(text, dict):  # a placeholder
        text = f"[{text.get('placeholder', '')}]"
    kind = data.get("kind")
    return f"{kind + ' ' if kind else ''}“{_short(text)}”"


def _section(old: dict[str, Any], new: dict[str, Any], noun: str) -> tuple[list[Line], set[str]]:
    lines: list[Line] = []
    changed = set()
    for key, data in new.items():
        if key not in old:
            lines.append(
                Line("+ " + _("{key}: {name} (new)").format(key=key, name=_name(data)), "added", 1)
            )
            lines += _describe(data)
        elif old[key] != data:
            changed.add(key)
            lines.append(Line(f"~ {key}: {_name(data)}", "changed", 1))
            lines += [dataclasses.replace(line, depth=2) for line in _field_changes(old[key], data)]
    for key, data in old.items():
        if key not in new:
            changed.add(key)
            lines.append(
                Line(
                    "- " + _("{key}: {name} (removed)").format(key=key, name=_name(data)),
                    "removed",
                    1,
                )
            )
    return lines, changed


_SHOWN_NEW = ("body", "who", "phone", "url", "email", "hours", "checklist", "do_not", "next")


def _describe(data: dict[str, Any]) -> list[Line]:
    """The main fields of something new, one line each."""
    lines = []
    for key in _SHOWN_NEW:
        if key in data:
            lines.append(Line(f"{key}: {_text(data[key])}", "detail", 2))
    for option in data.get("options", ()):
        lines.append(Line(f"option “{_short(option['label'])}” → {option['next']}", "detail", 2))
    return lines


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Line]:
    lines = []
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "options":
            lines += _option_changes(before or [], after or [])
        elif isinstance(before, list) or isinstance(after, list):
            for item in before or []:
                if item not in (after or []):
                    lines.append(Line(f"{key}: - {_text(item)}", "removed"))
            for item in after or []:
                if item not in (before or []):
                    lines.append(Line(f"{key}: + {_text(item)}", "added"))
        elif before is None:
            lines.append(Line(f"{key}: + {_text(after)}", "added"))
        elif after is None:
            lines.append(Line(f"{key}: - {_text(before)}", "removed"))
        else:
            lines.append(Line(f"{key}: {_text(before)} → {_text(after)}", "changed"))
    return lines


def _option_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Line]:
    before = {o["label"]: o for o in old}
    after = {o["label"]: o for o in new}
    lines = []
    for label, option in after.items():
        if label not in before:
            lines.append(Line(f"option + “{_short(label)}” → {option['next']}", "added"))
        elif before[label] != option:
            for key, text in (
                (k, f"{_text(before[label].get(k))} → {_text(option.get(k))}")
                for k in ("next", "hint", "loop")
                if before[label].get(k) != option.get(k)
            ):
                lines.append(Line(f"option “{_short(label)}”: {key} {text}", "changed"))
    for label in before:
        if label not in after:
            lines.append(Line(f"option - “{_short(label)}”", "removed"))
    return lines


def _routes(old: Snapshot, new: Snapshot) -> list[Line]:
    """Routes (by the answers given on the way) that now end at another outcome, or that are
    new or gone."""

    before, after = _route_ends(old), _route_ends(new)
    lines = []
    for answers, end in after.items():
        if answers in before and before[answers] != end:
            lines.append(Line(f"~ {_answers(answers)}", "changed", 1))
            lines.append(
                Line(
                    _("now ends at {end}, not at {before}").format(
                        end=_outcome(new, end), before=_outcome(old, before[answers])
                    ),
                    "detail",
                    2,
                )
            )
    for answers, end in after.items():
        if answers not in before:
            lines.append(Line(f"+ {_answers(answers)}", "added", 1))
            lines.append(Line(_("ends at {end}").format(end=_outcome(new, end)), "detail", 2))
    for answers, end in before.items():
        if answers not in after:
            lines.append(Line(f"- {_answers(answers)}", "removed", 1))
            lines.append(Line(_("ended at {end}").format(end=_outcome(old, end)), "detail", 2))
    if lines:
        lines.insert(0, Line(_("Routes (by the answers on the way)"), "heading"))
    return lines


def _answers(answers: tuple[str, ...]) -> str:
    if not answers:
        return _("the only route")
    return ", ".join(f"{a.split('=', 1)[0]} “{_short(a.split('=', 1)[1], 30)}”" for a in answers)


def _outcome(snap: Snapshot, key: str) -> str:
    node = snap["nodes"].get(key, {})
    return f"{key} {_name(node).removeprefix('outcome ')}"


def _text(value: Any) -> str:
    if isinstance(value, dict):
        if "placeholder" in value and len(value) == 1:
            return "[" + _("to fill in: {text}").format(text=_short(value["placeholder"])) + "]"
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_text(v) for v in value) + "]"
    if isinstance(value, str):
        # prose in quotes; an id, a date or a phone number as it is
        return f"“{_short(value)}”" if " " in value and any(c.isalpha() for c in value) else value
    return str(value).lower() if isinstance(value, bool) else str(value)


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def overrides(content: Path) -> dict[str, dict[str, str]]:
    """The ids of the nodes, contacts and laws the project's own layer sets over the base, each
    with the (last) file that does."""
    base = base_for(content)
    files = loader.load_files(content, base)
    theirs = loader.upstream(content, base, files)
    result: dict[str, dict[str, str]] = {"nodes": {}, "contacts": {}, "laws": {}}
    for source in files:
        if (
            source.name in theirs
            or source.role is not loader.Role.LOCAL
            or not isinstance(source.root, yaml.MappingNode)
        ):
            continue
        for section_key, section in source.root.value:
            name = getattr(section_key, "value", None)
            if name in result and isinstance(getattr(section, "value", None), list):
                for key_node, _value in section.value:
                    result[name][str(getattr(key_node, "value", ""))] = source.name
    return result
