"""Paths: every route from the start to an outcome, with the answers and steps on the way.

A route is a simple path: intended loops (`loop: true`) are not followed.  The text form is meant
to be committed as a snapshot, so that a change to the content shows up as a diff of routes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict

from actionplan.commands.graph import one_line
from actionplan.errors import PlanError, Problem
from actionplan.frozen import frozen
from actionplan.i18n import _
from actionplan.plan import model
from actionplan.plan.graph import Graph

DEFAULT_LIMIT = 10_000


@frozen
class Stop:
    """One node on a route, and the answer given there when it is a question."""

    node: str
    kind: str
    title: str
    answer: str | None = None


Route = tuple[Stop, ...]


class TooManyRoutes(PlanError):
    """The plan has more routes than the limit allows; raised instead of running on."""

    def __init__(self, plan: model.Plan, limit: int) -> None:
        super().__init__(
            [
                Problem(
                    plan.info.where("start"),
                    _("more routes from '{start}' than the limit of {limit}; stopped").format(
                        start=plan.info.start, limit=limit
                    ),
                    _("raise the limit with --limit if you really want them all"),
                )
            ]
        )


def iter_routes(plan: model.Plan) -> Iterator[Route]:
    """Every route from the start to an outcome, depth first in the order the options are written
    (plan.graph.Graph.routes)."""
    stops: dict[tuple[str, str | None], Stop] = {}  # routes share most of their stops

    def stop(node_id: str, answer: str | None) -> Stop:
        node = plan.nodes[node_id]
        return Stop(node_id, node.kind, node.title, answer)

    for route in Graph(plan).routes():
        yield tuple(stops.get(key) or stops.setdefault(key, stop(*key)) for key in route)


def find_routes(plan: model.Plan, limit: int = DEFAULT_LIMIT) -> list[Route]:
    """All routes, or TooManyRoutes when there are more than limit."""
    routes: list[Route] = []
    for route in iter_routes(plan):
        if len(routes) == limit:
            raise TooManyRoutes(plan, limit)
        routes.append(route)
    return routes


def routes_json(routes: list[Route]) -> str:
    """A JSON list of routes, each a list of {node, kind, title, answer?}."""
    data = [
        [{k: v for k, v in asdict(stop).items() if v is not None} for stop in route]
        for route in routes
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def routes_text(plan: model.Plan, routes: list[Route]) -> str:
    """The routes as text: a block per route, a line per stop with the answer given there."""
    count = f"{len(routes)} route{'' if len(routes) == 1 else 's'}"
    lines = [f"# {count} from '{plan.info.start}' to an outcome"]
    for route in routes:
        lines += ["", "route: " + " > ".join(stop.node for stop in route)]
        for stop in route:
            node = plan.nodes[stop.node]
            urgent = " (urgent)" if isinstance(node, model.Step) and node.urgent else ""
            answer = f" → {one_line(stop.answer)}" if stop.answer is not None else ""
            lines.append(f"  {stop.kind} {stop.node}: {one_line(stop.title)}{urgent}{answer}")
    return "\n".join(lines) + "\n"
