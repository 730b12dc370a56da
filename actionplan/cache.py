"""What a build keeps between runs, so that a rebuild does again only what changed.

- Compiled templates: Jinja checks each cached template against its source, so an edited
  template is compiled anew.
- Stores (`Store`) of results by a digest of everything that went into them: each content
  file read into the model (keyed by its bytes, its name and role), the Markdown of the texts.
  Every key also holds the digest of the tool's own code (`code_digest`), so a new version, or
  any edit to the tool, starts from nothing.  A key is never trusted for more than it names:
  what is not in it is not used to make the value.

The cache is only ever a shortcut: an entry that cannot be read, is damaged or is of another
kind is no entry, and one that cannot be written is not kept, never a failed build.
ACTIONPLAN_CACHE_DIR moves it; set to an empty value, nothing is read from it or written to it.
ACTIONPLAN_NO_CACHE=1 turns off the stores alone: every build then reads, checks and renders the
whole plan, as a first build does (the compiled templates, checked against their text, are kept).

A process that builds again and again (`serve`) also remembers its last builds in memory
(`Memory`): what a save did not change is then not even looked up.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import importlib.util
import io
import os
import pickle
import sys
from collections import deque
from collections.abc import Hashable, Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from actionplan import __version__, cachedir, deferred
from actionplan.cachedir import ENV_VAR as ENV_VAR  # where callers look for it
from actionplan.cachedir import OFF_VAR as OFF_VAR
from actionplan.errors import Pos

if TYPE_CHECKING:
    import jinja2


def cache_dir() -> Path | None:
    """Where the cache lives: ACTIONPLAN_CACHE_DIR, or the user's cache folder; None if off."""
    chosen = cachedir.folder()
    return None if chosen is None else Path(chosen)


def template_cache() -> jinja2.BytecodeCache | None:
    """The compiled-template cache (Jinja's own file cache, with every failure to read or write
    it passed over), or None where there is no folder for one."""
    import jinja2  # here: a command that renders no card never needs it

    base = cache_dir()
    if base is None:
        return None
    # The compiled code also depends on how our Environment is set up: a folder per version.
    folder = base / f"templates-{__version__}-jinja{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return _template_cache_class()(str(folder))


@functools.cache
def _template_cache_class() -> type[jinja2.FileSystemBytecodeCache]:
    import jinja2

    class TemplateCache(jinja2.FileSystemBytecodeCache):
        """Jinja's own file cache, with every failure to read or write it passed over."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # unreadable or damaged: compile it as if it were not there
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):  # read-only, full or gone: the build goes on
                super().dump_bytecode(bucket)

    return TemplateCache


@functools.cache
def code_digest() -> str:
    """A digest of the tool's own code, its version and those of the libraries whose work is
    kept: an entry made by other code is never found."""
    import yaml

    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{yaml.__version__}".encode())
    # markdown-it-py's version by the file that names it: a build that cmark renders whole never
    # imports the library, which takes longer than the rest of a small build.
    digest.update(b"\0" + _module_source("markdown_it"))
    # cmark's (cmarkgfm) by the name of its installed distribution: its __init__ names none, and
    # a new cmark may write some text otherwise (tests/test_markdown_fast.py holds this one).
    digest.update(b"\0" + _distribution("cmarkgfm"))
    package = Path(__file__).resolve().parent  # actionplan/ itself, never what is beside it
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode() + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _module_source(name: str) -> bytes:
    """The text of a package's __init__ (where its version is written), found without importing
    it; nothing where it cannot be read."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return b""
    try:
        return Path(spec.origin).read_bytes()
    except OSError:
        return b""


def _distribution(name: str) -> bytes:
    """The names of the installed distribution's metadata folders beside the package (they hold
    its version: cmarkgfm-2025.10.22.dist-info), found without importing it; nothing where it is
    not installed."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return b""
    site = Path(spec.origin).parent.parent
    try:
        found = sorted(p.name for p in site.iterdir() if p.name.startswith(f"{name}-"))
    except OSError:
        return b""
    return "\0".join(found).encode()


def digest(*parts: str | bytes) -> str:
    """The key of the values made from these parts, and from the tool's code."""
    h = hashlib.sha256(code_digest().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))  # so that no two lists of parts run together
        h.update(data)
    return h.hexdigest()


class Store:
    """Values by key, in one folder of the cache; also kept in memory for the process (for
    `serve`, which builds again and again).  Only ever a shortcut: `get` gives None for what is
    not there or cannot be read as a value of the kind asked for, and `put` passes over a
    folder that cannot be written."""

    _memory: ClassVar[dict[tuple[str, str], Any]] = {}
    MEMORY_ENTRIES = 1 << 16
    ENTRIES_PER_FOLDER = 16  # of 256 folders: some 4 000 entries in a store at most

    def __init__(self, kind: str) -> None:
        self.kind = kind
        base = None if os.environ.get(OFF_VAR) else cache_dir()
        self.folder = base / kind if base is not None else None

    @property
    def on(self) -> bool:
        return self.folder is not None

    def get(self, key: str, expect: type | tuple[type, ...] = object) -> Any:
        if self.folder is None:
            return None
        value = self._memory.get((str(self.folder), key))
        if value is not None:
            return value
        try:
            data = (self.folder / key[:2] / key).read_bytes()
            # An entry starts with its own key: a file that is not the one its name says (moved,
            # copied or swapped by a sync tool or a restored backup) is no entry.
            mark = key.encode("ascii")
            if not data.startswith(mark):
                return None
            value = loads(data, len(mark))
        except Exception:  # missing, unreadable, damaged or of code since changed: no entry
            return None
        if not isinstance(value, expect):
            return None
        self._remember(key, value)
        return value

    def put(self, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self._remember(key, value)
        import tempfile  # here: a command that keeps nothing never needs it

        try:
            data = key.encode("ascii") + dumps(value)
            folder = self.folder / key[:2]
            for made in (self.folder.parent, self.folder, folder):  # the user's alone
                made.mkdir(exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, folder / key)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._prune(folder)
        except Exception:  # read-only, full, gone, or a value that cannot be kept: no entry
            return

    def put_later(self, key: str, value: Any, place: str | None = None) -> None:
        """put(), kept in the process's memory now and written once the build's card is out
        (deferred): in `serve`, in place of an earlier build's writing of the same key, or of
        the same `place` (what a later build puts there makes the earlier needless)."""
        if self.folder is None:
            return
        self._remember(key, value)
        deferred.defer(lambda: self.put(key, value), ("put", str(self.folder), place or key))

    def _prune(self, folder: Path) -> None:
        """Keep the folder of one key's first two digits to its newest entries: every edit of a
        file makes a new entry, and the cache must not grow without end.  An entry removed is
        only made again when it is next wanted."""
        entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
        if len(entries) <= self.ENTRIES_PER_FOLDER:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for entry in entries[: len(entries) - self.ENTRIES_PER_FOLDER]:
            Path(entry.path).unlink(missing_ok=True)

    def remember(self, key: str, value: Any) -> None:
        """Keep a value in the process's memory alone (put writes it too)."""
        if self.folder is not None:
            self._remember(key, value)

    def _remember(self, key: str, value: Any) -> None:
        if len(self._memory) >= self.MEMORY_ENTRIES:
            self._memory.clear()
        self._memory[(str(self.folder), key)] = value

    @classmethod
    def forget(cls) -> None:
        """Empty the process's memory of the stores: the next build reads them from disk, as a
        new process would."""
        cls._memory.clear()
        Buckets._unwritten.clear()


# The classes whose objects are kept by their fields (keep_by_fields), each object made again
# by object.__new__ with its __dict__ put in place.
_BY_FIELDS: set[type] = set()
# Their fields' names (interned), each with an object that stands for it in a pickle (dumps):
# made as a value is first kept, not as the model is imported.
_NAMES: list[tuple[str, _NameStandIn]] = []


def keep_by_fields(*classes: type) -> None:
    """Keep the objects of these classes (the model's) as their fields, made again in C (`loads`):
    each is an object with a __dict__ of its fields alone, made without __init__, and never a
    key of a dict or a member of a set in a value kept (it has no fields until all are read)."""
    _BY_FIELDS.update(classes)
    _NAMES.clear()


def _names() -> list[tuple[str, _NameStandIn]]:
    if not _NAMES:
        import dataclasses

        names = {sys.intern(f.name) for cls in _BY_FIELDS for f in dataclasses.fields(cls)}
        _NAMES[:] = [(name, _NameStandIn()) for name in sorted(names)]
    return _NAMES


class _Next:
    """Stands in a kept value for the next object of a table made before it is read (`loads`):
    pickled by its name in this module, and read as the table's next item."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __reduce__(self) -> str:
        return self.name

    def __call__(self) -> Any:  # never called: _Unpickler puts the table's own in its place
        raise TypeError(self.name)


class _NameStandIn:
    """Stands for one field's name in a pickle (dumps): read as the next of the names."""

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _next_name, ()


# The first byte of a value kept with nothing of the model in it: no pickle starts so (each
# starts with its protocol, 0x80).
PLAIN = b"\x00"
_next_position = _Next("_next_position")
_next_object = _Next("_next_object")
_next_name = _Next("_next_name")


class _Pickler(pickle.Pickler):
    """A pickler that keeps positions in one table (a file name once, lines and columns as
    ints) and the model's objects as their classes and fields, each written in the value as a
    call of the table's next item; see `loads`."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.files: dict[str, int] = {}
        self.file_of: list[int] = []
        self.lines: list[int] = []
        self.cols: list[int] = []
        self.classes: dict[type, int] = {}
        self.kinds: list[int] = []
        self.objects: list[Any] = []

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Pos:
            file, line, col = obj
            self.file_of.append(self.files.setdefault(file, len(self.files)))
            self.lines.append(line)
            self.cols.append(col)
            return _next_position, ()
        if kind in _BY_FIELDS:
            self.kinds.append(self.classes.setdefault(kind, len(self.classes)))
            self.objects.append(obj)
            return _next_object, ()
        return NotImplemented


def dumps(value: Any) -> bytes:
    """The value as `loads` reads it: a pickle of the tables of its positions and its model's
    objects, then the value, then each object's fields (in rounds: an object's fields may hold
    objects not met before)."""
    body = io.BytesIO()
    pickler = _Pickler(body)
    pickler.dump(value)
    if not pickler.objects and not pickler.lines:  # nothing of the model: a plain pickle
        return PLAIN + body.getvalue()
    names = _names() if pickler.objects else []
    if names:
        # The fields' names, each read as the name interned (the tables name them): an
        # object's fields are looked up by the names of its attributes, which are interned.
        pickler.dump([stand_in for _name, stand_in in names])
        memo = pickler.memo.copy()
        for name, stand_in in names:
            place = memo[id(stand_in)][0]
            met = memo.get(id(name))
            if met is None:
                del memo[id(stand_in)]
            else:  # a name met in the value already: its place is the stand-in's now, as the
                # memo's size must stay the index of the next object, in the reader's as here
                memo[id(stand_in)] = (met[0], stand_in)
            memo[id(name)] = (place, name)
        pickler.memo = memo
    done = 0
    while done < len(pickler.objects):
        batch = pickler.objects[done:]
        done = len(pickler.objects)
        pickler.dump([obj.__dict__ for obj in batch])
    tables = (
        list(pickler.files),
        pickler.file_of,
        pickler.lines,
        pickler.cols,
        list(pickler.classes),
        pickler.kinds,
        [name for name, _stand_in in names],
    )
    return pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL) + body.getvalue()


class _Unpickler(pickle.Unpickler):
    """Reads `_next_position`, `_next_object` and `_next_name` as the next item of this value's
    tables."""

    next_position: Any
    next_object: Any
    next_name: Any

    def find_class(self, module_name: str, global_name: str) -> Any:
        if module_name == __name__ and global_name == "_next_position":
            return self.next_position
        if module_name == __name__ and global_name == "_next_object":
            return self.next_object
        if module_name == __name__ and global_name == "_next_name":
            return self.next_name
        return super().find_class(module_name, global_name)


def loads(data: bytes, start: int = 0) -> Any:
    """The value `dumps` wrote (from `start` in `data`), made with its positions and its model's
    objects in C: a unpickled position was a call of tuple.__new__ from two tuples made for it,
    and an object's fields were copied from a dict made for them into its own, with each name
    interned again (some 20 000 objects and 90 000 positions in a rebuild of 10 000 nodes).
    Each position and object is the very class it was; its fields are the dict read."""
    if data[start : start + 1] == PLAIN:
        return pickle.loads(memoryview(data)[start + 1 :])
    file = io.BytesIO(data)
    file.seek(start)
    files, file_of, lines, cols, classes, kinds, names = pickle.load(file)
    if not _BY_FIELDS.issuperset(classes):
        raise pickle.UnpicklingError("a class not kept by its fields")
    reader = _Unpickler(file)
    reader.next_position = map(
        tuple.__new__,
        repeat(Pos),
        zip(
            map(files.__getitem__, file_of),
            lines,
            cols,
            strict=True,
        ),
    ).__next__
    objects = list(map(object.__new__, map(classes.__getitem__, kinds)))
    reader.next_object = iter(objects).__next__
    reader.next_name = map(sys.intern, names).__next__
    value = reader.load()
    if names:
        reader.load()  # the fields' names (dumps)
    fields: list[Any] = []
    while len(fields) < len(objects):
        fields += reader.load()
    if len(fields) != len(objects):
        raise pickle.UnpicklingError("fields for objects not kept")
    deque(map(object.__setattr__, objects, repeat("__dict__"), fields), maxlen=0)
    return value


class Buckets:
    """Values by a digest (bytes), kept in a Store under `name`: for `size` values of FROM or
    more, in COUNT values of the store by the digest's first byte, so that a build that changes
    a few writes again the buckets they are in, not all of them (a 10 000-node plan's entries
    as read, merge; what the checks found in its nodes, checks.Lasting).  Only what a build used
    is kept (`use_all`): the store does not grow with every edit."""

    FROM: ClassVar[int] = 256
    COUNT: ClassVar[int] = 32
    # By the buckets' store and name, what is on disk where a writing of them is left undone.
    _unwritten: ClassVar[dict[tuple[str, str, str], list[dict[bytes, Any]]]] = {}

    def __init__(self, store: Store, name: str, size: int) -> None:
        count = self.COUNT if size >= self.FROM else 1
        self.store = store
        self.names = [digest(name, str(count), str(i)) for i in range(count)]
        self.kept: list[dict[bytes, Any]] = [store.get(n, dict) or {} for n in self.names]
        self.used: list[dict[bytes, Any]] = [{} for _ in self.names]

    def all(self) -> dict[bytes, Any]:
        """Every value kept, by its digest, in one mapping: one lookup each, not one call."""
        if len(self.kept) == 1:
            return self.kept[0]
        found: dict[bytes, Any] = {}
        for part in self.kept:
            found.update(part)
        return found

    def use_all(self, pairs: Iterable[tuple[bytes, Any]]) -> None:
        """Keep each key with its value for the next build (what `save` writes)."""
        used, count = self.used, len(self.names)
        for key, value in pairs:
            used[key[0] % count][key] = value

    def use_again(
        self, last: Buckets, gone: Iterable[bytes], pairs: Iterable[tuple[bytes, Any] | None]
    ) -> None:
        """Keep what `last` (of the same names) was to keep, but the keys `gone`, and each key
        with its value of `pairs` (None passed over): in one process, a build that changed a
        few values keeps the others without a step for each."""
        count = len(self.names)
        self.used = [dict(part) for part in last.used]
        for key in gone:
            self.used[key[0] % count].pop(key, None)
        for pair in pairs:
            if pair is not None:
                self.used[pair[0][0] % count][pair[0]] = pair[1]

    def save_later(self) -> None:
        """What `save` writes, kept in the process's memory now (the next build finds it), and
        written once the build's card is out (deferred): in `serve`, in place of the writing
        of the same buckets an earlier build left undone, and against what that one would have
        written over."""
        key = ("buckets", str(self.store.folder), self.names[0])
        self._unwritten.setdefault(key, self.kept)
        for name, now in zip(self.names, self.used, strict=True):
            self.store.remember(name, now)
        deferred.defer(lambda: self.save(self._unwritten.pop(key, self.kept)), key)

    def save(self, was: list[dict[bytes, Any]] | None = None) -> None:
        """Write again each bucket whose keys or values are not those it was read with (or
        `was`)."""
        for name, before, now in zip(self.names, was or self.kept, self.used, strict=True):
            if before.keys() != now.keys() or any(before[k] is not v for k, v in now.items()):
                self.store.put(name, now)


class Memory:
    """What a process that builds again and again (`serve`, which owns one) remembers of its
    last builds, in use while it builds (`remembering`).  Each part keeps its own kind of thing
    by the place it is of:

    - "split": each file's text as last read, its parts and their digests (merge.read_in_parts);
    - "entries": each file's entries of `nodes:` as last read (merge._read_entries);
    - "graph": each plan folder's nodes and their ways on (graph.Graph);
    - "checks": what each check found in each object (checks.Kept);
    - "nodes checked": what the checks found in each node (checks._check_nodes);
    - "graph checked": what the walks of the graph found (checks.check_graph).

    A value is only ever a shortcut, used for the very objects it was made of.  Each kind holds
    at most PLACES places, and a new one past that forgets the oldest (what a place had is then
    made again, as a first build makes it): a process that builds many projects does not grow
    without end, and one project's plans and files (some ten places of "checks" a plan) fit.
    A build with no memory (the command line, which builds once) keeps nothing and pays
    nothing."""

    PLACES = 256

    def __init__(self) -> None:
        self._kinds: dict[str, dict[Hashable, Any]] = {}

    def recall(self, kind: str, where: Hashable) -> Any:
        """What was last kept of this kind at this place, or None."""
        found = self._kinds.get(kind)
        return found.get(where) if found is not None else None

    def keep(self, kind: str, where: Hashable, value: Any) -> None:
        """Keep a value of this kind at this place, in place of what was kept there."""
        found = self._kinds.setdefault(kind, {})
        if found.pop(where, None) is None and len(found) >= self.PLACES:
            del found[next(iter(found))]
        found[where] = value

    def forget(self, kind: str, where: Hashable) -> None:
        self._kinds.get(kind, {}).pop(where, None)

    def clear(self) -> None:
        """Forget everything, as a new process would start."""
        self._kinds.clear()

    def kinds(self) -> set[str]:
        """The kinds of which anything is kept."""
        return {kind for kind, found in self._kinds.items() if found}


_memory: contextvars.ContextVar[Memory | None] = contextvars.ContextVar("memory", default=None)


def memory() -> Memory | None:
    """The memory of the builds before this one (`remembering`), or None: in a process that
    builds once, and with ACTIONPLAN_NO_CACHE (every build then does all a first build does)."""
    found = _memory.get()
    return None if found is None or os.environ.get(OFF_VAR) else found


def builds_again() -> bool:
    """Whether this build is one of a process that builds again (`remembering`), whether or not
    it may use its memory."""
    return _memory.get() is not None


@contextlib.contextmanager
def remembering(kept: Memory | None) -> Iterator[Memory | None]:
    """Build inside the block with `kept` as the memory of the builds before, or with none (in
    this thread; a new thread starts with none)."""
    token = _memory.set(kept)
    try:
        yield kept
    finally:
        _memory.reset(token)
