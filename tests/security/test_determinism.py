"""The same plan gives the same card, byte for byte: across runs, hash seeds and folders.

tests/test_build.py checks the small fixture across two hash seeds. Here: the default plan (with
its translation and local layer) and the hostile plan of this suite (translation, local layer,
logo, custom interface words, text in every place), each under three seeds and in two folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hostile import everywhere, plan_files, write_files

from actionplan.project import default_dir

REPO = Path(__file__).resolve().parents[2]
SEEDS = ("0", "1", "4242")
LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'


def default_project(root: Path) -> Path:
    shutil.copytree(default_dir("content"), root / "content")
    return root


def hostile_project(root: Path) -> Path:
    text = everywhere("<b>ø</b> {{ x }} \u202e &amp;")
    files = plan_files(text, ui=text)
    files["content/local.yaml"]["local"]["logo"] = "logo.svg"
    files["content/logo.svg"] = LOGO
    return write_files(root, files)


PROJECTS = {"default-plan": default_project, "hostile-plan": hostile_project}


def build_in_subprocess(project: Path, out: Path, seed: str) -> bytes:
    subprocess.run(
        [sys.executable, "-m", "actionplan", "-q", "build", str(project), "-o", str(out)],
        check=True,
        cwd=out.parent,
        env={"PYTHONHASHSEED": seed, "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO)},
    )
    return (out / "index.html").read_bytes()


@pytest.mark.parametrize("name", list(PROJECTS))
def test_the_card_does_not_depend_on_the_hash_seed_or_the_folder(name: str, tmp_path: Path) -> None:
    first = PROJECTS[name](tmp_path / "a" / "project")
    second = PROJECTS[name](tmp_path / "b" / "elsewhere")
    cards = {build_in_subprocess(first, tmp_path / f"out-{seed}", seed) for seed in SEEDS}
    cards.add(build_in_subprocess(second, tmp_path / "out-elsewhere", SEEDS[0]))
    assert len(cards) == 1
    card = cards.pop().decode("utf-8")
    assert str(tmp_path) not in card  # no path of the machine it was built on
