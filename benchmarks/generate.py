"""Generate a synthetic plan of a given size, shaped like a real one, for benchmarks."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

PLAN = """plan:
  title: Benchmark plan with {n} nodes
  language: da
  version: "1"
  owner: Benchmark
  reviewed: 2026-11-01
  start: n0
  emergency: [alarm]
contacts:
  alarm: {{name: Alarm, phone: "112", source: "https://example.org/", verified: 2026-11-01}}
  raad: {{name: Rådgivning, url: "https://example.org/raad", hours: "9-15"}}
laws:
  lov: {{title: Lov § 1, summary: Noget om loven., url: "https://example.org/lov"}}
"""

STEP = """  n{i}:
    kind: step
    title: Trin {i} – gør dette nu
    who: Du (den voksne, der er til stede)
    urgent: {urgent}
    body: |
      Tal roligt med den unge. Lyt, og skyld ikke. Se også [trin {j}](#n{j}).
    checklist:
      - Skriv ned, hvad der er sket
      - Giv besked til din leder
    do_not:
      - Del aldrig billedet videre
    contacts: [alarm, raad]
    legal: [lov]
    next: n{j}
"""

QUESTION = """  n{i}:
    kind: question
    title: Spørgsmål {i} – hvad passer bedst?
    body: Vælg det svar, der passer **bedst** på situationen.
    options:
      - label: Ja
        next: n{a}
      - label: Nej
        next: n{b}
      - label: Ved ikke
        hint: Vælg dette, hvis du er i tvivl.
        next: n{c}
"""

OUTCOME = """  n{i}:
    kind: outcome
    title: Afslutning {i}
    body: Sagen er håndteret, og de rette er informeret.
    follow_up: [Følg op om en uge]
"""


def generate(folder: Path, n: int, seed: int = 1, per_file: int = 500) -> Path:
    """Write a plan of n nodes (a DAG: every edge goes forward) into folder/content."""
    rng = random.Random(seed)
    content = folder / "content"
    (content / "nodes").mkdir(parents=True, exist_ok=True)
    (content / "plan.yaml").write_text(PLAN.format(n=n), encoding="utf-8")
    # Blocks of ten: questions at 0, 3 and 6, an outcome at 9, steps between; the question at 6
    # also leads on to the next block, so every node is reachable and every path ends.
    chunks: list[str] = []
    for i in range(n):
        pos = i % 10
        if pos == 9 or i == n - 1:
            chunks.append(OUTCOME.format(i=i))
        elif pos in (0, 3, 6):
            c = i + 4 if pos == 6 else i + 3
            a, b, c = (min(n - 1, t) for t in (i + 1, i + 2, c))
            chunks.append(QUESTION.format(i=i, a=a, b=b, c=c))
        else:
            j = min(n - 1, i + 1 + rng.randrange(0, 1))
            chunks.append(STEP.format(i=i, j=j, urgent=str(i % 7 == 0).lower()))
    for k in range(0, n, per_file):
        body = "nodes:\n" + "".join(chunks[k : k + per_file])
        (content / "nodes" / f"part-{k // per_file:04d}.yaml").write_text(body, encoding="utf-8")
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", "--nodes", type=int, default=1000)
    args = parser.parse_args()
    print(generate(args.folder, args.nodes))


if __name__ == "__main__":
    main()
