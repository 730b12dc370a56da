"""`actionplan stamp`: fingerprints written into translation files, layout and comments kept."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from actionplan.cli import cli
from actionplan.plan.read import check_plan

SMALL = Path(__file__).parent / "fixtures" / "cards" / "small"


def _messages(path: Path) -> list[str]:
    return [p.message for p in check_plan(path / "content").problems]


def test_stamp_adds_the_missing_fingerprints(tmp_path: Path) -> None:
    small = tmp_path / "small"
    shutil.copytree(SMALL, small)
    en = small / "content" / "translations" / "en.yaml"
    original = en.read_text(encoding="utf-8")
    stripped = "".join(
        line
        for line in original.splitlines(keepends=True)
        if not line.lstrip().startswith("fingerprint:")
    )
    en.write_text("# kept comment\n" + stripped, encoding="utf-8")
    assert any("has no fingerprint" in m for m in _messages(small))

    result = CliRunner().invoke(cli, ["stamp", str(small)])
    assert result.exit_code == 0, result.output
    text = en.read_text(encoding="utf-8")
    assert text.startswith("# kept comment\n")
    assert '  fare:\n    fingerprint: "' in text
    assert not any("fingerprint" in m for m in _messages(small))


def test_stale_translations_are_reported_then_renewed_on_request(tmp_path: Path) -> None:
    small = tmp_path / "small"
    shutil.copytree(SMALL, small)
    plan = small / "content" / "plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "title: Er nogen i fare?", "title: Er nogen i akut fare?"
        ),
        encoding="utf-8",
    )
    stale = [p for p in check_plan(small / "content").problems if "stale" in p.message]
    assert [(Path(p.pos.file).name, p.pos.line) for p in stale] == [("ar.yaml", 9), ("en.yaml", 9)]
    assert "node 'fare': the translation into 'ar' is stale" in stale[0].message

    CliRunner().invoke(cli, ["stamp", str(small)])  # without --stale, stale ones stay stale
    assert any("stale" in m for m in _messages(small))
    result = CliRunner().invoke(cli, ["stamp", "--stale", str(small)])
    assert result.exit_code == 0, result.output
    assert not any("stale" in m for m in _messages(small))


@pytest.mark.parametrize(
    ("newline", "bom"), [("\r\n", b""), ("\r\n", codecs.BOM_UTF8), ("\r", b""), ("\n", b"")]
)
def test_stamp_keeps_the_file_s_line_endings_and_byte_order_mark(
    tmp_path: Path, newline: str, bom: bytes
) -> None:
    """A file saved on Windows (\r\n, often with a byte order mark) or an old Mac (\r) gets its
    fingerprints in its own line endings: nothing else in it changes."""
    small = tmp_path / "small"
    shutil.copytree(SMALL, small)
    en = small / "content" / "translations" / "en.yaml"
    lines = [
        line
        for line in en.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("fingerprint:")
    ]
    en.write_bytes(bom + newline.join([*lines, ""]).encode("utf-8"))

    result = CliRunner().invoke(cli, ["stamp", str(small)])
    assert result.exit_code == 0, result.output
    data = en.read_bytes()
    assert data.startswith(bom + b"language: en")
    text = data[len(bom) :].decode("utf-8")
    stamped = text.split(newline)
    added = [line for line in stamped if line.lstrip().startswith("fingerprint:")]
    assert [line for line in stamped if line not in added] == [*lines, ""]
    assert added
    assert "\r" not in text.replace(newline, "") and "\n" not in text.replace(newline, "")
    assert not any("fingerprint" in m for m in _messages(small))
