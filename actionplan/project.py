"""Where things are: a project's content, its template overrides, its output, and the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def default_dir(name: str) -> Path:
    """The default 'content', 'templates' or 'schema' folder.

    An installed wheel carries them inside the package; in a checkout of the repository they are
    the top-level folders, the single source the wheel is built from.
    """
    packaged = PACKAGE_DIR / "_default" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


@dataclass(frozen=True)
class Project:
    """A plan's folders: `root` holds content/, an optional templates/ and the build/ output."""

    root: Path
    content: Path
    templates: Path | None
    build: Path

    @classmethod
    def find(cls, path: Path | str = ".") -> Project:
        """The project at path: a folder with content/ in it, or the content folder itself."""
        path = Path(path)
        if (path / "content").is_dir():
            root, content = path, path / "content"
        else:
            root, content = path.parent if path.name == "content" else path, path
        templates = root / "templates"
        return cls(
            root=root,
            content=content,
            templates=templates if templates.is_dir() else None,
            build=root / "build",
        )
