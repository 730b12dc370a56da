"""The language of what the command line says: English as written, or Danish from a catalogue.

Messages are marked where they are written, `_("no node with the id {id!r}").format(id=...)`,
with named placeholders so that a translation can put them in its own order. Babel extracts them
into locale/actionplan.pot; locale/da/LC_MESSAGES/actionplan.po holds the Danish, compiled beside
it to the .mo that the standard library's gettext reads (see docs/translating.md).

The language is set once, when the command line starts: `--lang`, else the environment's locale
(LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them), else English. The words
'error', 'warning' and 'note' in `file:line:col: error: message` stay English in every language,
so that editors and CI can read the line.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "actionplan"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "da")  # English is the language the messages are written in
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_catalogue: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """The message in the language set; as written if the catalogue has no translation."""
    return _catalogue.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the language set."""
    return _catalogue.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalogue, to be translated where it is shown (help texts)."""
    return message


def language() -> str:
    return _language


def set_language(code: str) -> None:
    """Speak `code` ('en' or 'da') from now on, in our messages and in click's."""
    global _catalogue, _language
    if code not in LANGUAGES:
        raise ValueError(f"no messages in {code!r}: choose one of {', '.join(LANGUAGES)}")
    _language = code
    _catalogue = (
        _gettext.NullTranslations()
        if code == "en"
        else _gettext.translation(DOMAIN, LOCALE_DIR, [code], fallback=True)
    )
    speak_through_click()


@contextmanager
def speaking(code: str) -> Iterator[None]:
    """Speak `code` inside the block, then the language set before: for a text made in a language
    of its own, such as the Danish JSON Schemas, whatever the command line speaks."""
    before = _language
    set_language(code)
    try:
        yield
    finally:
        set_language(before)


def language_from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language the locale asks for, as gettext reads it: the first variable set decides.

    LANGUAGE may list several ("de:da"): the first we have wins. A locale we have no messages in
    (C, POSIX, de_DE.UTF-8) gives English.
    """
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if not value:
            continue
        for entry in value.split(":") if name == "LANGUAGE" else [value]:
            code = entry.split(".")[0].split("@")[0].split("_")[0].lower()
            if code in LANGUAGES:
                return code
        return "en"
    return "en"


def speak_through_click() -> None:
    """Give click's own words (Usage:, Options, its usage errors) our catalogue.

    click marks them with the standard library's global `gettext`, whose language only the
    process's environment sets; its modules look the two functions up by name when they speak,
    so pointing those names at ours is enough. The words we translate are listed in CLICK_WORDS.
    """
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = _  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


# click's words that an author sees, as click writes them, so that Babel puts them in our
# catalogue: its help screen and its usage errors.
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("default"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such command {name!r}."),
    N_("No such option {name!r}."),
    N_("Missing command."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 2),
    ngettext(
        "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1
    ),
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    ),
)
