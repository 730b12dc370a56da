"""Side by side with a peer: the same tree built by actionplan and compiled by Twine's compiler.

The peer is extwee (npm) with the Chapbook 2.3.0 story format, which turns a Twee file into one
HTML file, as actionplan turns a plan into one card.  Both get the same tree: a binary tree in which
every node has a title, a 40-word Markdown paragraph and, unless it is a leaf, two answers.  The
default plan is compared too, its text written out as Twee passages.

Each pair of commands takes turns in one run, so a busy moment of the machine slows both alike and
the ratio holds where the times do not.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from measure import REPO, Stats

from actionplan.plan import model

# Where the shared peers are laid beside a checkout (the format is not on npm).
DEFAULT_FORMAT = REPO.parent / "shared" / "peers" / "chapbook-2.3.0" / "format.js"
SIZES = (40, 1_000, 10_000)

TEXT = (
    "Tal roligt med den unge og lyt uden at skylde. Skriv ned hvad der er sket, hvornår og på "
    "hvilken platform. Del aldrig billedet videre, og bed ikke den unge om at slette noget før "
    "politiet har sagt det. Giv besked til din leder samme dag, og aftal hvem der gør hvad."
)
WORDS = TEXT.split()
PARAGRAPH = " ".join(WORDS[:40]).replace("lyt", "**lyt**", 1)
assert len(PARAGRAPH.split()) == 40

PLAN = """plan:
  title: Side by side, {n} nodes
  language: da
  version: "1"
  owner: Benchmark
  reviewed: 2026-11-01
  start: n0
"""

# Chapbook fades between passages for 300 ms; switched off so the engine itself is timed.
NO_TRANSITION = "config.body.transition.name: 'none'\n--\n"


@dataclass
class Tree:
    """One subject in both forms: a project folder for actionplan and a Twee file for extwee."""

    label: str
    nodes: int
    project: Path
    twee: Path


def children(i: int, n: int) -> list[int]:
    return [c for c in (2 * i + 1, 2 * i + 2) if c < n]


def write_tree(folder: Path, n: int) -> Tree:
    """The binary tree of n nodes as a plan (folder/content) and as Twee (folder/story.twee)."""
    content = folder / "content"
    content.mkdir(parents=True, exist_ok=True)
    yaml_parts = [PLAN.format(n=n), "nodes:\n"]
    passages = [story_header(f"Side by side, {n} nodes", "n0")]
    for i in range(n):
        kids = children(i, n)
        title = f"Trin {i} – hvad gør du nu?"
        if kids:
            options = "".join(
                f"      - label: {label}\n        next: n{c}\n"
                for label, c in zip(("Ja", "Nej"), kids, strict=False)
            )
            yaml_parts.append(
                f"  n{i}:\n    kind: question\n    title: {title}\n"
                f"    body: {PARAGRAPH}\n    options:\n{options}"
            )
        else:
            yaml_parts.append(
                f"  n{i}:\n    kind: outcome\n    title: {title}\n    body: {PARAGRAPH}\n"
            )
        answers = zip(("Ja", "Nej"), kids, strict=False)
        links = "\n".join(f"[[{label}->n{c}]]" for label, c in answers)
        passages.append(passage(f"n{i}", title, PARAGRAPH, links, first=i == 0))
    (content / "plan.yaml").write_text("".join(yaml_parts), encoding="utf-8")
    twee = folder / "story.twee"
    twee.write_text("\n".join(passages), encoding="utf-8")
    return Tree(str(n), n, folder, twee)


def write_default(folder: Path, plan: model.Plan, project: Path) -> Tree:
    """The default plan's own text (its first language) as Twee: the same words in both cards."""
    passages = [story_header(plan.info.title, plan.info.start)]
    for node_id, node in plan.nodes.items():
        text = [node.body or ""]
        for field_name in ("checklist", "do_not", "follow_up"):
            text += [f"- {item}" for item in getattr(node, field_name, ())]
        if isinstance(node, model.Question):
            links = [f"[[{o.label}->{o.next}]]" for o in node.options]
        elif isinstance(node, model.Step):
            links = [f"[[Videre->{node.next}]]"]
        else:
            links = []
        body = "\n\n".join(t for t in text if t)
        passages.append(
            passage(node_id, node.title, body, "\n".join(links), first=node_id == plan.info.start)
        )
    folder.mkdir(parents=True, exist_ok=True)
    twee = folder / "story.twee"
    twee.write_text("\n".join(passages), encoding="utf-8")
    return Tree("default", len(plan.nodes), project, twee)


def write_empty(folder: Path) -> Path:
    """An empty Chapbook story: the least a Chapbook card weighs."""
    folder.mkdir(parents=True, exist_ok=True)
    twee = folder / "empty.twee"
    twee.write_text(story_header("Empty", "Start") + "\n" + passage("Start", "", "", ""), "utf-8")
    return twee


def story_header(title: str, start: str) -> str:
    return (
        f":: StoryTitle\n{title}\n\n:: StoryData\n"
        '{\n  "ifid": "D674C58C-DEFA-4F70-B7A2-27742230C0FC",\n'
        '  "format": "Chapbook",\n  "format-version": "2.3.0",\n'
        f'  "start": "{start}"\n}}\n'
    )


def passage(name: str, title: str, body: str, links: str, first: bool = False) -> str:
    head = NO_TRANSITION if first else ""
    heading = f"**{title}**\n\n" if title else ""
    return f":: {name}\n{head}{heading}{body}\n\n{links}\n"


def extwee_command(extwee: str, twee: Path, story_format: Path, out: Path) -> list[str]:
    return [extwee, "-c", "-i", str(twee), "-s", str(story_format), "-o", str(out)]


def find_extwee(given: str | None) -> str | None:
    """The extwee executable: the one given, on the PATH, or in a node_modules/.bin nearby."""
    if given:
        return given if shutil.which(given) else None
    for candidate in ("extwee", str(REPO / "node_modules" / ".bin" / "extwee")):
        if shutil.which(candidate):
            return shutil.which(candidate)
    return None


def run_command(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Wall time of one run of argv in a new process; its output is thrown away."""
    start = time.perf_counter()
    done = subprocess.run(argv, env={**os.environ, **(env or {})}, capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stderr.decode()[-2000:]}")
    return seconds


def time_pair(
    commands: dict[str, list[str]],
    runs: int,
    env: dict[str, str] | None = None,
    before: dict[str, Callable[[], None]] | None = None,
    envs: dict[str, dict[str, str]] | None = None,
) -> dict[str, Stats]:
    """Each command run `runs` times, the commands taking turns; one untimed run of each first.

    `before` names what to do, untimed, before each run of a command (an edit to rebuild after);
    `envs` the variables of a command where they are not `env`.
    """
    before, envs = before or {}, envs or {}
    for name, argv in commands.items():
        run_command(argv, envs.get(name, env))
    found: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            if name in before:
                before[name]()
            found[name].append(run_command(argv, envs.get(name, env)))
    return {name: Stats(times) for name, times in found.items()}


def python_command(*args: str) -> list[str]:
    return [sys.executable, *args]


class OneWordEdit:
    """Before each rebuild, change one word of a node's title to one no build has seen: the edit
    a municipality makes most, and one a build must not start again from scratch for.  (Changing
    it back and forth would give a text already kept from an earlier run, and time a cache hit
    rather than an edit.)"""

    TITLE = re.compile(r"^(    title: )(.*?)(?: – ret\d+)?$", re.M)  # a node's, in nodes:

    def __init__(self, project: Path) -> None:
        files = sorted((project / "content").rglob("*.yaml"))
        self.file = next(
            f
            for f in files
            if re.search(r"^nodes:", text := f.read_text("utf-8"), re.M) and self.TITLE.search(text)
        )
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        text = self.file.read_text("utf-8")
        edited = self.TITLE.sub(
            lambda m: f"{m.group(1)}{m.group(2)} – ret{self.count}", text, count=1
        )
        self.file.write_text(edited, "utf-8")


def copy_project(source: Path, dest: Path) -> Path:
    """The project's content in a folder of the benchmark's own, to edit freely."""
    shutil.copytree(source / "content", dest / "content")
    return dest


def compare(
    trees: list[Tree], extwee: str, story_format: Path, runs: int, work: Path
) -> list[dict[str, object]]:
    """For each tree: a first build, a rebuild after a one-word edit and extwee's compile, taking
    turns; and both outputs' sizes."""
    rows: list[dict[str, object]] = []
    env = {
        "PYTHONPATH": str(REPO),
        "ACTIONPLAN_CACHE_DIR": str(work / "cache"),
        "ACTIONPLAN_NO_CACHE": "",
        # Compiled modules kept, as for an installed tool: pip writes them when it installs.
        "PYTHONDONTWRITEBYTECODE": "",
    }
    # A build of a plan never built before: read, checked and rendered in full (the compiled
    # templates kept, as after any first build); a rebuild keeps what did not change.
    cold = {**env, "ACTIONPLAN_NO_CACHE": "1"}
    for tree in trees:
        out = work / f"card-{tree.label}"
        story = work / f"story-{tree.label}.html"
        edited = copy_project(tree.project, work / f"edited-{tree.label}")
        commands = {
            "actionplan": python_command(
                "-m", "actionplan", "build", "-q", str(tree.project), "-o", str(out)
            ),
            "rebuild": python_command(
                "-m", "actionplan", "build", "-q", str(edited), "-o", str(work / "rebuilt")
            ),
            "extwee": extwee_command(extwee, tree.twee, story_format, story),
        }
        times = time_pair(
            commands,
            runs,
            env,
            before={"rebuild": OneWordEdit(edited)},
            envs={"actionplan": cold},
        )
        rows.append(
            {
                "label": tree.label,
                "nodes": tree.nodes,
                **times,
                "card": out / "index.html",
                "story": story,
                "card_bytes": (out / "index.html").stat().st_size,
                "story_bytes": story.stat().st_size,
            }
        )
    return rows


def ratio(mine: Stats, theirs: Stats) -> float:
    """The median of the ratios of runs that took turns: a busy moment slows both alike."""
    return statistics.median(a / b for a, b in zip(mine.values, theirs.values, strict=True))


def empty_story(extwee: str, story_format: Path, work: Path) -> Path:
    out = work / "empty.html"
    run_command(extwee_command(extwee, write_empty(work / "empty"), story_format, out))
    return out


def serve_latency(project: Path, edits: int, work: Path) -> Stats:
    """Milliseconds from saving a one-word edit until `serve` has the new card, over several
    saves: the whole way a municipality waits, the watcher's debounce included."""
    from actionplan.commands.serve import DevServer
    from actionplan.project import Project

    edited = copy_project(project, work / f"served-{project.name}")
    edit = OneWordEdit(edited)
    found = []
    off = os.environ.pop("ACTIONPLAN_NO_CACHE", None)  # serve keeps what did not change
    try:
        with DevServer(Project.find(edited), port=0) as server:
            for _ in range(edits):
                version = server.live.status()["version"]
                start = time.perf_counter()
                edit()
                while server.live.status()["version"] == version:
                    if time.perf_counter() - start > 30:
                        raise RuntimeError(f"serve made no new card of {edited} in 30 s")
                    time.sleep(0.002)
                found.append((time.perf_counter() - start) * 1000)
    finally:
        if off is not None:
            os.environ["ACTIONPLAN_NO_CACHE"] = off
    return Stats(found)


def main() -> None:  # pragma: no cover - a quick look without the whole benchmark
    import argparse

    from actionplan.plan.read import check_plan
    from actionplan.project import Project

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--extwee", help="the extwee executable (default: on the PATH)")
    parser.add_argument("--chapbook", type=Path, default=DEFAULT_FORMAT, help="its format.js")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    extwee = find_extwee(args.extwee)
    if extwee is None or not args.chapbook.is_file():
        parser.error("needs extwee (npm install extwee) and Chapbook 2.3.0's format.js")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plan = check_plan(Project.find(REPO).content).plan
        assert plan is not None
        trees = [write_default(work / "default", plan, REPO)]
        trees += [write_tree(work / f"tree-{n}", n) for n in SIZES]
        for row in compare(trees, extwee, args.chapbook, args.runs, work):
            mine, rebuilt, peer = row["actionplan"], row["rebuild"], row["extwee"]
            assert isinstance(mine, Stats) and isinstance(rebuilt, Stats)
            assert isinstance(peer, Stats)
            print(
                f"{row['label']:>8}: build {mine.median:.3f} s, rebuild {rebuilt.median:.3f} s, "
                f"extwee {peer.median:.3f} s: {ratio(mine, peer):.2f}×, {ratio(rebuilt, peer):.2f}×"
            )


if __name__ == "__main__":  # pragma: no cover
    main()
