"""Graph: the plan as a flowchart, in Mermaid (renders on GitHub) or Graphviz DOT.

Labels are plain text from the plan and may hold anything, so each format escapes them its own
way: Mermaid by numeric entity codes (`#35;`) for every character that is not plainly safe, DOT
by backslash-escaping inside a quoted string and `&amp;` for Graphviz's entity references.
"""

from __future__ import annotations

import re
import unicodedata

from actionplan.card.markdown import PLAN_LINK, links
from actionplan.plan import model
from actionplan.plan.checks import texts_in
from actionplan.plan.graph import Graph, edges

URGENT_MARK = "⚠ "
# ASCII that Mermaid shows as it is inside a quoted label; other ASCII becomes "#<code>;".
_MERMAID_SAFE_ASCII = frozenset(" .,!?'-/+=@$")


def one_line(text: str) -> str:
    """Plain text on one line: runs of whitespace (newlines too) become one space, and other
    control characters go."""
    text = " ".join(text.split())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cc")


def ordered_nodes(plan: model.Plan) -> list[model.Node]:
    """Every node, in reading order from the start, then any the start does not reach."""
    order = Graph(plan).order()
    rest = sorted(set(plan.nodes) - set(order))
    return [plan.nodes[node_id] for node_id in [*order, *rest]]


def plan_links(node: model.Node) -> list[str]:
    """What the node's texts link to in other plans of the project (`plan:<id>` or
    `plan:<id>#<node>`, without the scheme), in the order written, each once."""
    found: dict[str, None] = {}
    for _obj, _name, _index, text, is_md in texts_in(node):
        if is_md and PLAN_LINK in text.lower():
            for href, _line in links(text):
                if href[: len(PLAN_LINK)].lower() == PLAN_LINK:
                    found.setdefault(href[len(PLAN_LINK) :], None)
    return list(found)


def describe(plan: model.Plan, others: int = 0) -> str:
    """A sentence that says what the chart shows, for screen readers and tooltips."""
    kinds = [node.kind for node in plan.nodes.values()]

    def count(kind: str, n: int | None = None) -> str:
        n = kinds.count(kind) if n is None else n
        return f"{n} {kind}{'' if n == 1 else 's'}"

    parts = [count("question"), count("step"), count("outcome")]
    if others:
        parts.append(f"{count('link', others)} to other plans")
    return (
        f"Flowchart of the plan with {', '.join(parts[:-1])} and {parts[-1]}, "
        f"starting at {plan.start.title}"
    )


def _outside(nodes: list[model.Node]) -> dict[str, list[str]]:
    """Each place in another plan that a node links to, with the nodes that link to it."""
    found: dict[str, list[str]] = {}
    for node in nodes:
        for target in plan_links(node):
            found.setdefault(target, []).append(node.id)
    return found


def _label(node: model.Node) -> str:
    urgent = isinstance(node, model.Step) and node.urgent
    return (URGENT_MARK if urgent else "") + one_line(node.title)


# Mermaid


def _mermaid_safe(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in _MERMAID_SAFE_ASCII
    # Mermaid's syntax is ASCII, but it marks entities internally with '°' and '¶'.
    return ch not in "°¶" and unicodedata.category(ch)[0] not in "CZ"


def mermaid_text(text: str) -> str:
    """Text for a quoted Mermaid label: anything beyond letters, digits and plain punctuation as
    an entity code, so no quote, bracket, ':', '#', '<', backtick or Markdown mark can act."""
    return "".join(ch if _mermaid_safe(ch) else f"#{ord(ch)};" for ch in one_line(text))


def mermaid_id(node_id: str) -> str:
    # Plan ids are [a-z0-9-]; the prefix keeps clear of Mermaid's keywords such as 'end'.
    return "n_" + re.sub(r"[^a-z0-9]", "_", node_id)


_MERMAID_SHAPES = {"question": '{{"{}"}}', "step": '["{}"]', "outcome": '(["{}"])'}


def to_mermaid(plan: model.Plan) -> str:
    """A Mermaid flowchart: questions as rhombi, steps as boxes, outcomes as stadiums, and a
    place in another plan that a node links to as a double-edged box, reached by a dashed
    arrow."""
    nodes = ordered_nodes(plan)
    outside = _outside(nodes)
    lines = [
        "flowchart TD",
        f"    accTitle: {mermaid_text(plan.info.title)}",
        f"    accDescr: {mermaid_text(describe(plan, len(outside)))}",
    ]
    for node in nodes:
        shape = _MERMAID_SHAPES[node.kind].format(mermaid_text(_label(node)))
        lines.append(f"    {mermaid_id(node.id)}{shape}")
    for node in nodes:
        for edge in edges(node):
            arrow = "-.->" if edge.loop else "-->"
            text = f'|"{mermaid_text(edge.label)}"|' if edge.label is not None else ""
            lines.append(f"    {mermaid_id(node.id)} {arrow}{text} {mermaid_id(edge.target)}")
    # Numbered, not named from the target: "a#b-c" and "a-b#c" must not meet as one id.
    for number, (target, sources) in enumerate(outside.items(), 1):
        lines.append(f'    p_{number}[["{mermaid_text(PLAN_LINK + target)}"]]')
        lines += [f"    {mermaid_id(source)} -.-> p_{number}" for source in sources]
    urgent = [mermaid_id(n.id) for n in nodes if isinstance(n, model.Step) and n.urgent]
    if urgent:
        lines.append("    classDef urgent stroke:#b00020,stroke-width:3px")
        lines.append(f"    class {','.join(urgent)} urgent")
    return "\n".join(lines) + "\n"


# Graphviz DOT


def dot_text(text: str) -> str:
    """A quoted DOT string: backslashes and quotes escaped, '&' kept from reading as an entity."""
    text = one_line(text).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")
    return f'"{text}"'


_DOT_SHAPES = {
    "question": "shape=diamond",
    "step": "shape=box",
    "outcome": 'shape=box, style="rounded"',
}


def to_dot(plan: model.Plan) -> str:
    """A Graphviz digraph with the same shapes and marks as the Mermaid chart."""
    nodes = ordered_nodes(plan)
    outside = _outside(nodes)
    lines = [
        "digraph plan {",
        f"    label={dot_text(plan.info.title)};",
        f"    tooltip={dot_text(describe(plan, len(outside)))};",
        "    labelloc=t;",
        '    node [fontname="sans-serif"];',
        '    edge [fontname="sans-serif"];',
    ]
    for node in nodes:
        attrs = _DOT_SHAPES[node.kind]
        if isinstance(node, model.Step) and node.urgent:
            attrs += ', color="#b00020", penwidth=3'
        lines.append(f"    {dot_text(node.id)} [{attrs}, label={dot_text(_label(node))}];")
    for node in nodes:
        for edge in edges(node):
            edge_attrs = [f"label={dot_text(edge.label)}"] if edge.label is not None else []
            edge_attrs += ["style=dashed"] if edge.loop else []
            tail = f" [{', '.join(edge_attrs)}]" if edge_attrs else ""
            lines.append(f"    {dot_text(node.id)} -> {dot_text(edge.target)}{tail};")
    # A node's id has no ':', so "plan:…" names no node of this plan.
    for target, sources in outside.items():
        name = dot_text(PLAN_LINK + target)
        lines.append(f"    {name} [shape=box, peripheries=2, style=dashed, label={name}];")
        lines += [f"    {dot_text(source)} -> {name} [style=dashed];" for source in sources]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_graph(plan: model.Plan, fmt: str = "mermaid") -> str:
    """The plan as a flowchart: fmt is "mermaid" or "dot"."""
    return to_dot(plan) if fmt == "dot" else to_mermaid(plan)
