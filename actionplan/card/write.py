"""Write: put the built card in place atomically; a failed build never harms the last good one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from actionplan import files
from actionplan.errors import PlanError, Pos, display_path
from actionplan.i18n import _


def write_atomic(
    path: Path, data: bytes | Sequence[bytes | memoryview], *, durable: bool = True
) -> None:
    """Write data (or its parts, one after the other) to path so that readers see the old file
    or the new one, never half of one; a failure is a PlanError that says so, at the path.
    `durable`: on the disk before it takes the old one's place, so that a crash leaves one or
    the other whole; without it, a file that lives no longer than the process (`serve`'s
    served copy) does not wait for the disk."""
    try:
        _write(path, [data] if isinstance(data, bytes) else data, durable)
    except OSError as exc:
        blocked = files.not_a_folder(path.parent)
        if blocked is not None:  # mkdir's "File exists" or "Not a directory" says too little
            raise PlanError.at(
                Pos(display_path(path)),
                _("cannot write: {part} is not a folder").format(part=display_path(blocked)),
                _("give a folder there, or another place to write to"),
            ) from None
        raise PlanError.at(
            Pos(display_path(path)),
            _("cannot write: {reason}").format(reason=exc.strerror or exc),
            _("check that the folder exists and may be written to, and that the disk has room"),
        ) from None


def _write(path: Path, parts: Sequence[bytes | memoryview], durable: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part)
            f.flush()
            if durable:
                os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
