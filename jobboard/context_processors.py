"""Template context every page gets."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def canonical(request: HttpRequest) -> dict:
    """The page's own address without its query string: the default canonical URL (pages
    whose query is part of what they show, like a search, give their own)."""
    return {"canonical_url": SimpleLazyObject(lambda: request.build_absolute_uri(request.path))}
