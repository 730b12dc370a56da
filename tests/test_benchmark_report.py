"""The benchmark's page: budgets judged right, instruction counts shown when they were taken."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import measure  # noqa: E402
import report  # noqa: E402
from measure import Result, Stats  # noqa: E402


def result(label: str, nodes: int, check: float, build: float, frame_max: float) -> Result:
    """A plan's measurements: `check` and `build` seconds warm (fresh adds 0.2 s)."""
    return Result(
        label,
        nodes,
        check_fresh=Stats([check + 0.2]),
        build_fresh=Stats([build + 0.2]),
        check_warm=Stats([check]),
        build_warm=Stats([build]),
        check_rss=Stats([50e6]),
        build_rss=Stats([60e6]),
        raw_bytes=90_000 * max(1, nodes // 100),
        gzip_bytes=20_000,
        browser={
            "fcp_ms": Stats([100.0]),
            "dcl_ms": Stats([50.0]),
            "handler_ms": Stats([3.0, 4.0]),
            "frame_ms": Stats([6.0, frame_max]),
        },
    )


RESULTS = [
    result("default", 33, 0.02, 0.06, 12.0),
    result("1000", 1_000, 0.1, 0.2, 12.0),
    result("10000", 10_000, 1.2, 2.0, 17.0),
]
FLOOR = {"python": Stats([0.05]), "floor": Stats([0.15])}
MACHINE = {"cpu": "test", "commit": "abc"}
COUNTED = {
    "1000": {"nodes": 1_000, "check": 800_000_000, "build": 1_500_000_000},
    "10000": {"nodes": 10_000, "check": 7_700_000_000, "build": 14_700_000_000},
}


def budget_rows(text: str) -> dict[str, str]:
    """The summary table's rows, by the budget's words: {budget: "measured | ✓ |"}."""
    section = text.split("## Budgets", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ", 1) for line in section.splitlines() if line.startswith("| ")]
    return {name.removeprefix("| "): rest for name, rest in rows}


def test_budgets_are_judged_against_the_issue() -> None:
    rows = budget_rows(report.page(MACHINE, FLOOR, ("yaml",), RESULTS, {}))
    assert rows["The default card builds in ≤ 2× the import floor (0.150 s)"].endswith("✓ |")
    assert rows["The 10,000-node plan checks in < 0.5 s"].endswith("✗ |")
    assert rows["The 10,000-node plan builds in < 1 s"].endswith("✗ |")
    # 1.2 s against 0.1 s is 12 times the time for 10 times the nodes: over the budget of 11.
    assert rows["Cost grows linearly: check, warm (≤ 11×)"] == "12.0× | ✗ |"
    assert rows["Cost grows linearly: build, warm (≤ 11×)"] == "10.0× | ✓ |"
    # One step of 17 ms at 10 000 nodes is over 16 ms, though every median is under.
    steps = rows["A step change takes < 16 ms at every size"]
    assert "10000: 12 ms median, 17 max (1 of 2 over)" in steps
    assert steps.endswith("✗ |")


def test_instruction_counts_are_shown_beside_the_times_when_taken() -> None:
    without = report.page(MACHINE, FLOOR, ("yaml",), RESULTS, {})
    assert "## Instructions" not in without
    assert "instructions |" not in without
    assert budget_rows(without)["Cost grows linearly: check, warm (≤ 11×)"] == "12.0× | ✗ |"

    text = report.page(MACHINE, FLOOR, ("yaml",), RESULTS, {}, COUNTED)
    rows = budget_rows(text)
    assert rows["Cost grows linearly: check, warm (≤ 11×)"] == "12.0× (in instructions: 9.6×) | ✗ |"
    assert "| check, instructions | 800 M | 7,700 M | 9.6× | ≤ 11× | ✓ |" in text
    assert "| build, instructions | 1,500 M | 14,700 M | 9.8× | ≤ 11× | ✓ |" in text
    # What each node adds between the sizes: (7 700 M - 800 M) / 9 000 nodes.
    assert "| 1,000 → 10,000 | 767 k | 1,467 k |" in text


def test_callgrind_count_is_read_from_its_report(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = "==41== Events    : Ir\n==41== Collected : 1408198377\n==41==\n==41== I refs: 1,408\n"

    class Done:
        returncode = 0

    Done.stderr = stderr  # type: ignore[attr-defined]
    seen: list[list[str]] = []

    def fake_run(args: list[str], **kwargs: object) -> Done:
        seen.append(args)
        assert kwargs["env"]["PYTHONHASHSEED"] == "0"  # type: ignore[index]
        return Done()

    monkeypatch.setattr(measure.subprocess, "run", fake_run)
    assert measure.count_instructions(["-c", "pass"]) == 1_408_198_377
    assert seen[0][:2] == ["valgrind", "--tool=callgrind"]

    Done.returncode = 1
    with pytest.raises(RuntimeError, match="failed"):
        measure.count_instructions(["-c", "pass"])
