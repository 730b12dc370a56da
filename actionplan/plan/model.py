"""The plan as typed, immutable values.

These classes are also the format's schema: the validator reads YAML into them by their type
hints (`actionplan.plan.validate`), and `actionplan schema` turns them into JSON Schema
(`actionplan.plan.schema`).
A field's `doc` is what an editor shows on hover and what a hint quotes for a missing key; a
class's `__doc__` describes its object in the schema.  Both are written in English and marked for
the message catalogue (docs/translating.md), to be translated where they are shown.
Every object carries `pos`, where it was written, and `at`, where each of its fields was
written, so any check can point at the line.
"""

from __future__ import annotations

import copyreg
import datetime as dt
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from actionplan.cache import keep_by_fields
from actionplan.errors import Pos
from actionplan.frozen import frozen
from actionplan.i18n import N_

# Kinds of text, told apart in type hints so that the validator and the schema know them.
MARKDOWN = "markdown"
# A value of a kind with FILL_IN may be a {placeholder: ...}, as plain text may: what a
# municipality fills in for its own card (a contact's name, phone, e-mail or page).  Others
# may not: a language, an id, a colour, a file, the address of a source are read by the card
# itself (a placeholder as a language would end up in lang attributes) or are facts to check.
FILL_IN = "fill-in"
Markdown = Annotated[str, MARKDOWN, FILL_IN]
NodeId = Annotated[str, "ref:node"]
ContactId = Annotated[str, "ref:contact"]
LawId = Annotated[str, "ref:law"]
Url = Annotated[str, "url"]
WebPage = Annotated[str, "url", FILL_IN]  # a contact's own page
Email = Annotated[str, "email", FILL_IN]
Phone = Annotated[str, "phone", FILL_IN]
Color = Annotated[str, "color"]
LanguageTag = Annotated[str, "language"]
FilePath = Annotated[str, "file"]


def _pos_reduce(pos: Pos) -> tuple[Any, tuple[Any, ...]]:
    """How a position is pickled (the cache keeps a large file's entries so): made again by
    tuple.__new__, in C, rather than by the named tuple's own __new__, a Python call for each
    of the some 85 000 positions of a 10 000-node plan's kept entries."""
    return tuple.__new__, (Pos, tuple(pos))


copyreg.pickle(Pos, _pos_reduce)


class Placeholder(str):
    """A value the municipality must fill in before publishing; the text says what goes there."""

    __slots__ = ()

    def __repr__(self) -> str:  # not the text's: a node's repr tells it from text (render.py)
        return f"Placeholder({str.__repr__(self)})"


class Text(str):
    """Prose in a language other than the page's (a translation fell back to the original)."""

    lang: str

    def __new__(cls, value: str, lang: str) -> Text:
        text = super().__new__(cls, value)
        text.lang = lang
        return text

    def __repr__(self) -> str:  # with its language, which the card marks (render.py)
        return f"Text({str.__repr__(self)}, {self.lang!r})"


def doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field with the documentation an editor shows for its key.

    Babel extracts `doc("...")` as a message (pyproject's `keywords`), as it does `N_("...")`.
    """
    return field(metadata={"doc": text}, **kwargs)


def _internal(**kwargs: Any) -> Any:
    return field(metadata={"internal": True}, compare=False, repr=False, **kwargs)


@frozen(kw_only=True)
class Located:
    """What the model reads from a file: where it was written (not in the schema)."""

    pos: Pos = _internal(default=Pos(""))
    at: Mapping[str, Pos] = _internal(default_factory=dict)

    def where(self, name: str) -> Pos:
        """Where field `name` was written, or where the object starts."""
        return self.at.get(name, self.pos)


@frozen(kw_only=True)
class PlanInfo(Located):
    __doc__ = N_("The plan's metadata.")

    title: str = doc("The plan's title, shown at the top of the card.")
    summary: Markdown | None = doc("A short introduction shown on the first screen.", default=None)
    language: LanguageTag = doc("The language the plan is written in, such as 'da'.")
    version: str = doc("The plan's version; quote it so YAML keeps it as text.")
    owner: str = doc("Who answers for the content.")
    reviewed: dt.date = doc("When the whole plan was last reviewed (YYYY-MM-DD).")
    review_after_days: int = doc("Dates older than this many days give a warning.", default=365)
    start: NodeId = doc("The id of the first node.")
    emergency: tuple[ContactId, ...] = doc("Contacts shown on every screen.", default=())


@frozen(kw_only=True)
class Contact(Located):
    __doc__ = N_("Someone to call, write to or look up.")

    REACHED_BY = ("phone", "url", "email")  # a contact needs at least one of these

    id: str = _internal(default="")
    name: str = doc("The name shown on the card.")
    role: str | None = doc("When to contact them.", default=None)
    phone: Phone | None = doc("A phone number, shown as a tap-to-call link.", default=None)
    url: WebPage | None = doc("A web address (http or https).", default=None)
    email: Email | None = doc("An e-mail address.", default=None)
    hours: str | None = doc("Opening hours.", default=None)
    note: Markdown | None = doc("More about the contact.", default=None)
    source: Url | None = doc("Where the details were checked.", default=None)
    verified: dt.date | None = doc("When the details were checked (YYYY-MM-DD).", default=None)


@frozen(kw_only=True)
class Law(Located):
    __doc__ = N_("A legal reference.")

    id: str = _internal(default="")
    title: str = doc("The law and section, such as 'Straffeloven § 235'.")
    summary: Markdown | None = doc("What it says, in plain words.", default=None)
    url: Url | None = doc("Where to read the law.", default=None)
    source: Url | None = doc("Where the summary was checked.", default=None)
    verified: dt.date | None = doc("When it was checked (YYYY-MM-DD).", default=None)


@frozen(kw_only=True)
class Source(Located):
    __doc__ = N_("A document the advice comes from.")

    title: str = doc("The document's title.")
    url: Url = doc("Its address (http or https).")


@frozen(kw_only=True)
class Option(Located):
    __doc__ = N_("One answer to a question.")

    label: str = doc("The answer, as the reader chooses it.")
    hint: str | None = doc("A short explanation under the label.", default=None)
    next: NodeId = doc("The id of the node this answer leads to.")
    loop: bool = doc("Set to true when the option intentionally leads back.", default=False)
    unknown: bool = doc(
        "Set to true on the answer for a reader who does not know; "
        "it must lead to the safer handling.",
        default=False,
    )


@frozen(kw_only=True)
class Node(Located):
    """What every kind of node has (not in the schema: each kind is)."""

    id: str = _internal(default="")
    title: str = doc("The node's heading.")
    body: Markdown | None = doc("The text under the heading.", default=None)

    @property
    def kind(self) -> str:
        return type(self).__name__.lower()


@frozen(kw_only=True)
class Question(Node):
    __doc__ = N_("A question the reader answers by choosing an option.")

    kind_: Literal["question"] = field(default="question", metadata={"key": "kind"})
    options: tuple[Option, ...] = field(
        metadata={"doc": N_("The answers, each leading to a node."), "non_empty": True}
    )
    may_be_unknown: bool = doc(
        "Set to true when the reader may not know the answer (an age, who took part); "
        "then one option must be marked `unknown: true`.",
        default=False,
    )


@frozen(kw_only=True)
class Step(Node):
    __doc__ = N_("Something to do now.")

    kind_: Literal["step"] = field(default="step", metadata={"key": "kind"})
    who: str | None = doc("Who does this step.", default=None)
    urgent: bool = doc("Shown as urgent.", default=False)
    checklist: tuple[Markdown, ...] = doc("Things to tick off.", default=())
    do_not: tuple[Markdown, ...] = doc("Warnings, shown prominently.", default=())
    key_do_not: tuple[int, ...] = doc(
        "The numbers of the warnings in do_not (1 for the first) that are key: the printed "
        "action card lists them.",
        default=(),
    )
    contacts: tuple[ContactId, ...] = doc("Ids of the contacts this step needs.", default=())
    legal: tuple[LawId, ...] = doc("Ids of the legal references.", default=())
    sources: tuple[Source, ...] = doc("Where the advice comes from.", default=())
    next: NodeId = doc("The id of the node that follows.")
    loop: bool = doc("Set to true when `next` intentionally leads back.", default=False)


@frozen(kw_only=True)
class Outcome(Node):
    __doc__ = N_("An end: what should now have happened, and what follows up.")

    kind_: Literal["outcome"] = field(default="outcome", metadata={"key": "kind"})
    follow_up: tuple[Markdown, ...] = doc("What follows up.", default=())
    contacts: tuple[ContactId, ...] = doc("Ids of the contacts this outcome needs.", default=())
    legal: tuple[LawId, ...] = doc("Ids of the legal references.", default=())
    sources: tuple[Source, ...] = doc("Where the advice comes from.", default=())


NODE_KINDS: dict[str, type[Node]] = {"question": Question, "step": Step, "outcome": Outcome}
AnyNode = Union[Question, Step, Outcome]  # noqa: UP007 - read by typing.get_type_hints


@frozen(kw_only=True)
class Colors(Located):
    __doc__ = N_("The theme's colours, as CSS colours.")

    primary: Color | None = doc("Header and buttons.", default=None)
    primary_text: Color | None = doc("Text on the primary colour.", default=None)
    accent: Color | None = doc("Links and focus.", default=None)
    urgent: Color | None = doc("Urgent steps and warnings.", default=None)


@frozen(kw_only=True)
class LocalSettings(Located):
    __doc__ = N_("What a municipality sets for its own card.")

    municipality: str | None = doc("The municipality's name, shown in the header.", default=None)
    logo: FilePath | None = doc("An SVG, PNG or JPEG file beside local.yaml.", default=None)
    colors: Colors | None = doc("The theme's colours.", default=None)
    font: str | None = doc(
        "A CSS font-family list of fonts installed on the reader's device.", default=None
    )
    languages: tuple[LanguageTag, ...] = doc(
        "The order of the languages in the card's language switcher; the rest follow.",
        default=(),
    )
    address: Url | None = doc(
        "Where the card is published (https://...): the printed action card shows it as a QR code.",
        default=None,
    )


@frozen(kw_only=True)
class ContentFile(Located):
    __doc__ = N_("One file of the base plan.")

    plan: PlanInfo | None = doc("The plan's metadata; exactly one file has it.", default=None)
    contacts: Mapping[str, Contact] = doc("Contacts, keyed by id.", default_factory=dict)
    laws: Mapping[str, Law] = doc("Legal references, keyed by id.", default_factory=dict)
    nodes: Mapping[str, AnyNode] = doc(
        "Questions, steps and outcomes, keyed by id.", default_factory=dict
    )


@frozen(kw_only=True)
class LocalFile(Located):
    __doc__ = N_("The local layer: content/local.yaml and the files in content/local/.")

    plan: PlanInfo | None = field(
        default=None,
        metadata={
            "doc": N_(
                "The plan's metadata: a key here overrides the base plan's (owner, version...)."
            ),
            "partial": True,
        },
    )
    local: LocalSettings | None = field(
        default=None,
        metadata={"doc": N_("The municipality's settings, key by key."), "partial": True},
    )
    contacts: Mapping[str, Contact] = field(
        default_factory=dict,
        metadata={
            "doc": N_("Contacts: one with a base plan's id overrides it field by field."),
            "partial": True,
        },
    )
    laws: Mapping[str, Law] = doc("Legal references: overrides by id.", default_factory=dict)
    nodes: Mapping[str, AnyNode] = doc(
        "Nodes: one with a base plan's id replaces it.", default_factory=dict
    )


# Translations: one file per language, keyed by node and field.


@frozen(kw_only=True)
class OptionText(Located):
    __doc__ = N_("A translated answer: its label and its hint.")

    label: str = doc("The translated label.")
    hint: str | None = doc("The translated hint.", default=None)


@frozen(kw_only=True)
class NodeText(Located):
    __doc__ = N_("A node's texts in the file's language.")

    fingerprint: str | None = doc("Which version of the original this translates.", default=None)
    title: str | None = doc("The translated title.", default=None)
    body: Markdown | None = doc("The translated body.", default=None)
    who: str | None = doc("The translated 'who'.", default=None)
    options: tuple[Union[str, OptionText], ...] = doc(  # noqa: UP007
        "The options' labels, in the original's order.", default=()
    )
    checklist: tuple[Markdown, ...] = doc("The checklist, item by item.", default=())
    do_not: tuple[Markdown, ...] = doc("The warnings, item by item.", default=())
    follow_up: tuple[Markdown, ...] = doc("The follow-up, item by item.", default=())


@frozen(kw_only=True)
class ContactText(Located):
    __doc__ = N_("A contact's texts in the file's language.")

    fingerprint: str | None = doc("Which version of the original this translates.", default=None)
    name: str | None = doc("The translated name.", default=None)
    role: str | None = doc("The translated role.", default=None)
    hours: str | None = doc("The translated opening hours.", default=None)
    note: Markdown | None = doc("The translated note.", default=None)


@frozen(kw_only=True)
class LawText(Located):
    __doc__ = N_("A legal reference's texts in the file's language.")

    fingerprint: str | None = doc("Which version of the original this translates.", default=None)
    title: str | None = doc("The translated title.", default=None)
    summary: Markdown | None = doc("The translated summary.", default=None)


@frozen(kw_only=True)
class PlanText(Located):
    __doc__ = N_("The plan's texts in the file's language.")

    fingerprint: str | None = doc("Which version of the original this translates.", default=None)
    title: str | None = doc("The translated title.", default=None)
    summary: Markdown | None = doc("The translated summary.", default=None)
    owner: str | None = doc(
        "Who answers for the content, in this language; leave it out for a name that reads "
        "the same.",
        default=None,
    )


@frozen(kw_only=True)
class LocalText(Located):
    __doc__ = N_("The local layer's texts in the file's language.")

    municipality: str | None = doc("The municipality's name in this language.", default=None)


@frozen(kw_only=True)
class Translation(Located):
    __doc__ = N_("A translation file, content/translations/<language>.yaml.")

    language: LanguageTag = doc("The language of this file, such as 'en'.")
    name: str = doc("The language's own name, shown in the language switcher.")
    direction: Literal["ltr", "rtl"] = doc("rtl for right-to-left scripts.", default="ltr")
    draft: bool = doc(
        "Set to true while the translation is unfinished: check reports on it, and the card "
        "leaves it out.",
        default=False,
    )
    plan: PlanText | None = doc("The plan's title, summary and owner.", default=None)
    nodes: Mapping[str, NodeText] = doc("Node texts, keyed by node id.", default_factory=dict)
    contacts: Mapping[str, ContactText] = doc("Contact texts, keyed by id.", default_factory=dict)
    laws: Mapping[str, LawText] = doc("Law texts, keyed by id.", default_factory=dict)
    local: LocalText | None = doc("The local layer's texts.", default=None)


@frozen(kw_only=True)
class Plan:
    """A whole plan: the base files with the local layer applied, and its translations."""

    root: Path
    info: PlanInfo
    nodes: Mapping[str, Node]
    contacts: Mapping[str, Contact]
    laws: Mapping[str, Law]
    local: LocalSettings
    translations: Mapping[str, Translation] = field(default_factory=dict)
    logo: tuple[str, bytes] | None = None  # (media type, data)
    drafts: Mapping[str, Translation] = field(default_factory=dict)  # checked, not published
    # The files whose facts and dates are upstream's, not the project's (see checks.check_dates).
    upstream: frozenset[str] = frozenset()
    # The base plan's metadata before the local layer: what the base's translations translate.
    base_info: PlanInfo | None = None

    @property
    def start(self) -> Node:
        return self.nodes[self.info.start]

    @property
    def languages(self) -> tuple[str, ...]:
        """The card's languages: the plan's own first, then local.languages' order, the rest."""
        order = [lang for lang in self.local.languages if lang in self.translations]
        rest = sorted(lang for lang in self.translations if lang not in order)
        return (self.info.language, *order, *rest)


# What the cache keeps of the model (a large file's entries as read) is made again in C, each
# object with its fields put in place (cache.loads).
keep_by_fields(
    *(c for c in list(globals().values()) if isinstance(c, type) and issubclass(c, Located))
)
