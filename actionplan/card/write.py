"""Write: put the built card in place atomically; a failed build never harms the last good one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from actionplan.errors import PlanError, Pos, display_path


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path so that readers see the old file or the new one, never half of one;
    a failure is a PlanError that says so, at the path."""
    try:
        _write(path, data)
    except OSError as exc:
        raise PlanError.at(
            Pos(display_path(path)),
            f"cannot write: {exc.strerror or exc}",
            "check that the folder exists and may be written to, and that the disk has room",
        ) from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
