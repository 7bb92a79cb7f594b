"""Value classes for the types every command loads (the catalog's entries, findings, the
target): declared like dataclasses, built without the `dataclasses` module.

Why: `diagnose` over a million lines takes about 0.2 s of CPU, against grep's 0.21
(bench/bench_diagnose.py). Importing `dataclasses` costs 6-8 ms of it (it imports
`inspect`, `ast`, `dis` and `tokenize`) and each class it builds about 0.7 ms more (it
compiles generated methods): ~12 ms for the seven classes a run loads. These classes
give what those dataclasses gave: keyword or positional construction with defaults
(`Default(factory)` for a fresh list or dict each time), equality and repr over the
fields in order, and with `frozen=True` no assignment and a hash of the fields (without
it, no hash: an equal-by-value object that can change must not be a dict key).

    class Point(Record, frozen=True):
        x: int
        y: int = 0
        tags: list[str] = Default(list)
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import Any



class FrozenRecordError(AttributeError):
    """An assignment to a frozen record (dataclasses' FrozenInstanceError, without it)."""


class Default:
    """A default made afresh for each record: `Default(list)`."""

    __slots__ = ("factory",)

    def __init__(self, factory) -> None:
        self.factory = factory


_REQUIRED = object()


class Record:
    """Subclass and annotate the fields (see the module's docstring)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: tuple[Any, ...] = ()  # per field: a value, a Default, or _REQUIRED

    def __init_subclass__(cls, frozen: bool = False, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # the annotations are strings (`from __future__ import annotations`): only the
        # names and their order are read
        names = tuple(name for name, kind in cls.__dict__.get("__annotations__", {}).items()
                      if not str(kind).startswith(("ClassVar", "typing.ClassVar")))
        defaults = tuple(cls.__dict__.get(name, _REQUIRED) for name in names)
        for name, default in zip(names, defaults, strict=True):
            if isinstance(default, Default):
                delattr(cls, name)  # no shared list or dict left on the class
        seen_default = False
        for name, default in zip(names, defaults, strict=True):
            if default is _REQUIRED and seen_default:
                raise TypeError(f"{cls.__name__}: field {name!r} without a default follows one with a default")
            seen_default = seen_default or default is not _REQUIRED
        cls._fields, cls._defaults = names, defaults
        cls.__match_args__ = names
        if frozen:  # a mutable record keeps object's own (fast) attribute assignment
            cls.__setattr__ = _refuse_assignment  # type: ignore[method-assign,assignment]
            cls.__delattr__ = _refuse_deletion  # type: ignore[method-assign,assignment]
        else:
            cls.__hash__ = None  # type: ignore[assignment]

    def __init__(self, *args, **kwargs) -> None:
        names = self._fields
        if len(args) > len(names):
            raise TypeError(f"{type(self).__name__}() takes {len(names)} positional arguments, {len(args)} given")
        values = dict(zip(names, args, strict=False))  # the first len(args) fields
        for name, value in kwargs.items():
            if name not in names:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
            values[name] = value
        for name, default in zip(names, self._defaults, strict=True):
            if name not in values:
                if default is _REQUIRED:
                    raise TypeError(f"{type(self).__name__}() missing required argument {name!r}")
                values[name] = default.factory() if isinstance(default, Default) else default
            object.__setattr__(self, name, values[name])

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({fields})"

    def replace(self, **changes):
        """A copy with `changes` (dataclasses.replace)."""
        return type(self)(**{**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, Any]:
        """The fields by name, values as they are (shallow, unlike dataclasses.asdict)."""
        return {name: getattr(self, name) for name in self._fields}


def _refuse_assignment(self, name: str, value: Any) -> None:
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _refuse_deletion(self, name: str) -> None:
    raise FrozenRecordError(f"cannot delete field {name!r}")
