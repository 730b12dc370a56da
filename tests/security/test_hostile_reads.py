"""Files that cannot be read as they are: links that loop, pipes, devices, sockets, sizes far
beyond a real file, text that is not UTF-8, folders that cannot be listed or lead out of the
project, in every place the tool reads from: content, translations, the card's words,
templates, style sheets and the logo.

Every file the tool reads goes through one reader (actionplan/files.py), so each is refused the
same way: exit 1, a `file: error: message (hint)` line, the last good card kept, nothing written;
never a traceback, never a wait for a pipe, never a file read whole before its size is known.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile import build_over_good, plan_files, run
from test_hostile_files import with_logo

from actionplan import files
from actionplan.errors import PlanError

Setup = Callable[[Path], dict[str, Any]]


def made(name: str, make: Callable[[Path], None], logo: bool = False) -> Setup:
    """A setup that makes the thing at project/name (and names it as the logo, if asked)."""

    def setup(tmp: Path) -> dict[str, Any]:
        path = tmp / "project" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        make(path)
        return with_logo(Path(name).name)(tmp) if logo else {}

    return setup


def loop(path: Path) -> None:
    path.symlink_to(path.name)


def pipe(path: Path) -> None:
    os.mkfifo(path)


def device(path: Path) -> None:
    """A character device that never ends, like /dev/zero."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("no permission to make a device here")


def unix_socket(path: Path) -> None:
    here = Path.cwd()
    os.chdir(path.parent)  # a socket's address is short: bind it by its name alone
    try:
        socket.socket(socket.AF_UNIX).bind(path.name)
    finally:
        os.chdir(here)


def sparse(size: int) -> Callable[[Path], None]:
    """A file of `size` bytes that takes no room on disk: it is only big if read."""

    def make(path: Path) -> None:
        with path.open("wb") as f:
            f.truncate(size)

    return make


def text(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


GB = 2**30
LATIN_1 = "nodes:\n  x: {title: Sø}\n".encode("latin-1")
WORDS_LATIN_1 = "back: Tilbage, å\n".encode("latin-1")

# id: (setup, the message a refusal must give)
READS: dict[str, tuple[Setup, str]] = {
    # One reader for every kind of file: a link that loops
    "loop-content": (made("content/loop.yaml", loop), "a symbolic link that leads round"),
    "loop-translation": (
        made("content/translations/de.yaml", loop),
        "a symbolic link that leads round",
    ),
    "loop-words": (made("templates/i18n/da.yaml", loop), "a symbolic link that leads round"),
    "loop-template": (made("templates/card.html", loop), "a symbolic link that leads round"),
    "loop-style-sheet": (made("templates/custom.css", loop), "a symbolic link that leads round"),
    "loop-logo": (made("content/logo.svg", loop, logo=True), "a symbolic link that leads round"),
    "loop-folder": (made("content/more", loop), "a symbolic link that leads round"),
    "link-to-nothing-folder": (
        made("content/translations", lambda p: p.symlink_to("gone")),
        "a symbolic link that leads nowhere",
    ),
    # ... text that is not UTF-8, in every place that holds text
    "words-latin-1": (made("templates/i18n/da.yaml", text(WORDS_LATIN_1)), "not valid UTF-8"),
    "words-binary": (made("templates/i18n/da.yaml", text(b"back: \0\0")), "not a text file"),
    "template-latin-1": (
        made("templates/card.html", text("<p>Sø</p>".encode("latin-1"))),
        "not valid UTF-8",
    ),
    "translation-latin-1": (made("content/translations/de.yaml", text(LATIN_1)), "UTF-8"),
    # Special files where a file is expected: reading them would block or never end
    "pipe-content": (made("content/pipe.yaml", pipe), "this is a named pipe, not a file"),
    "pipe-translation": (
        made("content/translations/de.yaml", pipe),
        "this is a named pipe, not a file",
    ),
    "pipe-words": (made("templates/i18n/da.yaml", pipe), "this is a named pipe, not a file"),
    "pipe-template": (made("templates/card.html", pipe), "this is a named pipe, not a file"),
    "pipe-style-sheet": (made("templates/custom.css", pipe), "this is a named pipe, not a file"),
    "pipe-logo": (made("content/logo.png", pipe, logo=True), "this is a named pipe, not a file"),
    "device-content": (made("content/zero.yaml", device), "this is a device, not a file"),
    "device-logo": (made("content/logo.png", device, logo=True), "this is a device, not a file"),
    "socket-content": (made("content/s.yaml", unix_socket), "this is a socket, not a file"),
    "folder-as-template": (made("templates/custom.css", Path.mkdir), "this is a folder"),
    # Sizes known before reading: none of these is read at all
    "content-of-3-gb": (made("content/huge.yaml", sparse(3 * GB)), "larger than 20 MB"),
    "translation-of-3-gb": (
        made("content/translations/de.yaml", sparse(3 * GB)),
        "larger than 20 MB",
    ),
    "words-of-3-gb": (made("templates/i18n/da.yaml", sparse(3 * GB)), "larger than 20 MB"),
    "template-of-3-gb": (made("templates/card.html", sparse(3 * GB)), "larger than 20 MB"),
    "logo-of-2-gb": (made("content/logo.png", sparse(2 * GB), logo=True), "larger than 512 KB"),
    "logo-of-513-kb": (
        made("content/logo.png", sparse(513 * 1024), logo=True),
        "larger than 512 KB",
    ),
    # Folders that lead out of the project are refused before anything is walked
    "content-is-a-link-to-root": (
        made("content", lambda p: p.symlink_to("/")),
        "content: error: links to a folder outside the project's folder",
    ),
    "templates-is-a-link-to-root": (
        made("templates", lambda p: p.symlink_to("/")),
        "templates: error: links to a folder outside the project's folder",
    ),
    "templates-is-a-link-that-loops": (
        made("templates", loop),
        "templates: error: a symbolic link",
    ),
    "templates-is-a-file": (
        made("templates", text(b"p{}")),
        "templates: error: is not a folder",
    ),
    "folders-40-deep": (
        made("content/deep", lambda p: p.joinpath(*["d"] * 40).mkdir(parents=True)),
        "more than 32 levels of folders",
    ),
}


@pytest.mark.parametrize("name", list(READS))
def test_files_that_cannot_be_read_as_they_are_are_refused(name: str, tmp_path: Path) -> None:
    setup, message = READS[name]
    result = build_over_good(tmp_path, setup)
    result.assert_refused(message)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", [n for n in READS if "-gb" in n])
def test_a_huge_file_is_refused_without_reading_it(name: str, tmp_path: Path) -> None:
    setup, message = READS[name]
    tracemalloc.start()
    try:
        result = build_over_good(tmp_path, setup)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    result.assert_refused(message)
    assert peak < 64 * 2**20  # the files are of 2 and 3 GB


# Folders that cannot be read: skipped, they would silently leave out a language or a theme.
FOLDERS = {
    "translations": "content/translations",
    "nodes-folder": "content/nodes",
    "templates": "templates",
    "words-folder": "templates/i18n",
}


@pytest.mark.parametrize("name", list(FOLDERS))
def test_a_folder_that_cannot_be_read_is_an_error(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = FOLDERS[name]

    def setup(tmp: Path) -> dict[str, Any]:
        path = tmp / "project" / folder
        if name == "nodes-folder":
            nodes = plan_files()["content/nodes.yaml"]
            (tmp / "project" / "content" / "nodes.yaml").unlink()
            return {"content/nodes/all.yaml": nodes}
        if name == "words-folder":
            return {"templates/i18n/da.yaml": "back: Tilbage\n"}
        path.mkdir(parents=True, exist_ok=True)
        (path / "custom.css").write_text("p{}") if name == "templates" else None
        return {}

    result = build_over_good(
        tmp_path, _unreadable(setup, tmp_path / "project" / folder, monkeypatch)
    )
    result.assert_refused(f"{folder}: error: cannot be read: permission denied")


def _unreadable(setup: Setup, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Setup:
    """The setup, then the folder made unreadable: by its mode, or where the tests run with
    the rights to read it anyway (as root), by the operating system's answer to listing it."""

    def made_unreadable(tmp: Path) -> dict[str, Any]:
        written = setup(tmp)
        if os.geteuid() != 0:
            from hostile import write_files

            write_files(tmp / "project", written)
            folder.chmod(0)
            return {}
        listing = os.scandir

        def scandir(path: Any = ".") -> Any:
            if os.path.realpath(path) == os.path.realpath(folder):
                raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
            return listing(path)

        monkeypatch.setattr(os, "scandir", scandir)
        return written

    return made_unreadable


def test_a_plan_in_a_huge_tree_fails_without_walking_all_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "MAX_ENTRIES", 1000)
    for i in range(30):
        folder = tmp_path / "tree" / f"f{i:02}"
        folder.mkdir(parents=True)
        for j in range(100):
            (folder / f"{j}.png").touch()
    (tmp_path / "tree" / "plan.yaml").write_text("plan: {}\n")
    listed = []
    listing = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": listed.append(p) or listing(p))
    code, output = run("check", str(tmp_path / "tree"))
    assert code == 1
    assert "tree: error: more than 1 000 files and folders" in output
    # stopped about the 1 000th entry, of 3 031 (and the top level was read once more, to
    # tell a plan's own base from a local layer over the installed one)
    assert len(listed) <= 13


def test_a_failed_write_says_so_at_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostile import _good_project

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    project = _good_project()
    monkeypatch.setattr(os, "replace", full)  # what no look at the folder beforehand foresees
    code, output = run("build", str(project), "-o", str(tmp_path / "out"))
    assert code == 1
    assert output.startswith(
        f"{tmp_path / 'out' / 'index.html'}: error: cannot write: No space left on device"
    )
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_write_where_a_folder_should_be_names_what_is_there(tmp_path: Path) -> None:
    """A file, a pipe or a link to nothing where a folder must be made: mkdir said only "File
    exists" or "Not a directory"."""
    (tmp_path / "a-file").write_text("not a folder")
    os.mkfifo(tmp_path / "a-pipe")
    (tmp_path / "a-link").symlink_to(tmp_path / "nowhere")
    for out, blocked in (
        (tmp_path / "a-file" / "sub", tmp_path / "a-file"),
        (tmp_path / "a-pipe", tmp_path / "a-pipe"),
        (tmp_path / "a-link", tmp_path / "a-link"),
    ):
        code, output = run("schema", "-o", str(out))
        assert code == 1
        assert output.startswith(
            f"{out / 'content.schema.json'}: error: cannot write: {blocked} is not a folder"
        ), output
    assert not (tmp_path / "nowhere").exists()


def test_a_file_grown_since_its_size_was_known_is_read_no_further_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "grows.yaml"
    path.write_bytes(b"x" * 10_000)
    small = os.stat_result((stat.S_IFREG | 0o644, 0, 0, 1, 0, 0, 10, 0, 0, 0))
    monkeypatch.setattr(os, "stat", lambda p, **kw: small)  # as it was when looked at
    monkeypatch.setattr(os, "fstat", lambda fd: small)
    read: list[int] = []
    reader = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or reader(fd, n))
    with pytest.raises(PlanError) as refused:
        files.read_bytes(path, "grows.yaml", limit=100)
    assert (
        str(refused.value)
        == "grows.yaml: error: file is larger than 100 bytes (split it into several files)"
    )
    assert sum(read) <= 101


def test_any_error_the_system_gives_on_reading_is_a_problem_at_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("plan: {}\n")

    def failing(fd: int, n: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "read", failing)
    with pytest.raises(PlanError) as refused:
        files.read_text(path, "plan.yaml")
    assert str(refused.value) == "plan.yaml: error: cannot read the file: Input/output error"
