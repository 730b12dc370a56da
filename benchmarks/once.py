"""Check or build a plan once in this process, after a warm-up: what --instructions counts.

    python3 benchmarks/once.py check|build WARM_UP PLAN OUT
    python3 benchmarks/once.py check|build WARM_UP PLAN OUT --baseline

Both first check or build the plan in WARM_UP (imports, compiled patterns, the templates), as the
benchmark's warm times do.  The first then checks or builds PLAN, the second stops there: the
difference of their counts is what one warm check or build of PLAN executes.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout being measured

from actionplan.commands.build import build_card
from actionplan.plan.read import check_plan
from actionplan.project import Project


def once(kind: str, root: Path, out: Path) -> None:
    project = Project.find(root)
    if kind == "check":
        if check_plan(project.content).plan is None:
            raise SystemExit(f"the plan in {root} has errors")
    else:
        build_card(project, out=out)
    gc.collect()


def main() -> None:
    kind, warm_up, plan, out, *rest = sys.argv[1:]
    if kind not in ("check", "build") or rest not in ([], ["--baseline"]):
        raise SystemExit(__doc__)
    once(kind, Path(warm_up), Path(out))
    if not rest:
        once(kind, Path(plan), Path(out))


if __name__ == "__main__":
    main()
