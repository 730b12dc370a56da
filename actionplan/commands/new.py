"""Scaffold: a new project folder with its local layer, an override folder and a Pages workflow."""

from __future__ import annotations

import errno
import os
import shlex
import shutil
from pathlib import Path

from actionplan import __version__, files
from actionplan.commands.diff import write_lock
from actionplan.errors import PlanError, Pos
from actionplan.i18n import LANGUAGES, _
from actionplan.plan.loader import LOCAL_FILE
from actionplan.plan.schema import editor_settings, schema_files, schema_line_in
from actionplan.project import default_base
from actionplan.publish.hosting import host_files
from actionplan.publish.source import UnknownSource, installed_source

PROJECT_README = """\
# {name}

An action card made with actionplan {version}: the default plan of the installed actionplan,
with what your municipality owns over it in `content/`, and `actionplan build` turns both into
one self-contained `build/index.html`.

## Fill in your local values
What your municipality changes lives in `content/local.yaml`: who answers for the card, its
name, logo, colours and the contacts' phone numbers. Every `{{placeholder: ...}}` there is a value
still to fill in; `actionplan check` lists them, and the strict build that publishes the card
refuses to run until all are filled in. Your own versions of steps go in `content/local/`, their
translations in `content/translations/` (see docs/format.md in actionplan).

## Update the default plan
After installing a newer actionplan, the strict build stops until you have seen what changed in
the default plan: `actionplan diff` shows it, and `actionplan diff --accept` records it as
reviewed in `content/base-lock.json`.

## Install actionplan
{install}

## Work on the card
```sh
actionplan check               # every mistake as file:line:col
actionplan serve               # the card at http://127.0.0.1:8000, rebuilt on every save
actionplan build --strict      # build/index.html, refusing placeholders and old dates
actionplan paths > routes.txt  # every route through the plan: commit it to review changes
actionplan graph               # the plan as a Mermaid flowchart, for a README or a review
```

## Change the look
Put a file in `templates/` with the same name as one in the default theme to replace it, or add
`templates/custom.css` to add your own CSS after the default. See `templates/README.md`.

## Publish
{publish}

## Editor support
`.vscode/settings.json` gives each kind of file its schema in `schema/`, in the plan's language
(`schema/da/` for a Danish plan), so editors with a YAML language server complete keys, explain
them and underline mistakes. After upgrading actionplan, refresh the schemas with
`actionplan schema -o schema`.
"""

TEMPLATES_README = """\
# Your own templates

This folder is searched before actionplan's default theme:

- A file here with the same name as one in the default theme replaces it (for example
  `card.css`, `node.html` or `i18n/da.yaml`). `actionplan theme` lists the default theme's
  files, and `actionplan theme copy node.html` copies one here to start from.
- To change one block of a template, extend the default's: a `language.html` here that begins
  with `{% extends "language.html" %}` overrides only the blocks it names.
- `custom.css` is not in the default theme: when it is here, it is added after the default CSS,
  which is the easy way to change a few styles.

Colours, font and logo are simpler to set in `content/local.yaml`.
"""

GITIGNORE = "build/\n"

INSTALL = """\
The version this project was made with, the same one its publishing workflow installs (this
needs Python 3.10 or newer and git):

```sh
python3 -m venv .venv && .venv/bin/pip install {requirement}
. .venv/bin/activate     # in each new terminal, before the actionplan commands below
```

On Windows, in PowerShell:

```powershell
py -m venv .venv; .venv\\Scripts\\pip install {requirement}
.venv\\Scripts\\Activate.ps1
```

On Debian and Ubuntu, `python3 -m venv` needs the `python3-venv` package. To upgrade, install the
newer version here, check and build the card with it, then pin the same version in the publishing
workflow."""

INSTALL_UNKNOWN = """\
This project was made with actionplan {version}; install that version in a virtual environment
(`python3 -m venv .venv`), the way it was installed where the project was made."""

PUBLISH = {
    "github": """\
`.github/workflows/pages.yml` builds the card with `actionplan build --strict` on every push to
`main` and publishes it with GitHub Pages. Turn it on under Settings → Pages → Source: GitHub
Actions; until then the workflow builds nothing and says so.""",
    "gitlab": """\
`.gitlab-ci.yml` builds the card with `actionplan build --strict` on every push to the default
branch and publishes it with GitLab Pages; its address is under Deploy → Pages.""",
    "none": """\
`actionplan build --strict` writes `build/index.html`, the whole card in one file: copy it to a
web server, the intranet, a file share or a USB stick. It opens straight from the file.""",
}


def new_project(
    dest: Path, host: str = "github", source: str | None = None, copy_base: bool = False
) -> list[Path]:
    """Make a new project in dest (which must not exist, or be empty); the files made, sorted.

    The project's content/ holds only its local layer, local.yaml, started from the base plan's;
    the base plan stays in the installed actionplan.  With copy_base, content/ is a full copy of
    the base plan instead, to change as the project likes.

    host is "github", "gitlab" or "none"; source is the pinned pip requirement its workflow
    installs actionplan with, by default the one this actionplan was installed from
    (UnknownSource when none is known and a workflow is wanted).
    """
    if dest.is_file():
        raise PlanError.at(
            Pos(str(dest)), _("is a file, not a folder"), _("give the name of a new folder")
        )
    if os.path.lexists(dest) and (not dest.is_dir() or any(dest.iterdir())):
        raise PlanError.at(
            Pos(str(dest)),
            _("already exists and is not an empty folder"),
            _("give the name of a new folder"),
        )
    # The nearest of its parents that is there must be a folder (not a file, a link to nothing).
    if files.not_a_folder(dest.parent) is not None:
        raise files.error(str(dest), OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    try:
        requirement = source or installed_source()
    except UnknownSource:
        if host != "none":
            raise
        requirement = None  # no workflow to write; the README says which version to install
    base = default_base()
    if not base.is_dir():
        raise PlanError.at(
            Pos(str(base)), _("the default plan is missing"), _("reinstall actionplan")
        )
    dest.mkdir(parents=True, exist_ok=True)
    if copy_base:
        shutil.copytree(
            base, dest / "content", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    else:
        (dest / "content").mkdir()
        shutil.copyfile(base / LOCAL_FILE, dest / "content" / LOCAL_FILE)
        write_lock(dest / "content")  # the base plan the project starts from, as reviewed
    language = schema_language(dest / "content")
    texts = {
        "README.md": project_readme(dest.resolve().name, host, requirement),
        "templates/README.md": TEMPLATES_README,
        ".gitignore": GITIGNORE,
        **schema_files("schema"),
        ".vscode/settings.json": editor_settings(language=language),
    }
    if requirement:
        texts.update(host_files(host, requirement, __version__))
    for name, text in texts.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(p for p in dest.rglob("*") if p.is_file())


def schema_language(content: Path) -> str:
    """The language of the schemas an editor gets for the project: its plan's language where
    there are schemas in it (Danish), else English; and the `$schema` line of each YAML file in
    content/ pointed at them."""
    from actionplan.plan.read import check_plan

    plan = check_plan(content).plan
    language = plan.info.language if plan is not None else "en"
    if language not in LANGUAGES:
        return "en"
    for path in sorted(content.rglob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        pointed = schema_line_in(text, language)
        if pointed != text:
            path.write_text(pointed, encoding="utf-8")
    return language


def project_readme(name: str, host: str, requirement: str | None) -> str:
    """The README of a new project: how to install, fill in, work on and publish its card."""
    if requirement:
        install = INSTALL.format(requirement=shlex.quote(requirement))
    else:
        install = INSTALL_UNKNOWN.format(version=__version__)
    return PROJECT_README.format(
        name=name, version=__version__, install=install, publish=PUBLISH[host]
    )


PLAN_SKELETON = """\
# A further plan of the project: its own steps, over the layer every plan shares (shared/).
# See "Several plans in one site" in actionplan's docs/format.md.
plan:
  title: {{placeholder: the plan's title}}
  # summary: When to use this plan, in one line: the index of the plans shows it.
  language: {language}
  version: "0.1"
  owner: {{placeholder: who answers for the plan}}
  reviewed: {today}
  start: start
nodes:
  start:
    kind: step
    title: {{placeholder: the first thing to do}}
    next: done
  done:
    kind: outcome
    title: {{placeholder: what should now have happened}}
"""


def new_plan(root: Path, name: str) -> list[Path]:
    """Add a plan, plans/<name>/, to the project in root; the files made."""
    import datetime as dt

    from actionplan.plan.read import check_plan
    from actionplan.project import PLANS_DIR, Project, plan_name_problem

    project = Project.find(root)
    if project.content == project.root:
        raise PlanError.at(
            Pos(str(root)),
            _("is a content folder, not a project"),
            _("give the project's folder, the one with content/ in it"),
        )
    folder = project.root / PLANS_DIR / name
    problem = plan_name_problem(name)
    if problem:
        raise PlanError.at(Pos(str(folder)), *problem)
    if folder.exists():
        raise PlanError.at(
            Pos(str(folder)), _("already exists"), _("give the new plan another name")
        )
    first = check_plan(project.content, shared=project.shared).plan
    language = first.info.language if first is not None else "da"
    path = folder / "plan.yaml"
    text = PLAN_SKELETON.format(language=language, today=dt.date.today().isoformat())
    folder.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return [path]
