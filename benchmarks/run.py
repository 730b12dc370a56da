"""Benchmarks: how long checking and building take, how big the card is, how quick it feels.

    python3 benchmarks/run.py              # everything (a few minutes); writes docs/benchmarks.md
    python3 benchmarks/run.py --quick      # 100 and 1 000 nodes, fewer runs; prints only
    python3 benchmarks/run.py --json raw.json
    python3 benchmarks/run.py --instructions   # also count instructions (needs valgrind)
    python3 benchmarks/run.py --chromium PATH  # another Chromium or Chrome than Debian's
    python3 benchmarks/run.py --extwee PATH --chapbook FORMAT_JS   # the peer, side by side

Side by side (peers.py), the same trees are built by actionplan and compiled by extwee (npm
`extwee`) with Chapbook 2.3.0's `format.js`, taking turns in the same run.  By default extwee is
looked for on the PATH and in node_modules/.bin, and the format beside the checkout in
../shared/peers/chapbook-2.3.0/; `--no-peers` leaves the comparison out.

Plans of 100, 1 000 and 10 000 nodes are generated (generate.py) into a temporary folder and
measured beside the default plan (content/).  "Fresh" times run `python3 -m actionplan ...` in a
new process per run, imports included, as a user meets them; "warm" times call the pipeline in
this process.  measure.py times things, chromium.py drives the browser, report.py writes the page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout being measured

import chromium
import peers
import report
from generate import generate
from measure import (
    REPO,
    Result,
    Stats,
    count_instructions,
    libraries_imported,
    profile,
    run_fresh,
    time_fresh,
    time_warm,
    without_gc,
)

from actionplan.card import markdown
from actionplan.commands.build import build_card
from actionplan.plan.read import check_plan
from actionplan.project import Project

DOC = REPO / "docs" / "benchmarks.md"
SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (100, 1_000)
# A build also keeps its compiled templates (in ACTIONPLAN_CACHE_DIR) for the next; a first build
# compiles them, as does every build with the cache turned off.
FIRST_BUILD = "first build"
FIRST_BUILD_ENV = {"ACTIONPLAN_CACHE_DIR": ""}
MOVES = 30  # steps taken through each card


@dataclass
class Subject:
    """One plan to measure: a project folder (with content/ in it) and how many nodes it has."""

    label: str
    root: Path
    nodes: int


def runs_for(subject: Subject, quick: bool) -> int:
    """Fewer runs for the big plan: the whole benchmark should take a few minutes on two cores."""
    if subject.label == "default":
        return 5 if quick else 10
    if quick or subject.nodes >= 10_000:
        return 3
    return 7


def subjects(work: Path, sizes: tuple[int, ...]) -> list[Subject]:
    """The default plan, and a generated plan of each size in work/."""
    default = check_plan(Project.find(REPO).content).plan
    if default is None:
        raise RuntimeError(f"the default plan has errors: run actionplan check {REPO}")
    found = [Subject("default", REPO, len(default.nodes))]
    for n in sizes:
        generate(work / f"plan-{n}", n)
        found.append(Subject(str(n), work / f"plan-{n}", n))
    return found


def check_args(subject: Subject) -> list[str]:
    return ["-m", "actionplan", "check", "-q", str(subject.root)]


def build_args(subject: Subject, out: Path) -> list[str]:
    return ["-m", "actionplan", "build", "-q", str(subject.root), "-o", str(out)]


def check(subject: Subject) -> None:
    """check_plan, as `actionplan check` calls it; a plan with errors would time the wrong thing."""
    if check_plan(Project.find(subject.root).content).plan is None:
        raise RuntimeError(f"the plan in {subject.root} has errors: run actionplan check on it")


def build(subject: Subject, out: Path) -> None:
    """build_card, as `actionplan build` calls it, with no Markdown rendered before: a build in a
    process renders each text once and keeps it for the next (as `serve` does), which would
    leave the Markdown out of every run after the first."""
    markdown.render.cache_clear()
    markdown.render_inline.cache_clear()
    build_card(Project.find(subject.root), out=out)


def measure_plan(
    subject: Subject, out: Path, runs: int, beside: dict[str, list[str]] | None = None
) -> tuple[Result, dict[str, Stats]]:
    """Check and build times (fresh and warm), peak memory and card size for one plan; and the
    times of the commands `beside` it, which take turns with its own."""
    commands = {"check": check_args(subject), "build": build_args(subject, out), **(beside or {})}
    fresh = time_fresh(commands, runs, {FIRST_BUILD: FIRST_BUILD_ENV})
    check_warm = time_warm(lambda: check(subject), runs)
    build_warm = time_warm(lambda: build(subject, out), runs)
    card = (out / "index.html").read_bytes()
    gzipped = gzip.compress(card, compresslevel=9, mtime=0)
    result = Result(
        subject.label,
        subject.nodes,
        check_fresh=fresh["check"][0],
        build_fresh=fresh["build"][0],
        check_warm=check_warm,
        build_warm=build_warm,
        check_rss=fresh["check"][1],
        build_rss=fresh["build"][1],
        raw_bytes=len(card),
        gzip_bytes=len(gzipped),
    )
    return result, {name: fresh[name][0] for name in beside or {}}


def where_the_time_goes(subject: Subject, out: Path) -> dict[str, Any]:
    """For one plan, checked and built: the top functions under cProfile, and the time the same
    call takes with the garbage collector off (one run)."""
    calls = {"check": lambda: check(subject), "build": lambda: build(subject, out)}
    found: dict[str, Any] = {"nodes": subject.nodes}
    for kind, call in calls.items():
        found[kind] = {"profile": profile(call), "gc_off": time_warm(without_gc(call), 1)}
    return found


def instructions(plans: list[Subject], work: Path) -> dict[str, dict[str, int]]:
    """The instructions one warm check and one warm build of each generated plan execute.

    Each is the difference of two counts (see count_instructions and once.py): a process that
    warms up on the default plan and then checks or builds the plan, less one that only warms up.
    """
    once = str(Path(__file__).with_name("once.py"))
    out = str(work / "out-instructions")
    counted: dict[str, dict[str, int]] = {}
    baseline = {}
    for kind in ("check", "build"):
        log(f"counting instructions: the warm-up of a {kind} ...")
        baseline[kind] = count_instructions([once, kind, str(REPO), "-", out, "--baseline"])
    for subject in plans:
        if subject.label == "default":
            continue
        log(f"{subject.label}: counting instructions (slow) ...")
        counted[subject.label] = {"nodes": subject.nodes}
        for kind in ("check", "build"):
            total = count_instructions([once, kind, str(REPO), str(subject.root), out])
            counted[subject.label][kind] = total - baseline[kind]
    return counted


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def side_by_side(
    browser: Any, extwee: str, story_format: Path, quick: bool, work: Path
) -> dict[str, Any]:
    """The same trees built by actionplan and compiled by extwee + Chapbook, taking turns; both
    outputs' sizes and, in Chromium, their clicks and elements; and serve's wait after a save."""
    plan = check_plan(Project.find(REPO).content).plan
    if plan is None:
        raise RuntimeError(f"the default plan has errors: run actionplan check {REPO}")
    sizes = peers.SIZES[:2] if quick else peers.SIZES
    trees = [peers.write_default(work / "peer-default", plan, REPO)]
    trees += [peers.write_tree(work / f"peer-{n}", n) for n in sizes]
    log("side by side: builds and compiles, taking turns ...")
    rows = peers.compare(trees, extwee, story_format, 3 if quick else 7, work)
    for row in rows:
        card, story = row["card"], row["story"]
        assert isinstance(card, Path) and isinstance(story, Path)
        row["card_gzip"] = gzipped_size(card)
        row["story_gzip"] = gzipped_size(story)
        log(f"side by side, {row['label']}: in Chromium ...")
        mine = chromium.steps(browser, card, MOVES)
        theirs = chromium.peer_measure(browser, story, MOVES)
        row["browser"] = {
            "card_frame": mine["frame_ms"],
            "card_elements": chromium.elements(browser, card),
            "story_frame": theirs["frame_ms"],
            "story_elements": theirs["elements"],
        }
        del row["card"], row["story"]
    empty = peers.empty_story(extwee, story_format, work)
    serve = {}
    for tree in trees:
        if tree.label in report.SERVE_MS:
            log(f"side by side, {tree.label}: serve after a save ...")
            serve[tree.label] = peers.serve_latency(tree.project, 3 if quick else 7, work)
    return {
        "rows": rows,
        "empty_story_bytes": empty.stat().st_size,
        "empty_story_gzip": gzipped_size(empty),
        "serve": serve,
    }


def machine(chromium_version: str, load_at_start: str) -> dict[str, str]:
    """What the numbers were measured on."""
    import yaml

    libyaml = "with libyaml" if yaml.__with_libyaml__ else "without libyaml"
    commit = git("rev-parse", "--short", "HEAD")
    if git("status", "--porcelain"):
        commit += " with uncommitted changes"
    return {
        "cpu": cpu_model(),
        "cores": f"{os.cpu_count()} ({len(os.sched_getaffinity(0))} usable)",
        "python": f"{platform.python_version()} (PyYAML {yaml.__version__} {libyaml})",
        "chromium": chromium_version,
        "system": platform.platform(),
        "load": f"{load_at_start} → {load_average()}",
        "commit": commit,
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        lines = []
    models = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return models[0] if models else platform.processor() or "unknown"


def load_average() -> str:
    """Other work on the machine skews every number: this says how much there was."""
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    quick: bool,
    work: Path,
    count: bool = False,
    browser_path: str = chromium.EXECUTABLE,
    peer: tuple[str, Path] | None = None,
) -> dict[str, Any]:
    """Measure everything; the raw numbers, for the page and for --json."""
    from playwright.sync_api import sync_playwright

    load = load_average()
    log("generating plans ...")
    plans = subjects(work, QUICK_SIZES if quick else SIZES)
    # The benchmark's own template cache, filled by an untimed build, as on a second run; and
    # an untimed check, so that bytecode is compiled and files are cached.
    os.environ["ACTIONPLAN_CACHE_DIR"] = str(work / "cache")
    # Every check and build here reads, checks and renders the whole plan, as the first build of
    # a plan does: what a build keeps for the next (the rebuild) is measured beside the peer.
    os.environ["ACTIONPLAN_NO_CACHE"] = "1"
    run_fresh(check_args(plans[0]))
    run_fresh(build_args(plans[0], work / "out-untimed"))
    # The import floor: a process that imports the libraries a build of the default plan imports,
    # and nothing else, is the soonest a build can end.  Timed in turn with the default plan's
    # check and build, which the floor is the budget for.
    default_build = ["build", "-q", str(plans[0].root), "-o", str(work / "out-untimed")]
    libraries = libraries_imported(default_build)
    floor_args = {"python": ["-c", "pass"], "floor": ["-c", "import " + ", ".join(libraries)]}
    floor: dict[str, Stats] = {}
    results = []
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright, browser_path)
        for subject in plans:
            runs = runs_for(subject, quick)
            out = work / f"out-{subject.label}"
            beside = None
            if subject.label == "default":
                beside = {**floor_args, FIRST_BUILD: build_args(subject, work / "out-first")}
            log(f"{subject.label}: {runs} runs of check and build ...")
            result, found = measure_plan(subject, out, runs, beside)
            floor.update(found)
            log(f"{subject.label}: in Chromium ...")
            loads = 2 if quick else min(runs, 7)
            result.browser = chromium.measure_card(browser, out / "index.html", loads, MOVES)
            results.append(result)
        beside_peer = side_by_side(browser, *peer, quick, work) if peer else {}
        version = browser.version
        browser.close()
    where = {}
    if not quick:
        log(f"profiling {plans[-1].nodes:,} nodes ...")
        where = where_the_time_goes(plans[-1], work / "out-profile")
    counted = instructions(plans, work) if count else {}
    return {
        "machine": machine(version, load),
        "floor": floor,
        "libraries": libraries,
        "results": results,
        "where": where,
        "instructions": counted,
        "peers": beside_peer,
    }


def to_json(data: dict[str, Any]) -> str:
    """Every number measured, the measurements (dataclasses) as plain objects."""
    return json.dumps(data, default=asdict, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="only 100 and 1 000 nodes, fewer runs, no profile"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every raw number")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write the page (default: docs/benchmarks.md, or nowhere with --quick)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count the instructions of each check and build with valgrind (some minutes)",
    )
    parser.add_argument(
        "--chromium",
        metavar="PATH",
        default=chromium.EXECUTABLE,
        help=f"the Chromium (or Chrome) to measure the card in (default: {chromium.EXECUTABLE})",
    )
    parser.add_argument("--extwee", metavar="PATH", help="the extwee executable (npm extwee)")
    parser.add_argument(
        "--chapbook",
        metavar="FORMAT_JS",
        type=Path,
        default=peers.DEFAULT_FORMAT,
        help=f"Chapbook 2.3.0's format.js (default: {peers.DEFAULT_FORMAT})",
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="leave out the side-by-side comparison"
    )
    args = parser.parse_args()
    peer = None
    if not args.no_peers:
        extwee = peers.find_extwee(args.extwee)
        if extwee is None:
            parser.error(
                "no extwee: npm install extwee, and give its path with --extwee PATH "
                "(or leave the comparison out with --no-peers)"
            )
        if not args.chapbook.is_file():
            parser.error(f"no Chapbook format at {args.chapbook}: give it with --chapbook PATH")
        peer = (extwee, args.chapbook)
    if importlib.util.find_spec("playwright") is None:
        parser.error("the benchmark drives Chromium with Playwright: pip install -e '.[test]'")
    if shutil.which(args.chromium) is None:
        parser.error(
            f"no Chromium at {args.chromium}: install it (apt-get install chromium) "
            "or give the path of one with --chromium PATH"
        )
    if args.instructions and shutil.which("valgrind") is None:
        parser.error("--instructions needs valgrind (apt-get install valgrind)")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-") as work:
        data = run(args.quick, Path(work), args.instructions, args.chromium, peer)
    text = report.page(
        data["machine"],
        data["floor"],
        data["libraries"],
        data["results"],
        data["where"],
        data["instructions"],
        data["peers"],
    )
    print(text)
    out = args.out or (None if args.quick else DOC)
    if out:
        out.write_text(text, encoding="utf-8")
        log(f"wrote {out}")
    if args.json:
        args.json.write_text(to_json(data), encoding="utf-8")
        log(f"wrote {args.json}")
    log(f"took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
