"""Frozen dataclasses, made without compiling five of their six methods.

`@dataclass(frozen=True)` compiles __init__, __repr__, __eq__, __hash__, __setattr__ and
__delattr__ from source for each class as its module is imported.  Compiling is slow (each
takes longer than reading a small plan's node), and a build, in a fresh process, made some
forty such classes: in a small build, where most of the time is Python starting and importing,
those compilations were about a tenth of all the work.  `@frozen` makes the same class:
dataclasses still finds the fields and gives `fields`, `replace` and the rest; __init__ is
compiled as dataclasses writes it; the others are written once here for every class, and a
class's repr is compiled at its first use (a node's repr is taken in every build: render.py
keys each node's section by it).  __init__ too is compiled as the class's first object is made,
not as its module is imported: a build makes objects of only some of the classes it imports (24
of 41 for a plan of questions and outcomes, 21 where its model is read from the cache).  Until
then the class's __init__ is a stand-in with the same signature; its compiled code is kept in the
cache folder for the next process (_compiled).  `@mutable` makes a plain
`@dataclass` (fields set again, no hash) the same way.  tests/test_frozen.py holds them to the
dataclass rules.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import inspect
import marshal
import os
import reprlib
import sys
from collections.abc import Callable
from operator import attrgetter
from types import CodeType, MethodType
from typing import TYPE_CHECKING, Any, TypeVar, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
elif sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - it only marks the decorator for type checkers

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator


T = TypeVar("T")


@overload
def frozen(cls: type[T], /) -> type[T]: ...


@overload
def frozen(*, kw_only: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T] | None = None, /, *, kw_only: bool = False) -> Any:
    """`@dataclass(frozen=True)`, or with `kw_only=True`, made cheaply (see above)."""

    def make(cls: type[T]) -> type[T]:
        return _make(cls, kw_only=kw_only, frozen=True)

    return make if cls is None else make(cls)


@dataclass_transform(field_specifiers=(dataclasses.field,))
def mutable(cls: type[T], /) -> type[T]:
    """`@dataclass`, whose objects' fields may be set again, made as cheaply as @frozen: with
    no hash, as a dataclass that compares its objects has none."""
    return _make(cls, kw_only=False, frozen=False)


def _make(cls: type[T], *, kw_only: bool, frozen: bool) -> type[T]:
    documented = bool(cls.__dict__.get("__doc__"))
    cls = dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=kw_only)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    names = frozenset(f.name for f in fields)
    own = cls.__dict__
    methods: list[tuple[str, Any, bool]] = [
        ("__init__", _FirstInit(cls, fields, frozen), True),
        ("__repr__", _repr, False),
        ("__eq__", _eq, False),
    ]
    if frozen:
        for name in ("__setattr__", "__delattr__"):
            if name in own:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
        methods += [
            ("__setattr__", _setattr(cls, names), True),
            ("__delattr__", _delattr(cls, names), True),
        ]
    for name, method, its_own in methods:
        if name not in own:  # a method the class writes itself is kept, as by dataclasses
            if its_own:  # made for this class alone: named as its method
                method.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, method)
    if own.get("__hash__") is None:  # none of its own (or only Python's None, for its __eq__)
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
    if not documented:  # as dataclasses writes it: the class's signature
        try:
            signature = str(inspect.signature(cls)).replace(" -> None", "")
        except (TypeError, ValueError):
            signature = ""
        cls.__doc__ = cls.__name__ + signature
    return cls


class _Factory:
    """The default of a parameter whose field has a default factory, shown as dataclasses
    shows its own."""

    def __repr__(self) -> str:
        return "<factory>"


_HAS_FACTORY = _Factory()


def _init(
    cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool
) -> Callable[..., None]:
    """__init__ as @dataclass(frozen=True) compiles it: every field set through object's own
    __setattr__ (as `self.name = value` where the class is not frozen), a default factory
    called for each object."""
    names: dict[str, Any] = {
        "__name__": cls.__module__,
        "__dataclass_builtins_object__": object,
        "_HAS_FACTORY": _HAS_FACTORY,
    }
    params, body = [], []
    for f in fields:
        names[f"_type_{f.name}"] = f.type
        if f.default is not dataclasses.MISSING:
            names[f"_dflt_{f.name}"] = f.default
            params.append((f, f"{f.name}:_type_{f.name}=_dflt_{f.name}"))
            value = f.name
        elif f.default_factory is not dataclasses.MISSING:
            names[f"_dflt_{f.name}"] = f.default_factory
            params.append((f, f"{f.name}:_type_{f.name}=_HAS_FACTORY"))
            value = f"_dflt_{f.name}() if {f.name} is _HAS_FACTORY else {f.name}"
        else:
            params.append((f, f"{f.name}:_type_{f.name}"))
            value = f.name
        if frozen:
            body.append(f"  __dataclass_builtins_object__.__setattr__(self,{f.name!r},{value})")
        else:
            body.append(f"  self.{f.name}={value}")
    # The keyword-only parameters after the others, as dataclasses orders them.
    written = [p for f, p in params if not f.kw_only]
    if any(f.kw_only for f, _ in params):
        written += ["*", *(p for f, p in params if f.kw_only)]
    source = f"def __init__(self,{','.join(written)})->None:\n" + "\n".join(body or ["  pass"])
    found: dict[str, Any] = {}
    exec(_compiled(source), names, found)
    init: Callable[..., None] = found["__init__"]
    return init


class _FirstInit:
    """A stand-in for a class's __init__ (_init) that compiles it, puts it in its place on the
    class and calls it: the class's first object is made by the compiled __init__, as are all
    others.  Its signature (inspect.signature) is the compiled one's, made only when asked for."""

    __qualname__: str  # the class's name and __init__, as make names it

    def __init__(self, cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool) -> None:
        self.cls = cls
        self.fields = fields
        self.frozen = frozen

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self if obj is None else MethodType(self, obj)

    def __call__(self, obj: object, /, *args: Any, **kwargs: Any) -> None:
        init = _init(self.cls, self.fields, self.frozen)
        init.__qualname__ = f"{self.cls.__qualname__}.__init__"
        if self.cls.__dict__.get("__init__") is self:  # not one set on the class since
            self.cls.__init__ = init
        init(obj, *args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        parameter = inspect.Parameter
        params = [parameter("self", parameter.POSITIONAL_OR_KEYWORD)]
        for f in self.fields:
            kind = parameter.KEYWORD_ONLY if f.kw_only else parameter.POSITIONAL_OR_KEYWORD
            if f.default is not dataclasses.MISSING:
                default: Any = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = _HAS_FACTORY
            else:
                default = parameter.empty
            params.append(parameter(f.name, kind, default=default, annotation=f.type))
        # in the order _init writes them: the keyword-only parameters after the others
        params.sort(key=lambda p: p.kind == parameter.KEYWORD_ONLY)
        return inspect.Signature(params, return_annotation=None)


def _compiled(source: str) -> CodeType:
    """The code of an __init__'s source.  Compiling it was most of what making a class's first
    object cost (some twenty million instructions for the classes of a small build, a twentieth
    of it), so the code is kept between processes, as Python keeps a module's and the cache its
    templates': in the cache folder, under its very source and the interpreter's bytecode
    version (an entry made from any other source is never found)."""
    kept = _kept()
    code = kept.get(source)
    if code is None:
        # compiled without this module's `from __future__ import annotations`, as in dataclasses
        code = compile(source, "<string>", "exec", dont_inherit=True)
        if not _compiled_here:
            import atexit

            atexit.register(_keep)
        kept[source] = code
        _compiled_here.add(source)
    return code


_compiled_here: set[str] = set()  # the sources this process compiled (and keeps as it ends)
_MOST_KEPT = 200  # more than the package's classes: beyond it, only what was compiled last


@functools.cache
def _kept_file() -> str | None:
    """The file of the kept code, in the cache folder (none where there is no cache)."""
    import importlib.util

    from actionplan.cache import cache_dir

    folder = cache_dir()
    if folder is None:
        return None
    return os.path.join(folder, f"inits-{importlib.util.MAGIC_NUMBER.hex()}.marshal")


@functools.cache
def _kept() -> dict[str, CodeType]:
    """The code kept by earlier processes, by its source; none where it cannot be read."""
    path = _kept_file()
    if path is None:
        return {}
    try:
        with open(path, "rb") as file:
            found = marshal.load(file)
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged: compiled again
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _keep() -> None:
    """As the process ends: the code kept, with what it compiled, written whole (to a file of
    its own, then moved over the old one, so that a reader never finds half of it)."""
    path = _kept_file()
    if path is None or not _compiled_here:
        return
    kept = _kept()
    if len(kept) > _MOST_KEPT:
        kept = {source: kept[source] for source in _compiled_here}
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with contextlib.suppress(FileExistsError):  # the cache folder, not the folders above it
            os.mkdir(os.path.dirname(path), mode=0o700)
        with open(tmp, "wb") as file:
            marshal.dump(kept, file)
        os.replace(tmp, path)
    except (OSError, ValueError):  # read-only, full or gone: compiled again next time
        with contextlib.suppress(OSError):
            os.remove(tmp)


_REPRS: dict[type, Callable[[Any], str]] = {}


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    cls = type(self)
    compiled = _REPRS.get(cls) or _compile_repr(cls)
    return compiled(self)


def _compile_repr(cls: type) -> Callable[[Any], str]:
    """The class's repr as dataclasses writes it."""
    shown = ", ".join(f"{f.name}={{self.{f.name}!r}}" for f in dataclasses.fields(cls) if f.repr)
    compiled: Callable[[Any], str] = eval(
        f'lambda self: self.__class__.__qualname__ + f"({shown})"'
    )
    _REPRS[cls] = compiled
    return compiled


def _eq(self: object, other: object) -> Any:  # a bool, or NotImplemented
    if other.__class__ is self.__class__:
        compared = _values(type(self), "compare")
        return compared(self) == compared(other)
    return NotImplemented


def _hash(self: object) -> int:
    return hash(_values(type(self), "hash")(self))


_GETTERS: dict[tuple[type, str], Callable[[Any], tuple[Any, ...]]] = {}


def _values(cls: type, kind: str) -> Callable[[Any], tuple[Any, ...]]:
    """The values of an object's fields that its equality compares ('compare') or its hash
    takes ('hash'), in the order of the fields, as a tuple."""
    found = _GETTERS.get((cls, kind))
    if found is None:
        names = [f.name for f in dataclasses.fields(cls) if _takes(f, kind)]
        if len(names) > 1:
            found = attrgetter(*names)
        elif names:
            get = attrgetter(names[0])
            found = lambda obj: (get(obj),)  # noqa: E731
        else:
            found = lambda obj: ()  # noqa: E731
        _GETTERS[cls, kind] = found
    return found


def _takes(f: dataclasses.Field[Any], kind: str) -> bool:
    if kind == "compare" or f.hash is None:  # a field's hash follows its compare, as a rule
        return f.compare
    return bool(f.hash)


def _setattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _delattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__
