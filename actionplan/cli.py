"""The command line: each command is a thin shell around the stages in the package."""

# ruff: noqa: E402 - the imports come after the collector is turned off for them (see below)
from __future__ import annotations

import gc

# A command's imports make some 35 000 objects that last as long as the process, and
# no garbage, and Python's cyclic collector walked them again and again as they were made.  It
# is off while they are made, and they are then set aside (gc.freeze), so that no later
# collection walks them either.
_collecting = gc.isenabled()
gc.disable()

import datetime as dt
import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from actionplan import __version__, i18n, patterns
from actionplan.errors import (
    EXIT_CONTENT,
    EXIT_OK,
    ActionplanError,
    PlanError,
    Pos,
    Problem,
    display_path,
    visible,
)
from actionplan.errors import show as show_problems
from actionplan.i18n import N_, _, ngettext
from actionplan.project import FIRST_PLAN, PlanFolder, Project

# click's words go through our catalogue from the start: the options below are made with some
# (a path's "directory"), and the standard library's gettext, click's own, looks for catalogues
# on disk at each one (importing `locale` to read the environment's language on the way).
i18n.speak_through_click()

if TYPE_CHECKING:
    from actionplan.plan import model
    from actionplan.plan.read import Report

gc.freeze()
if _collecting:
    gc.enable()


def _color() -> bool | None:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return False if os.environ.get("NO_COLOR") else None


def echo(message: str = "", err: bool = False, **style: Any) -> None:
    """A line for the terminal; what it quotes (a folder's name, a path given on the command
    line) is written out as problems are (errors.visible), so it cannot act on the terminal."""
    if not message.isprintable():
        message = "\n".join(visible(line) for line in message.split("\n"))
    if style and _color() is not False:
        message = click.style(message, **style)
    click.echo(message, err=err, color=_color())


def output(text: str) -> None:
    """What a command gives on standard output (a graph, routes, a schema).  A process started
    with its output closed (`>&-`) has none, and click would write nothing without a word: that
    is an error, as it is for any program that cannot write its output."""
    if sys.stdout is None:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF), "<stdout>")
    click.echo(text, nl=False)


def summary_line(report: Report, strict: bool = False) -> str:
    """'2 errors, 1 warning', and what --strict did when only warnings refused the plan."""
    errors, warnings, notes = len(report.errors), len(report.warnings), len(report.notes)
    line = ngettext("{n} error", "{n} errors", errors).format(n=errors)
    line += ", " + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
    if notes:
        line += ", " + ngettext("{n} note", "{n} notes", notes).format(n=notes)
    if strict and warnings and not errors:
        line += _(": refused, as --strict fails on warnings")
    return line


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Bad content and failed reads and writes end with `file: error: message` and their exit
    code (ActionplanError), never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        error: ActionplanError
        try:
            return command(*args, **kwargs)
        except ActionplanError as exc:
            error = exc
        except OSError as exc:  # the reader and the writer say what failed; anything else:
            where = display_path(Path(exc.filename)) if exc.filename else "actionplan"
            error = PlanError.at(Pos(where), exc.strerror or str(exc))
        error.show(_color())
        sys.exit(error.exit_code)

    return wrapper


class Options:
    """What every command is run with: how much to print, set by -q and -v wherever they are
    given, and the date that counts as today (a caller can pass its own as click's `obj`).

    A plain class: a dataclass compiles its methods as the module is imported, in every command.
    """

    def __init__(
        self, quiet: bool = False, verbose: bool = False, today: dt.date | None = None
    ) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.today = today or dt.date.today()


class PathGiven(click.Path):
    """A path given on the command line, but never an empty one: `-o ""` (a variable that was
    never set, `-o "$OUT"`) would otherwise be the current folder, and a build would write its
    card there, over any index.html."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value == "":
            self.fail(
                _("an empty path: give a folder's name, or . for the current folder"), param, ctx
            )
        return super().convert(value, param, ctx)


path_argument = click.argument(
    "path",
    type=PathGiven(exists=True, file_okay=False, path_type=Path),
    default=".",
    required=False,
)


plan_option = click.option(
    "--plan",
    "plan_name",
    metavar="NAME",
    help=N_(
        "Only the plan NAME of a project of several: the folder's name in plans/, or "
        "'content' for the plan in content/."
    ),
)


def chosen_plans(project: Project, name: str | None) -> list[PlanFolder]:
    """The plan named by --plan, or every plan of the project."""
    return [project.plan(name)] if name is not None else project.plans


def plan_heading(project: Project, folder: PlanFolder, comment: str) -> str:
    """A line naming the plan, before its output, when a project of several plans prints all."""
    if len(project.plans) == 1:
        return ""
    named = _("plan {name} ({folder})").format(
        name=folder.name, folder=display_path(folder.content)
    )
    return f"{comment} {named}\n"


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Options).quiet = True


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(Options).verbose = True


def _set_lang(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        i18n.set_language(value)
        translate_help(ctx.find_root().command)


def verbosity(command: Callable[..., Any]) -> Callable[..., Any]:
    """-q, -v and --lang, accepted before the command name and after it alike."""
    command = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_quiet,
        help=N_("Print only problems."),
    )(command)
    command = click.option(
        "-v",
        "--verbose",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_set_verbose,
        help=N_("Print more about what is done."),
    )(command)
    return click.option(
        "--lang",
        type=click.Choice(i18n.LANGUAGES),
        expose_value=False,
        is_eager=True,
        callback=_set_lang,
        help=N_("The language of the messages: en or da (default: the locale's, else en)."),
    )(command)


def translate_help(command: click.Command) -> None:
    """Put the help texts of the command and its subcommands in the language set.

    They are written in English where the commands are declared, and marked with N_ for the
    catalogue; the English stays on each object, to translate again when the language changes.
    """
    texts: list[Any] = []
    commands = [command]
    while commands:  # the command, its subcommands, theirs (`theme list`)
        current = commands.pop()
        texts += [current, *current.params]
        commands += getattr(current, "commands", {}).values()
    for item in texts:
        if not hasattr(item, "english_help"):
            item.english_help = item.help
        item.help = _(item.english_help) if item.english_help else item.english_help


class ActionplanCommand(click.Command):
    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translated_help_option(super().get_help_option(ctx))


def _translated_help_option(option: click.Option | None) -> click.Option | None:
    """click makes the --help option once, in the language of that moment."""
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


class ActionplanGroup(click.Group):
    """The command group that speaks the locale's language before it reads its arguments, so
    that `--help` and usage errors are in it too (a `--lang` given then overrides it)."""

    command_class = ActionplanCommand
    group_class = type  # `theme` and its commands too

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        return _translated_help_option(super().get_help_option(ctx))

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if parent is None:
            i18n.set_language(i18n.language_from_environment())
            translate_help(self)
        return super().make_context(info_name, args, parent, **extra)


@click.group(
    cls=ActionplanGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "Turn a YAML plan of handling steps into an interactive HTML action card.\n\n"
        "Exit codes: 0 ok, 1 problems in the content (or a failed build), 2 wrong usage."
    ),
)
@click.version_option(
    __version__, "-V", "--version", prog_name="actionplan", help=N_("Show the version and exit.")
)
@verbosity
@click.pass_context
def cli(ctx: click.Context) -> None:
    ctx.ensure_object(Options)


# Whether the process ends with its command: set by main(), not by a caller of `cli` (the tests).
_one_shot = False


@contextmanager
def reading_plans() -> Iterator[None]:
    """Around the imports of a command that reads a plan: the plan's reader, the model, YAML and
    Jinja are imported here rather than at the top, so that a command that reads none (--help,
    schema, theme) never imports them.  They are imported as the command line's own modules are
    (see the top of this module): with the collector off, and, in a process that ends with its
    command, set aside after.  Such a process also tells the reader that it may set aside what
    it makes (read.ONE_SHOT; serve checks again, and says so itself)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from actionplan.plan import read

        if _one_shot:
            read.ONE_SHOT = True
        yield
    finally:
        if _one_shot:
            gc.freeze()
        if collecting:
            gc.enable()


@cli.command(
    help=N_(
        "Check the plan in PATH (a project folder with content/, or the content folder).\n"
        "\n"
        "Every problem goes to standard error as file:line:col: error|warning|note: message "
        "(hint); a summary line goes to standard output. Notes never fail, not even with "
        "--strict."
    )
)
@path_argument
@click.option(
    "--strict",
    is_flag=True,
    help=N_("Fail on warnings too (unfilled placeholders, old dates, missing translations)."),
)
@click.option(
    "--stale",
    is_flag=True,
    help=N_(
        "List every fact older than its review period, with the source to check it against; "
        "fail when there is one."
    ),
)
@plan_option
@verbosity
@click.pass_obj
@handle_errors
def check(v: Options, path: Path, strict: bool, stale: bool, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.check import render_site

    project = Project.find(path)
    checked = render_site(project, only=plan_name, today=v.today)
    if stale:
        plans = [card.report.plan for card in checked.cards]
        if all(plan is not None for plan in plans):
            sys.exit(max(show_stale(plan, v.today) for plan in plans if plan is not None))
    failed = False
    shown: set[Problem] = set()  # the shared layer's and the theme's, once for all the plans
    for card in checked.cards:
        report = card.report
        assert card.folder is not None
        show_problems([p for p in report.problems if p not in shown], _color())
        shown.update(report.problems)
        failed = report.failed(strict) or failed
        if not v.quiet or report.failed(strict):
            plan = report.plan
            size = (
                ngettext("{n} node", "{n} nodes", len(plan.nodes)).format(n=len(plan.nodes))
                + ", "
                + ngettext("{n} contact", "{n} contacts", len(plan.contacts)).format(
                    n=len(plan.contacts)
                )
                + ": "
                if plan
                else ""
            )
            echo(
                f"{card.folder.content}: {size}{summary_line(report, strict)}",
                err=False,
                fg="red" if report.failed(strict) else "green",
            )
    if checked.index_problems:
        show_problems(checked.index_problems, _color())
        failed = True
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


def show_stale(plan: model.Plan, today: dt.date) -> int:
    """List the facts to check again, oldest first; the exit code."""
    from actionplan.plan.checks import stale_facts

    facts = sorted(stale_facts(plan, today), key=lambda f: f.when)
    for fact in facts:
        line = (
            _("{what} {name} {when}, {age} days ago (the base plan's): check it against {source}")
            if fact.upstream
            else _("{what} {name} {when}, {age} days ago: check it against {source}")
        )
        source = fact.source or _("its source (none is given)")
        echo(f"{fact.pos}: " + line.format(**{**vars(fact), "source": source}))
    limit = plan.info.review_after_days
    if facts:
        echo(_("{n} older than {limit} days").format(n=len(facts), limit=limit), fg="yellow")
        return EXIT_CONTENT
    echo(_("no fact is older than {limit} days").format(limit=limit), fg="green")
    return EXIT_OK


@cli.command(
    help=N_(
        "Build the card from the plan in PATH into one self-contained index.html; for a "
        "project of several plans, a card for each in build/<name>/ and their index, "
        "build/plans.html."
    )
)
@path_argument
@click.option(
    "-o",
    "--out",
    type=PathGiven(file_okay=False, path_type=Path),
    help=N_("The output folder (default: build/ in the project)."),
)
@click.option("--strict", is_flag=True, help=N_("Refuse to build on warnings too."))
@plan_option
@verbosity
@click.pass_obj
@handle_errors
def build(v: Options, path: Path, out: Path | None, strict: bool, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.build import build_site

    project = Project.find(path)
    try:
        results = build_site(project, out=out, strict=strict, only=plan_name, today=v.today)
    except PlanError as exc:
        from actionplan.plan.read import Report

        exc.show(_color())
        where = out or project.build
        summary = summary_line(Report(None, exc.problems), strict)
        echo(
            _("not built: {summary} ({where} is left as it was)").format(
                summary=summary, where=where
            ),
            err=True,
            fg="red",
        )
        sys.exit(EXIT_CONTENT)
    for result in results:
        show_problems(result.warnings, _color())  # problems, which -q still prints
        if not v.quiet:
            warnings = len(result.warnings)
            echo(
                ngettext(
                    "built {path} ({size:.1f} KB, {n} warning)",
                    "built {path} ({size:.1f} KB, {n} warnings)",
                    warnings,
                ).format(path=result.path, size=result.size / 1024, n=warnings),
                err=True,
            )
            if result.drafts:
                echo(
                    _("left out the draft translations: {languages}").format(
                        languages=", ".join(result.drafts)
                    ),
                    err=True,
                )


@cli.command(
    help=N_(
        "Print the JSON Schema of one kind of file, for editors that check YAML as you type, "
        "in the language of these messages.\n"
        "\n"
        "KIND is content (the plan's files), local (content/local.yaml), translation "
        "(content/translations/*.yaml) or words (templates/i18n/*.yaml)."
    )
)
@click.argument(
    "kind",
    type=click.Choice(["content", "local", "translation", "words"]),
    default="content",
    required=False,
)
@click.option(
    "-o",
    "--out",
    type=PathGiven(file_okay=False, path_type=Path),
    help=N_(
        "Write every schema into this folder (a project's schema/), the Danish in its da/, "
        "instead of printing one."
    ),
)
@handle_errors
def schema(kind: str, out: Path | None) -> None:
    from actionplan.card.write import write_atomic
    from actionplan.i18n import language
    from actionplan.plan.schema import schema_files, schema_text

    if out is None:
        output(schema_text(kind, language()))
        return
    for name, text in schema_files().items():
        write_atomic(out / name, text.encode())


@cli.command(
    help=N_("Record in the translation files which version of the original each entry translates.")
)
@path_argument
@click.option(
    "--stale",
    is_flag=True,
    help=N_("Renew out-of-date fingerprints too, once the translations are updated."),
)
@plan_option
@verbosity
@click.pass_obj
@handle_errors
def stamp(v: Options, path: Path, stale: bool, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.stamp import stamp as stamp_translations

    project = Project.find(path)
    stamped = [
        done
        for folder in chosen_plans(project, plan_name)
        for done in stamp_translations(folder.content, stale=stale, shared=project.shared)
    ]
    for done in stamped:
        if not v.quiet:
            n = len(done.entries)
            echo(
                ngettext("{path}: {n} entry stamped", "{path}: {n} entries stamped", n).format(
                    path=done.path, n=n
                ),
                err=True,
            )
        if v.verbose:
            for entry in done.entries:
                echo(f"  {entry}", err=True)


@cli.group(
    invoke_without_command=True,
    help=N_(
        "The card's theme: list its files, or copy one into the project to edit.\n\n"
        "Without a command, lists the default theme's files, as `theme list` does."
    ),
)
@click.pass_context
def theme(ctx: click.Context) -> None:
    if ctx.invoked_subcommand is None:
        ctx.invoke(theme_list)


@theme.command(
    "list",
    help=N_("List the default theme's files, and which of them the project in PATH overrides."),
)
@path_argument
@handle_errors
def theme_list(path: Path = Path(".")) -> None:
    from actionplan.commands.theme import default_theme, theme_files

    try:
        project: Project | None = Project.find(path)
    except PlanError:
        project = None  # no project here: the default theme alone
    templates = project.templates if project else None
    echo(_("the default theme, in {folder}:").format(folder=display_path(default_theme())))
    for f in theme_files(templates):
        own = display_path(project.root / "templates" / f.name) if project and f.own else ""
        if f.default and own:
            echo(f"  {f.name:<16} " + _("overridden by {file}").format(file=own))
        elif f.default:
            echo(f"  {f.name}")
        else:
            echo(f"  {f.name:<16} " + _("{file}, the project's own").format(file=own))
    echo(_("copy one into the project to edit it: actionplan theme copy NAME"))


@theme.command(
    "copy",
    help=N_(
        "Copy the default theme's file NAME into the templates/ of the project in PATH, to "
        "edit.\n\nAn existing file is never overwritten."
    ),
)
@click.argument("name")
@path_argument
@verbosity
@click.pass_obj
@handle_errors
def theme_copy(v: Options, name: str, path: Path) -> None:
    from actionplan.commands.theme import copy_to_project

    project = Project.find(path)
    target = copy_to_project(name, project.root / "templates")
    if not v.quiet:
        echo(
            _("copied {name} to {file}: it now overrides the default's").format(
                name=name, file=display_path(target)
            ),
            err=True,
        )


@cli.command(
    help=N_("Print the plan in PATH as a flowchart (each plan of a project of several, or --plan).")
)
@path_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help=N_("Mermaid renders in GitHub's Markdown; DOT is Graphviz's."),
)
@plan_option
@verbosity
@handle_errors
def graph(path: Path, fmt: str, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.graph import render_graph
        from actionplan.plan.read import load_plan

    project = Project.find(path)
    comment = "%%" if fmt == "mermaid" else "//"
    for folder in chosen_plans(project, plan_name):
        plan = load_plan(folder.content, shared=project.shared)
        heading = plan_heading(project, folder, comment) if plan_name is None else ""
        output(heading + render_graph(plan, fmt))


@cli.command(
    help=N_(
        "Print every route from the start of the plan in PATH to an outcome (each plan of a "
        "project of several, or --plan)."
    )
)
@path_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help=N_("Text to commit and review as a diff; JSON for tools."),
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help=N_("Stop with an error when there are more routes than this."),
)
@plan_option
@verbosity
@handle_errors
def paths(path: Path, fmt: str, limit: int, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.paths import find_routes, routes_json, routes_text
        from actionplan.plan.read import load_plan

    project = Project.find(path)
    chosen = chosen_plans(project, plan_name)
    if fmt == "json" and len(chosen) > 1:
        raise click.UsageError(_("give --plan NAME: JSON is written for one plan at a time"))
    for folder in chosen:
        plan = load_plan(folder.content, shared=project.shared)
        routes = find_routes(plan, limit)
        if fmt == "json":
            output(routes_json(routes))
        else:
            heading = plan_heading(project, folder, "#") if plan_name is None else ""
            output(heading + routes_text(plan, routes))


def _pinned(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from actionplan.publish.source import pinned_requirement

    try:
        return None if value is None else pinned_requirement(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _argument(path: Path) -> str:
    """A folder as a shell reads it back as an argument: quoted, and not taken for an option."""
    import shlex

    text = str(path)
    return shlex.quote("./" + text if text.startswith("-") else text)


@cli.command(
    help=N_(
        "Make a new project in DIRECTORY: its local layer to fill in over the base plan of "
        "the installed actionplan, and a Pages workflow. With --plan NAME, add a plan to the "
        "project in DIRECTORY instead: plans/NAME/, to fill in."
    )
)
@click.argument("directory", type=PathGiven(path_type=Path))
@click.option(
    "--host",
    type=click.Choice(["github", "gitlab", "none"]),
    default="github",
    show_default=True,
    help=N_("Where the card is published from: a GitHub Pages or GitLab Pages workflow, or none."),
)
@click.option(
    "--source",
    callback=_pinned,
    help=N_(
        "The pinned pip requirement the workflow installs actionplan with, such as "
        "git+https://HOST/OWNER/actionplan@TAG; by default where this actionplan came from."
    ),
)
@click.option(
    "--copy-base",
    is_flag=True,
    help=N_(
        "Copy the whole base plan into content/, to rewrite it freely; updates of actionplan "
        "then no longer reach it."
    ),
)
@plan_option
@verbosity
@click.pass_obj
@handle_errors
def new(
    v: Options,
    directory: Path,
    host: str,
    source: str | None,
    copy_base: bool,
    plan_name: str | None,
) -> None:
    with reading_plans():
        from actionplan.commands.new import new_plan, new_project

    if plan_name is not None:
        made = new_plan(directory, plan_name)
        if not v.quiet:
            echo(
                _("created {plan}: fill it in, then run: {command}").format(
                    plan=made[0],
                    command=f"actionplan check {_argument(directory)} --plan {plan_name}",
                ),
                err=True,
            )
        return

    files = new_project(directory, host=host, source=source, copy_base=copy_base)
    if not v.quiet:
        echo(
            _(
                "created {directory} ({n} files): fill in {local}, "
                "then run: actionplan serve {quoted}"
            ).format(
                directory=directory,
                n=len(files),
                local=directory / "content" / "local.yaml",
                quoted=_argument(directory),
            ),
            err=True,
        )


@cli.command(
    help=N_(
        "Show what changed in the base plan: since the project in PATH last reviewed it, or "
        "from the plan in OLD to the plan in NEW (each a project or content folder).\n"
        "\n"
        "\b\n"
        "actionplan diff [PATH]            the reviewed base plan → the one the project now has\n"
        "actionplan diff OLD NEW           one plan's base → another's\n"
        "actionplan diff --accept [PATH]   record the base the project now has as reviewed\n"
        "\n"
        "In a project of several plans, each plan's base is compared (or recorded) in turn; "
        "--plan NAME picks one, in OLD and NEW as well."
    )
)
@click.argument(
    "paths",
    nargs=-1,
    metavar="[PATH | OLD NEW]",
    type=PathGiven(exists=True, file_okay=False, path_type=Path),
)
@click.option(
    "--accept",
    is_flag=True,
    help=N_("Record the base plan the project now has as reviewed (after reading the difference)."),
)
@plan_option
@verbosity
@click.pass_obj
@handle_errors
def diff(v: Options, paths: tuple[Path, ...], accept: bool, plan_name: str | None) -> None:
    from actionplan.commands import diff as upgrade

    if len(paths) > 2 or (accept and len(paths) == 2):
        raise click.UsageError(
            _("give one project folder, or two plans to compare without --accept")
        )
    if len(paths) == 2:
        name = plan_name or FIRST_PLAN
        old_content, new_content = (Project.find(p).plan(name).content for p in paths)
        old = upgrade.snapshot(upgrade.base_plan(old_content))
        new = upgrade.snapshot(upgrade.base_plan(new_content))
        show_diff(upgrade.compare(old, new))
        return
    project = Project.find(paths[0] if paths else Path("."))
    folders = chosen_plans(project, plan_name)
    unrecorded = []
    for folder in folders:
        heading = plan_heading(project, folder, "==") if plan_name is None else ""
        if heading:
            echo(heading.rstrip("\n"), bold=True)
        pinned = upgrade.read_lock(folder.content)
        if accept:
            base = upgrade.write_lock(folder.content)
            if not v.quiet:
                echo(
                    _("recorded the base plan {title} ({version}) as reviewed in {lock}").format(
                        title=base["plan"].get("title"),
                        version=base["plan"].get("version"),
                        lock=folder.lock,
                    ),
                    err=True,
                )
            continue
        if pinned is None:
            echo(
                f"{folder.lock}: "
                + _(
                    "no record of a reviewed base plan yet "
                    "(record the one the project has now with 'actionplan diff --accept')"
                ),
                err=True,
            )
            unrecorded.append(folder)
            continue
        now = upgrade.snapshot(upgrade.base_plan(folder.content))
        show_diff(upgrade.compare(pinned, now, upgrade.overrides(folder.content)))
        if pinned != now:
            echo("\n" + _("After reviewing, take the new base plan with: actionplan diff --accept"))
    if len(unrecorded) == len(folders) and not accept:
        sys.exit(EXIT_CONTENT)


DIFF_STYLES: dict[str, dict[str, Any]] = {
    "heading": {"bold": True},
    "added": {"fg": "green"},
    "removed": {"fg": "red"},
    "changed": {"fg": "yellow"},
    "review": {"fg": "magenta", "bold": True},
}


def show_diff(lines: list[Any]) -> None:
    for i, line in enumerate(lines):
        if line.kind == "heading" and i:
            echo()
        echo("  " * line.depth + line.text, **DIFF_STYLES.get(line.kind, {}))


@cli.command(
    help=N_(
        "Serve the card from PATH on this machine, rebuilt and reloaded on every save (of a "
        "project of several plans: every card and their index, rebuilding only the plan "
        "saved)."
    )
)
@path_argument
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=N_("The address to serve on; any but a loopback one shows the card to others."),
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@plan_option
@verbosity
@click.pass_context
@handle_errors
def serve(ctx: click.Context, path: Path, host: str, port: int, plan_name: str | None) -> None:
    with reading_plans():
        from actionplan.commands.serve import DevServer, is_loopback

    v: Options = ctx.obj
    explicit = ctx.get_parameter_source("host") is click.core.ParameterSource.COMMANDLINE

    def report(ok: bool, problems: list[Problem]) -> None:
        if not ok or v.verbose:
            show_problems(problems, _color())
        if not ok:
            echo(_("the build failed: the page shows why until it is fixed"), err=True, fg="red")
        elif not v.quiet:
            n = len(problems)
            built = ngettext("built the card ({n} warning)", "built the card ({n} warnings)", n)
            echo(built.format(n=n), err=True, fg="green")

    try:
        server = DevServer(
            Project.find(path),
            host,
            port,
            allow_remote=explicit,
            on_build=report,
            plan=plan_name,
        )
    except OSError as exc:
        cannot = _("cannot serve on {host}:{port}: {reason}")
        echo("error: " + cannot.format(host=host, port=port, reason=exc.strerror or exc), err=True)
        sys.exit(EXIT_CONTENT)
    if not is_loopback(host):
        echo(
            "warning: "
            + _("serving on {host}: others on the network can see the card").format(host=host),
            err=True,
            fg="yellow",
        )
    echo(_("serving {url} (Ctrl-C to stop)").format(url=server.url), err=True)
    server.run()
    if not v.quiet:
        echo(_("stopped"), err=True)


def main() -> None:
    global _one_shot
    _one_shot = True  # the process ends with the command (see reading_plans)
    try:
        cli(prog_name="actionplan")
    finally:
        # The regular expressions it compiled, for the next process (see patterns.py).
        patterns.keep()
        # The process ends here.  Exiting, Python's collector walks every object it tracks
        # (the libraries' modules, a plan's model) for cycles to free, which took a twentieth
        # of a small build: none of them needs freeing or a finalizer when the process ends
        # (the card is written and closed, atexit's work is still done), so they are set aside.
        gc.freeze()
