"""Constructors of frozen, slotted dataclasses at about half the cost of calling the class.

The objects an assessment is made of (evidence spans, indicator hits, findings, money amounts,
place mentions, results) are frozen dataclasses with slots, created by the thousand per batch;
their generated ``__init__`` stores each field through ``object.__setattr__``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

__all__ = ["slot_constructor"]

_T = TypeVar("_T")


def slot_constructor(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of the frozen, slotted dataclass ``cls`` taking every field positionally, at
    about half the cost of ``cls(...)``.

    The generated ``__init__`` of a frozen dataclass stores each field with ``object.__setattr__``,
    which for a slot calls the slot's descriptor; this calls the same descriptors directly. Like
    ``dataclasses`` builds ``__init__``, the function is generated from source: one line per field,
    because a loop over the fields cost as much again as the calls themselves. The classes here have
    no ``__post_init__`` and no field that is not an ``__init__`` argument, so the object is the one
    ``cls(*values)`` gives (same fields, equal, same hash).
    """
    names = [field.name for field in fields(cls)]  # type: ignore[arg-type]
    setters = {f"set_{name}": vars(cls)[name].__set__ for name in names}
    if {"made", "new_object", "cls", *setters} & {*names}:  # the generated function's own names
        raise ValueError(f"{cls.__name__} has a field the generated constructor uses as a name")
    lines = [f"def construct({', '.join(names)}, /):", "    made = new_object(cls)"]
    lines += [f"    set_{name}(made, {name})" for name in names]
    lines.append("    return made")
    namespace: dict[str, Any] = {"new_object": object.__new__, "cls": cls, **setters}
    exec("\n".join(lines), namespace)  # the source is made of field names only (see above)
    construct: Callable[..., _T] = namespace["construct"]
    construct.__qualname__ = f"slot_constructor.<{cls.__name__}>"
    return construct
