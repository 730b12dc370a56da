"""Publishing: the workflows that build and publish a card, and the pinned actionplan they install.

The workflows' own `run:` steps are run here in a fresh virtual environment, with a local clone of
this repository as the install source and no package index: only the steps that GitHub's or
GitLab's machines run are left untested, as only those machines can run them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sysconfig
import venv
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from default_cases import fill_placeholders

from actionplan import __version__
from actionplan.cli import cli
from actionplan.publish import source
from actionplan.publish.hosting import github_pages
from actionplan.publish.source import UnknownSource, installed_source, pinned_requirement

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
PINNED = "git+https://example.org/municipality/actionplan@v0.1.0"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def new(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["new", *args])
    return result.exit_code, result.stderr


# --source: a pip requirement that cannot move


@pytest.mark.parametrize(
    ("given", "requirement"),
    [
        (PINNED, PINNED),
        (f"actionplan @ {PINNED}", PINNED),
        (
            "git+ssh://git@example.org/a/actionplan.git@0123abc",
            "git+ssh://git@example.org/a/actionplan.git@0123abc",
        ),
        ("actionplan==0.1.0", "actionplan==0.1.0"),
        (
            "https://example.org/actionplan-0.1.0-py3-none-any.whl",
            "https://example.org/actionplan-0.1.0-py3-none-any.whl",
        ),
    ],
)
def test_a_source_pinned_to_a_commit_tag_version_or_file_is_taken(
    given: str, requirement: str
) -> None:
    assert pinned_requirement(given) == requirement


@pytest.mark.parametrize(
    "given",
    ["git+https://example.org/a/actionplan", "actionplan", "actionplan>=0.1", "."],
)
def test_a_source_that_can_move_is_refused(given: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "p"), "--source", given])
    assert result.exit_code == 2
    assert f"Invalid value for '--source': {given!r} is not pinned" in result.stderr
    assert not (tmp_path / "p").exists()


# The default source: where this actionplan truly came from, or a question


@pytest.fixture
def known_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """An actionplan installed from a wheel file, with no project URLs in its metadata."""
    monkeypatch.setattr(source, "_direct_url", lambda: {"url": "file:///w.whl", "archive_info": {}})
    monkeypatch.setattr(source, "_checkout", lambda direct: None)
    monkeypatch.setattr(source, "_project_url", lambda: None)


def test_pip_s_record_of_a_git_install_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    commit = "0" * 40
    record = {
        "url": "https://token@example.org/a/actionplan",
        "vcs_info": {"vcs": "git", "commit_id": commit},
    }
    monkeypatch.setattr(source, "_direct_url", lambda: record)
    assert installed_source() == f"git+https://example.org/a/actionplan@{commit}"


def test_the_source_url_in_the_metadata_is_taken_at_the_release_tag(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A maintainer who sets [project.urls] Source makes every released wheel know its home."""

    class Metadata:
        def get_all(self, name: str) -> list[str]:
            assert name == "Project-URL"
            return [
                "Documentation, https://docs.example.org/actionplan",
                "Source, https://example.org/a/actionplan",
            ]

    monkeypatch.setattr(source, "_direct_url", lambda: None)
    monkeypatch.setattr(source, "_checkout", lambda direct: None)
    monkeypatch.setattr(metadata, "metadata", lambda name: Metadata())
    assert installed_source() == f"git+https://example.org/a/actionplan@v{__version__}"


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A git checkout of actionplan with one commit."""
    repo = tmp_path / "actionplan"
    repo.mkdir()
    git(repo, "init", "-q")
    git(
        repo,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "one",
    )
    return repo


@pytest.mark.parametrize(
    ("remote", "https"),
    [
        ("https://example.org/a/actionplan.git", "https://example.org/a/actionplan.git"),
        ("git@example.org:a/actionplan.git", "https://example.org/a/actionplan.git"),
        ("ssh://git@example.org:2222/a/actionplan.git", "https://example.org/a/actionplan.git"),
        ("https://me:secret@example.org/a/actionplan.git", "https://example.org/a/actionplan.git"),
    ],
)
def test_a_checkout_gives_its_remote_at_its_commit(checkout: Path, remote: str, https: str) -> None:
    git(checkout, "remote", "add", "origin", remote)
    git(checkout, "update-ref", "refs/remotes/origin/main", "HEAD")
    commit = git(checkout, "rev-parse", "HEAD")
    assert source._git_source(checkout) == f"git+{https}@{commit}"


def test_a_commit_on_no_remote_is_not_offered(checkout: Path) -> None:
    git(checkout, "remote", "add", "origin", "https://example.org/a/actionplan.git")
    with pytest.raises(UnknownSource, match=r"is not on any remote .*: push it, or give --source"):
        source._git_source(checkout)


def test_a_remote_only_this_machine_reaches_is_not_offered(checkout: Path, tmp_path: Path) -> None:
    git(checkout, "remote", "add", "origin", str(tmp_path / "elsewhere"))
    git(checkout, "update-ref", "refs/remotes/origin/main", "HEAD")
    with pytest.raises(UnknownSource, match="which a workflow on another machine cannot reach"):
        source._git_source(checkout)


def test_new_asks_for_a_source_in_one_line_when_none_is_known(
    tmp_path: Path, known_nothing: None
) -> None:
    code, err = new(str(tmp_path / "p"))
    assert code == 2
    assert err == (
        f"error: actionplan {__version__} does not know where its source is published, so a "
        "workflow could not install it: give --source (a git URL with @COMMIT or @TAG), "
        "or --host none\n"
    )
    assert not (tmp_path / "p").exists()


def test_host_none_makes_a_project_without_a_workflow(tmp_path: Path, known_nothing: None) -> None:
    code, err = new(str(tmp_path / "p"), "--host", "none")
    assert code == 0, err
    assert not (tmp_path / "p" / ".github").exists()
    assert not (tmp_path / "p" / ".gitlab-ci.yml").exists()
    readme = (tmp_path / "p" / "README.md").read_text(encoding="utf-8")
    assert f"made with actionplan {__version__}" in readme
    assert "USB stick" in readme


# The workflows new writes


def workflow_runs(path: Path) -> list[str]:
    """The shell commands a host runs to build the card, in order, from the workflow file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if path.name == ".gitlab-ci.yml":
        return list(data["pages"]["script"])
    return [step["run"] for step in data["jobs"]["build"]["steps"] if "run" in step]


def test_the_github_workflow_installs_the_pinned_source_and_builds_strictly(tmp_path: Path) -> None:
    code, err = new(str(tmp_path / "p"), "--source", PINNED)
    assert code == 0, err
    path = tmp_path / "p" / ".github" / "workflows" / "pages.yml"
    assert workflow_runs(path) == [f"pip install {PINNED}", "actionplan build --strict"]
    jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
    upload = jobs["build"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-pages-artifact@v")
    assert upload["with"]["path"] == "build/"
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@v")
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    # While Pages is off (the upstream repository, a fork not yet set up) it builds nothing, and
    # says so, rather than failing on every push.
    assert jobs["build"]["if"] == "github.event.repository.has_pages"
    assert jobs["pages-off"]["if"] == "${{ !github.event.repository.has_pages }}"
    assert "::notice::GitHub Pages is off" in jobs["pages-off"]["steps"][0]["run"]
    readme = (tmp_path / "p" / "README.md").read_text(encoding="utf-8")
    assert f".venv/bin/pip install {PINNED}" in readme
    assert f".venv\\Scripts\\pip install {PINNED}" in readme


def test_the_gitlab_pages_job_publishes_public(tmp_path: Path) -> None:
    code, err = new(str(tmp_path / "p"), "--host", "gitlab", "--source", PINNED)
    assert code == 0, err
    assert not (tmp_path / "p" / ".github").exists()
    path = tmp_path / "p" / ".gitlab-ci.yml"
    pages = yaml.safe_load(path.read_text(encoding="utf-8"))["pages"]
    assert workflow_runs(path) == [f"pip install {PINNED}", "actionplan build --strict -o public"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert "GitLab Pages" in (tmp_path / "p" / "README.md").read_text(encoding="utf-8")


def test_the_repository_publishes_with_the_workflow_new_writes_from_its_own_checkout() -> None:
    """A fork needs no edit: the same workflow, installing actionplan from the checkout itself."""
    ours = yaml.safe_load((WORKFLOWS / "pages.yml").read_text(encoding="utf-8"))
    assert ours == yaml.safe_load(github_pages("pip install .", "why"))


# The run steps themselves, against a local clone, with no package index


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A clone of this repository (its last commit) and that commit's id."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout of actionplan")
    clone = tmp_path_factory.mktemp("upstream") / "actionplan"
    git(REPO, "clone", "-q", "--no-hardlinks", str(REPO), str(clone))
    return clone, git(clone, "rev-parse", "HEAD")


def fresh_venv(where: Path) -> Path:
    """A new virtual environment that sees the dependencies of actionplan (and hatchling, which
    builds it) from the environment running the tests, but not actionplan itself: the steps
    must install that, and pip finds everything else already there, with no index to ask."""
    env_dir = where / "venv"
    venv.create(env_dir, with_pip=True)
    deps = where / "deps"
    deps.mkdir()
    ours = ("actionplan", "_actionplan", "_editable_impl_actionplan", "__editable__", "pip")
    for site in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in Path(site).iterdir():
            keep = not entry.name.startswith(ours) and entry.suffix != ".pth"
            if keep and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    purelib = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "test-dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    return env_dir


def run_steps(
    commands: list[str], cwd: Path, env_dir: Path
) -> list[subprocess.CompletedProcess[str]]:
    """Each command run with bash in cwd, as a host's runner does, until one fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
        VIRTUAL_ENV=str(env_dir),
        PIP_CONFIG_FILE=os.devnull,  # not this machine's pip settings
        PIP_NO_INDEX="1",  # no package index: everything comes from the clone or is there
        PIP_NO_BUILD_ISOLATION="0",  # (sic) pip reads this variable inverted: "0" turns it off
        PIP_CACHE_DIR=str(env_dir / "pip-cache"),
        # Anything that still tried the network would fail here.
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
    )
    done = []
    for command in commands:
        done.append(
            subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", command],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        )
        if done[-1].returncode:
            break
    return done


def installed_from(env_dir: Path) -> dict[str, Any]:
    """What pip recorded about where the environment's actionplan came from (PEP 610)."""
    script = (
        "from importlib import metadata; "
        "print(metadata.distribution('actionplan').read_text('direct_url.json'))"
    )
    out = subprocess.run(
        [str(env_dir / "bin" / "python"), "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("host", "workflow", "card"),
    [
        ("github", ".github/workflows/pages.yml", "build/index.html"),
        ("gitlab", ".gitlab-ci.yml", "public/index.html"),
    ],
)
def test_the_steps_new_writes_build_the_card_from_the_pinned_clone(
    tmp_path: Path, upstream: tuple[Path, str], host: str, workflow: str, card: str
) -> None:
    clone, commit = upstream
    project = tmp_path / "kommune"
    code, err = new(str(project), "--host", host, "--source", f"git+file://{clone}@{commit}")
    assert code == 0, err
    fill_placeholders(project / "content" / "local.yaml")
    env_dir = fresh_venv(tmp_path)
    done = run_steps(workflow_runs(project / workflow), project, env_dir)
    assert [d.returncode for d in done] == [0, 0], done[-1].stderr
    assert "<title>" in (project / card).read_text(encoding="utf-8")
    record = installed_from(env_dir)
    assert record["url"] == f"file://{clone}"
    assert record["vcs_info"]["commit_id"] == commit


@pytest.mark.slow
def test_the_repository_s_own_steps_build_its_card_once_filled_in(
    tmp_path: Path, upstream: tuple[Path, str]
) -> None:
    clone, _commit = upstream
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(clone), str(fork))
    env_dir = fresh_venv(tmp_path)
    install, build = workflow_runs(fork / ".github" / "workflows" / "pages.yml")
    # As upstream keeps it, with its placeholders, the strict build refuses: hence the gate on
    # Pages being switched on, which upstream never does.
    done = run_steps([install, build], fork, env_dir)
    assert [d.returncode for d in done] == [0, 1]
    assert "placeholder not filled in" in done[1].stderr
    assert not (fork / "build").exists()
    fill_placeholders(fork / "content" / "local.yaml")
    done = run_steps([build], fork, env_dir)
    assert done[0].returncode == 0, done[0].stderr
    assert "<title>" in (fork / "build" / "index.html").read_text(encoding="utf-8")
    assert installed_from(env_dir)["dir_info"] == {}  # installed from the checkout, not editable


# Releasing actionplan


def release_tag_check() -> str:
    steps = yaml.safe_load((WORKFLOWS / "release.yml").read_text(encoding="utf-8"))
    (step,) = [
        s for s in steps["jobs"]["build"]["steps"] if "tag names the version" in s.get("name", "")
    ]
    return step["run"]


@pytest.mark.parametrize(("tag", "code"), [(f"v{__version__}", 0), ("v999.0.0", 1)])
def test_a_release_is_made_only_from_the_tag_of_its_version(tag: str, code: int) -> None:
    done = subprocess.run(
        ["bash", "-e", "-c", release_tag_check()],
        cwd=REPO,
        env={**os.environ, "GITHUB_REF_NAME": tag},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == code, done.stdout + done.stderr
    if code:
        assert f"the tag {tag} does not name actionplan {__version__}" in done.stdout


def test_the_release_tests_the_wheel_and_publishes_only_when_switched_on() -> None:
    jobs = yaml.safe_load((WORKFLOWS / "release.yml").read_text(encoding="utf-8"))["jobs"]
    runs = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert "python -m build" in runs
    assert re.search(r'pip" install "\$\(ls dist/\*\.whl\)\[test\]"', runs)
    assert jobs["publish"]["needs"] == "build"
    assert jobs["publish"]["if"] == "vars.PUBLISH_TO_PYPI == 'true'"
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert jobs["publish"]["steps"][-1]["uses"] == "pypa/gh-action-pypi-publish@release/v1"
