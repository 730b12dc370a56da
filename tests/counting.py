"""What a build does again, counted: the tests of the cache hold it to doing only what changed."""

from __future__ import annotations

from typing import Any

import pytest

from actionplan.card import render
from actionplan.plan import loader, merge


def node_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the nodes whose section node.html renders from now on, in order."""
    rendered: list[str] = []
    real = render.SectionMaker.render

    def counting(self: render.SectionMaker, node_id: str) -> str:
        rendered.append(node_id)
        return real(self, node_id)

    monkeypatch.setattr(render.SectionMaker, "render", counting)
    return rendered


def entries_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the entries of `nodes:` read alone from now on (merge.read_in_parts), in
    order."""
    read: list[str] = []
    real = merge._read_entry

    def counting(text: str, line: int, entry_id: str, *args: Any) -> Any:
        read.append(entry_id)
        return real(text, line, entry_id, *args)

    monkeypatch.setattr(merge, "_read_entry", counting)
    return read


def files_parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files parsed whole (loader.parse) from now on, in order."""
    parsed: list[str] = []
    real = loader.parse

    def counting(text: str, name: str, *rest: Any) -> Any:
        parsed.append(name)
        return real(text, name, *rest)

    monkeypatch.setattr(loader, "parse", counting)
    return parsed
