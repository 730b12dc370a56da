"""actionplan: a YAML decision tree of handling steps, built into an interactive action card."""

__version__ = "0.1.0"
