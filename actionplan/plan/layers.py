"""The local layer: a municipality's own files, read as what they change in the base plan.

The plan's metadata, the local settings and the contacts are overridden key by key, so they are
read as Partial objects that hold only the keys a file gives; nodes and laws replace the base's
by id, so they are read whole.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

import yaml

from actionplan.errors import Problems
from actionplan.frozen import mutable
from actionplan.i18n import _
from actionplan.plan import model
from actionplan.plan.loader import SourceFile
from actionplan.plan.shapes import fields_of, is_required
from actionplan.plan.validate import Partial, Reader

# The sections overridden key by key: each is read on its own, before the rest of the file.
_BY_KEY = ("plan", "local", "contacts")


@mutable
class LayerFile:
    """What one file of the local layer gives: nothing of a part that has errors."""

    content: model.LocalFile | None = None  # nodes and laws, each replacing the base's
    contacts: dict[str, Partial] = field(default_factory=dict)
    plan: Partial | None = None
    local: Partial | None = None


def read_layer_file(source: SourceFile, problems: Problems) -> LayerFile:
    """One file of the local layer, each problem reported into problems.

    Once its aliases have expanded too far, the file gives nothing read after that point, nor
    its nodes and laws.
    """
    reader = Reader(source, problems)
    root = source.root
    if not isinstance(root, yaml.MappingNode):
        reader.fail(
            root,
            _("{file} must be a mapping, found a list or text").format(file=source.path.name),
            _("start it with 'local:', 'contacts:' or 'nodes:'"),
        )
        return LayerFile()
    by_key: dict[str, yaml.Node | None] = dict.fromkeys(_BY_KEY)
    rest_pairs = []
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in by_key:
            rest_pairs.append((key_node, value_node))
        elif not (isinstance(value_node, yaml.ScalarNode) and value_node.tag.endswith(":null")):
            by_key[key] = value_node
    rest = yaml.MappingNode(root.tag, rest_pairs, root.start_mark, root.end_mark)
    what = _("the file {name}").format(name=source.path.name)
    layer = LayerFile(reader.read_section(rest, model.LocalFile, what))
    if by_key["contacts"] is not None:
        layer.contacts = reader.read_partial_map(by_key["contacts"], model.Contact, "'contacts'")
    if by_key["plan"] is not None:
        layer.plan = reader.read_section(by_key["plan"], model.PlanInfo, "'plan'", partial=True)
    if by_key["local"] is not None:
        layer.local = reader.read_section(
            by_key["local"], model.LocalSettings, "'local'", partial=True
        )
    if reader.stopped:
        layer.content = None
    return layer


def complete(partial: Partial, problems: Problems) -> Any | None:
    """Turn a local object that overrides nothing into a whole one, if it has every key."""
    known = fields_of(partial.cls)
    missing = [k for k, (f, _) in known.items() if is_required(f) and f.name not in partial.values]
    for key in missing:
        problems.error(
            partial.pos,
            _("'{id}' has no '{key}'").format(id=partial.values.get("id"), key=key),
            _("add '{key}:', or use the id of an existing entry to override it").format(key=key),
        )
    if missing:
        return None
    return partial.cls(pos=partial.pos, at=partial.at, **partial.values)


def overlay(base: Any, partial: Partial) -> Any:
    """The base object with the local layer's fields put over it."""
    return dataclasses.replace(base, at={**base.at, **partial.at}, **partial.values)
