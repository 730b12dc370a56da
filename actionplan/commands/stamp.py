"""Stamp: write into translation files which version of the original each entry translates.

A translator translates, then runs `actionplan stamp`: every entry without a fingerprint gets the
current one.  With `stale=True` entries whose fingerprint is out of date are re-stamped too, for
when the translator has brought them up to date.  The file is edited line by line, so comments and
layout stay as they were.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from actionplan.card.write import write_atomic
from actionplan.errors import Problems, display_path
from actionplan.frozen import frozen
from actionplan.i18n import _
from actionplan.plan import model, translate
from actionplan.plan.loader import Role, SourceFile, find_files, parse, read_text
from actionplan.plan.read import load_plan
from actionplan.plan.validate import read_file
from actionplan.project import LOCK_FILE, base_for


@frozen
class Stamped:
    path: Path
    entries: list[str]


def stamp(root: Path, stale: bool = False, shared: Path | None = None) -> list[Stamped]:
    """Add (and with stale, renew) fingerprints in the project's own translation files in root.

    Those are the local layer's; the base plan's too only in a project that holds its base and
    has not recorded it as upstream's (LOCK_FILE), such as the repository of the default plan.
    A fork never has upstream's files rewritten, so that merging upstream never conflicts.
    `shared` is the layer the project's plans share (project.SHARED_DIR): its translations
    are stamped too.
    """
    plan = load_plan(root, shared=shared)
    base = base_for(root)
    own_base = base is None and not (root / LOCK_FILE).is_file()
    done = []
    for path, role in find_files(root, base, shared):
        if not (role is Role.LOCAL_TRANSLATION or (role is Role.TRANSLATION and own_base)):
            continue
        name = display_path(path)
        text = read_text(path, name)
        tree = parse(text, name)
        tr = read_file(
            SourceFile(path, name, role, tree), model.Translation, _("the translation"), Problems()
        )
        if tr is None:
            continue
        edits: list[tuple[int, int, str]] = []  # (offset, length to replace, new text)
        entries = []
        newline = _newline(text)
        # The base's translations translate the base's metadata, not the layer's over it.
        info = (plan.base_info if role is Role.TRANSLATION else None) or plan.info
        for what, original, entry_node, entry in _entries(plan, info, tr, tree):
            expected = translate.fingerprint(original, translate.covered(original, entry))
            if entry.fingerprint == expected or (entry.fingerprint and not stale):
                continue
            edits.append(_edit(text, entry_node, expected, newline))
            entries.append(what)
        if edits:
            for offset, length, new in sorted(edits, reverse=True):
                text = text[:offset] + new + text[offset + length :]
            # The text was read without its byte order mark: a file that had one keeps it.
            with path.open("rb") as file:
                bom = codecs.BOM_UTF8 if file.read(3) == codecs.BOM_UTF8 else b""
            write_atomic(path, bom + text.encode("utf-8"))
            done.append(Stamped(path, entries))
    return done


def _entries(
    plan: model.Plan, info: model.PlanInfo, tr: model.Translation, tree: yaml.Node
) -> Iterator[tuple[str, model.Located, yaml.MappingNode, Any]]:
    sections = {k.value: v for k, v in tree.value} if isinstance(tree, yaml.MappingNode) else {}
    if tr.plan is not None and "plan" in sections:
        yield "plan", info, sections["plan"], tr.plan
    for name, originals, texts in (
        ("nodes", plan.nodes, tr.nodes),
        ("contacts", plan.contacts, tr.contacts),
        ("laws", plan.laws, tr.laws),
    ):
        section = sections.get(name)
        if not isinstance(section, yaml.MappingNode):
            continue
        for key_node, value_node in section.value:
            key = key_node.value
            if key in originals and key in texts and isinstance(value_node, yaml.MappingNode):
                yield f"{name}.{key}", originals[key], value_node, texts[key]


def _newline(text: str) -> str:
    """The line ending the file is written with, for the lines stamp adds: an editor on Windows
    writes \r\n, and a file of mixed endings shows every added line as changed there."""
    if "\r\n" in text:
        return "\r\n"
    return "\r" if "\r" in text and "\n" not in text else "\n"


def _edit(text: str, node: yaml.MappingNode, value: str, newline: str) -> tuple[int, int, str]:
    for key_node, value_node in node.value:
        if key_node.value == "fingerprint":
            start, end = value_node.start_mark.index, value_node.end_mark.index
            return start, end - start, f'"{value}"'
    if node.flow_style:  # {name: ..., role: ...}
        return node.start_mark.index + 1, 0, f'fingerprint: "{value}", '
    first = node.value[0][0].start_mark
    line_start = first.index - first.column
    return line_start, 0, " " * first.column + f'fingerprint: "{value}"{newline}'
