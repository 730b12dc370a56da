"""The wheel: installed into a fresh virtual environment, it makes and builds a new card alone."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
    )
    (found,) = out.glob("actionplan-*.whl")
    return found


def test_the_wheel_carries_the_default_plan_theme_and_schema(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "actionplan/_default/content/plan.yaml" in names
    assert "actionplan/_default/content/translations/en.yaml" in names
    assert "actionplan/_default/templates/card.html" in names
    assert "actionplan/_default/templates/i18n/da.yaml" in names
    assert "actionplan/_default/schema/content.schema.json" in names
    assert "actionplan/_default/schema/da/content.schema.json" in names
    assert "actionplan/locale/da/LC_MESSAGES/actionplan.mo" in names
    assert not any(name.startswith(("tests/", "build/")) for name in names)


def test_install_new_and_build_outside_the_repository(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "actionplan"), *args],
            cwd=work,
            capture_output=True,
            text=True,
            check=False,
        )

    assert run("--version").stdout.strip().startswith("actionplan, version ")
    # A wheel installed from a file, with no project URLs, does not know where it came from: its
    # workflow could not install it again, so `new` asks for --source, or makes no workflow.
    asked = run("new", "mycard")
    assert asked.returncode == 2 and "give --source" in asked.stderr
    made = run("new", "mycard", "--host", "none")
    assert made.returncode == 0, made.stderr
    built = run("build", "mycard")
    assert built.returncode == 0, built.stderr
    card = (work / "mycard" / "build" / "index.html").read_text(encoding="utf-8")
    assert "<title>Handleplan ved digitale krænkelser" in card
    assert 'id="akut-fare"' in card and 'id="en/akut-fare"' in card
    # The default plan came from the wheel, not from this checkout.
    where = subprocess.run(
        [
            str(python),
            "-c",
            "from actionplan.project import default_dir; print(default_dir('content'))",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "site-packages" in where and str(REPO) not in where
    strict = run("build", "--strict", "mycard")
    assert strict.returncode == 1 and "placeholder not filled in" in strict.stderr
