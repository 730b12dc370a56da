"""Merge: the parsed files of a plan, read and joined into one Plan.

Ids are global across files.  The local layer (local.yaml, then the files in local/) overrides
the plan's metadata, the local settings and contacts key by key, and replaces nodes and laws by
id.  Translations are kept beside the plan; the layer's translation into a language is put over
the base's entry by entry, and a draft translation is kept apart from the published ones.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

import yaml

from actionplan import deferred, files
from actionplan.cache import Buckets, Store, digest, memory
from actionplan.errors import PlanError, Pos, Problem, Problems, display_path, short
from actionplan.i18n import N_, _, language
from actionplan.identity import ByIdentity
from actionplan.plan import loader, model, translate
from actionplan.plan.layers import complete, overlay, read_layer_file
from actionplan.plan.loader import READS, Role, SourceFile
from actionplan.plan.shapes import fields_of
from actionplan.plan.validate import Reader, read_file

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
        content = _read(source, *_reads_as(source.role), problems)
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
        tr = _read(source, *_reads_as(source.role), problems)
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


def _reads_as(role: Role) -> tuple[type, str]:
    """What a file of this role is read as (the local layer's are read by layers.py), and its
    name in messages."""
    if role.is_translation:
        return model.Translation, _("the translation")
    return model.ContentFile, _("the file")


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


PARTS = "parts"  # the store of each file's entries of `nodes:`, read one by one


def read_in_parts(text: str, name: str, role: Role, path: Path) -> tuple[Any, ...] | None:
    """The file read as merge reads it (`_read`: its class, its name in messages, the value and
    its problems), entry by entry of its `nodes:`; None where it must be read whole.

    Each entry's text (loader.split_nodes) is read alone, and kept under its digest with what
    it gave: after an edit, only the entries whose text changed are read again, and an entry
    that only moved (lines added or removed above it) is moved.  The rest of the file, its
    `nodes:` taken out, is read and kept as a file of its own.  Only where every part reads
    without an error, each parses to one entry of the id it was cut at, no id is there twice
    and no alias is used in an entry: what a whole file reads to otherwise (an error, most
    often) is for the whole file's reader to say.  tests/test_parts.py holds the two readers
    to the same model, positions and problems.
    """
    store = Store(READS)
    if role is Role.LOCAL or not store.on:
        return None
    split_key = digest(PARTS, "split", str(path.resolve()), name, role.value)
    # The text, parts and digests as this process (serve) or the last build anywhere cut them.
    kept = memory()
    last: tuple[str, loader.Parts, list[bytes]] | None = (
        kept.recall("split", split_key) if kept is not None else None
    ) or _kept_split(store, split_key)
    parts = loader.split_again(text, last[0], last[1]) if last is not None else None
    old_digests = last[2] if last is not None and parts is not None else []
    if parts is None:
        parts = loader.split_nodes(text)
    if parts is None:
        if kept is not None:
            kept.forget("split", split_key)
        return None
    runs = _runs(parts.was)
    if runs is not None:  # as split_again cuts: the old ones, the new, the old ones
        first, count, at = runs
        after = len(parts.was) - first - count
        digests = [
            *old_digests[:first],
            *(_digest(chunk[2]) for chunk in parts.chunks[first : first + count]),
            *old_digests[at : at + after],
        ]
    else:
        digests = [
            old_digests[i] if i is not None else _digest(parts.chunks[n][2])
            for n, i in enumerate(parts.was)
        ] or _digests(parts.chunks)
    if kept is not None:
        kept.keep("split", split_key, (text, parts, digests))
    if last is None or text != last[0]:  # serve writes it once the card is out
        deferred.defer(
            lambda: store.put(split_key, (*loader.pack_parts(text, parts), b"".join(digests))),
            ("split", str(store.folder), split_key),
        )
    ids = [entry_id for _line, entry_id, _text in parts.chunks]
    if len(set(ids)) != len(ids):
        return None
    cls, what = _reads_as(role)
    found = Problems()
    rest = _read_rest(parts, name, role, path, cls, what)
    if rest is None:
        return None
    value, problems = rest
    found.extend(problems)
    nodes = _read_entries(parts, digests, name, role, path, cls, what, found, old_digests)
    if nodes is None:
        return None
    return (cls.__qualname__, what, dataclasses.replace(value, nodes=nodes), found)


def _read_rest(
    parts: loader.Parts, name: str, role: Role, path: Path, cls: type, what: str
) -> tuple[Any, tuple[Problem, ...]] | None:
    """The file but its entries of `nodes:` (`{}` in their place), read, or None."""
    store = Store(READS)
    key = digest(PARTS, name, role.value, what, language(), parts.skeleton)
    kept = store.get(key, tuple)
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    try:
        root = loader.parse(parts.skeleton, name)
    except PlanError:
        return None
    # `nodes:` must be the `{}` put in place of its entries, where the first of them was.
    value_node = (
        next(
            (v for k, v in root.value if getattr(k, "value", None) == "nodes" and not k.style), None
        )
        if isinstance(root, yaml.MappingNode)
        else None
    )
    if not (
        isinstance(value_node, yaml.MappingNode)
        and not value_node.value
        and value_node.start_mark.line == parts.chunks[0][0]
        and value_node.start_mark.column == parts.indent
    ):
        return None
    problems = Problems()
    source = SourceFile(path, name, role, root, "&" in parts.skeleton, parts.skeleton)
    value = read_file(source, cls, what, problems)
    if value is None or problems.has_errors:
        return None
    kept = (value, tuple(problems))
    store.put(key, kept)
    return kept


def _runs(was: tuple[int | None, ...]) -> tuple[int, int, int] | None:
    """Where `was` (loader.Parts.was) is as split_again makes it, the old chunks' indices from
    0, then new chunks, then the old ones' again: (how many old ones come first, how many new
    ones, the index of the first old one after them, or 0 where none follows); else None."""
    if not was:
        return None
    if None in was:
        first = was.index(None)
    else:  # chunks taken away, none cut again: the first whose index is not its place
        first = bisect.bisect_left(range(len(was)), True, key=lambda i: was[i] != i)
    count = was.count(None)
    rest = len(was) - first - count
    last = was[first + count] if rest else 0
    if (
        last is None
        or was[:first] != tuple(range(first))
        or was[first + count :] != tuple(range(last, last + rest))
    ):
        return None
    return first, count, last


def _digest(chunk: str) -> bytes:
    return hashlib.blake2b(chunk.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _digests(chunks: list[tuple[int, str, str]]) -> list[bytes]:
    """_digest of each chunk's text, in one loop (10 000 calls fewer at 10 000 nodes)."""
    blake2b = hashlib.blake2b
    return [
        blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        for _line, _id, text in chunks
    ]


def _kept_split(store: Store, key: str) -> tuple[str, loader.Parts, list[bytes]] | None:
    """A file's text and parts as the last build in another process cut them, with each part's
    digest (read_in_parts keeps them in the store): an edit is cut again where it changed,
    rather than the whole text cut and every part digested again (at 10 000 nodes, a fifth of
    a rebuild)."""
    kept = store.get(key, tuple)
    if kept is None or len(kept) != 10 or type(kept[9]) is not bytes:
        return None
    found = loader.unpack_parts(kept[:9])
    joined = kept[9]
    if found is None or len(joined) != 16 * len(found[1].chunks):
        return None
    return found[0], found[1], [joined[i : i + 16] for i in range(0, len(joined), 16)]


def _read_entries(
    parts: loader.Parts,
    digests: list[bytes],
    name: str,
    role: Role,
    path: Path,
    cls: type,
    what: str,
    problems: Problems,
    old_digests: list[bytes] | None = None,
) -> dict[str, Any] | None:
    """Each entry of `nodes:` by its id, read alone or taken from the store, or None.

    In one process (`serve`), where the parts were cut again from those this last read
    (`parts.was`, with `old_digests` the digests this read them by), an entry that is at the
    same line as then is what it was, and only the others are looked up: a save looks at the
    entry it changed, not at 10 000."""
    chunks = parts.chunks
    # By the file's own place too: the same name in messages ("content/plan.yaml", built from
    # each project's folder) must not make two projects' files drop each other's entries.
    table = digest(
        PARTS, str(path.resolve()), name, role.value, what, language(), str(parts.indent)
    )
    kept = Buckets(Store(READS), table, len(chunks))
    hint = fields_of(cls)["nodes"][1]
    remembered = memory()
    # The last read's digests, each entry (line, value, problems, digest) and their buckets.
    last: tuple[list[bytes], list[tuple[int, Any, Any, bytes]], Buckets] | None = (
        remembered.recall("entries", table) if remembered is not None else None
    )
    entries: list[Any]
    if (
        last is not None
        and old_digests is not None
        and parts.was
        and last[0] is old_digests
        and len(last[1]) == len(old_digests)
        and last[2].names == kept.names
    ):
        old = last[1]
        runs = _runs(parts.was)
        if runs is not None:  # the old entries, the new, the old: each run at one shift
            first, count, at = runs
            rest = len(chunks) - first - count
            entries = [*old[:first], *([None] * count), *old[at : at + rest]]
            todo = list(range(first, first + count))
            after = first + count
            if rest and (old[at][0] != chunks[after][0] or old[at + rest - 1][0] != chunks[-1][0]):
                todo += range(after, len(chunks))
        else:
            entries = [old[i] if i is not None else None for i in parts.was]
            todo = [
                n
                for n, (e, c) in enumerate(zip(entries, chunks, strict=True))
                if e is None or e[0] != c[0]
            ]
    else:
        last = None
        entries = [None] * len(chunks)
        todo = list(range(len(chunks)))
    found = kept.all() if todo else {}
    made: list[tuple[bytes, Any]] = []  # each entry read or moved, by its digest
    for n in todo:
        line, entry_id, text = chunks[n]
        h = digests[n]
        entry = found.get(h)
        if entry is None:
            read = _read_entry(text, line, entry_id, name, role, path, hint)
            if read is None:
                return None
            written = hashlib.blake2b(table.encode() + h, digest_size=16).digest()
            entry = (*read, written)
        elif entry[0] != line:
            entry = (*_moved_entry(entry[:3], line), entry[3])
        entries[n] = entry
        made.append((h, entry))
    for found_in in filter(None, map(itemgetter(2), entries)):
        problems.extend(found_in)
    nodes = dict(zip(map(itemgetter(1), chunks), map(itemgetter(1), entries), strict=True))
    if last is not None and old_digests is not None:
        # What the last read kept that this one does not: the entries no chunk is cut from now.
        still = set(parts.was)
        still.discard(None)
        gone = set(range(len(old_digests))).difference(still)
        kept.use_again(last[2], map(old_digests.__getitem__, gone), made)
    else:
        kept.use_all(zip(digests, entries, strict=True))
    kept.save_later()  # serve writes it once the card is out
    _written.put_all([(entry[1], entry[3]) for _h, entry in made])
    if remembered is not None:
        remembered.keep("entries", table, (digests, entries, kept))
    return nodes


# The digest of the text each value read in parts was read from (text_key).
_written: ByIdentity[Any, bytes] = ByIdentity()


def text_key(value: Any) -> bytes | None:
    """A digest of the text an entry of a file's `nodes:` was read from, with the file's name
    and role and the tool's code (read_in_parts); None for a value not read so.  Two values
    with one digest are equal, but for their positions: the card keys a node's section by it,
    rather than by the node's repr (render.rendered_nodes)."""
    return _written.get(value)


def text_keys(values: Iterable[Any]) -> list[bytes | None]:
    """text_key of each value, in one call."""
    return _written.get_all(values)


def _read_entry(
    text: str, line: int, entry_id: str, name: str, role: Role, path: Path, hint: Any
) -> tuple[int, Any, tuple[Problem, ...]] | None:
    """One entry of `nodes:` read alone, at its line: (its line, the value, its problems)."""
    root = loader.compose_part(text)
    if not (
        isinstance(root, yaml.MappingNode)
        and len(root.value) == 1
        and isinstance(root.value[0][0], yaml.ScalarNode)
        and root.value[0][0].value == entry_id
        and not root.value[0][0].style
        and not loader.duplicate_keys(root, name)
    ):
        return None
    problems = Problems()
    source = SourceFile(path, name, role, root, "&" in text, text)
    reader = Reader(source, problems)
    value = reader.read(root, hint, "'nodes'")
    if problems.has_errors or reader.alias_values or entry_id not in value:
        return None
    entry = (0, value[entry_id], tuple(problems))
    return _moved_entry(entry, line) if line else entry


def _moved_entry(
    entry: tuple[int, Any, tuple[Problem, ...]], line: int
) -> tuple[int, Any, tuple[Problem, ...]]:
    """The entry read at one line as it reads at another: every position moved as far."""
    by = line - entry[0]
    return (
        line,
        _moved(entry[1], by),
        tuple(dataclasses.replace(p, pos=_moved_pos(p.pos, by)) for p in entry[2]),
    )


def _moved_pos(pos: Pos, by: int) -> Pos:
    return tuple.__new__(Pos, (pos[0], pos[1] + by, pos[2])) if pos[1] else pos


def _moved(value: Any, by: int) -> Any:
    """A copy of a value of the model with every position `by` lines further down; the same
    value where it holds none."""
    if isinstance(value, model.Located):
        moved = {
            f.name: _moved(getattr(value, f.name), by)
            for f in dataclasses.fields(value)
            if f.name not in ("pos", "at")
        }
        copy = object.__new__(type(value))
        for field_name, field_value in moved.items():
            object.__setattr__(copy, field_name, field_value)
        object.__setattr__(copy, "pos", _moved_pos(value.pos, by))
        object.__setattr__(copy, "at", {k: _moved_pos(p, by) for k, p in value.at.items()})
        return copy
    if type(value) is tuple:
        return tuple(_moved(item, by) for item in value) if value else value
    if type(value) is dict:
        return {k: _moved(v, by) for k, v in value.items()}
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
