"""The theme: the default templates with a project's overrides, its words, its Jinja environment
and its checks, in one place.

A theme is loaded once per build (`Theme.load`): a project's own `templates/` is searched
first, then the default theme (like MkDocs' `custom_dir`).  Its words, `i18n/<language>.yaml`,
are read with their positions through the plan's loader, so a word that cannot be used is
reported at its line, like any mistake in the plan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping
from dataclasses import MISSING, field, fields
from functools import cache
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import yaml
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from actionplan import files
from actionplan.cache import template_cache
from actionplan.card.assets import inline_images
from actionplan.card.contrast import contrast_problems
from actionplan.card.filters import FILTERS, _escape_text
from actionplan.errors import PlanError, Pos, Problem, Severity, display_path, short
from actionplan.frozen import frozen
from actionplan.i18n import N_, _
from actionplan.plan import loader, model
from actionplan.project import default_dir
from actionplan.suggest import closest

FALLBACK_UI = "en"
THEME_PREFIX = "theme/"  # `theme/language.html`: the default theme's, whatever a project overrides
TEMPLATE_SUFFIXES = (".html", ".js", ".css")  # what the theme renders
_WORD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int", "float", "seq", "map")
)
# The script declares the interface words it says, in a line of its own: `// words: a b c`.
# Spaces and tabs, not \s, before it: \s runs over blank lines, and from each of thousands of
# them over all the rest.
_SCRIPT_WORDS = re.compile(r"^[ \t]*//[ \t]*words:(.*)$", re.MULTILINE)


@frozen
class Word:
    """One of the card's words, as its file writes it, with where the key is written."""

    text: str
    pos: Pos


@frozen
class Theme:
    """The templates: a project's own folder first, then the default theme (like MkDocs)."""

    env: jinja2.Environment
    custom: Path | None = None  # the project's own templates/, if it has one
    _words: dict[str, dict[str, Word] | None] = field(default_factory=dict, repr=False)
    _sources: dict[str, str | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, custom: Path | None = None) -> Theme:
        if custom is not None:
            files.list_folder(custom)  # a folder that cannot be read is an error, not no theme
        dirs = [d for d in (custom, default_dir("templates")) if d is not None]
        env = _Environment(
            loader=_ThemeLoader(dirs),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,  # a misspelt name is an error, not an empty string
            auto_reload=False,  # one build: no need to stat a template at every include
            bytecode_cache=_compiled_cache(),
        )
        env.filters.update(FILTERS)
        env.tests["placeholder"] = lambda value: isinstance(value, model.Placeholder)
        return cls(env, custom)

    def source(self, name: str) -> str | None:
        """A theme file's text, from the project's templates if it has one, else the default;
        read once per build (with its images inlined, for a style sheet)."""
        if name not in self._sources:
            try:
                found = self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                found = None
            self._sources[name] = found
        return self._sources[name]

    def template(self, name: str) -> jinja2.Template:
        return self.env.get_template(name)

    def script_words(self) -> tuple[str, ...]:
        """The interface words the theme's script says, as its `// words:` lines declare them."""
        js = self.source("card.js") or ""
        return tuple(word for line in _SCRIPT_WORDS.findall(js) for word in line.split())

    def has_words(self, lang: str) -> bool:
        """Whether the theme has words for the language, or its base language (pt for pt-BR)."""
        return any(self.source(f"i18n/{code}.yaml") is not None for code in _word_codes(lang)[1:])

    def ui(self, lang: str) -> dict[str, str]:
        """The card's own words in a language, with English for any that are missing."""
        words: dict[str, str] = {}
        for code in _word_codes(lang):
            words.update(self.words(code) or {})
        return words

    def words(self, code: str) -> dict[str, str] | None:
        """The words of one file, i18n/<code>.yaml (None when there is none); raises PlanError
        when it is not a mapping of words."""
        found = self._read_words(code)
        return None if found is None else {key: word.text for key, word in found.items()}

    def _read_words(self, code: str) -> dict[str, Word] | None:
        if code not in self._words:  # read once per build, however often a page asks
            text = self.source(f"i18n/{code}.yaml")
            self._words[code] = None if text is None else read_words(text, _words_name(code))
        return self._words[code]

    def problems(self, plan: model.Plan) -> list[Problem]:
        """What is wrong with the theme for this plan: its words (see word_problems) and the
        contrast of the colours local.yaml sets against the theme's own."""
        return self.word_problems(plan) + contrast_problems(
            plan.local, self.source("card.css") or ""
        )

    def word_problems(self, plan: model.Plan) -> list[Problem]:
        """What is wrong with the card's own words for the plan's languages: a words file that
        cannot be read (an error), a language with none (a warning), and a word in the project's
        own files that the card does not use, most likely a misspelt key (a warning)."""
        problems: list[Problem] = []
        for lang in plan.languages:
            try:
                self.ui(lang)
            except PlanError as exc:
                problems += [p for p in exc.problems if p not in problems]
        if problems:
            return problems
        problems += missing_words(plan, self)
        i18n = self.custom / "i18n" if self.custom is not None else None
        if i18n is not None and i18n.is_dir():
            try:
                names = [e.name for e in files.list_folder(i18n)]
            except PlanError as exc:
                return problems + exc.problems
            for name in names:
                if name.endswith(".yaml"):
                    problems += self._unknown_words(name.removesuffix(".yaml"))
        return problems

    def _unknown_words(self, code: str) -> list[Problem]:
        """A warning for each key of the project's words file for `code` that is not one of the
        card's words."""
        try:
            words = self._read_words(code) or {}
        except PlanError:
            return []  # the words of a language the plan does not have: the build never reads them
        known = default_words()
        problems = []
        for key, word in words.items():  # in the file's order
            if key in known:
                continue
            guess = closest(key, known)
            problems.append(
                Problem(
                    word.pos,
                    _("'{key}' is not one of the card's words, so it is not used").format(
                        key=short(key)
                    ),
                    _("did you mean '{match}'?").format(match=guess)
                    if guess
                    else _("the words are those of the default theme's i18n/en.yaml"),
                    Severity.WARNING,
                )
            )
        return problems

    def failure(self, exc: Exception) -> PlanError:
        """A template that failed to render, as an error at the template's line."""
        pos = template_pos(exc)
        if isinstance(exc, jinja2.UndefinedError):
            return PlanError.at(pos, _undefined(str(exc)), _(UNDEFINED_HINT))
        if isinstance(exc, jinja2.TemplateSyntaxError):
            return PlanError.at(
                pos,
                _("not a valid template: {reason}").format(
                    reason=short(exc.message or str(exc), 120)
                ),
                _("Jinja's syntax: {{ value }}, {% if ... %}...{% endif %}, {% for x in xs %}"),
            )
        if isinstance(exc, RecursionError):
            return PlanError.at(
                template_pos(exc, self.custom),
                _("the templates extend or include one another in a circle"),
                _(
                    "a template that extends its own name extends the default theme's: "
                    "look for a loop between your templates"
                ),
            )
        return PlanError.at(
            pos,
            _("the templates failed: {reason}").format(reason=exc),
            _("fix the template, or remove your override of it"),
        )


# The code _CodeGenerator writes, in the name of each compiled template the cache keeps: one
# kept by a build that wrote other code renders the same, more slowly, and is not taken.
GENERATED = "1"


def _compiled_cache() -> jinja2.BytecodeCache | None:
    """The cache of compiled templates (cache.template_cache), for code as this module writes it."""
    found = template_cache()
    if isinstance(found, jinja2.FileSystemBytecodeCache):
        found.pattern = f"__jinja2_%s.{GENERATED}.cache"
    return found


UNDEFINED_HINT = N_("see what the templates get in docs/theming.md; is it misspelt?")
# Compiled by a template that fails (re keeps them), not at import.
_NO_ATTRIBUTE = r"(?s)'(?:[\w.]+\.)?(\w+) object' has no attribute '(.*)'\Z"
_IS_UNDEFINED = r"(?s)'(.*)' is undefined\Z"


def _undefined(message: str) -> str:
    """Jinja's message about an undefined name, in the words of the theme."""
    match = re.match(_IS_UNDEFINED, message)
    if match:
        return _("'{name}' is not a variable of the templates").format(name=short(match[1]))
    match = re.match(_NO_ATTRIBUTE, message)
    if match:
        kind, name = match[1], short(match[2])
        if kind == "dict":
            return _("'{name}' is undefined: the mapping has no such key").format(name=name)
        return _("'{name}' is undefined: {kind} has no such field").format(name=name, kind=kind)
    return _("undefined: {reason}").format(reason=short(message, 120))


@cache
def default_words() -> frozenset[str]:
    """The keys of the default theme's English words: every word the card has."""
    path = default_dir("templates") / "i18n" / f"{FALLBACK_UI}.yaml"
    text = files.read_text(path, display_path(path))
    return frozenset(read_words(text, _words_name(FALLBACK_UI)))


def _words_name(code: str) -> str:
    return f"templates/i18n/{code}.yaml"


def read_words(text: str, name: str) -> dict[str, Word]:
    """A words file's words, read through the plan's loader: a mapping of text, each shown as it
    is written; raises PlanError at the line of anything else."""
    root = loader.parse(text, name)
    if not isinstance(root, yaml.MappingNode):
        raise PlanError.at(loader.node_pos(name, root), _("must be a mapping of words"))
    return dict(_word(name, key, value) for key, value in root.value)


def _word(name: str, key: yaml.Node, value: yaml.Node) -> tuple[str, Word]:
    """One word of a words file, as written: YAML 1.1 would read `back: No` as false and
    `start_over: 0123` as 83, and the card would show "False" and "83"."""
    pos = loader.node_pos(name, value)
    word = short(str(getattr(key, "value", "")))
    if value.tag not in _WORD_TAGS:  # such as !!python/object: nothing is constructed
        raise PlanError.at(
            pos, _("not valid YAML: the tag '{tag}' is not allowed").format(tag=value.tag[:60])
        )
    # Only text: a list or mapping (perhaps of aliases, a "billion laughs") is no word.
    if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
        raise PlanError.at(
            pos,
            _("the word '{word}' is not text").format(word=word),
            _("write the text after the key, on the same line"),
        )
    if value.tag.endswith(":null") or not value.value.strip():
        raise PlanError.at(
            pos,
            _("the word '{word}' is empty").format(word=word),
            _("write the word after the key, or remove the line to show the English one"),
        )
    if key.value == "direction" and value.value not in ("ltr", "rtl"):
        raise PlanError.at(
            pos,
            _("'direction' must be ltr or rtl, found '{value}'").format(value=short(value.value)),
            _("rtl for a language written right to left, else ltr"),
        )
    return key.value, Word(value.value, loader.node_pos(name, key))


def _word_codes(lang: str) -> tuple[str, ...]:
    """Where a language's interface words come from, each over the one before: English, the base
    language, the language itself."""
    return (FALLBACK_UI, lang.split("-")[0], lang)


def missing_words(plan: model.Plan, theme: Theme) -> list[Problem]:
    """A warning for each of the plan's languages that the theme has no interface words for."""
    problems = []
    for lang in plan.languages:
        if theme.has_words(lang):
            continue
        where = plan.translations[lang].pos if lang in plan.translations else plan.info.pos
        problems.append(
            Problem(
                where,
                _(
                    "the card has no words of its own in '{lang}' (Back, Start over, ...): "
                    "it shows them in English"
                ).format(lang=lang),
                _(
                    "copy the default theme's i18n/en.yaml to templates/i18n/{lang}.yaml "
                    "and translate it"
                ).format(lang=lang),
                Severity.WARNING,
            )
        )
    return problems


def template_pos(exc: Exception, within: Path | None = None) -> Pos:
    """Where a template failed: a syntax error knows its line; an error while rendering (an
    undefined name, say) is found in the traceback, which Jinja points at the template's lines
    (the innermost of the project's own templates, with `within`, where there is one)."""
    lineno = getattr(exc, "lineno", 0) or 0
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if not lineno:
        import traceback  # only a failed template needs it

        frames = traceback.extract_tb(exc.__traceback__)
        in_templates = [f for f in frames if f.filename.endswith(TEMPLATE_SUFFIXES)]
        if within is not None:
            own = [f for f in in_templates if files.inside(Path(f.filename), within)]
            in_templates = own or in_templates
        if in_templates:
            name, lineno = display_path(Path(in_templates[-1].filename)), in_templates[-1].lineno
    return Pos(str(name or "templates"), lineno or 0, 1 if lineno else 0)


def _kind_defaults() -> dict[str, Any]:
    """Every node kind's fields, each with what it is on a node of another kind: its default,
    or nothing to go through for a list (a step's `options`), or None."""
    values: dict[str, Any] = {}
    for kind in model.NODE_KINDS.values():
        for f in fields(kind):
            if f.default is not MISSING:
                values.setdefault(f.name, f.default)
            elif f.default_factory is not MISSING:
                values.setdefault(f.name, f.default_factory())
            else:
                values.setdefault(f.name, () if f.name == "options" else None)
    return values


_KIND_DEFAULTS = _kind_defaults()
# Each node kind's fields of the other kinds that it has not, with what they are on it.
_ABSENT = {
    kind: {
        name: value
        for name, value in _KIND_DEFAULTS.items()
        if name not in {f.name for f in fields(kind)} and not hasattr(kind, name)
    }
    for kind in model.NODE_KINDS.values()
}
_DICT_NAMES = frozenset(dir(dict))  # what getattr finds on a plain dict


def _escape_output(value: Any) -> Any:
    """What a compiled template calls on each value it writes (Jinja's `escape`), giving the
    same text for less: Markup, which a filter, a macro or `briefs` made, is written as it is,
    where markupsafe's escape makes a copy of it; a number needs nothing escaped; a plain string
    has markupsafe's five characters replaced as markupsafe does.  What it gives is only ever
    joined into the template's output (Jinja's code generator calls `escape` for `{{ ... }}`
    alone), so it need not be Markup itself (tests/test_theme.py holds it to escape's text)."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str:
        return _escape_text(value)
    if kind is int:
        return str(value)
    return escape(value)


class _Template(jinja2.Template):
    """A template whose output is escaped by _escape_output."""

    @classmethod
    def from_code(
        cls,
        environment: jinja2.Environment,
        code: CodeType,
        globals: MutableMapping[str, Any],
        uptodate: Callable[[], bool] | None = None,
    ) -> jinja2.Template:
        template = super().from_code(environment, code, globals, uptodate)
        # The module the template's code runs in: its root, blocks and macros all look
        # `escape` up there (compiled or from the bytecode cache alike).
        template.root_render_func.__globals__["escape"] = _escape_output
        return template


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, reading a field in the template's own code where the object
    has it: `node.title` is `getattr(node, "title", missing)`, one call in C, and only where
    that finds nothing (another node kind's field, a word of `ui`, an undefined name) the
    environment's `getattr`, which gives what it always gave.  A section of node.html reads
    some twenty fields, each a call of a Python method before."""

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if self.environment.is_async or self.environment.sandboxed:  # neither is the theme's
            super().visit_Getattr(node, frame)
            return
        # The object is named once (`_ap_o`), so that the fallback does not evaluate it again;
        # what it holds is read before anything else can set it.
        self.write("(_ap_v if (_ap_v := getattr((_ap_o := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing")
        self.write(f" else environment.getattr(_ap_o, {node.attr!r}))")


class _Environment(jinja2.Environment):
    """Jinja's environment, with every undefined name an error (StrictUndefined), except the
    fields of another node kind: a project's node.html may ask any node whether it is urgent.
    Not a sandbox: the templates are the project's own, and content is never compiled as one."""

    template_class = _Template
    code_generator_class = _CodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._found: dict[tuple[str, str | None], jinja2.Template] = {}

    def join_path(self, template: str, parent: str) -> str:
        """A template that extends, includes or imports its own name means the default theme's
        (`{% extends "language.html" %}` in a project's language.html), as `theme/<name>`
        always does."""
        if template == parent:
            return THEME_PREFIX + template
        return template

    def get_template(
        self,
        name: str | jinja2.Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        """Jinja's `get_template`, each template found once per (name, parent): language.html
        includes node.html for every node, and Jinja's own cache takes a weak reference, a
        lock and a reordering of its queue at every look-up.  Only without `auto_reload`
        (a template is then never loaded again in Jinja's cache either) and `globals`."""
        if self.auto_reload or globals is not None or not isinstance(name, str):
            return super().get_template(name, parent, globals)
        found = self._found.get((name, parent))
        if found is None:
            found = self._found[name, parent] = super().get_template(name, parent)
        return found

    def getattr(self, obj: Any, attribute: str) -> Any:
        """Jinja's `getattr` (the attribute, else the item, else undefined), with a node's
        fields of the other kinds (`_ABSENT`) and a plain mapping's words (`ui.urgent`) looked
        up without raising AttributeError: a card asks for each some ten times a node."""
        absent = _ABSENT.get(type(obj))
        if absent is not None and attribute in absent:
            return absent[attribute]
        if type(obj) is dict and attribute not in _DICT_NAMES:  # no attribute by that name
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        if isinstance(obj, model.Node) and attribute in _KIND_DEFAULTS:
            return _KIND_DEFAULTS[attribute]
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


class _ThemeLoader(jinja2.BaseLoader):
    """The theme's folders, first to last, each file read through actionplan.files.

    A file is taken from the first folder that has it; only "no such file" passes on to the
    next folder, so a theme file that cannot be read (a link that loops, no permission, a
    pipe) is an error, not quietly replaced by the default.  A file that links out of its
    folder is refused, as in content/.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        folders = self.folders
        if template.startswith(THEME_PREFIX):  # the default theme's own, under the override
            template, folders = template.removeprefix(THEME_PREFIX), folders[-1:]
        pieces = split_template_path(template)  # refuses '..'
        for folder in folders:
            path = folder.joinpath(*pieces)
            try:
                mtime = os.stat(path).st_mtime
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise files.error(display_path(path), exc) from None
            if not files.inside(path, folder):
                raise PlanError.at(
                    Pos(display_path(path)),
                    _("links to a file outside the templates folder"),
                    _("copy the file into the templates folder instead of linking to it"),
                )
            source = files.read_text(path, display_path(path))
            if template.endswith((".html", ".css")):
                source = inline_images(source, template, folder)

            def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                try:
                    return os.stat(path).st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)
