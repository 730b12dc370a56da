"""Scaffold: a new project folder with the default plan, an override folder and a Pages workflow."""

from __future__ import annotations

import shutil
from pathlib import Path

from actionplan import __version__
from actionplan.errors import PlanError, Pos
from actionplan.project import default_dir
from actionplan.schema import schema_text

PROJECT_README = """\
# {name}

An action card made with actionplan {version}: the plan is in
`content/` as YAML, and `actionplan build` turns it into one self-contained `build/index.html`.

## Fill in your local values
What your municipality changes lives in `content/local.yaml`: its name, logo, colours and the
contacts' phone numbers. Every `{{placeholder: ...}}` there is a value still to fill in; `actionplan
check` lists them, and the strict build that publishes the card refuses to run until all are
filled in.

## Work on the card
```sh
pip install actionplan
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
`.github/workflows/pages.yml` builds the card with `actionplan build --strict` on every push to
`main` and publishes it with GitHub Pages. Turn it on under Settings → Pages → Source: GitHub
Actions.

## Editor support
The files in `content/` name `schema/plan.schema.json`, so editors with a YAML language server
complete keys and underline mistakes. After upgrading actionplan, refresh it with
`actionplan schema -o schema/plan.schema.json`.
"""

TEMPLATES_README = """\
# Your own templates

This folder is searched before actionplan's default theme:

- A file here with the same name as one in the default theme replaces it (for example
  `card.css`, `node.html` or `i18n/da.yaml`). Start from a copy of the default file.
- `custom.css` is not in the default theme: when it is here, it is added after the default CSS,
  which is the easy way to change a few styles.

Colours, font and logo are simpler to set in `content/local.yaml`.
"""

GITIGNORE = "build/\n"

PAGES_WORKFLOW = """\
# Build the card and publish it with GitHub Pages (Settings -> Pages -> Source: GitHub Actions).
name: Publish the card

on:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      # The version of actionplan this project was made with; raise it to upgrade.
      - run: pip install actionplan==@VERSION@
      # --strict: no card is published while a placeholder is unfilled or a date is too old.
      - run: actionplan build --strict
      - uses: actions/upload-pages-artifact@v5
        with:
          path: build/

  deploy:
    needs: build
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5
"""


def new_project(dest: Path, content: Path | None = None) -> list[Path]:
    """Make a new project in dest (which must not exist, or be empty); the files made, sorted."""
    if dest.is_file():
        raise PlanError.at(
            Pos(str(dest)), "is a file, not a folder", "give the name of a new folder"
        )
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise PlanError.at(
            Pos(str(dest)),
            "already exists and is not an empty folder",
            "give the name of a new folder",
        )
    content = content or default_dir("content")
    if not content.is_dir():
        raise PlanError.at(Pos(str(content)), "the default plan is missing", "reinstall actionplan")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(
        content, dest / "content", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    files = {
        "README.md": PROJECT_README.format(name=dest.resolve().name, version=__version__),
        "templates/README.md": TEMPLATES_README,
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": PAGES_WORKFLOW.replace("@VERSION@", __version__),
        "schema/plan.schema.json": schema_text(),
    }
    for name, text in files.items():
        path = dest / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(p for p in dest.rglob("*") if p.is_file())
