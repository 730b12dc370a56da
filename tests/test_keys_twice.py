"""A key written twice in one mapping is refused with the same problems whether loading looks
for it (every file but for check_plan, which leaves the files the reader reads whole to it) or
the reader finds it as it reads: check_plan's report is what loading the files would say."""

from __future__ import annotations

from pathlib import Path

import pytest

from actionplan.errors import PlanError
from actionplan.plan import loader
from actionplan.plan.read import check_plan

MINIMAL = (
    (Path(__file__).resolve().parent / "fixtures" / "good" / "minimal" / "content")
    .joinpath("plan.yaml")
    .read_text(encoding="utf-8")
)


def _twice(text: str, line: str, again: str) -> str:
    """The text with `again` written after the first line that is `line`."""
    assert line in text.splitlines()
    return text.replace(f"\n{line}\n", f"\n{line}\n{again}\n", 1)


CASES = {
    "a quick value": _twice(MINIMAL, "    title: Call 112", "    title: Ring 112"),
    "a value read otherwise": _twice(MINIMAL, "    next: done", "    next: danger"),
    "an option's key": _twice(MINIMAL, "        next: call-112", "        next: done"),
    "an id": MINIMAL + "  done:\n    kind: outcome\n    title: Again\n",
    "a section": MINIMAL + "contacts:\n  other:\n    name: Other\n    phone: '113'\n",
    "a key the reader refuses beside it": _twice(
        MINIMAL, "    title: Call 112", "    nonsense:\n      a: 1\n      a: 2"
    ),
    "a mapping of a wrong value": _twice(
        MINIMAL, "    title: Done", "    body:\n      x: 1\n      x: 2"
    ),
    "a contact's key": _twice(MINIMAL, "    name: Emergency services", "    name: Again"),
    "the metadata": _twice(MINIMAL, '  version: "1"', '  version: "2"'),
}


def _loaded(root: Path) -> list[object]:
    """What loading the files says, looking for keys written twice as it parses each."""
    with pytest.raises(PlanError) as raised:
        loader.load_files(root)
    return list(raised.value.problems)


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("other", ["", "broken", "twice"])
def test_check_plan_says_what_loading_says(tmp_path: Path, text: str, other: str) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "plan.yaml").write_text(text, encoding="utf-8")
    if other == "broken":  # a file that cannot be parsed, before and after it
        (content / "a.yaml").write_text("laws: [\n", encoding="utf-8")
        (content / "z.yaml").write_text("laws: {a: 1\n", encoding="utf-8")
    elif other == "twice":
        (content / "z.yaml").write_text("laws:\n  a:\n    title: A\n    title: B\n")
    expected = _loaded(content)
    assert any("duplicate key" in p.message for p in expected)  # type: ignore[attr-defined]
    report = check_plan(content)
    assert report.plan is None
    assert report.problems == expected


def test_a_plan_without_keys_twice_is_read_as_before(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    report = check_plan(content)
    assert report.plan is not None
    assert not any("duplicate" in p.message for p in report.problems)
