"""Files: the one way the tool reads a file or a folder of the project.

Content, translations, the card's words, templates, style sheets and the logo are all read here,
so that what the file system can do to a read is answered once: a file is read only if it is a
regular file (never a named pipe, a device or a socket, which could block or never end), only
if its size, known before reading, is within the limit, and text only if it is UTF-8.  A folder
is walked within limits of depth and entries, without following links to other folders.  Every
failure, whatever the operating system says, becomes a `file: error: message (hint)` problem.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Mapping
from enum import Enum
from pathlib import Path

from actionplan.errors import PlanError, Pos, display_path
from actionplan.i18n import N_, _

MAX_FILE_BYTES = 20 * 1024 * 1024  # a plan's file, a template: far beyond a real one
MAX_ENTRIES = 100_000  # files and folders looked at in one walk, junk included
MAX_FOLDER_DEPTH = 32  # a plan uses two or three levels of folders
# An image the card carries as a data: address (the logo, a theme's pictures): its type by suffix.
IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
MAX_IMAGE_BYTES = 512 * 1024  # the card is read on weak connections

_KINDS = (
    (stat.S_ISFIFO, N_("this is a named pipe, not a file")),
    (stat.S_ISCHR, N_("this is a device, not a file")),
    (stat.S_ISBLK, N_("this is a device, not a file")),
    (stat.S_ISSOCK, N_("this is a socket, not a file")),
    (stat.S_ISDIR, N_("this is a folder, not a file")),
)
# What the operating system says, in the author's words: (message, hint) by error number.
_ERRORS = {
    errno.ENOENT: (N_("no such file"), N_("check the name, or create the file")),
    errno.ELOOP: (
        N_("a symbolic link that leads round in a loop"),
        N_("point the link at what it stands for, or remove it"),
    ),
    errno.EACCES: (
        N_("cannot be read: permission denied"),
        N_("let the user who runs actionplan read it, such as with chmod a+r"),
    ),
    errno.EPERM: (
        N_("cannot be read: operation not permitted"),
        N_("let the user who runs actionplan read it"),
    ),
    errno.ENOTDIR: (N_("a part of this path is a file, not a folder"), N_("check the path")),
    errno.EISDIR: (N_("is a folder, not a file"), N_("give a file")),
}


def inside(path: Path, folder: Path) -> bool:
    """Whether path, with every symbolic link followed, is within folder (also so followed).

    Never raises: a link that loops is left where it is, and is then refused when it is read.
    """
    real, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return real == real_folder or real.startswith(real_folder.rstrip(os.sep) + os.sep)


def read_bytes(
    path: Path,
    name: str | None = None,
    limit: int = MAX_FILE_BYTES,
    too_large: str = N_("split it into several files"),
) -> bytes:
    """The file's bytes: a regular file of at most `limit` bytes, its size known before reading.

    `name` is the file as messages show it; `too_large` the hint when it is over the limit (in
    the language set, or marked with N_).
    """
    name = name or display_path(path)
    try:
        before = os.stat(path)
        _check_kind(before, name, limit, too_large)
        # O_NONBLOCK: should the file be swapped for a pipe after the stat, opening it does not
        # wait for a writer; the second stat, of what was opened, then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        try:
            opened = os.fstat(fd)
            _check_kind(opened, name, limit, too_large)
            chunks, size = [], 0
            while size <= limit:  # a file grown since its stat is still read only to the limit
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as exc:
        raise error(name, exc) from None
    if size > limit:
        raise _too_large(name, limit, too_large)
    return b"".join(chunks)


def read_text(
    path: Path,
    name: str | None = None,
    limit: int = MAX_FILE_BYTES,
    binary: str = N_("save it as text with UTF-8 encoding"),
) -> str:
    """The file's text (read_bytes), refusing what is not UTF-8 text, at the line and column;
    `binary` is the hint for a file that is not text at all."""
    name = name or display_path(path)
    data = read_bytes(path, name, limit)
    if b"\0" in data:
        encoding = wide_encoding(data)
        if encoding:
            raise PlanError.at(
                Pos(name, 1, 1),
                _("this file is saved as {encoding}, not as UTF-8").format(encoding=encoding),
                _("save it again with UTF-8 encoding (in Notepad: Save as, Encoding: UTF-8)"),
            )
        raise PlanError.at(
            byte_pos(name, data, data.index(b"\0")),
            _("this is not a text file"),
            _(binary),
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanError.at(
            byte_pos(name, data, exc.start),
            _("file is not valid UTF-8"),
            _("save the file with UTF-8 encoding"),
        ) from None


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for text saved so (as Windows' "Unicode" is): by its byte order mark,
    or, without one, by a zero byte beside every character of its start; else None."""
    if data.startswith((b"\xff\xfe\0\0", b"\0\0\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    start = data[:64]
    if len(start) >= 8 and len(start) % 4 == 0:
        for byte, zeros in ((0, (1, 2, 3)), (3, (0, 1, 2))):  # little-endian, big-endian
            if all(
                start[i + byte] and not any(start[i + z] for z in zeros)
                for i in range(0, len(start), 4)
            ):
                return "UTF-32"
    if len(start) >= 4 and len(start) % 2 == 0:
        for zero in (1, 0):
            if not any(start[zero::2]) and all(start[1 - zero :: 2]):
                return "UTF-16"
    return None


def not_a_folder(folder: Path) -> Path | None:
    """The nearest of folder and its parents that is there, where that is not a folder (a file,
    a device, a pipe, a link to nothing), so that a write that would make folders there can
    name it; None when it is a folder (or nothing of the path is there)."""
    there = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), None)
    return there if there is not None and not there.is_dir() else None


def byte_pos(name: str, data: bytes, offset: int) -> Pos:
    """The line and column (in characters, as an editor counts) of a byte offset."""
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return Pos(name, data.count(b"\n", 0, offset) + 1, column)


def _check_kind(st: os.stat_result, name: str, limit: int, too_large: str) -> None:
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise PlanError.at(
                Pos(name),
                _(kind),
                _("give an ordinary file")
                if test is stat.S_ISDIR
                else _("only ordinary files are read: replace it with a file, or remove it"),
            )
    if st.st_size > limit:
        raise _too_large(name, limit, too_large)


def _too_large(name: str, limit: int, hint: str) -> PlanError:
    size = (
        f"{limit // 2**20} MB"
        if limit >= 2**20
        else f"{limit // 1024} KB"
        if limit >= 1024
        else f"{limit} bytes"
    )
    return PlanError.at(Pos(name), _("file is larger than {size}").format(size=size), _(hint))


def error(name: str, exc: OSError, what: str = "file") -> PlanError:
    """What the operating system said on reading a file or a folder, as a problem at it."""
    if exc.errno == errno.ENOENT and what == "folder":
        return PlanError.at(Pos(name), _("no such folder"), _("check the name"))
    if exc.errno == errno.ENOENT and what == "link":
        return PlanError.at(
            Pos(name),
            _("a symbolic link that leads nowhere"),
            _("point it at the folder, or remove it"),
        )
    known = _ERRORS.get(exc.errno or 0)
    if known is not None:
        return PlanError.at(Pos(name), _(known[0]), _(known[1]))
    cannot = {
        "folder": _("cannot read the folder: {reason}"),
        "link": _("cannot read the link: {reason}"),
    }.get(what, _("cannot read the file: {reason}"))
    return PlanError.at(Pos(name), cannot.format(reason=exc.strerror or exc))


def list_folder(path: Path) -> list[os.DirEntry[str]]:
    """The folder's entries, sorted by name; a folder that cannot be read is an error."""
    try:
        with os.scandir(path) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        raise error(display_path(path), exc, "folder") from None


def walk(root: Path, hidden: Callable[[str], bool] = lambda name: False) -> list[Path]:
    """Every entry under root but folders, in a stable order: files, and symbolic links (to a
    file or a folder: a link is listed, never followed, so no walk can leave root or loop).

    Names for which `hidden` is true are passed over, folders with all they hold.  More than
    MAX_ENTRIES entries or MAX_FOLDER_DEPTH levels of folders is an error at once: a plan has
    a few hundred files, and a folder with that many is almost certainly the wrong one.
    """
    found: list[Path] = []
    seen = 0
    todo = [(root, 0)]
    while todo:
        folder, depth = todo.pop()
        if depth > MAX_FOLDER_DEPTH:
            raise PlanError.at(
                Pos(display_path(folder)),
                _("more than {depth} levels of folders").format(depth=MAX_FOLDER_DEPTH),
                _("a plan needs only a few: is this the right folder?"),
            )
        entries = list_folder(folder)
        seen += len(entries)
        if seen > MAX_ENTRIES:
            raise PlanError.at(
                Pos(display_path(root)),
                _("more than {count} files and folders").format(
                    count=f"{MAX_ENTRIES:,}".replace(",", " ")
                ),
                _("a plan has a few hundred: give the folder that holds only the plan"),
            )
        folders = []
        for entry in entries:
            if hidden(entry.name):
                continue
            path = Path(entry.path)
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                raise error(display_path(path), exc) from None
            if is_folder:
                folders.append((path, depth + 1))
            else:
                found.append(path)
        todo.extend(reversed(folders))
    return sorted(found)


class Refused(Enum):
    """Why an image file was not read: its caller says so in its own words."""

    NOT_AN_IMAGE = "not an image"
    OUTSIDE = "outside its folder"


def read_image(
    path: Path,
    folder: Path,
    too_large: str,
    types: Mapping[str, str] = IMAGE_TYPES,
) -> tuple[str, bytes] | Refused:
    """An image for the card: its media type and bytes, or why it was refused.

    The type is told by the suffix (one of `types`); the file must lie within `folder`, with
    links followed, and is read as `read_bytes` reads (at most MAX_IMAGE_BYTES; `too_large` is
    the hint when it is larger, and what goes wrong in reading raises PlanError).
    """
    media_type = types.get(path.suffix.lower())
    if media_type is None:
        return Refused.NOT_AN_IMAGE
    if not inside(path, folder):
        return Refused.OUTSIDE
    return media_type, read_bytes(path, limit=MAX_IMAGE_BYTES, too_large=too_large)
