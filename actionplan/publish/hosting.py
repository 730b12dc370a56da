"""The files that publish a card from a git host on every push: GitHub Pages or GitLab Pages.

Each is written with the exact command that installs actionplan, so that the card a host builds
is the card built here. docs/publishing.md explains them to the people who switch them on.
"""

from __future__ import annotations

import shlex

import yaml

HOSTS = ("github", "gitlab", "none")

# The major versions current when this was written; Dependabot or Renovate keeps them current.
CHECKOUT = "actions/checkout@v7"
SETUP_PYTHON = "actions/setup-python@v7"
UPLOAD_PAGES = "actions/upload-pages-artifact@v5"
DEPLOY_PAGES = "actions/deploy-pages@v5"
PYTHON = "3.12"

GITHUB_PAGES = """\
# Build the card and publish it with GitHub Pages on every push to main.
# Switch it on once: Settings -> Pages -> Source: GitHub Actions. Until then nothing is built and
# the run says so; see docs/publishing.md in actionplan's repository.
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
    if: github.event.repository.has_pages
    runs-on: ubuntu-latest
    steps:
      - uses: @CHECKOUT@
        with:
          persist-credentials: false  # the build needs no git access after the checkout
      - uses: @SETUP_PYTHON@
        with:
          python-version: "@PYTHON@"
      # @WHY@
      - run: @INSTALL@
      # --strict: no card is published while a placeholder is unfilled or a date is too old.
      - run: actionplan build --strict
      - uses: @UPLOAD_PAGES@
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
        uses: @DEPLOY_PAGES@

  pages-off:
    if: ${{ !github.event.repository.has_pages }}
    runs-on: ubuntu-latest
    steps:
      - run: >-
          echo "::notice::GitHub Pages is off for this repository, so the card was not built.
          To publish it, choose Settings, Pages, Source GitHub Actions, and run this again."
"""

GITLAB_PAGES = """\
# Build the card and publish it with GitLab Pages on every push to the default branch.
# The site's address is under Deploy -> Pages; see docs/publishing.md in actionplan's repository.
pages:
  image: python:@PYTHON@
  script:
    # @WHY@
    - @INSTALL@
    # --strict: no card is published while a placeholder is unfilled or a date is too old.
    - actionplan build --strict -o public
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""


def install_command(requirement: str) -> str:
    """The shell command that installs actionplan from a pip requirement."""
    return f"pip install {shlex.quote(requirement)}"


def _fill(template: str, install: str, why: str) -> str:
    values = {
        "CHECKOUT": CHECKOUT,
        "SETUP_PYTHON": SETUP_PYTHON,
        "UPLOAD_PAGES": UPLOAD_PAGES,
        "DEPLOY_PAGES": DEPLOY_PAGES,
        "PYTHON": PYTHON,
        "WHY": why,
        "INSTALL": _yaml_scalar(install),
    }
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    return template


def _yaml_scalar(text: str) -> str:
    """The text as a YAML value on one line: plain where YAML reads it back unchanged."""
    if yaml.safe_load(f"k: {text}") == {"k": text}:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def github_pages(install: str, why: str) -> str:
    """.github/workflows/pages.yml: build --strict, upload, deploy; skipped while Pages is off."""
    return _fill(GITHUB_PAGES, install, why)


def host_files(host: str, requirement: str, version: str) -> dict[str, str]:
    """The files that publish a project made by `new` from the given host, by their paths."""
    why = (
        f"actionplan {version}, pinned to the version this project was made with; "
        "change it to upgrade."
    )
    install = install_command(requirement)
    if host == "github":
        return {".github/workflows/pages.yml": github_pages(install, why)}
    if host == "gitlab":
        return {".gitlab-ci.yml": _fill(GITLAB_PAGES, install, why)}
    return {}
