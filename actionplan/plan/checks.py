"""Checks on a whole plan: references, the graph, dates, placeholders, links and translations."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import typing
from collections.abc import Callable, Iterator
from itertools import compress
from operator import is_not
from typing import Any
from urllib.parse import urlsplit

from actionplan import i18n
from actionplan.cache import Buckets, Store, digest, memory
from actionplan.card import markdown
from actionplan.errors import Pos, Problem, Severity, short
from actionplan.frozen import frozen, mutable
from actionplan.i18n import N_, _, ngettext
from actionplan.identity import ByIdentity
from actionplan.plan import model, translate
from actionplan.plan.graph import Graph, graph_of
from actionplan.plan.merge import text_keys
from actionplan.plan.shapes import fields_of, shape
from actionplan.suggest import closest

W = Severity.WARNING


class Kept:
    """Each object's problems, as one check found them when it last checked the same plan
    folder in this process: `serve` checks again after every save (cache.Memory, kind
    "checks"), and most objects are the ones it checked before.

    An entry is used only for the very objects it was found for (the model is immutable, and
    the cache hands back the objects of a file that did not change, not copies), and only while
    everything else the check reads, its `context`, is equal to what it was (such as the set of
    node ids, for a link to a node); otherwise the object is checked anew.  Kept only where the
    process has a memory of its builds; `always`, also for what one check hands the next in the
    same build (each object's texts, walked once: texts_of).
    """

    def __init__(
        self, check: str, plan: model.Plan, context: object = (), always: bool = False
    ) -> None:
        self.context = (i18n.language(), context)  # messages are in the language asked for
        self.new: dict[object, tuple[Any, Any, Any]] = {}
        self.old: dict[object, tuple[Any, Any, Any]] = {}
        self.always = always
        kept = memory()
        self.on = always or kept is not None
        if kept is None:
            return
        where = (check, str(plan.root))
        last_context, last = kept.recall("checks", where) or (None, {})
        if last_context == self.context:
            self.old = last
        kept.keep("checks", where, (self.context, self.new))

    def __call__(
        self, key: object, obj: Any, find: Callable[..., Any], *args: Any, also: Any = None
    ) -> Any:
        """What `find(*args)` gives for `obj` (and `also`, where it reads a second object), kept
        under `key` (unique among the check's objects)."""
        if not self.on:  # a build in a process that checks once: nothing to keep
            return find(*args)
        entry = self.new.get(key) if self.always else None  # asked for before in this build
        if entry is None or entry[0] is not obj or entry[1] is not also:
            entry = self.old.get(key)
            if entry is None or entry[0] is not obj or entry[1] is not also:
                entry = (obj, also, find(*args))
            self.new[key] = entry
        return entry[2]


# The last walk of the texts of each plan alive (texts_of).
_texts: ByIdentity[model.Plan, Kept] = ByIdentity()


def texts_of(plan: model.Plan) -> Kept:
    """Each object's texts (texts_in), walked once for the plan's own checks and its links to
    other plans: a walk after the first of the same plan starts from what the one before it
    found."""
    texts = Kept("texts", plan, always=True)
    last = _texts.get(plan)
    if last is not None:
        texts.old = last.new
    _texts.put(plan, texts)
    return texts


CHECKS = "checks"  # the store of what the checks found, kept across processes


class Lasting:
    """What the checks of one build found in each node read from a split file, kept in the
    cache for the builds after it in other processes: a rebuild after a one-word edit checks
    again only the node it changed (_check_nodes).

    A node's entry is kept under the digest of the text it was read from (`merge.text_key`,
    which holds the file's name and role and the tool's code).  It holds a digest of the
    checks' names, the messages' language and everything else the checks read (`context`: the
    plan's ids, say), the line the node was at, what each check found there, and the digest of
    what the graph check reads of it.  In buckets (cache.Buckets) by the node's digest: an edit
    writes again the one or two buckets of the nodes it changed.
    """

    def __init__(self, plan: model.Plan, name: str, context: object) -> None:
        self.name = name
        self.key = hashlib.blake2b(
            _stable((name, i18n.language(), context)), digest_size=8
        ).digest()
        self.table: dict[bytes, Any] = {}
        store = Store(CHECKS)
        self.buckets = (
            Buckets(store, digest(CHECKS, name, str(plan.root)), len(plan.nodes))
            if store.on
            else None
        )
        if self.buckets is not None:
            self.table = self.buckets.all()

    def use(self, entries: list[tuple[bytes, tuple[bytes, int, tuple[Any, ...], bytes]]]) -> None:
        """Keep each node's entry, by the digest of its text."""
        assert self.buckets is not None
        self.buckets.use_all(entries)

    def save(self) -> None:
        if self.buckets is not None:
            self.buckets.save_later()  # serve writes it once the card is out


# A check of one node: its name, and what it finds in the node (given its id and the node).
NodeCheck = tuple[str, Callable[[str, model.Node], list[Problem]]]
BY_LINE = frozenset({"options"})  # checks whose messages name a line: taken again at that line


def _check_nodes(
    plan: model.Plan, lasting: Lasting, node_checks: list[NodeCheck], graph: Graph | None = None
) -> tuple[dict[str, list[Problem]], list[bytes] | None]:
    """What each check finds in each node, by the check's name, in the plan's order, and (with
    `graph`, where the cache is on) the digest of what the graph check reads of each node.

    A node read from a split file whose entry in `lasting` was found under the same context is
    not checked again: at the same line, what was found is found again; a node that only moved
    (lines added or removed above it) has its problems moved as far, but for the checks whose
    messages name a line (BY_LINE).  Only what lies in the node's own file is kept.

    In a process that checks again (`serve`: cache.Memory, kind "nodes checked"), under the
    same context (which holds the node ids, in order), a node that is the very object it was in
    the last check of the plan's folder has what it had then, and only the others are looked
    at: a save walks the node it changed, not 10 000.
    """
    buckets = lasting.buckets
    keys, values = list(plan.nodes), list(plan.nodes.values())
    where = (lasting.name, str(plan.root), tuple(name for name, _find in node_checks))
    kept = memory()
    last: _NodesChecked | None = kept.recall("nodes checked", where) if kept else None
    if (
        last is not None
        and last.context == lasting.key
        and last.keys == keys
        and (last.ways is None) == (graph is None or buckets is None)
        and (last.buckets.names if last.buckets else None) == (buckets.names if buckets else None)
    ):
        at = list(compress(range(len(values)), map(is_not, values, last.values)))
        results, ways, used = dict(last.results), last.ways, last.used
        if at:
            ways, used = (list(ways) if ways is not None else None), list(used)
    else:
        last = None
        at = list(range(len(values)))
        results, used = {}, [None] * len(values)
        ways = [b""] * len(values) if buckets is not None and graph is not None else None
    writtens = text_keys(map(values.__getitem__, at)) if buckets else [None] * len(at)
    table, context = lasting.table, lasting.key
    for i, written in zip(at, writtens, strict=True):
        found_in, way, entry = _check_node(
            keys[i], values[i], written, table, context, node_checks, graph if ways else None
        )
        if found_in:
            results[i] = found_in
        else:
            results.pop(i, None)
        if ways is not None:
            ways[i] = way
        used[i] = (written, entry) if entry is not None else None  # type: ignore[assignment]
    found: dict[str, list[Problem]] = {name: [] for name, _find in node_checks}
    for i in sorted(results):
        for name, problems in results[i]:
            found[name] += problems
    if buckets is not None:
        if last is not None and last.buckets is not None:
            gone = [last.used[i] for i in at]
            buckets.use_again(
                last.buckets, [u[0] for u in gone if u is not None], [used[i] for i in at]
            )
        else:
            lasting.use([u for u in used if u is not None])
    if kept is not None:
        checked = _NodesChecked(context, keys, values, results, ways, used, buckets)
        kept.keep("nodes checked", where, checked)
    return found, ways


def _check_node(
    key: str,
    node: model.Node,
    written: bytes | None,
    table: dict[bytes, Any],
    context: bytes,
    node_checks: list[NodeCheck],
    graph: Graph | None,
) -> tuple[tuple[tuple[str, tuple[Problem, ...]], ...], bytes, Any]:
    """What the checks find in one node (_check_nodes): by each check's name, those that
    found any; the digest of what the graph check reads of it (with `graph`); and its entry to
    keep in the cache, or None."""
    line = node.pos.line
    entry = table.get(written) if written is not None and line else None
    if not (type(entry) is tuple and len(entry) == 4 and entry[0] == context):
        entry = None
    elif entry[1] == line:  # as it was: nothing to check
        return entry[2], entry[3], entry
    results = []
    keep = written is not None and line > 0
    for name, find in node_checks:
        if entry is not None and name not in BY_LINE:
            problems = _moved(dict(entry[2]).get(name, ()), line - entry[1])
        else:
            problems = tuple(find(key, node))
        if problems:
            results.append((name, problems))
            keep = keep and all(p.pos.file == node.pos.file for p in problems)
    way = _ways_digest(key, node, graph) if graph is not None else b""
    return tuple(results), way, ((context, line, tuple(results), way) if keep else None)


@mutable
class _NodesChecked:
    """The last _check_nodes of a plan folder by a Lasting's name and checks, in a process that
    checks again: its context, the nodes, what was found in each that had anything (by its
    place), each node's ways' digest and its entry kept (or None), and the buckets they went to."""

    context: bytes
    keys: list[str]
    values: list[model.Node]
    results: dict[int, tuple[tuple[str, tuple[Problem, ...]], ...]]
    ways: list[bytes] | None
    used: list[tuple[bytes, Any] | None]
    buckets: Buckets | None


def _moved(problems: tuple[Problem, ...], by: int) -> tuple[Problem, ...]:
    """The problems with every position `by` lines further down."""
    return tuple(
        dataclasses.replace(p, pos=p.pos._replace(line=p.pos.line + by)) if p.pos.line else p
        for p in problems
    )


def _stable(value: object) -> bytes:
    """A context as bytes that are the same in every process (a set's items in order)."""
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        return b"s%d:" % len(data) + data
    if isinstance(value, tuple | list | frozenset | set):
        kind = b"f" if isinstance(value, frozenset | set) else b"t"
        with contextlib.suppress(TypeError):  # strings alone (ids): one join, where none holds NUL
            items = sorted(value) if kind == b"f" else value
            joined = "\0".join(items)
            if joined.count("\0") == max(len(items) - 1, 0):
                return kind + b"%d:" % len(items) + joined.encode("utf-8", "surrogatepass") + b";"
        parts = [_stable(item) for item in value]
        return kind + b"%d/" % len(parts) + b"".join(sorted(parts) if kind == b"f" else parts)
    if isinstance(value, typing.Mapping):
        return b"m%d:" % len(value) + b"".join(_stable(k) + _stable(v) for k, v in value.items())
    if value is None or type(value) in (bool, int):
        return repr(value).encode() + b";"
    raise TypeError(f"no stable form for {type(value).__name__}")


def _ids(plan: model.Plan) -> tuple[tuple[str, ...], ...]:
    """The ids of the plan's nodes, contacts and laws, in order ("did you mean" chooses among
    them in their order)."""
    return tuple(plan.nodes), tuple(plan.contacts), tuple(plan.laws)


def check(plan: model.Plan, today: dt.date | None = None) -> list[Problem]:
    """Every problem in a merged plan, errors and warnings, in a stable order.

    What the checks of one node find is kept across processes (Lasting); the dates, which
    depend on the day, and the translations, which read two objects, are checked every time.
    """
    today = today or dt.date.today()
    problems: list[Problem] = []
    graph = graph_of(plan)
    context = (_ids(plan), plan.upstream)
    lasting = Lasting(plan, "checks", context)
    texts = texts_of(plan)
    # Each node's checks, by the check, in the plan's order (see _check_nodes).
    found, ways = _check_nodes(plan, lasting, _node_checks(plan, graph, texts, context), graph)
    _links_in_nodes.put(plan, found["plan links"])
    problems += check_references(plan, graph) + found["references"]
    if not any(p.is_error for p in problems):
        problems += check_graph(plan, graph, ways)
    problems += found["options"]
    problems += found["key_do_not"]
    problems += check_contacts(plan)
    problems += check_sources(plan) + found["sources"]
    problems += check_text(plan, found["text"], texts)
    problems += check_dates(plan, today)
    problems += check_translations(plan)
    lasting.save()
    return problems


def _node_checks(plan: model.Plan, graph: Graph, texts: Kept, context: object) -> list[NodeCheck]:
    """The checks of one node.  In a process that checks once, which keeps nothing, each finder
    is called as it is, without a Kept's call in between (six calls a node); where the process
    checks again, each is kept (Kept), by its own name and context."""
    finders: list[NodeCheck] = [
        ("references", lambda k, n: _node_references(plan, graph, k, n)),
        ("options", lambda k, n: _question_options(n) if isinstance(n, model.Question) else []),
        ("key_do_not", lambda k, n: _step_key_donts(n) if isinstance(n, model.Step) else []),
        ("sources", lambda k, n: _home_pages(n)),
        ("text", lambda k, n: _texts_problems(plan, texts, ("node", k), n, True)),
        # Not problems: the links to other plans, for check_plan_links to look up.
        ("plan links", lambda k, n: _texts_plan_links_in(texts, ("node", k), n)),
    ]
    if memory() is None:
        return finders
    keeping = {  # each check's Kept: its name, its context, and whether it keys by ("node", id)
        "references": ("references", _ids(plan), False),
        "options": ("options", (), False),
        "key_do_not": ("key_do_not", (), False),
        "sources": ("node sources", (), True),
        "text": ("node text", context, True),
        "plan links": ("node plan links", (), True),
    }
    return [
        (name, _kept_check(Kept(keeping[name][0], plan, keeping[name][1]), find, keeping[name][2]))
        for name, find in finders
    ]


def _kept_check(
    kept: Kept, find: Callable[[str, model.Node], Any], by_node: bool
) -> Callable[[str, model.Node], Any]:
    if by_node:
        return lambda k, n: kept(("node", k), n, find, k, n)
    return lambda k, n: kept(k, n, find, k, n)


def check_references(plan: model.Plan, graph: Graph) -> list[Problem]:
    """Ids in the plan's metadata that name no node or contact (a node's own: _node_references)."""
    problems = []
    if plan.info.start not in plan.nodes:
        problems.append(_missing("node", plan.info.start, plan.info.where("start"), plan.nodes))
    for i, cid in enumerate(plan.info.emergency):
        if cid not in plan.contacts:
            problems.append(
                _missing("contact", cid, item_pos(plan.info, "emergency", i), plan.contacts)
            )
    return problems


def _node_references(plan: model.Plan, graph: Graph, key: str, node: model.Node) -> list[Problem]:
    problems = []
    for edge in graph.ways[key]:
        if edge.target not in plan.nodes:
            problems.append(_missing("node", edge.target, edge.pos, plan.nodes))
    for i, cid in enumerate(getattr(node, "contacts", ())):
        if cid not in plan.contacts:
            problems.append(_missing("contact", cid, item_pos(node, "contacts", i), plan.contacts))
    for i, lid in enumerate(getattr(node, "legal", ())):
        if lid not in plan.laws:
            problems.append(_missing("law", lid, item_pos(node, "legal", i), plan.laws))
    return problems


def item_pos(obj: model.Located, name: str, index: int | None) -> Pos:
    """Where item `index` of list field `name` was written; the field itself for None."""
    if index is None:
        return obj.where(name)
    return obj.at.get(f"{name}.{index}") or obj.where(name)


_NO_SUCH = {  # (message, hint) for an id that names nothing, by what it should name
    "node": (N_("no node with the id '{id}'"), N_("define a node '{id}', or fix the id")),
    "contact": (N_("no contact with the id '{id}'"), N_("define a contact '{id}', or fix the id")),
    "law": (N_("no law with the id '{id}'"), N_("define a law '{id}', or fix the id")),
}


def _missing(kind: str, ref: str, pos: Pos, known: typing.Mapping[str, Any]) -> Problem:
    match = closest(ref, known)
    message, define = _NO_SUCH[kind]
    hint = _("did you mean '{match}'?").format(match=match) if match else _(define).format(id=ref)
    return Problem(pos, _(message).format(id=ref), hint)


def check_graph(plan: model.Plan, graph: Graph, ways: list[bytes] | None = None) -> list[Problem]:
    """Unreachable nodes, cycles that are not marked as loops, and nodes that reach no outcome.

    The walks read each node's id, kind, place and ways on (with theirs) and nothing else: where
    none of those changed since a check of the plan (an edit of a text, say), what that check
    found is found again: in a process that checks again, from its last check (cache.Memory,
    kind "graph checked": what else it read, the nodes, their ways, what it found), and in any
    process, from the cache, under a digest of each node's (`ways`, from _check_nodes).
    """
    kept = memory()
    where, context = str(plan.root), (i18n.language(), plan.info.start)
    if kept is not None:
        last = kept.recall("graph checked", where)
        if last is not None and last[0] == context and _same_ways(last[1], last[2], plan, graph):
            return list(last[3])
    store = Store(CHECKS)
    key = digest("graph", _stable(context), b"".join(ways)) if store.on and ways else ""
    problems = store.get(key, list) if key else None
    if problems is None or not all(type(p) is Problem for p in problems):
        problems = _check_graph(plan, graph)
        if key:
            store.put(key, list(problems))
    if kept is not None:
        kept.keep("graph checked", where, (context, plan.nodes, graph.ways, problems))
    return list(problems)


def _ways_digest(key: str, node: model.Node, graph: Graph) -> bytes:
    """A digest of what the graph check reads of one node: its id, kind, place and ways on."""
    ways = (key, type(node).__name__, node.pos, graph.ways[key], node.where("options"))
    return hashlib.blake2b(repr(ways).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _same_ways(
    nodes: typing.Mapping[str, model.Node], ways: dict[str, Any], plan: model.Plan, graph: Graph
) -> bool:
    """Whether the plan's nodes are those (in the same order), each of the same kind, at the
    same place and with the same ways on; a node that is the very object it was is."""
    now = plan.nodes
    if len(nodes) != len(now) or list(nodes) != list(now):
        return False
    # Only the nodes that are not the objects they were are looked at (in C, the others).
    for key in compress(now, map(is_not, now.values(), nodes.values())):
        node, was = now[key], nodes[key]
        if (
            type(node) is not type(was)
            or node.pos != was.pos
            or graph.ways[key] != ways[key]
            or node.where("options") != was.where("options")
        ):
            return False
    return True


def _check_graph(plan: model.Plan, graph: Graph) -> list[Problem]:
    problems = []
    nodes = plan.nodes
    reached = graph.reachable()
    # A question without options cuts off all it led to: its own error says what to fix, and
    # every node behind it reported as unreachable as well would bury that error.
    cut_off = any(
        isinstance(node, model.Question) and not node.options and node.id in reached
        for node in nodes.values()
    )
    for node in nodes.values():
        if node.id not in reached and not cut_off:
            problems.append(
                Problem(
                    node.pos,
                    _("node '{id}' cannot be reached from the start").format(id=node.id),
                    _("lead to it from an option or a step's 'next', or remove it"),
                )
            )
        if isinstance(node, model.Question) and not node.options:
            problems.append(
                Problem(
                    node.where("options"),
                    _("question '{id}' has no options").format(id=node.id),
                    _("add at least one option with 'label' and 'next'"),
                )
            )
    for cycle, edge in graph.unmarked_cycles():
        problems.append(
            Problem(
                edge.pos,
                _("this leads back to an earlier node: {cycle}").format(cycle=" → ".join(cycle)),
                _("mark it with 'loop: true' if the loop is intended"),
            )
        )
    # Every node must lead on to an outcome.
    ends = graph.leading_to(graph.outcomes)
    for node in nodes.values():
        dead_end = isinstance(node, model.Question) and not node.options  # reported above
        if node.id in reached and node.id not in ends and not dead_end:
            problems.append(
                Problem(
                    node.pos,
                    _("no path from '{id}' reaches an outcome").format(id=node.id),
                    _("lead it on to an outcome node, the end of a path"),
                )
            )
    return problems


def _question_options(node: model.Question) -> list[Problem]:
    problems = []
    seen: dict[str, model.Option] = {}
    for option in node.options:
        key = option.label.strip().casefold()
        if key in seen:
            label = short(option.label)
            problems.append(
                Problem(
                    option.where("label"),
                    _("two options on '{id}' read '{label}'").format(id=node.id, label=label),
                    _("the first is on line {line}; give each option its own label").format(
                        line=seen[key].pos.line
                    ),
                )
            )
        seen.setdefault(key, option)
    if node.may_be_unknown and not any(o.unknown for o in node.options):
        problems.append(
            Problem(
                node.where("may_be_unknown"),
                _(
                    "question '{id}' asks for something the reader may not know, "
                    "but has no option for 'don't know'"
                ).format(id=node.id),
                _("add one, such as 'Ved ikke', with unknown: true, leading to the safer handling"),
                W,
            )
        )
    return problems


def _step_key_donts(node: model.Step) -> list[Problem]:
    problems = []
    count = len(node.do_not)
    for i, number in enumerate(node.key_do_not):
        if not 1 <= number <= count:
            has = (
                ngettext("{n} warning", "{n} warnings", count).format(n=count)
                if count
                else _("no warnings")
            )
            message = _("key_do_not names warning {number}, but step '{id}' has {has}")
            problems.append(
                Problem(
                    item_pos(node, "key_do_not", i),
                    message.format(number=number, id=node.id, has=has),
                    (
                        _("name one of 1 to {count}").format(count=count)
                        if count > 1
                        else _("name 1")
                    )
                    if count
                    else _("add the warning to do_not, or remove key_do_not"),
                )
            )
    return problems


def check_contacts(plan: model.Plan) -> list[Problem]:
    return [
        Problem(
            c.pos,
            _("contact '{id}' has no phone, url or email").format(id=c.id),
            _("add at least one way to reach them"),
        )
        for c in plan.contacts.values()
        if not any(getattr(c, way) for way in c.REACHED_BY)
    ]


# Fields that name the page a fact comes from: a site's home page does not state the fact. A
# contact's own `url` may be a home page: it is where the reader goes, not a source.
DEEP_LINKS = {
    model.Contact: ("source",),
    model.Law: ("url", "source"),
    model.Source: ("url",),
}


def is_home_page(url: str) -> bool:
    """True for an address with no path, query or fragment, such as https://politi.dk/."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query and not parts.fragment


def check_sources(plan: model.Plan) -> list[Problem]:
    """Sources and law links that are a site's home page rather than the page itself, but in
    the nodes (check runs _home_pages for each node)."""
    problems = []
    kept = Kept("sources", plan)
    for key, top in other_objects(plan):
        problems += kept(key, top, _home_pages, top)
    return problems


def _home_pages(top: model.Located) -> list[Problem]:
    problems: list[Problem] = []
    may_link = _MAY_LINK.get(type(top))
    if not (_may_link(type(top)) if may_link is None else may_link):
        return problems  # no object with an address of a source can be inside: a question
    for obj in objects(top):
        for name in DEEP_LINKS.get(type(obj), ()):
            url = getattr(obj, name)
            if url and not isinstance(url, model.Placeholder) and is_home_page(url):
                problems.append(
                    Problem(
                        obj.where(name),
                        _("{key} '{url}' is a home page, not the page that states it").format(
                            key=name, url=short(url, 60)
                        ),
                        _("link to the page itself, so that a reader can check it there"),
                        W,
                    )
                )
    return problems


def _layout(cls: type) -> tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]:
    """Per model class, worked out once (kept in _LAYOUTS by objects()): its text fields (name,
    is Markdown) and the fields that can hold further model objects, last first (as a walk takes
    them off its stack)."""
    texts, children = [], []
    for f, hint in fields_of(cls).values():
        kinds = _kinds(hint)
        if kinds & {"object", "node", "text-or"}:
            children.append(f.name)
        if kinds & {"str", "text-or"}:
            texts.append((f.name, model.MARKDOWN in repr(hint)))
    return tuple(texts), tuple(reversed(children))


def _kinds(hint: Any) -> set[str]:
    kind, arg = shape(hint)
    if kind in ("optional", "list", "map"):
        return {kind} | _kinds(arg)
    if kind == "format":
        return _kinds(arg[0])
    return {kind}


def _may_link(cls: type) -> bool:
    """Whether an object of a model class may hold an object of one of DEEP_LINKS's classes,
    itself included, by the type hints of the fields objects() walks into (kept in _MAY_LINK)."""
    seen: set[type] = set()
    todo = [cls]
    while todo:
        found = todo.pop()
        if found not in seen:
            seen.add(found)
            todo.extend(c for _f, hint in fields_of(found).values() for c in _classes_in(hint))
    linked = _MAY_LINK[cls] = any(c in DEEP_LINKS for c in seen)
    return linked


def _classes_in(hint: Any) -> list[type]:
    """The model classes a type hint holds, through optional, list and map."""
    kind, arg = shape(hint)
    if kind in ("optional", "list", "map"):
        return _classes_in(arg)
    if kind in ("object", "text-or"):
        return [arg]
    if kind == "node":
        return list(model.NODE_KINDS.values())
    return []


_MAY_LINK: dict[type, bool] = {}


# _layout by class, looked up without a call: a large plan's walks ask for every object.
_LAYOUTS: dict[type, tuple[tuple[tuple[str, bool], ...], tuple[str, ...]]] = {}


def objects(value: Any) -> list[model.Located]:
    """Every model object inside value, itself included, depth first."""
    found: list[model.Located] = []
    todo = [value]
    layouts = _LAYOUTS
    while todo:
        value = todo.pop()
        layout = layouts.get(type(value))  # a model object's class, once it has been seen
        if layout is None:
            if isinstance(value, model.Located):
                layout = layouts[type(value)] = _layout(type(value))
            else:
                if isinstance(value, tuple):
                    todo.extend(reversed(value))
                elif isinstance(value, typing.Mapping):
                    todo.extend(reversed(list(value.values())))
                continue
        found.append(value)
        for name in layout[1]:
            child = getattr(value, name)
            if child:  # None, () and {} hold nothing
                todo.append(child)
    return found


def plan_objects(plan: model.Plan) -> Iterator[model.Located]:
    for part in (plan.info, plan.local, plan.contacts, plan.laws, plan.nodes):
        yield from objects(part)


def top_objects(plan: model.Plan) -> Iterator[tuple[object, Any]]:
    """(key, object) for each object at the top of the plan: its metadata, settings, each
    contact, law and node; what plan_objects walks into, in the same order."""
    yield from other_objects(plan)
    for key, obj in plan.nodes.items():
        yield ("node", key), obj


def other_objects(plan: model.Plan) -> Iterator[tuple[object, Any]]:
    """top_objects but the nodes: the metadata, settings, each contact and law."""
    yield "plan", plan.info
    yield "local", plan.local
    for kind, part in (("contact", plan.contacts), ("law", plan.laws)):
        for key, obj in part.items():
            yield (kind, key), obj


def translated_objects(plan: model.Plan) -> Iterator[tuple[object, Any]]:
    """(key, translation) for each translation and draft, which hold translated texts."""
    for lang, tr in {**plan.translations, **plan.drafts}.items():
        yield ("translation", lang), tr


# (object, field name, list index or None, text, is Markdown)
Text = tuple[model.Located, str, int | None, str, bool]


def texts_in(top: Any) -> list[Text]:
    """Every text of the objects inside `top`, itself included, items of a list each on their
    own (index None for a field that is one text)."""
    found: list[Text] = []
    for obj in objects(top):
        for name, is_md in _LAYOUTS[type(obj)][0]:  # objects() has put each class's there
            text = getattr(obj, name)
            if isinstance(text, str):
                found.append((obj, name, None, text, is_md))
            elif text and isinstance(text, tuple):
                for i, item in enumerate(text):
                    if isinstance(item, str):
                        found.append((obj, name, i, item, is_md))
    return found


def check_text(plan: model.Plan, in_nodes: list[Problem], texts: Kept) -> list[Problem]:
    """Every text in one walk: placeholders left in the plan, and links in Markdown (the
    translations' too): only safe schemes, no images, in-plan links to existing nodes.  What
    the nodes' texts have (`in_nodes`) is found by check, node by node, with `texts`, each
    object's texts as check walked them: kept so beside the nodes', the plan links take them
    all (a Kept of its own here would be the one they find, without the nodes')."""
    problems = []
    kept = Kept("text", plan, (_ids(plan), plan.upstream))
    for key, top in other_objects(plan):
        problems += kept(key, top, _texts_problems, plan, texts, key, top, True)
    problems += in_nodes
    for key, top in translated_objects(plan):
        problems += kept(key, top, _texts_problems, plan, texts, key, top, False)
    return problems


def _texts_problems(
    plan: model.Plan, texts: Kept, key: object, top: Any, placeholders: bool
) -> list[Problem]:
    """_text_problems of the texts in `top`, walked once for this check and the plan links."""
    return _text_problems(plan, texts(key, top, texts_in, top), placeholders)


def _text_problems(plan: model.Plan, texts: list[Text], placeholders: bool) -> list[Problem]:
    problems = []
    for obj, name, index, text, is_md in texts:
        if placeholders and isinstance(text, model.Placeholder):
            pos = item_pos(obj, name, index)
            problems.append(
                Problem(
                    pos,
                    _("placeholder not filled in: {text}").format(text=short(text, 60)),
                    _placeholder_hint(obj, name)
                    if pos.file in plan.upstream
                    else _("replace {placeholder: ...} with the real value in local.yaml")
                    if pos.file.rsplit("/", 1)[-1] == "local.yaml"
                    else _("replace {placeholder: ...} with the real value"),
                    W,
                )
            )
        elif is_md:
            problems += _link_problems(plan, obj, name, index, text)
    return problems


def text_line_pos(obj: model.Located, name: str, index: int | None, line: int) -> Pos:
    """Where line `line` (from 0) of a text field (or of item `index` of it) was written."""
    key = name if index is None else f"{name}.{index}"
    placed = obj.at.get(f"{key}@{line}") if line else None
    if placed is not None:  # recorded by the reader for a text over several lines
        return placed
    field_pos = item_pos(obj, name, index)
    return field_pos._replace(line=field_pos.line + line) if field_pos.line and line else field_pos


def _placeholder_hint(obj: model.Located, name: str) -> str:
    """How to fill in a placeholder that the base plan asks for, in the project's own layer."""
    if isinstance(obj, model.Contact):
        key = f"contacts: {obj.id}: {name}"
    elif isinstance(obj, model.LocalSettings):
        key = f"local: {name}"
    elif isinstance(obj, model.PlanInfo):
        key = f"plan: {name}"
    else:
        return _("the base plan leaves it to you: give the value in your local layer")
    return _("the base plan leaves it to you: set '{key}' in your local layer").format(key=key)


def _link_problems(
    plan: model.Plan, obj: model.Located, name: str, index: int | None, text: str
) -> list[Problem]:
    if not markdown.may_have_links(text):
        return []
    problems = []
    previous = ""
    for href, line in markdown.links(text):
        pos = text_line_pos(obj, name, index, line)
        if href == "image:":  # follows the image's own address
            problems.append(
                Problem(
                    pos,
                    _("an image is not allowed in text: '{url}'").format(url=previous[:60]),
                    _("the card loads nothing from outside: describe the image, or link to it"),
                )
            )
        elif href.strip()[:4].lower() == "tel:" and not markdown.is_phone_link(href):
            problems.append(
                Problem(
                    pos,
                    _("a tel: link must be a phone number and nothing else: '{href}'").format(
                        href=href[:60]
                    ),
                    _(
                        "use digits, spaces, '+', '-' and brackets only: a phone dials '*', '#', "
                        "',' and ';' as codes the reader never sees"
                    ),
                )
            )
        elif not markdown.is_safe_link(href):
            problems.append(
                Problem(
                    pos,
                    _("link to '{href}' is not allowed").format(href=href[:60]),
                    _(
                        "links may use https:, http:, mailto:, tel:, "
                        "#node-id for a node of the plan, or plan:id for another plan"
                    ),
                )
            )
        elif markdown.hides_host(href):
            problems.append(
                Problem(
                    pos,
                    _("link to '{href}' has a name before '@' in its host").format(href=href[:60]),
                    _(markdown.HIDDEN_HOST_HINT),
                )
            )
        elif (reason := markdown.host_problem(href)) is not None:
            problems.append(
                Problem(
                    pos,
                    _("link to '{href}' leads to no site").format(href=href[:60]),
                    _(markdown.NO_SITE_HINT).format(reason=_(reason)),
                )
            )
        elif (lookalike := markdown.not_latin(href)) is not None:
            what = _("a link")
            problems.append(
                Problem(pos, *markdown.looks_like(what, href, *lookalike), Severity.WARNING)
            )
        elif href[:4].lower() == "tel:" and markdown.too_many_digits(markdown.called(href)):
            number = markdown.called(href)
            what = _("a tel: link")
            problems.append(Problem(pos, *markdown.too_long_number(number, what)))
        elif href.startswith("#") and href[1:] not in plan.nodes:
            problems.append(_missing("node", href[1:], pos, plan.nodes))
        previous = href
    for href, label, line in markdown.phone_links(text):
        if markdown.is_phone_link(href) and not markdown.shows_number(label, href):
            pos = text_line_pos(obj, name, index, line)
            number = markdown.called(href)
            problems.append(
                Problem(
                    pos,
                    _(
                        "the text of a link to call {number} does not show that number: '{label}'"
                    ).format(number=number, label=short(label, 40)),
                    _("show the number it calls, such as [Ring {number}]({href})").format(
                        number=number, href=href.strip()[:64]
                    ),
                )
            )
    return problems


def check_plan_links(
    plan: model.Plan, plans: typing.Mapping[str, typing.Collection[str] | None]
) -> list[Problem]:
    """Links to another plan of the project (plan:<id> or plan:<id>#<node>) that lead nowhere.

    `plans` maps each plan's name to its node ids, or to None for a plan that has errors of its
    own (links into it are then not checked: its own errors say what to fix first).  The links
    in the nodes are those `check` found with the other checks of each node (kept as they are:
    most nodes have none, whatever the other plans are); only they are looked up in `plans`.
    """
    problems = []
    texts = texts_of(plan)
    kept = Kept("plan links", plan, dict(plans))
    for key, top in other_objects(plan):
        problems += kept(key, top, _texts_plan_links, plans, texts, key, top)
    in_nodes = _links_in_nodes.get(plan)
    if in_nodes is None:  # a plan `check` has not checked
        in_nodes = [
            link
            for k, n in plan.nodes.items()
            for link in _texts_plan_links_in(texts, ("node", k), n)
        ]
    problems += [p for link in in_nodes for p in _plan_link_problems(plans, link.message, link.pos)]
    for key, top in translated_objects(plan):
        problems += kept(key, top, _texts_plan_links, plans, texts, key, top)
    return problems


# The links to other plans in the nodes of each plan alive, as `check` found them.
_links_in_nodes: ByIdentity[model.Plan, list[Problem]] = ByIdentity()


def _texts_plan_links(
    plans: typing.Mapping[str, typing.Collection[str] | None], texts: Kept, key: object, top: Any
) -> list[Problem]:
    return [
        p
        for link in _texts_plan_links_in(texts, key, top)
        for p in _plan_link_problems(plans, link.message, link.pos)
    ]


def _texts_plan_links_in(texts: Kept, key: object, top: Any) -> list[Problem]:
    """Each link to another plan in the texts of `top`, as a note whose message is the link
    and whose place is the link's: kept as the problems of a node are, and moved with them."""
    return _plan_links_in(texts(key, top, texts_in, top))


def _plan_links_in(texts: list[Text]) -> list[Problem]:
    found = []
    for obj, name, index, text, is_md in texts:
        # ':' first: most texts have none, and lower() copies each text whole
        if not is_md or ":" not in text or markdown.PLAN_LINK not in text.lower():
            continue
        for href, line in markdown.links(text):
            if href[:5].lower() == markdown.PLAN_LINK:
                found.append(
                    Problem(text_line_pos(obj, name, index, line), href, "", Severity.NOTE)
                )
    return found


def _plan_link_problems(
    plans: typing.Mapping[str, typing.Collection[str] | None], href: str, pos: Pos
) -> list[Problem]:
    """What is wrong with one link to another plan, written at `pos`: none where it leads."""
    target, _hash, node = href[5:].partition("#")
    if target not in plans:
        match = closest(target, plans)
        hint = (
            _("did you mean '{match}'?").format(match=f"plan:{match}")
            if match
            else _("the project's plans are {plans}").format(plans=", ".join(sorted(plans)))
        )
        return [Problem(pos, _("no plan with the id '{id}'").format(id=target), hint)]
    ids = plans[target]
    if node and ids is not None and node not in ids:
        match = closest(node, ids)
        hint = (
            _("did you mean '{match}'?").format(match=f"plan:{target}#{match}")
            if match
            else _("link to a node of the plan '{plan}', or to the plan alone").format(plan=target)
        )
        message = _("the plan '{plan}' has no node with the id '{id}'")
        return [Problem(pos, message.format(plan=target, id=node), hint)]
    return []


@frozen
class Fact:
    """A dated fact of the plan: a contact's or law's details, or the whole plan's review."""

    pos: Pos  # where the date is written
    what: str  # "contact 'politi-114'"
    name: str  # the date's key: verified or reviewed
    when: dt.date
    age: int  # in days, on the day checked
    source: str | None  # where to check it again
    upstream: bool  # the base plan's date, not the project's own


def dated_facts(plan: model.Plan, today: dt.date) -> list[Fact]:
    """Every fact of the plan that carries a date, in the plan's order."""
    dated: list[tuple[Any, str, str]] = [(plan.info, "reviewed", _("the plan"))]
    dated += [(c, "verified", _("contact '{id}'").format(id=c.id)) for c in plan.contacts.values()]
    dated += [(law, "verified", _("law '{id}'").format(id=law.id)) for law in plan.laws.values()]
    return [
        Fact(
            obj.where(name),
            what,
            name,
            getattr(obj, name),
            (today - getattr(obj, name)).days,
            getattr(obj, "source", None),
            obj.where(name).file in plan.upstream,
        )
        for obj, name, what in dated
        if getattr(obj, name) is not None
    ]


def stale_facts(plan: model.Plan, today: dt.date) -> list[Fact]:
    """The facts older than the plan's review period: to be checked again at their source."""
    return [f for f in dated_facts(plan, today) if f.age > plan.info.review_after_days]


def check_dates(plan: model.Plan, today: dt.date) -> list[Problem]:
    """Old dates: the project's are warnings; upstream's are notes, renewed by a newer base plan
    and so never holding up the project's own fix (docs/format.md, Review dates)."""
    limit = plan.info.review_after_days
    problems = []
    for fact in dated_facts(plan, today):
        if fact.age > limit and fact.upstream:
            problems.append(
                Problem(
                    fact.pos,
                    _(
                        "{what} was {key} {age} days ago by the base plan, "
                        "more than review_after_days ({limit})"
                    ).format(what=fact.what, key=fact.name, age=fact.age, limit=limit),
                    _(
                        "check it against {source}, then set {key}: {today} in your local "
                        "layer, or take a newer base plan"
                    ).format(
                        source=fact.source or _("its source"),
                        key=fact.name,
                        today=today.isoformat(),
                    ),
                    Severity.NOTE,
                )
            )
        elif fact.age > limit:
            problems.append(
                Problem(
                    fact.pos,
                    _(
                        "{what} was {key} {age} days ago, more than review_after_days ({limit})"
                    ).format(what=fact.what, key=fact.name, age=fact.age, limit=limit),
                    _("check it again, then set {key}: {today}").format(
                        key=fact.name, today=today.isoformat()
                    ),
                    W,
                )
            )
        elif fact.age < 0:
            problems.append(
                Problem(
                    fact.pos,
                    _("{what} has a '{key}' date in the future: {when}").format(
                        what=fact.what, key=fact.name, when=fact.when
                    ),
                    _("check the date"),
                )
            )
    return problems


# Translations -------------------------------------------------------------------------------


def check_translations(plan: model.Plan) -> list[Problem]:
    """What is missing or stale in each translation; in a draft, only notes (see _as_notes)."""
    problems: list[Problem] = []
    kept = Kept("translations", plan)
    for lang, tr in plan.translations.items():
        problems += _check_translation(plan, lang, tr, kept)
    for lang, tr in plan.drafts.items():
        problems += _as_notes(_check_translation(plan, lang, tr, kept))
    return problems


def _as_notes(problems: list[Problem]) -> list[Problem]:
    """The warnings as notes, which --strict lets pass; errors stay errors."""
    return [
        dataclasses.replace(p, severity=Severity.NOTE) if p.severity is W else p for p in problems
    ]


def _check_translation(
    plan: model.Plan, lang: str, tr: model.Translation, kept: Kept
) -> list[Problem]:
    problems: list[Problem] = []
    pairs: list[tuple[str, model.Located, Any, Pos]] = []
    pairs.append((_("the plan"), plan.info, tr.plan, tr.where("plan")))
    for kind, originals, texts in (
        ("node", plan.nodes, tr.nodes),
        ("contact", plan.contacts, tr.contacts),
        ("law", plan.laws, tr.laws),
    ):
        named = {
            "node": N_("node '{id}'"),
            "contact": N_("contact '{id}'"),
            "law": N_("law '{id}'"),
        }
        for key, text in texts.items():
            if key not in originals:
                problems.append(_missing(kind, key, text.pos, originals))
        for key, original in originals.items():
            what = _(named[kind]).format(id=key)
            pairs.append((what, original, texts.get(key), tr.where(kind + "s")))
    for what, entry, text, pos in pairs:
        # An entry's problems depend on these values, and on the original and its translation.
        problems += kept(
            (lang, what, pos), entry, _check_entry, lang, what, entry, text, pos, also=text
        )
    return problems


def _check_entry(lang: str, what: str, original: Any, text: Any, pos: Pos) -> list[Problem]:
    wanted = translate.wanted(original)
    if text is None:
        if not wanted:
            return []
        return [
            Problem(
                pos,
                _("{what} is not translated into '{lang}'").format(what=what, lang=lang),
                _("add it to translations/{lang}.yaml with fingerprint: {fingerprint}").format(
                    lang=lang, fingerprint=translate.fingerprint(original, wanted)
                ),
                W,
            )
        ]
    problems = []
    for name in wanted:
        if not getattr(text, name, None):
            problems.append(
                Problem(
                    text.pos,
                    _("{what}: '{key}' is not translated into '{lang}'").format(
                        what=what, key=name, lang=lang
                    ),
                    _("add '{key}:' to the entry").format(key=name),
                    W,
                )
            )
    for name in translate.covered(original, text):
        given, source = getattr(text, name), getattr(original, name)
        if isinstance(given, tuple) and len(given) != len(source):
            problems.append(
                Problem(
                    text.where(name),
                    _(
                        "{what}: '{key}' has {given} in the translation "
                        "and {source} in the original"
                    ).format(
                        what=what,
                        key=name,
                        given=ngettext("{n} item", "{n} items", len(given)).format(n=len(given)),
                        source=ngettext("{n} item", "{n} items", len(source)).format(n=len(source)),
                    ),
                    _(
                        "translate each item of the list, in the original's order; "
                        "until then the card shows the original list"
                    ),
                    W,
                )
            )
    expected = translate.fingerprint(original, translate.covered(original, text))
    if text.fingerprint is None:
        problems.append(
            Problem(
                text.pos,
                _("{what}: the translation has no fingerprint").format(what=what),
                _(
                    "if it matches the original, run 'actionplan stamp' or add "
                    "fingerprint: {fingerprint}"
                ).format(fingerprint=expected),
                W,
            )
        )
    elif text.fingerprint != expected:
        problems.append(
            Problem(
                text.where("fingerprint"),
                _(
                    "{what}: the translation into '{lang}' is stale: "
                    "the original has changed since it was translated"
                ).format(what=what, lang=lang),
                _("update the translation, then set fingerprint: {fingerprint}").format(
                    fingerprint=expected
                ),
                W,
            )
        )
    return problems
