"""Merge: the parsed files of a plan, read and joined into one Plan.

Ids are global across files.  The local layer (local.yaml, then the files in local/) overrides
the plan's metadata, the local settings and contacts key by key, and replaces nodes and laws by
id.  Translations are kept beside the plan; the layer's translation into a language is put over
the base's entry by entry, and a draft translation is kept apart from the published ones.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from actionplan import files
from actionplan.cache import Store
from actionplan.errors import PlanError, Pos, Problems, display_path, short
from actionplan.i18n import N_, _
from actionplan.plan import model, translate
from actionplan.plan.layers import complete, overlay, read_layer_file
from actionplan.plan.loader import READS, Role, SourceFile
from actionplan.plan.validate import read_file

# The logo is shown in the page's header, where every browser takes these.
LOGO_TYPES = {s: t for s, t in files.IMAGE_TYPES.items() if s in (".svg", ".png", ".jpg", ".jpeg")}


TWICE = {
    "node": N_("node id '{id}' is used twice"),
    "contact": N_("contact id '{id}' is used twice"),
    "law": N_("law id '{id}' is used twice"),
}


def merge(
    root: Path, files: list[SourceFile], upstream: frozenset[str] = frozenset()
) -> tuple[model.Plan | None, Problems]:
    """Read every file into the model and join them; a Plan only when no error was found.

    `upstream` names the files whose facts are upstream's rather than the project's.
    """
    problems = Problems()
    base = [f for f in files if f.role is Role.BASE]
    local = [f for f in files if f.role is Role.LOCAL]

    info: model.PlanInfo | None = None
    info_pos: Pos | None = None
    nodes: dict[str, Any] = {}
    contacts: dict[str, Any] = {}
    laws: dict[str, Any] = {}
    for source in base:
        content = _read(source, model.ContentFile, _("the file"), problems)
        if content is None:
            continue
        if content.plan is not None:
            if info is not None:
                problems.error(
                    content.where("plan"),
                    _("a second 'plan' section"),
                    _("the plan's metadata is already in {pos}").format(pos=info_pos),
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
                    problems.error(
                        value.pos,
                        _(TWICE[kind]).format(id=key),
                        _("the first is at {pos}; rename one").format(pos=table[key].pos),
                    )
                else:
                    table[key] = value

    settings = model.LocalSettings()
    info_overrides: list[Any] = []
    for source in local:
        layer = read_layer_file(source, problems)
        for key, partial in layer.contacts.items():
            merged = (
                overlay(contacts[key], partial) if key in contacts else complete(partial, problems)
            )
            if merged is not None:
                contacts[key] = merged
        if layer.plan is not None:  # put over the base's once it is known
            info_overrides.append(layer.plan)
        if layer.local is not None:
            settings = overlay(settings, layer.local)
        if layer.content is not None:
            nodes.update(layer.content.nodes)
            laws.update(layer.content.laws)

    base_info = info
    if info is not None:
        for partial in info_overrides:
            info = overlay(info, partial)
    owner_replaced = base_info if info and base_info and info.owner != base_info.owner else None
    found_translations = _translations(files, problems, owner_replaced)

    if info is None:
        if not problems.has_errors:
            problems.error(
                Pos(display_path(root)),
                _("no file has a 'plan' section"),
                _(
                    "add 'plan:' with title, language, version, owner, reviewed "
                    "and start, usually in plan.yaml"
                ),
            )
        return None, problems
    for lang, tr in found_translations.items():
        if lang == info.language:
            problems.error(
                tr.where("language"),
                _("a translation into the plan's own language '{lang}'").format(lang=lang),
                _("remove the file, or change the plan's language"),
            )
    logo = _read_logo(_logo_folder(root, local, settings), settings, problems)
    if problems.has_errors:
        return None, problems
    for i, lang in enumerate(settings.languages):
        if lang != info.language and lang not in found_translations:
            problems.error(
                settings.at.get(f"languages.{i}") or settings.where("languages"),
                _("the plan has no language '{lang}'").format(lang=lang),
                _("add translations/{lang}.yaml, or remove '{lang}' from the list").format(
                    lang=lang
                ),
            )
    plan = model.Plan(
        root=root,
        info=info,
        nodes=nodes,
        contacts=contacts,
        laws=laws,
        local=settings,
        translations={k: t for k, t in found_translations.items() if not t.draft},
        logo=logo,
        drafts={k: t for k, t in found_translations.items() if t.draft},
        upstream=upstream,
        base_info=base_info,
    )
    return plan, problems


def _translations(
    files: list[SourceFile], problems: Problems, owner_replaced: model.PlanInfo | None
) -> dict[str, Any]:
    """The translations by language: the base's, with the layer's put over them entry by entry.

    owner_replaced is the base's metadata when the local layer names an owner of its own.
    """
    found: dict[str, model.Translation] = {}
    for source in files:
        if not source.role.is_translation:
            continue
        tr = _read(source, model.Translation, _("the translation"), problems)
        if tr is None:
            continue
        if owner_replaced is not None and source.role is Role.TRANSLATION:
            tr = _without_base_owner(tr, owner_replaced)
        stem = source.path.stem
        if tr.language != stem:
            problems.error(
                tr.where("language"),
                _("language '{lang}' does not match the file name").format(lang=tr.language),
                _("name the file {lang}.yaml, or set language: {stem}").format(
                    lang=tr.language, stem=stem
                ),
            )
        elif source.role is Role.LOCAL_TRANSLATION and tr.language in found:
            found[tr.language] = _layer_translation(found[tr.language], tr)
        elif tr.language in found:
            problems.error(
                tr.pos,
                _("a second translation to '{lang}'").format(lang=tr.language),
                _("keep one file per language"),
            )
        else:
            found[tr.language] = tr
    return found


def _layer_translation(base: model.Translation, layer: model.Translation) -> model.Translation:
    """The base's translation with the layer's entries, and each key the layer gives, over it."""
    keys = ("name", "direction", "draft")
    given = {name: getattr(layer, name) for name in keys if name in layer.at}
    return dataclasses.replace(
        base,
        **given,
        plan=layer.plan or base.plan,
        local=layer.local or base.local,
        nodes={**base.nodes, **layer.nodes},
        contacts={**base.contacts, **layer.contacts},
        laws={**base.laws, **layer.laws},
        at={**base.at, **{k: v for k, v in layer.at.items() if k in given}},
    )


def _without_base_owner(tr: model.Translation, base: model.PlanInfo) -> model.Translation:
    """The translation without the base's owner translated, once the local layer names its own.

    The base's translation translates the base's owner, which the project's card no longer
    shows.  Its fingerprint then covers the title and summary alone: the one the entry would have
    had without an owner when it was up to date, so a translation stays as current as it was.
    """
    text = tr.plan
    if text is None or not text.owner:
        return tr
    names = translate.covered(base, text)
    fingerprint = text.fingerprint
    if fingerprint == translate.fingerprint(base, names):
        fingerprint = translate.fingerprint(base, [n for n in names if n != "owner"])
    return dataclasses.replace(
        tr, plan=dataclasses.replace(text, owner=None, fingerprint=fingerprint)
    )


def _read(source: SourceFile, cls: type, what: str, problems: Problems) -> Any | None:
    """The file read as a `cls` (validate.read_file): None when it has errors, each reported.

    Kept in the cache by the file's key (loader.load_files), with the problems reading it gave.
    """
    kept = source.read
    if kept is not None and len(kept) == 4 and kept[:2] == (cls.__qualname__, what):
        problems.extend(kept[3])
        return kept[2]
    found = Problems()
    value = read_file(source, cls, what, found)
    problems.extend(found)
    # Kept only when read without an error: what a reading with errors gives is never used.
    if source.key and value is not None and not found.has_errors:
        Store(READS).put(source.key, (cls.__qualname__, what, value, found))
    return value


def _logo_folder(root: Path, local: list[SourceFile], settings: model.LocalSettings) -> Path:
    """Where the logo is looked for: the plan's folder, or beside the shared layer's local.yaml
    when that names it (see project.SHARED_DIR)."""
    named_in = settings.where("logo").file
    inside = root.resolve()
    for source in local:
        if source.name == named_in and inside not in source.path.resolve().parents:
            return source.path.parent
    return root


def _read_logo(
    root: Path, settings: model.LocalSettings, problems: Problems
) -> tuple[str, bytes] | None:
    if not settings.logo:
        return None
    pos = settings.where("logo")
    path = root / settings.logo
    try:
        logo = files.read_image(
            path, root, _("the card must stay small: use a smaller or an SVG logo"), LOGO_TYPES
        )
    except PlanError as exc:
        # Said at the logo's line in local.yaml, which names the file, in the reader's words.
        for p in exc.problems:
            message = _("the logo '{file}': {message}").format(
                file=short(settings.logo), message=p.message
            )
            problems.error(pos, message, p.hint)
        return None
    if logo is files.Refused.NOT_AN_IMAGE:
        problems.error(
            pos,
            _("the logo must be an SVG, PNG or JPEG file: '{file}'").format(
                file=short(settings.logo)
            ),
            _("convert it, or give another file"),
        )
        return None
    if logo is files.Refused.OUTSIDE:
        problems.error(
            pos, _("the logo is outside the plan's folder"), _("copy it into the folder")
        )
        return None
    return logo
