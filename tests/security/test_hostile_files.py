"""Hostile and broken files: bombs, deep nesting, binary data, links out of the project, and
sizes far beyond any real plan.

Each case starts from a project with a good card and changes its files. A refused case ends
with exit 1 and a message, the last good card byte for byte, and nothing written anywhere (the
whole temporary folder is compared before and after); a built case changes nothing but the card.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile import PWNED, Audit, Visit, build_over_good, dump, plan_files, snapshot

Setup = Callable[[Path], dict[str, Any]]  # given the test's tmp folder: the files to write


def nodes_yaml(extra: str) -> Setup:
    """The plain plan's nodes file with YAML text of our own at its end."""
    return lambda tmp: {"content/nodes.yaml": dump(plan_files()["content/nodes.yaml"]) + extra}


def file(name: str, data: str | bytes) -> Setup:
    return lambda tmp: {name: data}


def link(
    name: str,
    target: str,
    data: str | bytes = "secret",
    extra: Setup | None = None,
) -> Setup:
    """A symbolic link at name in the project to a file (or folder, ending in /) outside it."""

    def setup(tmp: Path) -> dict[str, Any]:
        outside = tmp / "outside" / target.rstrip("/")
        outside.parent.mkdir(parents=True, exist_ok=True)
        if target.endswith("/"):
            outside.mkdir()
            (outside / "nodes.yaml").write_text("nodes: {}\n", encoding="utf-8")
        elif isinstance(data, bytes):
            outside.write_bytes(data)
        else:
            outside.write_text(data, encoding="utf-8")
        path = tmp / "project" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        path.symlink_to(outside)
        return extra(tmp) if extra else {}

    return setup


def with_logo(name: str) -> Setup:
    def setup(tmp: Path) -> dict[str, Any]:
        files = plan_files()
        files["content/local.yaml"]["local"]["logo"] = name
        return {"content/local.yaml": files["content/local.yaml"]}

    return setup


def laughs(levels: int = 9, width: int = 10) -> str:
    """A billion laughs: each anchor a list of `width` aliases of the one before."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def nested_laughs(level: int = 9, width: int = 10) -> str:
    """The billion laughs in one flow list, each anchor defined where it is first used."""
    if not level:
        return '&a0 "lol"'
    return (
        f"&a{level} [{nested_laughs(level - 1, width)}, "
        + ", ".join([f"*a{level - 1}"] * (width - 1))
        + "]"
    )


LONG_LIST = "[" + ", ".join(["x"] * 1000) + "]"
ALIAS_FLOOD = f"  n0:\n    kind: outcome\n    title: t\n    follow_up: &items {LONG_LIST}\n" + (
    "\n".join(
        f"  n{i}:\n    kind: outcome\n    title: t\n    follow_up: *items" for i in range(1, 200)
    )
)
STRING_FLOOD = (
    "  d0:\n    kind: outcome\n    title: &big "
    + "x" * 20_000
    + "\n"
    + "\n".join([f"  d{i}:\n    kind: outcome\n    title: *big" for i in range(1, 1000)])
)
SVG_WITH_SCRIPT = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    f'onload="{PWNED}" width="10" height="10"><script>{PWNED}</script>'
    '<image href="https://evil.example/i.png" width="10" height="10"/>'
    '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/">'
    "</iframe></foreignObject></svg>"
)

# id: (setup, "refused" or "built", the message a refusal must give)
FILES: dict[str, tuple[Setup, str, str]] = {
    "deep-nesting-flow": (
        nodes_yaml("deep: " + "[" * 5000 + "]" * 5000 + "\n"),
        "refused",
        "levels of nesting",
    ),
    "deep-nesting-block": (
        nodes_yaml(
            "deep:\n" + "".join("  " * i + "- \n" for i in range(1, 150)) + "  " * 150 + "- x\n"
        ),
        "refused",
        "levels of nesting",
    ),
    "deep-nesting-mapping": (
        nodes_yaml(
            "deep:\n"
            + "".join("  " * i + f"k{i}:\n" for i in range(1, 150))
            + "  " * 150
            + "x: y\n"
        ),
        "refused",
        "levels of nesting",
    ),
    "billion-laughs": (
        file(
            "content/bomb.yaml",
            "nodes:\n  bomb:\n    kind: step\n"
            f"    title: x\n    next: done\n    checklist: {nested_laughs()}\n",
        ),
        "refused",
        "must be text, found a list",
    ),
    "alias-flood": (
        file("content/flood.yaml", "nodes:\n" + ALIAS_FLOOD + "\n"),
        "refused",
        "aliases expand to more than",
    ),
    "recursive-alias": (
        file("content/loop.yaml", "nodes: &n\n  loop: *n\n"),
        "refused",
        "'loop' has no 'kind'",
    ),
    "recursive-list": (
        file(
            "content/loop.yaml",
            "nodes:\n  loop:\n    kind: step\n"
            "    title: x\n    next: done\n    checklist: &l [*l]\n",
        ),
        "refused",
        "must be text, found a list",
    ),
    "python-object-tag": (
        lambda tmp: {
            "content/tag.yaml": f"contacts: !!python/object/apply:os.system ['touch {tmp}/pwned']\n"
        },
        "refused",
        "tags ('!!python/object/apply:os.system') are not supported",
    ),
    "unknown-tag": (
        file("content/tag.yaml", "contacts: !evil {a: b}\n"),
        "refused",
        "tags ('!evil') are not supported",
    ),
    "binary-file": (
        file("content/nodes.yaml", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(256)),
        "refused",
        "not a text file",
    ),
    "utf-16-file": (
        file("content/nodes.yaml", "nodes: {}\n".encode("utf-16")),
        "refused",
        "nodes.yaml:1:1: error: this file is saved as UTF-16, not as UTF-8",
    ),
    "utf-16-file-without-mark": (
        file("content/nodes.yaml", "nodes: {}\n".encode("utf-16-be")),
        "refused",
        "nodes.yaml:1:1: error: this file is saved as UTF-16, not as UTF-8",
    ),
    "utf-32-file": (
        file("content/nodes.yaml", "nodes: {}\n".encode("utf-32")),
        "refused",
        "nodes.yaml:1:1: error: this file is saved as UTF-32, not as UTF-8",
    ),
    "latin-1-file": (
        file("content/nodes.yaml", "nodes:\n  x: {title: Sø}\n".encode("latin-1")),
        "refused",
        "not valid UTF-8",
    ),
    "control-character": (nodes_yaml("x: \x1b[31mred\n"), "refused", "special character"),
    "file-over-20-mb": (
        file("content/huge.yaml", "# " + "x" * (21 * 2**20) + "\n"),
        "refused",
        "larger than 20 MB",
    ),
    "symlink-file-outside": (
        link("content/more.yaml", "more.yaml", "nodes: {}\n"),
        "refused",
        "links to a file outside the plan's folder",
    ),
    "symlink-folder-outside": (
        link("content/more", "more/"),
        "refused",
        "links to a folder outside the plan's folder",
    ),
    "symlink-logo-outside": (
        link("content/logo.svg", "secret.svg", "<svg/>", extra=with_logo("logo.svg")),
        "refused",
        "the logo is outside the plan's folder",
    ),
    "symlink-template-outside": (
        link("templates/custom.css", "secret.txt"),
        "refused",
        "links to a file outside the templates folder",
    ),
    "symlink-i18n-outside": (
        link("templates/i18n/da.yaml", "secret.yaml", "name: x\n"),
        "refused",
        "links to a file outside the templates folder",
    ),
    "i18n-billion-laughs": (
        file("templates/i18n/da.yaml", laughs() + "name: *a9\n"),
        "refused",
        "is not text",
    ),
    "i18n-not-a-mapping": (
        file("templates/i18n/da.yaml", "- back\n- next\n"),
        "refused",
        "must be a mapping of words",
    ),
    "i18n-broken-yaml": (
        file("templates/i18n/da.yaml", "back: [\n"),
        "refused",
        "a value is missing here",
    ),
    "i18n-python-tag": (
        file("templates/i18n/da.yaml", "back: !!python/object/apply:os.system ['touch pwned']\n"),
        "refused",
        "tags ('!!python/object/apply:os.system') are not supported",
    ),
    "template-not-utf-8": (
        file("templates/custom.css", b"\xff\xfe\x00b\x00"),
        "refused",
        "custom.css:1:1: error: this file is saved as UTF-16, not as UTF-8",
    ),
    "title-of-100-kb": (
        lambda tmp: {
            "content/plan.yaml": {
                "plan": {
                    **plan_files()["content/plan.yaml"]["plan"],
                    "title": "T" * 100_000 + " end",
                }
            }
        },
        "built",
        "",
    ),
    "svg-logo-with-script": (
        lambda tmp: {"content/logo.svg": SVG_WITH_SCRIPT, **with_logo("logo.svg")(tmp)},
        "built",
        "",
    ),
    "card-is-a-link-out": (link("build/index.html", "elsewhere.html", "not the card"), "built", ""),
}
SLOW_FILES: dict[str, tuple[Setup, str, str]] = {
    "junk-files-10-000": (
        lambda tmp: {f"content/junk/f{i:05}.png": b"\x89PNG\0" for i in range(10_000)},
        "built",
        "",
    ),
    "options-10-000": (lambda tmp: many_options(10_000), "built", ""),
    "yaml-files-10-000": (
        lambda tmp: {
            f"content/c/c{i:05}.yaml": f"contacts:\n  c{i}: {{name: C {i}, phone: '{i}'}}\n"
            for i in range(10_000)
        },
        "built",
        "",
    ),
    # Each took a regular expression from every '[' (or blank line) over all the rest: minutes.
    "text-of-200-000-brackets": (lambda tmp: with_body("[" * 200_000), "built", ""),
    "script-of-200-000-blank-lines": (
        file("templates/card.js", "\n" * 200_000 + "x\n"),
        "built",
        "",
    ),
}


def with_body(text: str) -> dict[str, Any]:
    nodes = plan_files()["content/nodes.yaml"]
    nodes["nodes"]["act"]["body"] = text
    return {"content/nodes.yaml": nodes}


def many_options(count: int) -> dict[str, Any]:
    files = plan_files()
    nodes = files["content/nodes.yaml"]
    nodes["nodes"]["start"]["options"] += [
        {"label": f"Option {i}", "hint": "h", "next": "done"} for i in range(count)
    ]
    translation = files["content/translations/en.yaml"]
    del translation["nodes"]["start"]["options"]  # a translation of 10 002 labels: not needed
    return {"content/nodes.yaml": nodes, "content/translations/en.yaml": translation}


@pytest.mark.parametrize("name", [n for n, (_, kind, _) in FILES.items() if kind == "refused"])
def test_hostile_files_are_refused(name: str, tmp_path: Path) -> None:
    setup, _, message = FILES[name]
    result = build_over_good(tmp_path, setup)
    result.assert_refused(message)
    assert not (tmp_path / "pwned").exists()


@pytest.mark.browser
@pytest.mark.parametrize("name", [n for n, (_, kind, _) in FILES.items() if kind == "built"])
def test_hostile_files_that_build_are_safe(
    name: str, tmp_path: Path, visit: Callable[..., Visit]
) -> None:
    setup, _, _ = FILES[name]
    outside = tmp_path / "outside"
    result = build_over_good(tmp_path, setup)
    before_outside = snapshot(outside) if outside.exists() else {}
    result.assert_built()
    assert result.card.is_file() and not result.card.is_symlink()
    if outside.exists():
        assert snapshot(outside) == before_outside
        assert all((outside / f).read_text() != result.html for f in before_outside)
    Audit(result.html).assert_safe()
    url = result.card.as_uri()
    visit(url).assert_clean(url)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SLOW_FILES))
def test_plans_far_beyond_any_real_one_still_build(name: str, tmp_path: Path) -> None:
    setup, _, _ = SLOW_FILES[name]
    result = build_over_good(tmp_path, setup)
    result.assert_built()
    Audit(result.html).assert_safe()


def test_aliases_of_a_long_text_are_refused(tmp_path: Path) -> None:
    setup = file("content/flood.yaml", f"nodes:\n{STRING_FLOOD}\n")
    # The 1 000 outcomes must be reachable, or the checker refuses them for that instead.
    nodes = plan_files()["content/nodes.yaml"]
    nodes["nodes"]["start"]["options"] += [{"label": f"d{i}", "next": f"d{i}"} for i in range(1000)]
    translation = plan_files()["content/translations/en.yaml"]
    del translation["nodes"]["start"]["options"]
    result = build_over_good(
        tmp_path,
        lambda tmp: {
            **setup(tmp),
            "content/nodes.yaml": nodes,
            "content/translations/en.yaml": translation,
        },
    )
    result.assert_refused("aliases repeat more than 1 000 000 characters of text")


def test_a_link_out_of_the_templates_is_named(tmp_path: Path) -> None:
    result = build_over_good(tmp_path, FILES["symlink-template-outside"][0])
    line = next(line for line in result.output.splitlines() if "outside the templates" in line)
    assert line.startswith(os.path.join(str(tmp_path), "project", "templates", "custom.css"))
