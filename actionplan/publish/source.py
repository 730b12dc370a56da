"""Where this actionplan came from: a pinned pip requirement that installs exactly it elsewhere.

A project's publishing workflow installs actionplan on a machine that has never seen this one, so
the requirement must name a place that machine can reach and a version that cannot move. It is
read from what is really known, never guessed: how pip recorded this installation (PEP 610), the
git checkout it runs from, or the project URLs in its metadata.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import metadata
from pathlib import Path
from typing import TypedDict, cast
from urllib.parse import unquote, urlsplit

from actionplan import __version__
from actionplan.errors import EXIT_USAGE, ActionplanError
from actionplan.i18n import _

NAME = "actionplan"
# git+URL@REV, where REV should be a commit id or a tag: a branch name would move under a project.
_GIT_URL = re.compile(r"^(?:actionplan\s*@\s*)?(git\+\S+?)@([^@/\s]+)$")
_INDEX_PIN = re.compile(r"^actionplan\s*===?\s*\S+$")
_ARCHIVE = re.compile(r"\.(whl|tar\.gz|zip)(#\S*)?$")
_SOURCE_LABELS = {"source", "source code", "repository", "code"}


class _VcsInfo(TypedDict):
    vcs: str
    commit_id: str


class _DirInfo(TypedDict, total=False):
    editable: bool


class _Url(TypedDict):
    url: str


class _DirectUrl(_Url, total=False):
    """The parts of PEP 610's direct_url.json that are read here."""

    vcs_info: _VcsInfo
    archive_info: dict[str, object]
    dir_info: _DirInfo


class UnknownSource(ActionplanError):
    """Nothing known says where this actionplan can be installed from elsewhere: give --source."""

    exit_code = EXIT_USAGE


def pinned_requirement(spec: str) -> str:
    """The --source given, as a pip requirement; ValueError when it does not pin a version."""
    spec = spec.strip()
    git = _GIT_URL.match(spec)
    if git:
        return f"{git[1]}@{git[2]}"
    if _INDEX_PIN.match(spec):
        return spec
    if _ARCHIVE.search(spec):
        return spec
    raise ValueError(
        _(
            "{spec} is not pinned: give a git URL ending in @COMMIT or @TAG "
            "(git+https://HOST/OWNER/actionplan@v{version}), actionplan=={version} "
            "for a package index, or the URL of a wheel"
        ).format(spec=repr(spec), version=__version__)
    )


def installed_source() -> str:
    """A pinned requirement for the actionplan running now; UnknownSource when none is known."""
    direct = _direct_url()
    if direct and "vcs_info" in direct:
        vcs = direct["vcs_info"]
        return _reachable(f"{vcs['vcs']}+{_https(direct['url'])}@{vcs['commit_id']}")
    if direct and "archive_info" in direct and not direct["url"].startswith("file:"):
        return direct["url"]
    checkout = _checkout(direct)
    if checkout is not None:
        return _git_source(checkout)
    url = _project_url()
    if url:
        # The release workflow builds a wheel only from the tag that names its version.
        return f"git+{url}@v{__version__}"
    raise UnknownSource(
        _(
            "actionplan {version} does not know where its source is published, so a workflow "
            "could not install it: give --source (a git URL with @COMMIT or @TAG), or --host none"
        ).format(version=__version__)
    )


def _direct_url() -> _DirectUrl | None:
    """What pip recorded about where it installed actionplan from (PEP 610), if anything."""
    try:
        text = metadata.distribution(NAME).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return cast(_DirectUrl, json.loads(text)) if text else None


def _checkout(direct: _DirectUrl | None) -> Path | None:
    """The git checkout this actionplan runs from, if it runs from one."""
    candidates = [Path(__file__).resolve().parents[2]]
    if direct and direct.get("dir_info", {}).get("editable") and direct["url"].startswith("file:"):
        candidates.insert(0, Path(unquote(urlsplit(direct["url"]).path)))
    return next((c for c in candidates if (c / ".git").exists()), None)


def _git(checkout: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(checkout), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _git_source(checkout: Path) -> str:
    """The remote that holds this checkout's commit, at that commit."""
    commit = _git(checkout, "rev-parse", "HEAD")
    holders = _git(
        checkout, "for-each-ref", "--contains", "HEAD", "--format=%(refname:short)", "refs/remotes"
    ).split()
    remotes = sorted({ref.split("/", 1)[0] for ref in holders}, key=lambda r: r != "origin")
    if not commit or not remotes:
        message = (
            _(
                "actionplan runs from {checkout}, whose commit {commit} is not on remote "
                "{remote} that a workflow could install from: push it, or give --source"
            )
            if remotes
            else _(
                "actionplan runs from {checkout}, whose commit {commit} is not on any remote "
                "that a workflow could install from: push it, or give --source"
            )
        )
        raise UnknownSource(
            message.format(
                checkout=checkout,
                commit=commit[:12] or _("(none)"),
                remote=remotes[0] if remotes else "",
            )
        )
    url = _https(_git(checkout, "remote", "get-url", remotes[0]))
    return _reachable(f"git+{url}@{commit}")


def _https(url: str) -> str:
    """The https address of a git remote: an SSH address as the https one its host also serves,
    and never with the user name or token that a clone's remote may carry."""
    scp = re.match(r"^[\w.-]+@([\w.-]+):(?!/)(.+)$", url)
    if scp:
        return f"https://{scp[1]}/{scp[2]}"
    ssh = re.match(r"^ssh://[\w.-]+@([\w.-]+)(?::\d+)?/(.+)$", url)
    if ssh:
        return f"https://{ssh[1]}/{ssh[2]}"
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and "@" in parts.netloc:
        return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
    return url


def _reachable(requirement: str) -> str:
    """The requirement, unless it names a place only this machine can reach."""
    url = requirement.removeprefix("git+")
    if not re.match(r"^https?://", url):
        raise UnknownSource(
            _(
                "actionplan was installed from {url}, which a workflow on another "
                "machine cannot reach: give --source"
            ).format(url=url.rsplit("@", 1)[0])
        )
    return requirement


def _project_url() -> str | None:
    """The source repository named in actionplan's metadata ([project.urls] in pyproject.toml)."""
    try:
        urls: list[str] = metadata.metadata(NAME).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in _SOURCE_LABELS and url.strip().startswith("https://"):
            return url.strip()
    return None
