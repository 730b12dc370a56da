"""YAML read as an editor's YAML language server reads it: YAML 1.2's core schema.

`yes`, `on` and `2026-11-25` are text, `0123` is 123, and a key is always its text, as in JSON.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

_CORE = "tag:yaml.org,2002:"


class EditorLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's core schema in place of YAML 1.1's types."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        return {
            key.value if isinstance(key, yaml.ScalarNode) else str(self.construct_object(key)): (
                self.construct_object(value, deep=True)
            )
            for key, value in node.value
        }


EditorLoader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("null", r"(?:~|null|Null|NULL|)\Z", ["~", "n", "N", ""]),
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)\Z", list("tTfF")),
    ("int", r"(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)\Z", list("-+0123456789")),
    (
        "float",
        r"(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\Z",
        list("-+.0123456789"),
    ),
):
    EditorLoader.add_implicit_resolver(_CORE + tag, re.compile(pattern), first)


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = node.value
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = node.value.lower()
    if text.endswith("inf"):
        return -math.inf if text.startswith("-") else math.inf
    return math.nan if text == ".nan" else float(text)


def _bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return node.value.lower() == "true"


EditorLoader.add_constructor(_CORE + "int", _int)
EditorLoader.add_constructor(_CORE + "float", _float)
EditorLoader.add_constructor(_CORE + "bool", _bool)


def load(text: str) -> Any:
    return yaml.load(text, Loader=EditorLoader)
