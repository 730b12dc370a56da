"""Where a value is written in a content file: its line and column, line by line for a text over
several lines, and a comment after it that the author may have meant as part of it."""

from __future__ import annotations

import re

import yaml

from actionplan.errors import Pos
from actionplan.plan.loader import SourceFile, node_pos

# A value followed by ' #' and a letter or digit, as a colour, a hashtag or a number is; compiled
# at its first use (re keeps it), by a plan with such a comment.
COMMENT = r"[ \t]+(#[^\s#].*)"


def comment_lines(text: str) -> set[int]:
    """The lines (from 0) that COMMENT finds a comment on: those with a space or a tab, then
    '#', then anything but a space or '#'.  Found from each '#' of the text, which a plan has
    few of, rather than by trying the pattern at each of its spaces; lines are counted on from
    the last one found."""
    lines: set[int] = set()
    line = counted = 0
    at = text.find("#", 1)
    end = len(text) - 1  # a '#' at the very end has nothing after it
    while 0 < at < end:
        after = text[at + 1]
        if text[at - 1] in " \t" and after != "#" and not after.isspace():
            line += text.count("\n", counted, at)
            counted = at
            lines.add(line)
        at = text.find("#", at + 1)
    return lines


class Places:
    """The places of the values in one file."""

    def __init__(self, source: SourceFile) -> None:
        self.name = source.name
        self.text = source.text
        # The lines where a value is followed by ' #' and more: a comment the author may have
        # meant as part of the value (found once per file, looked up per value).
        self.comment_lines = comment_lines(source.text)

    def pos(self, node: yaml.Node) -> Pos:
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return self._block_pos(node)
        mark = node.start_mark  # node_pos, without a call: made for every value read
        return tuple.__new__(Pos, (self.name, mark.line + 1, mark.column + 1))

    def _block_pos(self, node: yaml.ScalarNode) -> Pos:
        """Where a block text (after '|' or '>') starts: the line below its indicator, at the
        indentation of its text, so that line n of the text is n lines further down."""
        text, end = self.text, node.end_mark.index
        start = text.find("\n", node.start_mark.index, end) + 1  # a mark's index counts characters
        while 0 < start < end:  # the first line with text sets the indentation
            stop = text.find("\n", start, end)
            row = text[start : stop if stop >= 0 else end]
            if row.strip():
                indent = len(row) - len(row.lstrip(" "))
                return Pos(self.name, node.start_mark.line + 2, indent + 1)
            start = stop + 1
        return node_pos(self.name, node)

    def place_lines(self, at: dict[str, Pos], key: str, node: yaml.Node) -> None:
        """Where each line after the first of a text that runs over several lines was written,
        as at["body@2"]: folding ('>', or plain text over lines) and '\\n' in quotes make the
        text's lines other than the file's."""
        if not isinstance(node, yaml.ScalarNode) or "\n" not in node.value.rstrip("\n"):
            return
        text, start, end = self.text, node.start_mark.index, node.end_mark.index
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        for k, row in enumerate(node.value.split("\n")):
            probe = row.split(maxsplit=1)[0][:16] if row.strip() else ""  # unchanged by folding
            found = text.find(probe, start, end) if probe else -1
            if found >= 0:
                line += text.count("\n", start, found)
                column = found - text.rfind("\n", 0, found)
                start = found + len(probe)
            if k:
                at[f"{key}@{k}"] = Pos(self.name, line, column)

    def comment(self, node: yaml.ScalarNode) -> tuple[str, Pos] | None:
        """A comment right after the value on its line that starts '#' and a letter or digit,
        as a colour, a hashtag or a number does, with where it is."""
        mark = node.end_mark
        if mark.line not in self.comment_lines or node.style in ("|", ">"):
            return None
        text = self.text
        stop = text.find("\n", mark.index)
        match = re.compile(COMMENT).match(text, mark.index, stop if stop >= 0 else len(text))
        if match is None:
            return None
        column = mark.column + match.start(1) - mark.index + 1
        return match.group(1).rstrip(), Pos(self.name, mark.line + 1, column)

    def written(self, node: yaml.Node) -> str:
        """The value as it is written in the file."""
        return self.text[node.start_mark.index : node.end_mark.index]
