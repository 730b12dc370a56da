"""The plan as a graph: the ways on from each node, and the walks over them.

Every part that follows the plan's arrows does it here: the checks (what the start reaches,
cycles not marked as loops, nodes that reach no outcome), the card (the order of its steps), the
routes of `paths` and `diff`, and the flowchart of `graph`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import is_not
from typing import NamedTuple

from actionplan.cache import memory
from actionplan.errors import Pos
from actionplan.identity import ByIdentity
from actionplan.plan import model


class Edge(NamedTuple):
    """One way on from a node: an option of a question, or a step's `next`."""

    target: str  # the id of the node it leads to
    label: str | None  # the option's label; None for a step's next
    loop: bool  # marked as an intended loop (`loop: true`)
    pos: Pos  # where the target is written


def edges(node: model.Node) -> tuple[Edge, ...]:
    """Every way on from a node, in the order written; an outcome has none.  (Made for every
    node of a plan: tuple.__new__ makes each Edge in C, without the named tuple's own __new__,
    a Python call.)"""
    if isinstance(node, model.Question):
        return tuple([_new(Edge, (o.next, o.label, o.loop, o.where("next"))) for o in node.options])
    if isinstance(node, model.Step):
        return (_new(Edge, (node.next, None, node.loop, node.where("next"))),)
    return ()


_new = tuple.__new__


class Graph:
    """A plan's nodes and the ways between them.

    Each walk takes the ways as written, in order, so that what it finds comes in the plan's
    order too; a target that is no node (in a plan not yet checked) leads nowhere.
    """

    def __init__(self, plan: model.Plan) -> None:
        self.start = plan.info.start
        nodes = plan.nodes
        # Every node id, with its ways on.  Those of a node that is the very object it was in
        # the last graph made of the plan's folder (a node is immutable; cache.Memory) are
        # taken again: a save in `serve` makes the ways of the node it changed, not of 10 000
        # (and finds which it changed, and the outcomes, by calls in C, not a step of Python a
        # node).
        keys, values = list(nodes), list(nodes.values())
        kept = memory()
        last = kept.recall("graph", str(plan.root)) if kept is not None else None
        if last is None:
            self.ways = dict(zip(keys, map(edges, values), strict=True))
        else:
            was, ways = last
            self.ways = dict(zip(keys, map(ways.get, keys, repeat(())), strict=True))
            for key in compress(keys, map(is_not, values, map(was.get, keys))):
                self.ways[key] = edges(nodes[key])
        if kept is not None:
            kept.keep("graph", str(plan.root), (nodes, self.ways))
        self._order: list[str] | None = None
        self.outcomes = frozenset(compress(keys, map(isinstance, values, repeat(model.Outcome))))

    def order(self) -> list[str]:
        """The nodes the start reaches, breadth first: the order of the card's steps.  Walked
        once (the graph is immutable): the checks and the card both ask for it."""
        if self._order is None:
            self._order = self._walk()
        return list(self._order)

    def _walk(self) -> list[str]:
        order = [self.start]
        seen = {self.start}
        todo = deque(order)
        while todo:
            for edge in self.ways.get(todo.popleft(), ()):
                if edge.target not in seen:
                    seen.add(edge.target)
                    order.append(edge.target)
                    todo.append(edge.target)
        return order

    def reachable(self) -> set[str]:
        """The nodes the start reaches, itself included."""
        return set(self.order())

    def leading_to(self, goals: Iterable[str], loops: bool = True) -> set[str]:
        """The nodes from which one of goals can be reached, goals included; with loops=False,
        only by ways that are not marked as loops."""
        sources: dict[str, list[str]] = {}
        for key, ways in self.ways.items():
            for edge in ways:
                if loops or not edge.loop:
                    sources.setdefault(edge.target, []).append(key)
        found = set(goals)
        todo = list(found)
        while todo:
            for source in sources.get(todo.pop(), ()):
                if source not in found:
                    found.add(source)
                    todo.append(source)
        return found

    def unmarked_cycles(self) -> Iterator[tuple[list[str], Edge]]:
        """Each way that closes a cycle not marked as a loop, with the cycle's node ids (the
        first again at the end); an iterative depth-first search from each node in turn."""
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for root in self.ways:
            if root in state:
                continue
            path = [root]
            stack = [iter(self.ways[root])]
            state[root] = 1
            while stack:
                edge = next(stack[-1], None)
                if edge is None:
                    state[path.pop()] = 2
                    stack.pop()
                    continue
                if edge.loop:
                    continue
                if state.get(edge.target) == 1:
                    yield [*path[path.index(edge.target) :], edge.target], edge
                elif edge.target not in state and edge.target in self.ways:
                    state[edge.target] = 1
                    path.append(edge.target)
                    stack.append(iter(self.ways[edge.target]))

    def routes(self) -> Iterator[tuple[tuple[str, str | None], ...]]:
        """Every route from the start to an outcome that follows no intended loop and passes no
        node twice, depth first in the order the options are written: for each node on the way,
        its id and the answer given there (None but at a question).

        Branches that cannot reach an outcome are cut off beforehand, so the work done is in
        proportion to the routes found: stopping after N routes always stops soon.
        """
        alive = self.leading_to(self.outcomes, loops=False)
        if self.start not in alive:
            return
        path = [self.start]
        on_path = {self.start}  # the same nodes, to ask in one step whether one is on the path
        answers: list[str | None] = [None]  # the answer given at each node on the path
        if self.start in self.outcomes:
            yield ((self.start, None),)
            return
        ways = [iter(self.ways[self.start])]  # the ways on not yet tried, for each node on the path
        while ways:
            edge = next(ways[-1], None)
            if edge is None:
                ways.pop()
                on_path.discard(path.pop())
                answers.pop()
                continue
            if edge.loop or edge.target not in alive or edge.target in on_path:
                continue
            answers[-1] = edge.label
            if edge.target in self.outcomes:  # not on the path: an outcome leads nowhere
                yield (*zip(path, answers, strict=True), (edge.target, None))
            else:
                path.append(edge.target)
                on_path.add(edge.target)
                answers.append(None)
                ways.append(iter(self.ways[edge.target]))


# The graph of each plan alive: made once for the checks and the card.
_graphs: ByIdentity[model.Plan, Graph] = ByIdentity()


def graph_of(plan: model.Plan) -> Graph:
    """The plan's graph, made once per plan (a plan is immutable, and so is its graph): the
    checks and the card both walk it, and at 10 000 nodes making it takes some 0.1 s."""
    graph = _graphs.get(plan)
    if graph is None:
        graph = Graph(plan)
        _graphs.put(plan, graph)
    return graph
