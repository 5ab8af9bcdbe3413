"""reverse() for the addresses a list repeats on every row.

Django's reverse() looks the name up, matches the arguments against the pattern's converters
and quotes them: about 0.02 ms a call, and a results page makes two per card (the posting,
its Save form), 40 of its 46, a millisecond of the page. An address whose arguments are
written as they are (non-negative ints, and slugs, which need no quoting) is the same string
around them every time, so path_to asks reverse() once per name, URLconf and script prefix,
with marker arguments, and then joins the pieces around the real ones. Anything else goes to
reverse() itself, which also raises what reverse() raises.

This holds while every converter writes its argument as is: Django's int, slug and str do,
and the project registers no other (tests/postings/test_paths.py compares every named
address both ways).
"""

from __future__ import annotations

import functools
import re

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what the slug converter accepts, quoted as is
_INT_MARKER = 10**15  # a marker the int converter takes; the i-th argument's is this + i


def path_to(name: str, *args: int | str) -> str:
    """reverse(name, args=args)."""
    kinds = []
    for arg in args:
        if type(arg) is int and arg >= 0:
            kinds.append(int)
        elif type(arg) is str and _SLUG.match(arg):
            kinds.append(str)
        else:
            return reverse(name, args=args)
    pieces = _pieces(name, tuple(kinds), get_urlconf(), get_script_prefix())
    if pieces is None:
        return reverse(name, args=args)
    joined = [pieces[0]]
    for arg, piece in zip(args, pieces[1:], strict=True):
        joined += (str(arg), piece)
    return "".join(joined)


@functools.lru_cache(maxsize=256)
def _pieces(name: str, kinds: tuple[type, ...], urlconf: object, prefix: str) -> tuple | None:
    """The address of `name` split around its arguments (None: not reversible so, and then
    reverse() answers each time). `prefix` is part of the key: reverse() writes it."""
    markers = [_INT_MARKER + i if kind is int else f"zq{i}marker" for i, kind in enumerate(kinds)]
    try:
        address = reverse(name, args=markers, urlconf=urlconf)
    except NoReverseMatch:
        return None
    pieces, rest = [], address
    for marker in map(str, markers):
        if rest.count(marker) != 1:
            return None
        before, rest = rest.split(marker)
        pieces.append(before)
    return (*pieces, rest)
