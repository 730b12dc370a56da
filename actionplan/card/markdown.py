"""Markdown for prose fields: CommonMark with raw HTML off and an allowlist of link schemes."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import unquote

from actionplan.errors import short
from actionplan.i18n import N_, _

if TYPE_CHECKING:  # markdown-it-py is imported by the first text that cmark does not render
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# The patterns a build may not need are written as text and compiled at their first use (re
# keeps what it compiled): a small build is mostly Python starting and importing.
SAFE_LINK = r"(?i:https?:|mailto:|tel:|#|plan:)"
PLAN_LINK = "plan:"  # plan:<id> or plan:<id>#<node>: another plan of the project (docs/format.md)
# A phone number, in a contact's field as after tel: in a link: digits, spaces, '+', '-' and
# brackets.  No '*', '#', ',', ';' or letters: a phone dials those as service codes (call
# forwarding, say), pauses or extensions that the reader never sees.
PHONE = r"\(?\+?[0-9][0-9 ()-]*\Z"


def is_safe_link(url: str) -> bool:
    """True for http(s) and mailto links, tel: links to a phone number (PHONE, percent-escapes
    read as what they stand for), links to a node of the plan and to another plan."""
    url = url.strip()
    if not re.match(SAFE_LINK, url):
        return False
    return url[:4].lower() != "tel:" or is_phone_link(url)


HIDDEN_HOST_HINT = N_(
    "a reader takes what comes before '@' for the site, but the browser goes to what follows, "
    "and a password there is published: write the site's own address"
)


def hides_host(url: str) -> bool:
    """Whether a web address has a name (and perhaps a password) before its host, as
    https://politi.dk@example.org/ has: a reader takes the name for the site, the browser goes
    to what follows the '@', and a password written there is published with the card."""
    authority = _authority(url)
    return authority is not None and "@" in authority


# What a browser takes for a dot between the parts of a host name (IDNA maps them to '.').
_DOTS = str.maketrans(dict.fromkeys("\u3002\uff0e\uff61", "."))


def _authority(url: str) -> str | None:
    """What comes between https:// and the path of an http(s) address; None for another kind.
    A browser reads a backslash there as a slash."""
    url = url.strip()
    if not re.match(r"(?i:https?:)", url):
        return None
    return re.split(r"[/\\?#]", url.split(":", 1)[1].lstrip("/\\"), maxsplit=1)[0]


def host_problem(url: str) -> str | None:
    """Why an http(s) address leads to no site at all: no host, a port that is no port (0 or
    above 65535, or not a number), an IPv6 address that is none, or a host name whose parts
    (between dots) are empty, longer than 63 characters as the browser sends them, or hold what
    no host name holds.  The reason, marked for translation; None where there is none (and for
    an address with a name before its host, which hides_host tells of)."""
    authority = _authority(url)
    if authority is None or "@" in authority:
        return None
    if authority.startswith("["):
        found = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::([0-9]*))?", authority)
        if found is None or not _is_ipv6(found.group(1)):
            return N_("its host is not an IPv6 address, though it is written in brackets")
        host, port = "", found.group(2) or ""
    else:
        host, _colon, port = authority.partition(":")
        if ":" in port:
            return N_("its host has more than one ':' (an IPv6 address goes in brackets)")
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) <= 65535):
        return N_("its port, after ':', is not a number from 1 to 65535")
    if not authority.startswith("["):
        name = host.translate(_DOTS)
        if not name:
            return N_("it has no host")
        for label in name.removesuffix(".").split("."):
            if (
                not label
                or len(_sent(label)) > 63
                or not all(
                    c.isalnum() or c in "-_" or unicodedata.category(c).startswith("M")
                    for c in label
                )
            ):
                return N_(
                    "its host is not a name a browser can look up: each part between dots "
                    "holds letters, digits and '-', from 1 to 63 of them"
                )
    return None


def _is_ipv6(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _sent(label: str) -> str:
    """A part of a host name as a browser sends it: itself, or its xn-- form (punycode)."""
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")


def not_latin(url: str) -> tuple[str, str] | None:
    """In an http(s) or mailto: address's host, the first letter that is not of the Latin
    alphabet (a Cyrillic 'о' in 'pоliti.dk'), and the host as a browser sends it; None where
    every letter is Latin (æ, ø and å are).  Such a host may look like another site's."""
    authority = _authority(url)
    if authority is None and url.strip()[:7].lower() == "mailto:":  # an e-mail address's host
        authority = unquote(url.strip()[7:]).partition("?")[0].rpartition("@")[2]
    if authority is None or (authority.isascii() and "xn--" not in authority.lower()):
        return None
    host = authority.rpartition("@")[2].partition(":")[0].translate(_DOTS).lower()
    # A Markdown link's address comes with its host in the xn-- form already.
    shown = ".".join(_shown(part) for part in host.split("."))
    for char in shown:
        if char.isalpha() and not char.isascii():
            name = unicodedata.name(char, "")
            if not name.startswith(("LATIN ", "FULLWIDTH LATIN ")):
                return char, ".".join(_sent(part) for part in shown.split("."))
    return None


def _shown(label: str) -> str:
    """A part of a host name as a browser shows it: an xn-- form read back."""
    if label.startswith("xn--") and label.isascii():
        try:
            return label[4:].encode("ascii").decode("punycode")
        except UnicodeError:
            return label
    return label


# A phone number has at most 15 digits, its country code among them (ITU-T E.164, 6.1).
MOST_DIGITS = 15


def too_many_digits(number: str) -> int:
    """The digits of a phone number where there are more than a phone number has; else 0."""
    count = len(digits(number))
    return count if count > MOST_DIGITS else 0


NO_SITE_HINT = N_("{reason}: copy the address from the site itself, in a browser's address bar")


def looks_like(what: str, url: str, char: str, sent: str) -> tuple[str, str]:
    """The warning for a web address whose host has a letter that is not Latin (not_latin):
    the message and its hint."""
    from actionplan.plan.yaml_problems import describe_char

    return (
        _("{what} has a letter in its host that is not Latin, {char}: '{value}'").format(
            what=what, char=describe_char(char), value=short(url)
        ),
        _(
            "it may look like another site's address, and a browser goes to {sent}: if that is "
            "not the site's own address, copy it from the site itself"
        ).format(sent=sent),
    )


def too_long_number(number: str, what: str) -> tuple[str, str]:
    """The error for a phone number of more digits than a phone number has."""
    return (
        _("{what} has {n} digits, more than a phone number has: '{value}'").format(
            what=what, n=too_many_digits(number), value=short(number)
        ),
        _("a phone number has at most 15 digits, with its country code (ITU-T E.164)"),
    )


def is_phone_link(url: str) -> bool:
    """Whether a tel: link calls a phone number and nothing else."""
    return bool(re.match(PHONE, called(url)))


def called(url: str) -> str:
    """What a tel: link dials, its percent-escapes read as what they stand for."""
    return unquote(url.strip()[4:])


def digits(text: str) -> str:
    return "".join(c for c in text if c.isascii() and c.isdigit())


def shows_number(label: str, url: str) -> bool:
    """Whether a tel: link's text shows the number it calls: the same digits, or the same but
    for a country code (of up to three digits) on one side, for a number of six digits or more."""
    shown, dialled = digits(label), digits(called(url))
    if shown == dialled:
        return True
    short, long = sorted((shown, dialled), key=len)
    return len(short) >= 6 and len(long) - len(short) <= 3 and long.endswith(short)


@functools.cache
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    md.disable("image")  # an image would be a network request; the card makes none
    return md


def may_have_links(text: str) -> bool:
    """A cheap test: without '[' or '<' CommonMark finds no link, so parsing can be skipped."""
    return "[" in text or "<" in text


# Plain [text](target) links, and what could make a text's links anything else.  A plain target
# holds only what the parser's normalizeLink leaves as it is (ASCII letters, digits, the URL's
# own punctuation, '%' with two hex digits): any other character the card's link has encoded
# ('[' as '%5B', 'ø' as '%C3%B8'), so that text is left to the parser, which says so.
_PLAIN_LINK = r"\[[^\[\]\n]*\]\(((?:[-A-Za-z0-9;/?:@=+$,_.!~*'#]|%[0-9A-Fa-f]{2})*)\)"
# Code (indented: 4 spaces or a tab; fenced; in backticks), autolinks, escapes, entities,
# references, images; and a link's text over lines, which a blank line or a marker would end
# (looked for from the last '[' before the line break: from every '[', a run of thousands of
# them took a search over the rest of the text each).
_NOT_PLAIN = r"[`<>\\&~\t]|\]\s*:|!\[|\]\[| {4}|\[[^\[\]\n]*\n"


def links(text: str) -> Iterator[tuple[str, int]]:
    """Every link target, as the card's link has it, with its line (0-based) within the text.

    The line is the link's own, not its paragraph's first: the parser counts a paragraph's
    lines by its line breaks (a code span or a link title that runs over lines, which it
    writes on one, is the one thing that can put a later link a line early).
    """
    if not may_have_links(text):
        return
    found = _plain_links(text)
    if found is not None:
        # Only plain links: a regular expression finds exactly what the parser would, faster.
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
            elif child.type in _LINE_BREAKS:
                line += 1


def _plain_links(text: str) -> list[re.Match[str]] | None:
    """The text's links, where every one is a plain [text](target) and nothing could make one
    anything else (_NOT_PLAIN); None where only the parser can tell."""
    if re.search(_NOT_PLAIN, text):
        return None
    found = list(re.finditer(_PLAIN_LINK, text))
    return found if len(found) == text.count("](") else None


def phone_links(text: str) -> Iterator[tuple[str, str, int]]:
    """Every tel: link in the text, with its visible text and its line (as in `links`)."""
    # an entity can spell 'tel:' otherwise; ':' first, as lower() copies the text whole
    if "&" not in text and (":" not in text or "tel:" not in text.lower()):
        return
    for token in _link_finder().parse(text):
        line = token.map[0] if token.map else 0
        href, label = None, ""
        for child in _inline(token):
            if child.type == "link_open":
                href, label = str(child.attrs.get("href", "")), ""
            elif child.type == "link_close" and href is not None:
                if href.strip()[:4].lower() == "tel:":
                    yield href, label, line
                href = None
            elif href is not None and child.type in ("text", "code_inline"):
                label += child.content
            if child.type in _LINE_BREAKS:
                line += 1


@functools.cache
def _link_finder() -> MarkdownIt:
    """A parser that keeps every link, so that the checker can report the bad ones."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_LINE_BREAKS = frozenset(("softbreak", "hardbreak"))


def _inline(token: Token) -> Iterator[Token]:
    yield from token.children or ()


# Plans repeat texts (the same warning on several steps, in every language's fallback), and a
# rendering depends on the text alone.  Kept across builds in one process, so that `serve`
# renders again only the texts an edit changed: room for every text of a very large plan.
CACHED_TEXTS = 1 << 16


@functools.lru_cache(maxsize=CACHED_TEXTS)
def render(text: str) -> str:
    fast = _fast_render(text)
    if fast is not None:
        return fast
    html: str = parser().render(text)
    return html


@functools.lru_cache(maxsize=CACHED_TEXTS)
def render_inline(text: str) -> str:
    # A text on one line, without space at either end, is one paragraph (or a heading, a list
    # item, a rule: then the fast renderer's output is not a paragraph, and the parser renders
    # it): the paragraph's content is the text rendered inline.
    if text and "\n" not in text and text.strip(" ") == text:
        fast = _fast_render(text)
        if fast is not None and fast.startswith("<p>") and fast.endswith("</p>\n"):
            return fast[3:-5]
    html: str = parser().renderInline(text)
    return html


# The fast path: cmark (through cmarkgfm) renders CommonMark some fifteen times faster than
# markdown-it-py, and gives the same HTML for texts without what its rules and ours treat
# otherwise.  markdown-it-py stays the reference: it renders every other text, and
# tests/test_markdown_fast.py holds that the two agree on the texts given to cmark.  (cmarkgfm
# does not free the string cmark returns, theacodes/cmarkgfm#53: the size of each distinct
# text's HTML, once per process, as render() keeps what it made.)
try:
    from cmarkgfm import markdown_to_html as _cmark  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the library is a dependency; the tool works without
    _cmark = None

# A list item with nothing on its line: after blank lines, cmark goes on with the list and
# markdown-it-py begins another.
_EMPTY_ITEM = re.compile(r"^(?: *(?:[-+*]|[0-9]{1,9}[.)]))+ *$", re.MULTILINE)
# Emphasis markers next to a character outside ASCII: whether such a marker opens or closes
# depends on whether that character counts as punctuation, which cmark (CommonMark 0.29) and
# markdown-it-py (0.31: symbols too, as '€' or an emoji) decide otherwise.
_BESIDE_EMPHASIS = re.compile(r"[^\x00-\x7f](?=[*_])|(?<=[*_])[^\x00-\x7f]")
# cmark leaves out strong emphasis right inside strong emphasis ('**a __b__ c**', and with four
# markers or more in a row, '**b****b****b**'), which markdown-it-py writes, as CommonMark does.
# Two strong emphases, one in the other, take four runs of two or three markers (two to open,
# two to close) in one paragraph, and a paragraph never spans a blank line.
_STRONG_RUN = r"\*{2,}|_{2,}"
_BLANK_LINE = r"\n *\n"


def _fast_render(text: str) -> str | None:
    """The text rendered by cmark, or None where cmark could render it otherwise than the
    parser: links that are not plain (or not allowed), images, raw HTML, code, escapes,
    entities (_NOT_PLAIN); whitespace other than spaces and line breaks, and control and
    format characters, which markdown-it-py strips or reads otherwise (Python's notion of
    whitespace); an empty list item; emphasis next to a character outside ASCII that is not a
    letter or digit, and what could be strong emphasis in strong emphasis."""
    if _cmark is None or not text.replace("\n", "").isprintable():
        return None
    # _NOT_PLAIN, with what needs no bracket tried first, as plain substrings
    if any(c in text for c in "`<>\\&~") or "    " in text:
        return None
    if _EMPTY_ITEM.search(text):
        return None
    if "[" in text or "]" in text:
        found = _plain_links(text)
        if found is None:
            return None
        for match in found:
            # cmark writes an apostrophe in a link as &#x27;, markdown-it-py as it is
            if "'" in match.group(1) or not is_safe_link(match.group(1)):
                return None
    if ("*" in text or "_" in text) and not _emphasis_alike(text):
        return None
    html: str = _cmark(text)
    return html


def _emphasis_alike(text: str) -> bool:
    """Whether cmark reads the text's emphasis as markdown-it-py does (see above)."""
    if "****" in text or "____" in text:
        return False
    # a run of two or three markers holds one '**' or '__'
    if text.count("**") + text.count("__") >= 4 and any(
        len(re.findall(_STRONG_RUN, part)) >= 4 for part in re.split(_BLANK_LINE, text)
    ):
        return False
    return text.isascii() or all(
        unicodedata.category(beside)[0] not in "PS" for beside in _BESIDE_EMPHASIS.findall(text)
    )
