"""Load: find a plan's YAML files and parse each into a tree of YAML nodes with source positions.

Only YAML's safe subset is composed; nothing is constructed here, so no tag can run code and no
alias is expanded (the validator counts expansions).  Every failure becomes a Problem that names
the file, line and column.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from actionplan import files
from actionplan.cache import Store, digest
from actionplan.errors import PlanError, Pos, Problem, Problems, display_path, short
from actionplan.frozen import frozen
from actionplan.i18n import _

if TYPE_CHECKING:  # the checker reads one base; both give the interface used below
    _Base = yaml.CSafeLoader
else:
    try:  # libyaml is several times faster where it is installed
        _Base = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        _Base = yaml.SafeLoader

_YAML = "tag:yaml.org,2002:"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(
    f"{w}{rest}"
    for word in ("true", "false", "yes", "no", "on", "off")
    for w, rest in ((word, ""), (word[0].upper(), word[1:]), (word.upper(), ""))
)
_INT = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_INT_START = frozenset("+-0123456789")  # most values are words: no need to try _INT on them
# The words a plain value may be that are not text, with their tags: one lookup tells.
_WORDS = {
    **dict.fromkeys(_NULLS, _YAML + "null"),
    **dict.fromkeys(_BOOLS, _YAML + "bool"),
    "<<": _YAML + "merge",
}
_LONGEST_WORD = max(map(len, _WORDS))
_STR, _INT_TAG, _SEQ, _MAP = (_YAML + kind for kind in ("str", "int", "seq", "map"))


class _Loader(_Base):
    """The safe loader, resolving only the implicit types a plan uses.

    A plan's values are read from their text (see scalars.py); the tags only need to tell
    nothing, true/false and whole numbers from text.  PyYAML's general resolver tries a dozen
    regular expressions per value, which was a fifth of the time a large plan took to parse.
    """

    @staticmethod  # the parser calls self.resolve; as a static method, explicit_tags can too
    def resolve(kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                # Only a short value can be one of the words: a long one is not hashed for it.
                tag = _WORDS.get(value) if len(value) <= _LONGEST_WORD else None
                if tag is not None:
                    return tag
                if value[:1] in _INT_START and _INT.match(value):
                    return _INT_TAG
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    # No path resolvers are used.  The composer calls these two for every node it makes: as
    # built-in callables that take the same arguments (and whose result it drops) rather than
    # Python functions that do nothing, some 2 % of composing a file is saved.
    descend_resolver = slice  # type: ignore[assignment]  # (parent, index)
    ascend_resolver = tuple  # type: ignore[assignment]  # ()


MAX_FILE_BYTES = files.MAX_FILE_BYTES
READS = "reads"  # the cache's store of content files read into the model
MAX_FILES = 20_000
MAX_DEPTH = 100  # a plan needs about six levels; libyaml's composer crashes at some 100 000
LOCAL_FILE = "local.yaml"
LOCAL_DIR = "local"  # more files of the local layer, and its translations in local/translations/
TRANSLATIONS_DIR = "translations"
YAML_SUFFIXES = (".yaml", ".yml")


class Role(enum.Enum):
    """What a content file is to the plan, by its place in the content folder (see find_files);
    the files apply in this order."""

    BASE = "base"
    LOCAL = "local"
    TRANSLATION = "translation"
    LOCAL_TRANSLATION = "local-translation"

    @property
    def is_translation(self) -> bool:
        return self in (Role.TRANSLATION, Role.LOCAL_TRANSLATION)


@frozen
class SourceFile:
    """One content file, parsed; or, where the cache holds what reading it gave (`read`), parsed
    only if something asks for its nodes."""

    path: Path
    name: str  # as shown in messages
    role: Role
    parsed: yaml.Node | None
    anchors: bool = True  # whether the text may define anchors (aliases need one)
    text: str = ""  # the file's text, where a message needs more than the parser tells
    key: str = ""  # what its reading is kept under in the cache ("" where it is not kept)
    read: Any = None  # (what was read, its problems), from the cache
    # Whether parsing looked for keys written twice; where it did not, the reader does, as it
    # reads each mapping, and loader.keys_twice walks the file where the reader may not have.
    keys_checked: bool = True

    @property
    def root(self) -> yaml.Node:
        parsed = self.parsed
        if parsed is None:  # the same text parsed cleanly when its reading was kept
            parsed = parse(self.text, self.name)
            object.__setattr__(self, "parsed", parsed)
        return parsed

    def pos(self, node: yaml.Node) -> Pos:
        return node_pos(self.name, node)


def node_pos(name: str, node: yaml.Node) -> Pos:
    mark = node.start_mark
    # Made for every value read: tuple.__new__ skips the named tuple's own __new__ (a Python call).
    return tuple.__new__(Pos, (name, mark.line + 1, mark.column + 1))


def find_files(
    root: Path, base: Path | None = None, shared: Path | None = None
) -> list[tuple[Path, Role]]:
    """The plan's YAML files with their roles, in the order they apply.

    Without `base`, root holds the whole plan: its base files (BASE), the local layer
    (local.yaml, then local/*.yaml: LOCAL), the base's translations (translations/:
    TRANSLATION) and the layer's own (local/translations/: LOCAL_TRANSLATION).  With `base`,
    the base plan is that folder, read the same way, and root holds only a local layer applied
    over it: local.yaml, local/ and translations/, whose files are all the layer's.
    `shared` is a layer that every plan of a project shares (its shared/ folder), read as
    root's is and applied before root's own.
    """
    found = (
        _files_in(root, own_base=True)
        if base is None
        else (_files_in(base, own_base=True) + _files_in(root, own_base=False))
    )
    if shared is None:
        return found
    own = [f for f in found if f[1] in (Role.BASE, Role.TRANSLATION)]
    layer = [f for f in found if f[1] not in (Role.BASE, Role.TRANSLATION)]
    return sorted(own + _files_in(shared, own_base=False) + layer, key=lambda f: _ROLE_ORDER[f[1]])


def upstream(
    root: Path, base: Path | None, files: list[SourceFile], shared: Path | None = None
) -> frozenset[str]:
    """The names of the files that are upstream's, not the project's: all of a base plan kept
    elsewhere; in a content folder that holds its base, all but local/ (and the shared layer)."""
    if base is not None:
        inside = base.resolve()
        return frozenset(f.name for f in files if inside in f.path.resolve().parents)
    own = [(root / LOCAL_DIR).resolve()] + ([shared.resolve()] if shared else [])
    return frozenset(f.name for f in files if not any(o in f.path.resolve().parents for o in own))


def holds_base(root: Path) -> bool:
    """Whether the content folder holds a base plan of its own, rather than only a local layer.

    A folder with any content file outside the layer's places (local.yaml, local/,
    translations/) holds its own base; so does one with no content file at all, or one that
    cannot be read, which the loader then reports as such.  Only names are looked at: the top
    level first, where a plan keeps plan.yaml, and other folders only when that says nothing.
    """
    try:
        entries = files.list_folder(root)
        layer = False
        folders = []
        for entry in entries:
            if _hidden(entry.name):
                continue
            if entry.is_dir():
                if entry.name in (LOCAL_DIR, TRANSLATIONS_DIR):
                    layer = True
                else:
                    folders.append(Path(entry.path))
            elif entry.name.lower().endswith(YAML_SUFFIXES):
                if entry.name != LOCAL_FILE:
                    return True
                layer = True
        return not layer or any(
            p.suffix.lower() in YAML_SUFFIXES for f in folders for p in files.walk(f, _hidden)
        )
    except (OSError, PlanError):
        return True


def _hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _role(rel: Path, own_base: bool) -> Role:
    """A file's role by its place in the content folder (see find_files)."""
    parts = rel.parts
    if parts[0] == LOCAL_DIR and len(parts) > 1:
        return Role.LOCAL_TRANSLATION if parts[1] == TRANSLATIONS_DIR else Role.LOCAL
    if parts[0] == TRANSLATIONS_DIR:
        return Role.TRANSLATION if own_base else Role.LOCAL_TRANSLATION
    if rel.as_posix() == LOCAL_FILE:
        return Role.LOCAL
    return Role.BASE if own_base else Role.LOCAL


_ROLE_ORDER = {role: i for i, role in enumerate(Role)}


def _files_in(root: Path, own_base: bool) -> list[tuple[Path, Role]]:
    """The content files under root with their roles; local.yaml before the files in local/."""
    if not root.exists():
        raise PlanError.at(
            Pos(str(root)), _("no such folder"), _("give the folder that holds the plan")
        )
    if not root.is_dir():
        raise PlanError.at(
            Pos(str(root)), _("not a folder"), _("give the folder that holds the plan")
        )
    found: list[tuple[Path, Role]] = []
    problems = Problems()
    for path in files.walk(root, hidden=_hidden):
        rel = path.relative_to(root)
        is_yaml = path.suffix.lower() in YAML_SUFFIXES  # tools on Windows save START.YAML
        linked_folder = False
        if path.is_symlink():  # listed, never followed
            try:
                linked_folder = stat.S_ISDIR(os.stat(path).st_mode)
            except OSError as exc:
                if not is_yaml and not path.suffix:  # what may have been a folder of the plan
                    problems += files.error(display_path(path), exc, "link").problems
                    continue
        if not is_yaml and not linked_folder:
            continue
        if not files.inside(path, root):
            outside = (
                (
                    _("links to a folder outside the plan's folder"),
                    _("copy the folder into the plan's folder instead of linking to it"),
                )
                if linked_folder
                else (
                    _("links to a file outside the plan's folder"),
                    _("copy the file into the plan's folder instead of linking to it"),
                )
            )
            problems.error(Pos(display_path(path)), *outside)
            continue
        if linked_folder:  # its files are in the plan's folder already, and read from there
            continue
        misnamed = _misnamed(rel)
        if misnamed is not None:
            problems.error(Pos(display_path(path)), *misnamed)
            continue
        # A special file or a link that loops is kept, and refused when it is read.
        found.append((path, _role(rel, own_base)))
        if len(found) > MAX_FILES:
            raise PlanError.at(
                Pos(display_path(root)),
                _("more than {n} YAML files").format(n=MAX_FILES),
                _("a plan this large is almost certainly the wrong folder"),
            )
    problems.stop_on_errors()
    if not found:
        raise PlanError.at(
            Pos(display_path(root)),
            _("no .yaml files in this folder"),
            _("give the folder that holds the plan, such as content/"),
        )
    # sorted() is stable: within a role the files stay in path order, local.yaml first
    return sorted(found, key=lambda f: (_ROLE_ORDER[f[1]], f[0] != root / LOCAL_FILE))


_DANISH_TRANSLATIONS = ("oversaettelser", "oversættelser")


def _misnamed(rel: Path) -> tuple[str, str] | None:
    """(message, hint) for a file or folder named almost as the local layer or the translations
    are: read as a file of the base plan, it would only give puzzling errors."""
    if len(rel.parts) == 1 and rel.name != LOCAL_FILE:
        stem = rel.stem.lower()
        if _one_edit_apart(stem, "local"):
            return _("'{file}' is not read as the local layer").format(file=rel.name), _(
                "did you mean {name}? Rename the file"
            ).format(name=LOCAL_FILE)
    elif len(rel.parts) > 1 and rel.parts[0] != TRANSLATIONS_DIR:
        folder = rel.parts[0].lower()
        if _one_edit_apart(folder, TRANSLATIONS_DIR) or folder in _DANISH_TRANSLATIONS:
            return _("the folder '{folder}' is not read as the translations").format(
                folder=rel.parts[0]
            ), _("did you mean {name}/? Rename the folder").format(name=TRANSLATIONS_DIR)
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether a is b with at most one letter added, left out or changed."""

    def spellings(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    return bool(spellings(a) & spellings(b))


def read_text(path: Path, name: str) -> str:
    """The file's text, refusing what is not a UTF-8 text file of a plan's size."""
    return files.read_text(
        path, name, MAX_FILE_BYTES, binary=_("content files must be YAML text saved as UTF-8")
    )


def _is_empty_value(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == "" and not node.style


# A line (as re counts them) with a value on it: spaces or tabs, then neither a space nor '#'.
_VALUE_LINE = re.compile(r"^[ \t]*[^\s#]", re.M)


def _is_blank(text: str) -> bool:
    """True when the text has nothing but blank lines and comments.  Most texts have a value on
    their first line: one search finds it, where splitting them into lines took some 10 ms at
    10 000 nodes (a line that search finds is a line with a value to splitlines too, which
    also breaks a line at a few other characters)."""
    if _VALUE_LINE.search(text):
        return False
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def parse(text: str, name: str, keys_twice: bool = True) -> yaml.Node:
    """Compose one YAML document into nodes, translating parser errors into Problems; with
    `keys_twice` False, a key written twice is left for the reader to find (keys_twice)."""
    if _is_blank(text):
        raise PlanError.at(
            Pos(name, 1, 1), _("file is empty"), _("add content, or delete the file")
        )
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        raise _unusual_break(text, name)
    try:
        _check_depth(text, name)
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        from actionplan.plan.yaml_problems import explain, mark_pos  # only a failure needs them

        if "maximum nesting depth" in (exc.problem or ""):  # newer libyaml has a limit of its own
            raise PlanError.at(
                mark_pos(name, text, exc.problem_mark),
                _("more than {n} levels of nesting").format(n=MAX_DEPTH),
                _("a plan needs only a few: look for '[', '{' or '- ' too many"),
            ) from None
        raise PlanError([explain(exc, name, text)]) from None
    except yaml.reader.ReaderError as exc:
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        offset = text.find(char)
        pos = (
            files.byte_pos(name, text.encode(), len(text[:offset].encode()))
            if offset >= 0
            else Pos(name)
        )
        raise PlanError.at(
            pos,
            _("the file contains a special character ({code}) that YAML does not allow").format(
                code=f"U+{ord(char):04X}"
            ),
            _("delete it: it may be invisible, so retype the text around it"),
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise PlanError.at(
            Pos(name), _("not valid YAML: {problem}").format(problem=problem)
        ) from None
    except RecursionError:
        raise PlanError.at(
            Pos(name), _("nesting is too deep"), _("a plan needs only a few levels of indentation")
        ) from None
    if "\ufeff" in text:  # a byte order mark inside: files joined, or text pasted
        offset = text.index("\ufeff")
        line = text.count("\n", 0, offset) + 1
        from actionplan.plan.yaml_problems import describe_char

        raise PlanError.at(
            Pos(name, line, offset - text.rfind("\n", 0, offset)),
            _("an invisible character, {char}, inside the file").format(
                char=describe_char(chr(0xFEFF))
            ),
            _(
                "delete it: as it cannot be seen, "
                "delete the characters around it and type them again"
            ),
        )
    # An empty document ('---' and nothing after it) is a null with its place past the end.
    documents = [d for d in documents if d is not None and not _is_empty_value(d)]
    if not documents:
        raise PlanError.at(
            Pos(name, 1, 1), _("file is empty"), _("add content, or delete the file")
        )
    if len(documents) > 1:
        raise PlanError.at(
            node_pos(name, documents[1]),
            _("more than one YAML document in the file"),
            _("remove the '---' line, or split the file in two"),
        )
    duplicates = duplicate_keys(documents[0], name) if keys_twice else None
    if duplicates:
        raise PlanError(duplicates)
    if "!" in text and _tag_start().search(text):  # most files have no tag: one search tells
        tagged = explicit_tags(documents[0], name)
        if tagged:
            raise PlanError(tagged)
    return documents[0]


def _unusual_break(text: str, name: str) -> PlanError:
    """YAML reads a next-line character (U+0085) and the line and paragraph separators as line
    breaks, which an editor shows as nothing, or as a space, on one line: every line and column
    after it would point at the wrong place, and a value would be cut in two."""
    from actionplan.plan.yaml_problems import describe_char

    offset = min(i for i in map(text.find, ("\x85", "\u2028", "\u2029")) if i >= 0)
    return PlanError.at(
        Pos(name, text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)),
        _("an unusual line break, {char}, inside the file").format(
            char=describe_char(text[offset])
        ),
        _(
            "delete it: as most editors do not show it, "
            "delete the characters around it and type them again"
        ),
    )


@functools.cache
def _tag_start() -> re.Pattern[str]:
    """Where a tag may be written: '!' at the start of a value (at a line's start, after a space
    or a flow bracket or comma). Text that has none, has no tag."""
    return re.compile(r"(?:^|[\s\[{,])!", re.M)


def explicit_tags(root: yaml.Node, name: str) -> list[Problem]:
    """Every value with a tag that makes it other than what its text reads as ('!!int SSP',
    '!!binary …', '!custom', '!!set'): a plan reads each value from its text, so such a tag
    would be dropped without a word. `!!str` on a scalar, or a tag that names what the text
    reads as anyway, changes nothing and is let be."""
    problems = []
    for node in every_node(root, scalars=True):
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style  # '' from libyaml, None from PyYAML's own parser
            read_as = _Loader.resolve(yaml.ScalarNode, node.value, (plain, not plain))
            if node.tag in (read_as, _YAML + "str"):
                continue
        elif node.tag == _YAML + ("seq" if isinstance(node, yaml.SequenceNode) else "map"):
            continue
        tag = "!!" + node.tag[len(_YAML) :] if node.tag.startswith(_YAML) else node.tag
        problems.append(
            Problem(
                node_pos(name, node),
                _("tags ('{tag}') are not supported").format(tag=short(tag)),
                _("remove '{tag}': a plan reads each value from its text").format(tag=short(tag)),
            )
        )
    return sorted(problems, key=lambda p: p.pos)


def every_node(root: yaml.Node, scalars: bool) -> Iterator[yaml.Node]:
    """Each node under root, itself included, once however many aliases name it: depth first,
    a mapping's values only (its keys too, with `scalars`), and scalars only with `scalars`."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.SequenceNode):
            todo.extend(
                node.value
                if scalars
                else (item for item in node.value if type(item) is not yaml.ScalarNode)
            )
        elif isinstance(node, yaml.MappingNode):
            todo.extend(
                (part for pair in node.value for part in pair)
                if scalars
                else (value for _key, value in node.value if type(value) is not yaml.ScalarNode)
            )


def duplicate_keys(root: yaml.Node, name: str) -> list[Problem]:
    """Every key written twice in one mapping, anywhere in the file.

    YAML forbids it, and a parser keeps one of the two without a word; so does any code that
    looks a key up itself (the local layer's sections, say).  Refused here, no value is lost
    whatever later reads the file.  Each node is visited once, however many aliases name it
    (every_node).
    """
    problems: list[Problem] = []
    for node in every_node(root, scalars=False):
        if isinstance(node, yaml.MappingNode):
            pairs = node.value
            try:  # most mappings have no key twice: a set of their keys tells at once
                twice = len({key.value for key, _value in pairs}) != len(pairs)
            except TypeError:  # a key that is a list or a mapping
                twice = True
            if twice:
                problems += keys_written_twice(pairs, name)
    return sorted(problems, key=lambda p: p.pos)


def keys_twice(files: list[SourceFile]) -> list[Problem]:
    """duplicate_keys of each file that was parsed without looking for them (keys_checked),
    file by file: what loading them would have refused.  The reader finds a key written twice
    in each mapping it reads; a file read with an error may hold mappings it did not read."""
    problems: list[Problem] = []
    for source in files:
        if not source.keys_checked:
            problems += duplicate_keys(source.root, source.name)
    return problems


def keys_written_twice(pairs: list[tuple[yaml.Node, yaml.Node]], name: str) -> list[Problem]:
    """A problem at each key of one mapping written there before."""
    problems = []
    first: dict[str, yaml.Node] = {}
    for key, _value in pairs:
        if not isinstance(key, yaml.ScalarNode) or key.tag == _YAML + "merge":
            continue  # the reader refuses these, with their own message
        if key.value in first:
            problems.append(
                Problem(
                    node_pos(name, key),
                    _("duplicate key '{key}', already on line {line}").format(
                        key=short(key.value), line=first[key.value].start_mark.line + 1
                    ),
                    _("YAML would silently keep only the last one: rename or remove one"),
                )
            )
        else:
            first[key.value] = key
    return problems


# Compiled at their first use (re keeps them), by a text that might nest that deep.
_DEEP_INDENT = rf"(?m)^ {{{MAX_DEPTH},}}"
_INDICATORS = rf"(?:[-?][ \t]+){{{MAX_DEPTH // 4}}}"
# Two indicators in a row: what a long run of them must hold, found far faster than the run (as
# two patterns, each searched for from its first, plain character).
_TWO_INDICATORS = (re.compile(r"-[ \t]+[-?][ \t]"), re.compile(r"\?[ \t]+[-?][ \t]"))
_FLOW_BRACKET = r"[\[\]{}]"


def _might_nest_deeply(text: str, lines: str | None = None, brackets: int = -1) -> bool:
    """A cheap, generous test: can this text nest more than MAX_DEPTH levels at all?

    Each level needs a bracket, a deeper indentation or a '- ' / '? ' on the line, so a text with
    none of those in quantity cannot; only a text that might is parsed to count exactly.  Each
    pattern is looked for only where a plain substring search says it could be.  The tests of
    indentation and indicators look at one line at a time: `lines`, whole lines of the text, is
    where they look when the rest of the text passed them before (split_again), and
    `brackets` the text's count of them where it is known (_brackets).
    """
    lines = text if lines is None else lines
    if " " * MAX_DEPTH in lines and re.search(_DEEP_INDENT, lines):
        return True
    if any(p.search(lines) for p in _TWO_INDICATORS) and re.search(_INDICATORS, lines):
        return True
    if brackets < 0 and not _brackets_over(text, MAX_DEPTH // 4):
        return False  # too few brackets to open that many levels
    if 0 <= brackets <= MAX_DEPTH // 4:
        return False
    depth = 0
    for match in re.finditer(_FLOW_BRACKET, text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH // 4:
            return True
    return False


def _brackets(text: str) -> int:
    """How many brackets that open a level the text holds."""
    return text.count("[") + text.count("{")


def _brackets_over(text: str, n: int) -> bool:
    """Whether the text holds more than n brackets that open a level: found one by one, as a
    search for one character is some thirty times faster than counting them (str.count) in a
    text that is not all Latin-1, and stops at the one over n."""
    found = 0
    for bracket in "[{":
        at = text.find(bracket)
        while at >= 0:
            found += 1
            if found > n:
                return True
            at = text.find(bracket, at + 1)
    return False


def _check_depth(text: str, name: str) -> None:
    """Refuse deep nesting before composing, which recurses (in C, with libyaml) per level."""
    if not _might_nest_deeply(text):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                from actionplan.plan.yaml_problems import mark_pos

                raise PlanError.at(
                    mark_pos(name, text, event.start_mark),
                    _("more than {n} levels of nesting").format(n=MAX_DEPTH),
                    _("a plan needs only a few: look for '[', '{' or '- ' too many"),
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


# The top-level `nodes:` key alone on its line, with its entries in the lines below.  The
# patterns that look at the starts of lines start with the line break before them: a pattern
# that starts with a plain character is searched for far faster than one under `^`.  They are
# compiled at their first use (re keeps them): a build that keeps nothing never cuts a file.
_NODES_KEY_LINE = r"nodes:[ \t]*(?:#[^\n]*)?\n"
_NODES_KEY = "\n" + _NODES_KEY_LINE
_NODES_KEY_FIRST = _NODES_KEY_LINE
_TOP_LEVEL = r"\n[^ \n#]"  # the line of the next top-level key, or of anything else
_ODD_LINE = r"(?:---|\.\.\.)(?:[ \t\n]|\Z)|%| *\t"  # document markers, directives, tabs
_ODD = "\n(?:" + _ODD_LINE + ")"
_ODD_FIRST = _ODD_LINE
_ENTRY_KEY = r"([A-Za-z0-9_][A-Za-z0-9_.-]*):(?=[ \t\n]|\Z)"  # an id, as a key (group 1)


@frozen
class Parts:
    """A file's text cut at the entries of its top-level `nodes:` mapping (see split_nodes)."""

    skeleton: str  # the text with the entries taken out: `nodes:` is `{}`, on as many lines
    chunks: list[tuple[int, str, str]]  # each entry's first line (from 0), its id, its text
    indent: int  # the column of the ids, from 0
    head: int = 0  # where the first entry starts in the text
    end: int = 0  # where the last one ends
    was: tuple[int | None, ...] = ()  # split_again: each chunk's index in the parts before
    brackets: int = -1  # how many brackets that open a level the text holds (_brackets)


# What a part read alone would read otherwise than the whole file is read: a carriage return, a
# byte order mark, and the line breaks that the whole file's reader refuses (parse).
_UNPLAIN = ("\r", "\ufeff", "\x85", "\u2028", "\u2029")


def _unplain(text: str) -> bool:
    return any(char in text for char in _UNPLAIN)


def split_nodes(text: str) -> Parts | None:
    """The text cut at each entry of its top-level `nodes:` mapping, so that each entry can be
    read alone; None wherever that is not plainly the same as reading the whole file.

    An entry runs from the line of its id (at the ids' indentation, as plain text followed by
    ':') to the next one, comments and blank lines after it included.  Anything else at the ids'
    indentation or less (but comments), a tab at the start of a line, a document marker or a
    directive, a file that may nest deeply, a byte order mark, a carriage return or another
    line break that YAML reads and an editor does not show (_UNPLAIN): None.
    Whether each part parses alone, and what it parses to, is checked by the reader of the
    parts (merge.read_in_parts), which reads the whole file on any doubt.
    """
    if _unplain(text) or re.match(_ODD_FIRST, text) or re.search(_ODD, text):
        return None
    brackets = _brackets(text)
    if _might_nest_deeply(text, brackets=brackets):
        return None
    found = re.match(_NODES_KEY_FIRST, text) or re.search(_NODES_KEY, text)
    if found is None or re.compile(_NODES_KEY).search(text, found.end() - 1):
        return None
    start = found.end()  # the line after `nodes:`
    ended = re.compile(_TOP_LEVEL).search(text, start - 1)
    end = ended.start() + 1 if ended else len(text)
    first = re.compile(r"\n( +)[^ \n#]").search(text, start - 1, end)
    if first is None:
        return None
    indent = len(first.group(1))
    head = first.start() + 1  # comments and blank lines before the first entry stay with `nodes:`
    if indent > 1 and re.compile(rf"\n {{1,{indent - 1}}}[^ \n#]").search(text, head - 1, end):
        return None  # a line less indented than the ids (but a comment)
    starts = _starts(text, head - 1, end, indent)
    if starts is None:
        return None
    cut = _entries(text, *starts, end, text.count("\n", 0, head))
    skeleton = _skeleton(text, head, end, indent, cut[1] - cut[0][0][0])
    return Parts(skeleton, cut[0], indent, head, end, brackets=brackets)


def _starts(text: str, start: int, end: int, indent: int) -> tuple[list[int], list[str]] | None:
    """Where each entry of `text` between `start` and `end` starts (a line at the ids'
    indentation but a comment), and its id; None where one does not start with an id."""
    found = list(_entry_line(indent).finditer(text, start, end))
    ids = [m.group(1) for m in found]
    if not all(ids):  # a line at the ids' indentation that is not `id:`
        return None
    return [m.start() + 1 for m in found], ids


@functools.cache
def _entry_line(indent: int) -> re.Pattern[str]:
    """An entry's first line: the line break before it, then the id and ':' (group 1, the id)
    or anything else but a space or a comment (group 1 None)."""
    return re.compile(rf"\n {{{indent}}}(?:{_ENTRY_KEY}|[^ \n#])")


def _entries(
    text: str, starts: list[int], ids: list[str], end: int, line: int
) -> tuple[list[tuple[int, str, str]], int]:
    """The entries of `text` that start at `starts` (the last runs to `end`), each with its
    first line (the first at `line`) and its id, and the line after them."""
    chunks: list[tuple[int, str, str]] = []
    stops = [*starts[1:], end] if starts else []
    for at, stop, entry_id in zip(starts, stops, ids, strict=True):
        chunk = text[at:stop]
        chunks.append((line, entry_id, chunk))
        line += chunk.count("\n")
    return chunks, line


def _skeleton(text: str, head: int, end: int, indent: int, lines: int) -> str:
    """The text with its entries (from `head` to `end`, `lines` lines) taken out: `nodes:` is
    `{}`, on as many lines."""
    return f"{text[:head]}{' ' * indent}{{}}" + "\n" * lines + text[end:]


def split_again(text: str, old_text: str, old: Parts) -> Parts | None:
    """split_nodes(text) for old_text edited (`old` its parts), cut again only from the first
    entry that changed to the last: the entries before and after are the old ones, and are
    looked at no further (the old text passed every test of split_nodes).  None where only
    split_nodes can tell: the text outside the entries changed, or what changed is not plainly
    whole entries.  Each chunk's index in `old` is in `was` (None for one cut again)."""
    head, tail, chunks = old.head, len(old_text) - old.end, old.chunks
    if not chunks or len(text) < head + tail or text[:head] != old_text[:head]:
        return None
    if tail and text[-tail:] != old_text[-tail:]:
        return None
    first, pos = 0, head  # the entries before the first that changed
    while first < len(chunks) and text.startswith(chunks[first][2], pos):
        pos += len(chunks[first][2])
        first += 1
    if first == len(chunks) and pos == len(text) - tail:
        return dataclasses.replace(old, was=tuple(range(len(chunks))))  # the same entries
    if first:  # the lines after an entry may be its own: cut it again with what follows
        first -= 1
        pos -= len(chunks[first][2])
    last, stop = len(chunks), len(text) - tail  # the entries after the last that changed
    while last > first:
        at = stop - len(chunks[last - 1][2])
        if at < pos or not text.startswith(chunks[last - 1][2], at) or text[at - 1] != "\n":
            break
        stop, last = at, last - 1
    middle = "\n" + text[pos:stop]
    indent = old.indent
    if _unplain(middle) or re.search(_ODD, middle) or re.search(_TOP_LEVEL, middle):
        return None
    brackets = (
        old.brackets - sum(_brackets(c[2]) for c in chunks[first:last]) + _brackets(middle)
        if old.brackets >= 0
        else _brackets(text)
    )
    if (indent > 1 and re.search(rf"\n {{1,{indent - 1}}}[^ \n#]", middle)) or (
        _might_nest_deeply(text, middle, brackets)  # the lines around it passed before
    ):
        return None
    starts = _starts(middle, 0, len(middle), indent)
    if starts is None or (len(middle) > 1 and starts[0][:1] != [1]):
        return None  # an entry that is not `id:`, or a text cut again with no entry of its own
    line = chunks[first][0] if first < len(chunks) else chunks[-1][0]
    new, line = _entries(middle, *starts, len(middle), line)
    by = line - chunks[last][0] if last < len(chunks) else 0
    after = [(n + by, entry_id, chunk) for n, entry_id, chunk in chunks[last:]]
    found = chunks[:first] + new + after
    if not found:
        return None
    end = len(text) - tail
    was = (*range(first), *(None for _ in new), *range(last, len(chunks)))
    lines = found[-1][0] + found[-1][2].count("\n") - found[0][0]
    skeleton = _skeleton(text, head, end, indent, lines)
    return Parts(skeleton, found, indent, head, end, was, brackets)


def pack_parts(text: str, parts: Parts) -> tuple[Any, ...]:
    """The text and its parts as kept across processes (see unpack_parts): where each entry
    ends rather than its text, which is the text's own."""
    ends = list(itertools.accumulate((len(c[2]) for c in parts.chunks), initial=parts.head))
    lines = [c[0] for c in parts.chunks]
    ids = [c[1] for c in parts.chunks]
    return (
        text,
        parts.skeleton,
        parts.indent,
        parts.head,
        parts.end,
        lines,
        ids,
        ends[1:],
        parts.brackets,
    )


def unpack_parts(kept: Any) -> tuple[str, Parts] | None:
    """The text and its parts that pack_parts kept; None for anything else."""
    try:
        text, skeleton, indent, head, end, lines, ids, ends, brackets = kept
        if not (
            type(text) is str
            and type(skeleton) is str
            and type(lines) is type(ids) is type(ends) is list
            and len(lines) == len(ids) == len(ends) > 0
            and 0 < head < ends[0]
            and ends[-1] == end <= len(text)
            and all(map(int.__lt__, ends, ends[1:]))
            and type(brackets) is int
        ):
            return None
        texts = map(text.__getitem__, map(slice, [head, *ends], ends))
        chunks = list(zip(lines, ids, texts, strict=False))  # [head, *ends] is one longer
        return text, Parts(skeleton, chunks, indent, head, end, brackets=brackets)
    except (TypeError, ValueError):
        return None


def compose_part(text: str) -> yaml.Node | None:
    """A part of a file (split_nodes) composed alone; None on any failure, for the whole file's
    reader to say what it is."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except Exception:
        return None


ReadParts = Callable[[str, str, Role, Path], "tuple[Any, ...] | None"]


def load_files(
    root: Path,
    base: Path | None = None,
    shared: Path | None = None,
    read_parts: ReadParts | None = None,
    keys_by_reader: bool = False,
) -> list[SourceFile]:
    """Find and parse every content file of the plan (see find_files); all problems at once.

    `read_parts` (merge.read_in_parts) reads a file that the cache does not hold whole entry by
    entry, taking from the cache the entries it holds; where it gives None, the file is parsed.
    With `keys_by_reader`, a file that the reader reads whole (all but the local layer's, whose
    sections layers.py looks up itself) is parsed without looking for keys written twice, a
    second walk over every node: the reader finds them as it reads each mapping, and where a
    file has an error, keys_twice says what loading would have (read.check_plan).
    """
    files: list[SourceFile] = []
    problems = Problems()
    later: list[tuple[int, SourceFile]] = []  # parsed so, with where their problems would go
    reads = Store(READS)
    for path, role in find_files(root, base, shared):
        name = display_path(path)
        try:
            text = read_text(path, name)
            # What reading a file gives depends on its text, its name and its role alone (the
            # local layer, read over what came before it, is always read anew).
            kept, key = None, ""
            keep = reads.on and role is not Role.LOCAL
            # A file read in parts is never kept whole: its parts are tried first, and its text
            # (3.4 MB at 10 000 nodes) is not digested for a key that is never found.  A file
            # that may use aliases, which the parts refuse, is looked up whole first.
            parts_first = keep and "&" not in text
            if parts_first and read_parts is not None:
                kept = read_parts(text, name, role, path)
            if kept is None and keep:
                key = digest(name, role.value, text)
                kept = reads.get(key, tuple)
                if kept is None and read_parts is not None and not parts_first:
                    kept = read_parts(text, name, role, path)
                    key = "" if kept is not None else key  # kept in parts, not whole
            by_reader = keys_by_reader and kept is None and role is not Role.LOCAL
            node = parse(text, name, not by_reader) if kept is None else None
            source = SourceFile(
                path, name, role, node, "&" in text, text, key, kept, keys_checked=not by_reader
            )
            files.append(source)
            if by_reader:
                later.append((len(problems), source))
        except PlanError as exc:  # the file cannot be read: so say, and read the others
            problems.extend(exc.problems)
    if later and problems.has_errors:  # what loading those files refuses too, in their place
        ordered, start = Problems(), 0
        for at, source in later:
            ordered += problems[start:at] + duplicate_keys(source.root, source.name)
            start = at
        problems = Problems(ordered + problems[start:])
    problems.stop_on_errors()
    return files


SHARED_KEYS = ("local", "contacts", "laws")  # what a project's plans share (project.SHARED_DIR)


def shared_problems(files: list[SourceFile], shared: Path) -> list[Problem]:
    """A section in the shared layer that belongs to one plan: its metadata or its nodes."""
    inside = shared.resolve()
    problems = []
    for source in files:
        if source.role is not Role.LOCAL or inside not in source.path.resolve().parents:
            continue
        if not isinstance(source.root, yaml.MappingNode):
            continue  # the merge says what is wrong with it
        for key_node, _value in source.root.value:
            key = getattr(key_node, "value", None)
            if key in ("plan", "nodes"):
                problems.append(
                    Problem(
                        source.pos(key_node),
                        _("'{key}' belongs to one plan, not to the layer every plan shares").format(
                            key=key
                        ),
                        _("move it into that plan's own local.yaml; {file} may hold {keys}").format(
                            file=short(source.name, 60), keys=", ".join(SHARED_KEYS)
                        ),
                    )
                )
    return problems
