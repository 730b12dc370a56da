"""Merge: the parsed files of a plan, read and joined into one Plan.

Ids are global across files.  The local layer (local.yaml) overrides contacts field by field and
replaces nodes and laws by id; translations are kept beside the plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from actionplan import files, model
from actionplan.errors import PlanError, Pos, Problem, display_path
from actionplan.loader import LOCAL_FILE, SourceFile
from actionplan.validate import INVALID, Reader, complete, overlay, read_partial_map, short

LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
MAX_LOGO_BYTES = 512 * 1024


def merge(root: Path, files: list[SourceFile]) -> tuple[model.Plan | None, list[Problem]]:
    """Read every file into the model and join them; a Plan only when no error was found."""
    problems: list[Problem] = []
    base = [f for f in files if f.role == "base"]
    local = [f for f in files if f.role == "local"]
    translations = [f for f in files if f.role == "translation"]

    info: model.PlanInfo | None = None
    info_pos: Pos | None = None
    nodes: dict[str, Any] = {}
    contacts: dict[str, Any] = {}
    laws: dict[str, Any] = {}
    for source in base:
        content = _read(source, problems, model.ContentFile, "the file")
        if content is INVALID:
            continue
        if content.plan is not None:
            if info is not None:
                problems.append(
                    Problem(
                        content.where("plan"),
                        "a second 'plan' section",
                        f"the plan's metadata is already in {info_pos}",
                    )
                )
            else:
                info, info_pos = content.plan, content.where("plan")
        for kind, table, found in (
            ("node", nodes, content.nodes),
            ("contact", contacts, content.contacts),
            ("law", laws, content.laws),
        ):
            for key, value in found.items():
                if key in table:
                    problems.append(
                        Problem(
                            value.pos,
                            f"{kind} id '{key}' is used twice",
                            f"the first is at {table[key].pos}; rename one",
                        )
                    )
                else:
                    table[key] = value

    settings = model.LocalSettings()
    for source in local:
        try:
            settings = _merge_local(source, problems, settings, nodes, contacts, laws)
        except PlanError as exc:  # aliases that expand too far
            problems.extend(exc.problems)

    found_translations: dict[str, model.Translation] = {}
    for source in translations:
        tr = _read(source, problems, model.Translation, "the translation")
        if tr is INVALID:
            continue
        stem = source.path.stem
        if tr.language != stem:
            problems.append(
                Problem(
                    tr.where("language"),
                    f"language '{tr.language}' does not match the file name",
                    f"name the file {tr.language}.yaml, or set language: {stem}",
                )
            )
        elif tr.language in found_translations:
            problems.append(
                Problem(
                    tr.pos, f"a second translation to '{tr.language}'", "keep one file per language"
                )
            )
        else:
            found_translations[tr.language] = tr

    if info is None:
        if not any(p.is_error for p in problems):
            problems.append(
                Problem(
                    Pos(display_path(root, root)),
                    "no file has a 'plan' section",
                    "add 'plan:' with title, language, version, owner, reviewed "
                    "and start, usually in plan.yaml",
                )
            )
        return None, problems
    for lang, tr in found_translations.items():
        if lang == info.language:
            problems.append(
                Problem(
                    tr.where("language"),
                    f"a translation into the plan's own language '{lang}'",
                    "remove the file, or change the plan's language",
                )
            )
    logo = _read_logo(root, settings, problems)
    if any(p.is_error for p in problems):
        return None, problems
    plan = model.Plan(
        root=root,
        info=info,
        nodes=nodes,
        contacts=contacts,
        laws=laws,
        local=settings,
        translations=found_translations,
        logo=logo,
    )
    return plan, problems


def _read(source: SourceFile, problems: list[Problem], cls: type, what: str) -> Any:
    """The file read as a `cls`, or INVALID; aliases that expand too far end it with a problem."""
    try:
        return Reader(source, problems).read(source.root, cls, what)
    except PlanError as exc:
        problems.extend(exc.problems)
        return INVALID


def _merge_local(
    source: SourceFile,
    problems: list[Problem],
    settings: model.LocalSettings,
    nodes: dict[str, Any],
    contacts: dict[str, Any],
    laws: dict[str, Any],
) -> model.LocalSettings:
    reader = Reader(source, problems)
    root = source.root
    if not isinstance(root, yaml.MappingNode):
        reader.fail(
            root,
            f"{LOCAL_FILE} must be a mapping, found a list or text",
            "start it with 'local:', 'contacts:' or 'nodes:'",
        )
        return settings
    # Contacts are overridden field by field, so they are read before the rest of the file.
    contact_node = next((v for k, v in root.value if k.value == "contacts"), None)
    rest = yaml.MappingNode(
        root.tag,
        [(k, v) for k, v in root.value if k.value != "contacts"],
        root.start_mark,
        root.end_mark,
    )
    content = reader.read(rest, model.LocalFile, f"the file {LOCAL_FILE}")
    if contact_node is not None:
        for key, partial in read_partial_map(
            reader, contact_node, model.Contact, "'contacts'"
        ).items():
            merged = (
                overlay(contacts[key], partial) if key in contacts else complete(partial, problems)
            )
            if merged is not INVALID:
                contacts[key] = merged
    if content is INVALID:
        return settings
    nodes.update(content.nodes)
    laws.update(content.laws)
    return content.local or settings


def _read_logo(
    root: Path, settings: model.LocalSettings, problems: list[Problem]
) -> tuple[str, bytes] | None:
    if not settings.logo:
        return None
    pos = settings.where("logo")
    path = root / settings.logo
    media_type = LOGO_TYPES.get(path.suffix.lower())
    if media_type is None:
        problems.append(
            Problem(
                pos,
                f"the logo must be an SVG, PNG or JPEG file: '{short(settings.logo)}'",
                "convert it, or give another file",
            )
        )
        return None
    if not files.inside(path, root):
        problems.append(
            Problem(pos, "the logo is outside the plan's folder", "copy it into the folder")
        )
        return None
    try:
        data = files.read_bytes(
            path,
            limit=MAX_LOGO_BYTES,
            too_large="the card must stay small: use a smaller or an SVG logo",
        )
    except PlanError as exc:
        # Said at the logo's line in local.yaml, which names the file, in the reader's words.
        logo = short(settings.logo)
        problems += [Problem(pos, f"the logo '{logo}': {p.message}", p.hint) for p in exc.problems]
        return None
    return media_type, data
