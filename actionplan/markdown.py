"""Markdown for prose fields: CommonMark with raw HTML off and an allowlist of link schemes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

SAFE_LINK = re.compile(r"(?:https?:|mailto:|tel:|#)", re.IGNORECASE)


def is_safe_link(url: str) -> bool:
    """True for http(s), mailto and tel links and links to a node of the plan."""
    return bool(SAFE_LINK.match(url.strip()))


@functools.cache
def parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.disable("image")  # an image would be a network request; the card makes none
    return md


def may_have_links(text: str) -> bool:
    """A cheap test: without '[' or '<' CommonMark finds no link, so parsing can be skipped."""
    return "[" in text or "<" in text


# Plain [text](target) links, and what could make a text's links anything else.
_PLAIN_LINK = re.compile(r"\[[^\[\]]*\]\(([^()\s<>\\]*)\)")
_NOT_PLAIN = re.compile(r"[`<>\\&]|\]\s*:|!\[|\]\[")


def links(text: str) -> Iterator[tuple[str, int]]:
    """Every link target written in the text, with its line (0-based) within the text."""
    if not may_have_links(text):
        return
    if not _NOT_PLAIN.search(text):
        # Only plain links: a regular expression finds exactly what the parser would, faster.
        found = list(_PLAIN_LINK.finditer(text))
        if len(found) == text.count("]("):
            for match in found:
                yield match.group(1), text.count("\n", 0, match.start())
            return
    for token in _link_finder().parse(text):
        line = token.map[0] if token.map else 0
        for child in _inline(token):
            if child.type in ("link_open", "image"):
                yield str(child.attrs.get("href", child.attrs.get("src", ""))), line
            if child.type == "image":
                yield "image:", line


@functools.cache
def _link_finder() -> MarkdownIt:
    """A parser that keeps every link, so that the checker can report the bad ones."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _inline(token: Token) -> Iterator[Token]:
    yield from token.children or ()


# Plans repeat texts (the same warning on several steps, in every language's fallback), and a
# rendering depends on the text alone.  Kept across builds in one process, so that `serve`
# renders again only the texts an edit changed: room for every text of a very large plan.
CACHED_TEXTS = 1 << 16


@functools.lru_cache(maxsize=CACHED_TEXTS)
def render(text: str) -> str:
    return parser().render(text)


@functools.lru_cache(maxsize=CACHED_TEXTS)
def render_inline(text: str) -> str:
    return parser().renderInline(text)
