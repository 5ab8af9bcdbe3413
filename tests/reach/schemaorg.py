"""An independent check of JSON-LD against the schema.org vocabulary, offline.

The vocabulary comes from the msgspec-schemaorg package (requirements-dev.txt), which is
generated from schema.org's published vocabulary file: one class per schema.org type with
schema.org's class hierarchy as Python inheritance, and one field per property with its range
(expected types) as the annotation. Nothing here is written from our own idea of JobPosting.
"""

from __future__ import annotations

import datetime
import typing
from functools import cache

import msgspec
import msgspec_schemaorg.enums
import msgspec_schemaorg.models as vocabulary
import msgspec_schemaorg.utils

_NAMESPACE = {
    **vars(typing), **vars(datetime), **vars(msgspec_schemaorg.utils),
    **vars(msgspec_schemaorg.enums), **vars(vocabulary),
}  # fmt: skip

# schema.org's URL data type appears both as an annotated str and as a class of its own.
_TEXT = {str, msgspec_schemaorg.utils.URL, vocabulary.URL}


@cache
def _properties(type_name: str) -> dict[str, set]:
    """Property name -> the set of types its range allows (classes and plain Python types)."""
    cls = getattr(vocabulary, type_name)
    hints = typing.get_type_hints(cls, globalns=_NAMESPACE, localns=_NAMESPACE)
    names = dict(zip(cls.__struct_fields__, cls.__struct_encode_fields__, strict=True))
    return {names[name]: _flatten(hint) for name, hint in hints.items() if name in names}


def _flatten(hint: object) -> set:
    args = typing.get_args(hint)
    if not args:
        return {hint}
    return {leaf for arg in args for leaf in _flatten(arg)}


def problems(node: dict, path: str = "") -> list[str]:
    """Every way `node` (and the nodes in it) breaks the vocabulary, as readable lines."""
    found = []
    type_name = node.get("@type")
    cls = getattr(vocabulary, str(type_name), None)
    if not isinstance(cls, type) or not issubclass(cls, msgspec.Struct):
        return [f"{path or 'root'}: {type_name!r} is not a schema.org type"]
    allowed = _properties(type_name)
    for name, value in node.items():
        if name.startswith("@"):
            continue
        where = f"{path}{type_name}.{name}"
        if name not in allowed:
            found.append(f"{where}: not a property of {type_name}")
            continue
        for item in value if isinstance(value, list) else [value]:
            found += _value_problems(item, allowed[name], where)
    return found


def _value_problems(value: object, expected: set, where: str) -> list[str]:
    if isinstance(value, dict):
        cls = getattr(vocabulary, str(value.get("@type")), None)
        classes = [t for t in expected if isinstance(t, type) and issubclass(t, msgspec.Struct)]
        if cls is None or not any(issubclass(cls, c) for c in classes):
            names = sorted(c.__name__ for c in classes)
            return [f"{where}: a {value.get('@type')} where {names} are expected"]
        return problems(value, f"{where} > ")
    if isinstance(value, bool):
        ok = bool in expected
    elif isinstance(value, int | float):
        ok = bool({int, float} & expected)
    elif isinstance(value, str):
        # Text, URL, and dates and times written as ISO 8601 text.
        ok = bool(_TEXT & expected or {datetime.date, datetime.datetime} & expected)
        if ok and not (_TEXT & expected):
            try:
                datetime.datetime.fromisoformat(value)
            except ValueError:
                return [f"{where}: {value!r} is not an ISO 8601 date or time"]
    else:
        ok = False
    return [] if ok else [f"{where}: {value!r} does not fit its range"]
