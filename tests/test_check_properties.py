"""Whatever an author does to a valid plan, the checker answers with problems, never a traceback.

Each test starts from fixtures/good/everything (a plan that uses every key of the format), breaks
it in a few random ways, and checks that `check_plan` returns problems that each fit on one line
and point into the plan, and that `actionplan check` exits with 0 or 1.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.cli import cli
from actionplan.plan.read import check_plan

SEED = Path(__file__).resolve().parent / "fixtures" / "good" / "everything" / "content"
FILES = {
    p.relative_to(SEED).as_posix(): p.read_bytes()
    for p in sorted(SEED.rglob("*"))
    if p.suffix == ".yaml"
}
IDS = sorted(set(re.findall(rb"^  ([a-z0-9][a-z0-9-]*):", b"".join(FILES.values()), re.M)))
TODAY = date(2026, 12, 1)
LINE_BREAK = re.compile(rb"\r\n|\r|\n|\xc2\x85|\xe2\x80[\xa8\xa9]")  # as YAML counts lines
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_VALUES = [
    "",
    "~",
    "[]",
    "{}",
    "[a, b]",
    "{a: b}",
    "- item",
    "true",
    "maybe",
    "0",
    "-1",
    "1e309",
    "0x1F",
    "2026-13-45",
    "2026-02-30",
    "*undefined",
    "&anchor value",
    "!!binary aGk=",
    "!!python/object/apply:os.system [ls]",
    "'unclosed",
    '"unclosed',
    "|",
    ">-",
    "? key",
    "{placeholder: x}",
    "{placeholder: [a]}",
    "{placeholder: {a: b}}",
    "{placeholder: ''}",
    '{placeholder: "two\\nlines"}',
    '"Ja\\r"',
    '"Nej\\u2028"',
    "|\n  two\n  lines",
    "'[x](javascript:alert(1))'",
    "'![i](https://e.org/i.png)'",
    "'[x](#nowhere)'",
    "ap-x",
    "../logo.svg",
    "/etc/passwd",
    "'#zzz'",
    "'+45 12 34'",
    "https://",
    "a@b",
    "ar",
    "rtl",
    "question",
    "step",
    "outcome",
    '"\\ud800"',
    '"\\x00"',
    '"\\t"',
    '"a\\nb"',
    "<b>x</b>",
    "x" * 100_000,
    "[" * 50 + "]" * 50,
    "[" * 500 + "]" * 500,
    "{a: " * 30 + "b" + "}" * 30,
    "- " * 300 + "x",
]
values = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=40),  # as written: may well break the YAML
    st.text(max_size=40).map(json.dumps),  # a valid double-quoted YAML string of any text
    st.text(max_size=40).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.lists(st.text(max_size=10).map(json.dumps), max_size=4).map(lambda v: f"[{', '.join(v)}]"),
)
keys = st.one_of(
    st.sampled_from(
        [
            "title",
            "titel",
            "kind",
            "next",
            "options",
            "optoins",
            "label",
            "loop",
            "plan",
            "nodes",
            "contacts",
            "laws",
            "local",
            "language",
            "fingerprint",
            "<<",
            "? x",
            "[a]",
            "{a: b}",
            "- x",
            "ap-x",
            "Ab_C",
            "x" * 100,
        ]
    ),
    st.text(min_size=1, max_size=20),
)


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """data broken in one way an author (or a disk) might break a file."""
    lines = data.split(b"\n")
    i = draw(st.integers(0, len(lines) - 1))
    line = lines[i]
    how = draw(
        st.sampled_from(
            [
                "delete",
                "duplicate",
                "swap",
                "indent",
                "tab",
                "value",
                "key",
                "ids",
                "bytes",
                "truncate",
                "block",
            ]
        )
    )
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, line)
    elif how == "swap":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "indent":
        shift = draw(st.integers(-4, 4))
        lines[i] = line[-shift:] if shift < 0 else b" " * shift + line
    elif how == "tab":
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + b"\t" + line[at:]
    elif how == "value":
        head = re.match(rb"\s*(?:- )?(?:[^:#\s][^:#]*:)?\s*", line)
        value = draw(values).encode()
        lines[i] = line[: head.end() if head else 0] + value
    elif how == "key":
        key = draw(keys).encode()
        lines[i] = re.sub(rb"^(\s*(?:- )?)[^:\s][^:]*:", lambda m: m[1] + key + b":", line, count=1)
    elif how == "ids":
        old, new = draw(st.sampled_from(IDS)), draw(st.sampled_from([*IDS, b"ap-x", b"X_Y"]))
        return data.replace(old, new, draw(st.integers(1, 3)))
    elif how == "bytes":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif how == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    elif how == "block":  # a whole new mapping where a line was
        lines[i] = (
            line
            + b"\n"
            + b"\n".join(
                b" " * draw(st.integers(0, 8)) + draw(keys).encode() + b": " + draw(values).encode()
                for _ in range(draw(st.integers(1, 3)))
            )
        )
    return b"\n".join(lines)


@st.composite
def broken_plan(draw: st.DrawFn) -> dict[str, bytes]:
    """The seed plan with one to three of its files broken, each in one to three ways."""
    files = dict(FILES)
    for name in draw(st.lists(st.sampled_from(sorted(files)), min_size=1, max_size=3)):
        for _ in range(draw(st.integers(1, 3))):
            files[name] = draw(mutation(files[name]))
    return files


def write_plan(folder: Path, files: dict[str, bytes]) -> Path:
    root = folder / "content"
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (root / "logo.svg").write_bytes((SEED / "logo.svg").read_bytes())
    return root


def assert_problems_point_into_plan(root: Path, files: dict[str, bytes]) -> None:
    report = check_plan(root, today=TODAY)
    assert report.problems or report.plan is not None
    names = {(root / name).as_posix(): data for name, data in files.items()}
    for problem in report.problems:
        text = problem.format()
        assert "\n" not in text and "\r" not in text, text
        pos = problem.pos
        assert text.startswith(f"{pos}: {problem.severity.value}: "), text
        assert problem.message.strip(), text
        if pos.file == root.as_posix():
            assert not pos.line, text  # a problem with the whole folder
            continue
        assert pos.file in names, text
        if pos.line:  # else a problem with the whole file
            line_count = len(LINE_BREAK.split(names[pos.file]))
            assert 1 <= pos.line <= line_count and pos.col >= 1, text


@SETTINGS
@given(broken_plan())
def test_check_never_raises_and_points_into_the_plan(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert_problems_point_into_plan(write_plan(Path(tmp), files), files)


@SETTINGS
@given(
    st.sampled_from(sorted(FILES)),
    st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)),
)
def test_any_bytes_in_a_file_give_problems_not_a_crash(name: str, data: bytes) -> None:
    files = {**FILES, name: data}
    with tempfile.TemporaryDirectory() as tmp:
        assert_problems_point_into_plan(write_plan(Path(tmp), files), files)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(broken_plan(), st.booleans())
def test_cli_exits_with_0_or_1(files: dict[str, bytes], strict: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_plan(Path(tmp), files)
        args = ["check", str(root), *(["--strict"] if strict else [])]
        result = CliRunner().invoke(cli, args, env={"NO_COLOR": "1"})
        assert isinstance(result.exception, (SystemExit, type(None))), result.exception
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
