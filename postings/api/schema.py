"""OpenAPI pieces drf-spectacular cannot infer: the job filters, read from the one
definition the search page uses (postings.filters.PostingFilter), so the documented
parameters cannot drift from the ones applied; and the error bodies."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from postings.api.bands import BandFilter
from postings.filters import PARAM_LABELS, PostingFilter


def _parameter(name: str, filter_: django_filters.Filter) -> OpenApiParameter:
    field = filter_.field
    described = str(field.help_text or filter_.label or PARAM_LABELS.get(name, name))
    schema: dict = {"type": "string"}
    if isinstance(field, forms.ChoiceField):
        typed = isinstance(field, forms.TypedChoiceField) and field.coerce is int
        values = [v for v, _ in field.choices if v != ""]
        if values:
            schema = {"type": "integer" if typed else "string", "enum": values}
    elif isinstance(field, forms.DecimalField):
        schema = {"type": "number"}
        if field.min_value is not None:
            schema["minimum"] = field.min_value
        if field.max_value is not None:
            schema["maximum"] = field.max_value
    elif isinstance(field, forms.CharField) and field.max_length:
        schema["maxLength"] = field.max_length
    many = isinstance(field, forms.MultipleChoiceField)
    if many:
        schema = {"type": "array", "items": schema}
    return OpenApiParameter(
        name,
        location=OpenApiParameter.QUERY,
        description=described,
        required=False,
        explode=True if many else None,
        style="form" if many else None,
        type=schema,
    )


def job_filter_parameters() -> list[OpenApiParameter]:
    described = [_parameter(n, f) for n, f in PostingFilter.base_filters.items()]
    return [
        *described,
        OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
        PAGE_SIZE,
    ]


def band_filter_parameters() -> list[OpenApiParameter]:
    return [
        *(_parameter(n, f) for n, f in BandFilter.base_filters.items()),
        OpenApiParameter("cursor", OpenApiTypes.STR, description="From `next` or `previous`."),
        PAGE_SIZE,
    ]


PAGE_SIZE = OpenApiParameter(
    "page_size",
    {"type": "integer", "minimum": 1, "maximum": 100},
    description="How many a page holds: 1 to 100; 20 if not given.",
)

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = OpenApiResponse(
    {
        "type": "object",
        "description": "Field-level errors: each bad parameter or field with its messages "
        "(`non_field_errors` for the request as a whole), or `detail` for a body that is "
        "not JSON.",
        "additionalProperties": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
        },
    },
    description="Bad parameters or fields, each named with what is wrong.",
)
NOT_FOUND = OpenApiResponse(_DETAIL, description="Not there (or not yours).")
UNAUTHORIZED = OpenApiResponse(_DETAIL, description="No token, or not a valid one.")
CONFLICT = OpenApiResponse(
    _DETAIL, description="The role's state does not allow this, e.g. editing a closed role."
)
THROTTLED = OpenApiResponse(_DETAIL, description="Too many requests; see Retry-After.")
