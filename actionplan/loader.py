"""Load: find a plan's YAML files and parse each into a tree of YAML nodes with source positions.

Only YAML's safe subset is composed; nothing is constructed here, so no tag can run code and no
alias is expanded (the validator counts expansions).  Every failure becomes a Problem that names
the file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from actionplan.errors import PlanError, Pos, Problem, display_path

try:  # libyaml is several times faster where it is installed
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILES = 20_000
LOCAL_FILE = "local.yaml"
TRANSLATIONS_DIR = "translations"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class SourceFile:
    """One parsed content file."""

    path: Path
    name: str  # as shown in messages
    role: str  # "base", "local" or "translation"
    root: yaml.Node

    def pos(self, node: yaml.Node) -> Pos:
        return node_pos(self.name, node)


def node_pos(name: str, node: yaml.Node) -> Pos:
    mark = node.start_mark
    return Pos(name, mark.line + 1, mark.column + 1)


def find_files(root: Path) -> list[tuple[Path, str]]:
    """The plan's YAML files under root with their roles, in a stable order."""
    if not root.exists():
        raise PlanError.at(Pos(str(root)), "no such folder", "give the folder that holds the plan")
    if not root.is_dir():
        raise PlanError.at(Pos(str(root)), "not a folder", "give the folder that holds the plan")
    real_root = root.resolve()
    found: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if path.suffix not in YAML_SUFFIXES:
            continue
        name = display_path(path, root)
        real = path.resolve()
        if real != real_root and real_root not in real.parents:
            problems.append(
                Problem(Pos(name), "links to a file outside the plan's folder",
                        "copy the file into the folder instead of linking to it")
            )
            continue
        if not path.is_file():
            continue
        if rel.parts[0] == TRANSLATIONS_DIR:
            role = "translation"
        elif rel.as_posix() == LOCAL_FILE:
            role = "local"
        else:
            role = "base"
        found.append((path, role))
        if len(found) > MAX_FILES:
            raise PlanError.at(Pos(display_path(root, root)), f"more than {MAX_FILES} YAML files",
                               "a plan this large is almost certainly the wrong folder")
    if problems:
        raise PlanError(problems)
    if not found:
        raise PlanError.at(Pos(display_path(root, root)), "no .yaml files in this folder",
                           "give the folder that holds the plan, such as content/")
    return found


def read_text(path: Path, name: str) -> str:
    """The file's text, refusing what is not a non-empty UTF-8 text file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PlanError.at(Pos(name), f"file is larger than {MAX_FILE_BYTES // 2**20} MB",
                               "split it into several files")
        data = path.read_bytes()
    except OSError as exc:
        raise PlanError.at(Pos(name), f"cannot read file: {exc.strerror}") from None
    if b"\0" in data:
        raise PlanError.at(_byte_pos(name, data, data.index(b"\0")), "this is not a text file",
                           "content files must be YAML text saved as UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError.at(_byte_pos(name, data, exc.start), "file is not valid UTF-8",
                           "save the file with UTF-8 encoding") from None
    return text


def _byte_pos(name: str, data: bytes, offset: int) -> Pos:
    line = data.count(b"\n", 0, offset) + 1
    return Pos(name, line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1)


_COMMENT_OR_BLANK = re.compile(r"\A(?:\s*(?:#[^\n]*)?\n)*\s*(?:#[^\n]*)?\Z")


def parse(text: str, name: str) -> yaml.Node:
    """Compose one YAML document into nodes, translating parser errors into Problems."""
    if _COMMENT_OR_BLANK.match(text):
        raise PlanError.at(Pos(name, 1, 1), "file is empty",
                           "add content, or delete the file")
    try:
        documents = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        raise PlanError([_yaml_problem(exc, name, text)]) from None
    except yaml.YAMLError as exc:
        raise PlanError.at(Pos(name), f"not valid YAML: {exc}") from None
    except RecursionError:
        raise PlanError.at(Pos(name), "nesting is too deep",
                           "a plan needs only a few levels of indentation") from None
    documents = [d for d in documents if d is not None]
    if not documents:
        raise PlanError.at(Pos(name, 1, 1), "file is empty", "add content, or delete the file")
    if len(documents) > 1:
        raise PlanError.at(node_pos(name, documents[1]), "more than one YAML document in the file",
                           "remove the '---' line, or split the file in two")
    return documents[0]


def _yaml_problem(exc: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    pos = Pos(name, mark.line + 1, mark.column + 1) if mark else Pos(name)
    problem = (exc.problem or exc.context or "not valid YAML").strip()
    if mark and _char_at(text, mark.line, mark.column) == "\t":
        return Problem(pos, "tab character in indentation",
                       "YAML indents with spaces only: replace the tab with spaces")
    if "found undefined alias" in problem:
        return Problem(pos, "a value starting with '*' must name an anchor ('&name') above it",
                       "put text that starts with '*' in quotes")
    if "mapping values are not allowed" in problem:
        indent = _indent_under_value(text, mark.line) if mark else None
        if indent is not None:
            return Problem(Pos(name, mark.line + 1, indent + 1),
                           "bad indentation: this line is indented further than the line above",
                           "line up the keys of one mapping at the same column, with spaces; "
                           "put text that contains ': ' in quotes")
        return Problem(pos, "unexpected ':'",
                       "put text that contains ': ' in quotes, or check the indentation above")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return Problem(pos, "bad indentation",
                       "line up keys of the same mapping at the same column, with spaces")
    if "could not find expected ':'" in problem:
        return Problem(pos, "a key without ':'", "write 'key: value', or quote the text")
    if "found character" in problem and "cannot start any token" in problem:
        return Problem(pos, problem, "put the text in quotes")
    return Problem(pos, f"not valid YAML: {problem}")


_KEY_AND_VALUE = re.compile(r" *(?:- +)?[^\s#:][^:#]*: +[^\s|>&*#]")


def _indent_under_value(text: str, line: int) -> int | None:
    """The line's indentation if it is indented below a 'key: value' line, else None.

    Such a line is the usual cause of "mapping values are not allowed": a key indented too far.
    """
    lines = text.splitlines()
    above = [s for s in lines[:line] if s.strip() and not s.lstrip().startswith("#")]
    if line >= len(lines) or not above or not _KEY_AND_VALUE.match(above[-1]):
        return None
    indent = len(lines[line]) - len(lines[line].lstrip(" "))
    return indent if indent > len(above[-1]) - len(above[-1].lstrip(" ")) else None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if line < len(lines) and column < len(lines[line]):
        return lines[line][column]
    return ""


def load_files(root: Path) -> list[SourceFile]:
    """Find and parse every content file under root; all parse problems at once."""
    files: list[SourceFile] = []
    problems: list[Problem] = []
    for path, role in find_files(root):
        name = display_path(path, root)
        try:
            files.append(SourceFile(path, name, role, parse(read_text(path, name), name)))
        except PlanError as exc:
            problems.extend(exc.problems)
    if problems:
        raise PlanError(problems)
    return files
