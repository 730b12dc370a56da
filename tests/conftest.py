"""Shared fixtures: copies of the default project, a built card, and a Chromium page."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from actionplan import cache, i18n
from actionplan.project import default_dir

# Property tests draw the same examples on every run (derandomized), so that a run is red or
# green by the code alone and a red one is reproduced by running it again. To search further,
# HYPOTHESIS_PROFILE=explore draws anew each run and prints how to reproduce what it finds.
settings.register_profile("default", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# What the test modules make as they are collected (the default plan's model, read by some at
# import) is kept in a folder of the test run's own too, not the user's cache: among it, the
# compiled code of the model's classes, which the process writes as it ends (frozen.py), before
# the folder is removed (atexit calls the last registered first).
os.environ["ACTIONPLAN_CACHE_DIR"] = _COLLECTED_CACHE = tempfile.mkdtemp(
    prefix="actionplan-tests-cache-"
)
atexit.register(shutil.rmtree, _COLLECTED_CACHE, ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


@pytest.fixture(autouse=True, scope="session")
def _template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled templates go to a folder of the test run's own, not the user's cache."""
    old = os.environ.get("ACTIONPLAN_CACHE_DIR")
    os.environ["ACTIONPLAN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["ACTIONPLAN_CACHE_DIR"]
    else:
        os.environ["ACTIONPLAN_CACHE_DIR"] = old


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Messages in English whatever the machine's locale; a test that wants Danish asks for it."""
    monkeypatch.setenv("LANGUAGE", "en")
    yield
    i18n.set_language("en")


@pytest.fixture
def as_serve() -> Iterator[cache.Memory]:
    """The test's builds and checks remember those before them, as `serve`'s do (one memory,
    cache.Memory, that a build as a new process empties)."""
    with cache.remembering(cache.Memory()) as memory:
        assert memory is not None
        yield memory


def copy_project(dest: Path) -> Path:
    """A copy of the default project (content and templates) to change freely in a test."""
    shutil.copytree(default_dir("content"), dest / "content")
    shutil.copytree(default_dir("templates"), dest / "templates")
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def small_card(tmp_path: Path) -> Path:
    """A copy of the small test card's project (three languages, one right to left)."""
    dest = tmp_path / "small"
    shutil.copytree(FIXTURES / "cards" / "small", dest)
    return dest


@pytest.fixture(scope="session")
def yaml_server_command() -> list[str]:
    """How to start the YAML language server; skipped where it is not installed, except in CI."""
    from yaml_server import INSTALLED, server_command

    command = server_command()
    if command is None:
        why = f"no YAML language server at {INSTALLED.relative_to(REPO)}, or no node"
        install = "npm install --prefix .tools yaml-language-server"
        if os.environ.get("ACTIONPLAN_REQUIRE_YAML_SERVER"):
            pytest.fail(f"{why}: {install}")
        pytest.skip(f"{why}: {install} to run the editor tests")
    return command


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright; skipped where there is none, except in CI."""
    if not CHROMIUM.exists():
        if os.environ.get("ACTIONPLAN_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
