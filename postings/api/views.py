"""API views: each validates with the shared definition, asks a QuerySet or a service, and
hands the result to a serializer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet, Value
from django.http import QueryDict
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from postings.api import schema
from postings.api.authentication import CompanyTokenAuthentication, HasCompanyToken
from postings.api.bands import BandFilter
from postings.api.serializers import (
    BandSerializer,
    EmployerJobResultSerializer,
    EmployerJobSerializer,
    EmployerJobWriteSerializer,
    JobDetailSerializer,
    JobPageSerializer,
    JobSerializer,
    TaxonomySerializer,
)
from postings.api.throttling import AnonThrottle, TokenThrottle
from postings.employers import services as employer_services
from postings.employers.forms import PostingForm
from postings.filters import ParsedSearch, parse_search
from postings.market.pay import postings_pay_insights
from postings.models import CloseReason, Posting
from postings.search import newest_ids, search_count
from salaries.models import SalaryBand
from skills.services import skill_index, taxonomy_tree


class Cursor(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_cursor_message = "This cursor is not one we gave out; start again without it."

    def get_page_size(self, request: Request) -> int:
        """A bad page size is a 400 naming it, as any other bad parameter (DRF would quietly
        use the default)."""
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not given.isdigit() or not 1 <= int(given) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(given)

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {self.cursor_query_param: [self.invalid_cursor_message]}
            ) from None


class NewestFirst(Cursor):
    ordering = ("-published_at", "-id")


class CountedNewestFirst(NewestFirst):
    """Pages of jobs with the count of all of them, as the search page counts them."""

    def get_paginated_response(self, data: list) -> Response:
        response = super().get_paginated_response(data)
        count, capped = self.counted
        response.data = {"count": count, "count_capped": capped, **response.data}
        return response


class PublicAPIView(APIView):
    throttle_classes = [AnonThrottle]


# ---------------------------------------------------------------------------------------------
# Public: jobs, skills, salary bands
# ---------------------------------------------------------------------------------------------


class JobList(PublicAPIView):
    pagination_class = CountedNewestFirst

    @extend_schema(
        operation_id="jobs_list",
        summary="Open roles matching the filters of /jobs/",
        description="Exactly the filters of the search page (/jobs/), with the same checks "
        "and count; newest first, a page at a time (follow `next`). A bad filter value "
        "answers 400 naming the parameter, where the page would ignore it with a notice.",
        parameters=schema.job_filter_parameters(),
        responses={
            200: JobPageSerializer,
            400: schema.VALIDATION_ERROR,
            429: schema.THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        skills = skill_index()
        # The page shows a bad value as a notice and searches with the rest; the API
        # answers 400 with the same findings per parameter.
        parsed = parse_search(_filters(request.query_params), skills=skills)
        if parsed.errors:
            raise ValidationError(parsed.errors)
        paginator = self.pagination_class()
        paginator.counted = search_count(parsed)
        queryset = _from_the_index(parsed, paginator, request)
        if queryset is None:
            queryset = _newest_first_cheaply(parsed.filter.qs, paginator)
        page = paginator.paginate_queryset(
            queryset.select_related("company").defer("description"), request, view=self
        )
        context = {"request": request, "skills": skills, "insights": postings_pay_insights(page)}
        return paginator.get_paginated_response(
            JobSerializer(page, many=True, context=context).data
        )


def _from_the_index(
    parsed: ParsedSearch, paginator: CountedNewestFirst, request: Request
) -> QuerySet | None:
    """The rows the cursor's page is cut from, found by the search index: the cursor's
    offset + a page + 1 newest matches beyond its position (oldest, going back), which the
    paginator then filters and orders exactly as it would the whole result set. None when
    there is no index, or a position that is not a time (PostgreSQL answers)."""
    cursor = paginator.decode_cursor(request)  # a bad cursor is a 404, as without the index
    beyond = None
    if cursor is not None and cursor.position is not None:
        try:
            beyond = datetime.fromisoformat(cursor.position)
        except ValueError:
            return None
    limit = (cursor.offset if cursor else 0) + paginator.get_page_size(request) + 1
    ids = newest_ids(parsed, beyond=beyond, older=not (cursor and cursor.reverse), limit=limit)
    return None if ids is None else Posting.objects.visible().with_ids(ids)


# A result set counted exactly at or under this many postings is sorted whole.
SORT_WHOLE_UNDER = 5_000


def _newest_first_cheaply(queryset: QuerySet, paginator: CountedNewestFirst) -> QuerySet:
    """The page's postings, newest first, without walking the newest-first index past every
    posting that does not match: for a rare word, that walk reads the whole table (10 s at a
    million postings). The count is known already: nothing counted, nothing read; a small
    set is ordered by an expression no index holds, so PostgreSQL finds the few matches by
    their filters' indexes and sorts them; a large set walks the index, which soon finds a
    page. The cursor is the same either way (a publication time and an id)."""
    count, capped = paginator.counted
    if count == 0:
        return queryset.none()
    if capped or count > SORT_WHOLE_UNDER:
        return queryset
    paginator.ordering = ("-newest", "-id")
    return queryset.annotate(
        newest=ExpressionWrapper(F("published_at") + Value(timedelta(0)), DateTimeField())
    )


def _filters(query: QueryDict) -> QueryDict:
    """The query without the API's own paging parameters."""
    params = query.copy()
    for name in (NewestFirst.cursor_query_param, NewestFirst.page_size_query_param):
        params.pop(name, None)
    return params


class JobDetail(PublicAPIView):
    @extend_schema(
        operation_id="jobs_retrieve",
        summary="One open role, with its description",
        responses={
            200: JobDetailSerializer,
            404: schema.NOT_FOUND,
            429: schema.THROTTLED,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        # An id past bigint finds nothing, without asking PostgreSQL (see visible_one).
        posting = Posting.objects.visible_one(pk)
        if posting is None:
            raise NotFound("No open job with this id.")
        context = {
            "request": request,
            "skills": skill_index(),
            "insights": postings_pay_insights([posting]),
        }
        return Response(JobDetailSerializer(posting, context=context).data)


class SkillTree(PublicAPIView):
    @extend_schema(
        operation_id="skills_tree",
        summary="The skills taxonomy: every active skill with its aliases, parent and children",
        responses={200: TaxonomySerializer, 429: schema.THROTTLED},
    )
    def get(self, request: Request) -> Response:
        return Response(TaxonomySerializer(taxonomy_tree()).data)


class BandList(ListAPIView):
    throttle_classes = [AnonThrottle]
    serializer_class = BandSerializer
    pagination_class = type("ById", (Cursor,), {"ordering": ("id",)})
    filterset_class = BandFilter

    def get_queryset(self) -> QuerySet:
        return SalaryBand.objects.current()

    # django-filter's backend answers an invalid filter with a field-level 400.
    filter_backends = [DjangoFilterBackend]

    @extend_schema(
        operation_id="salary_bands_list",
        summary="Current salary bands (p10-p90, USD a year), filterable",
        parameters=schema.band_filter_parameters(),
        responses={
            200: BandSerializer(many=True),
            400: schema.VALIDATION_ERROR,
            429: schema.THROTTLED,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# ---------------------------------------------------------------------------------------------
# The employer API
# ---------------------------------------------------------------------------------------------

# The API names the fields as /jobs/ and the public API do; the form uses the model's names.
_TO_FORM = {"level": "seniority", "role": "role_family"}
_FROM_FORM = {form: api for api, form in _TO_FORM.items()}
MAX_EXTERNAL_ID = 200


class EmployerAPIView(APIView):
    authentication_classes = [CompanyTokenAuthentication]
    permission_classes = [HasCompanyToken]
    throttle_classes = [TokenThrottle]

    def company_posting(self, external_id: str) -> Posting:
        """The token's company's role with this external id; 404 for any other."""
        posting = (
            employer_services.company_postings(company=self.request.auth.company)
            .filter(external_id=external_id)
            .first()
        )
        if posting is None:
            raise NotFound("Your company has no role with this external id.")
        return posting


class EmployerJobList(EmployerAPIView):
    pagination_class = type("NewestCreated", (Cursor,), {"ordering": ("-created_at", "-id")})

    @extend_schema(
        operation_id="employer_jobs_list",
        summary="Your company's roles with their review status",
        responses={
            200: EmployerJobSerializer(many=True),
            400: schema.VALIDATION_ERROR,
            401: schema.UNAUTHORIZED,
            429: schema.THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        postings = employer_services.company_postings(company=request.auth.company)
        page = paginator.paginate_queryset(postings, request, view=self)
        data = EmployerJobSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


_EXTERNAL_ID = OpenApiParameter(
    "external_id",
    str,
    OpenApiParameter.PATH,
    description="Your own id for the role (your ATS's), unique within your company.",
)


class EmployerJob(EmployerAPIView):
    @extend_schema(
        operation_id="employer_jobs_retrieve",
        summary="One of your company's roles",
        parameters=[_EXTERNAL_ID],
        responses={
            200: EmployerJobSerializer,
            401: schema.UNAUTHORIZED,
            404: schema.NOT_FOUND,
            429: schema.THROTTLED,
        },
    )
    def get(self, request: Request, external_id: str) -> Response:
        posting = self.company_posting(external_id)
        return Response(EmployerJobSerializer(posting, context={"request": request}).data)

    @extend_schema(
        operation_id="employer_jobs_put",
        summary="Create or update a role by your own id (idempotent)",
        description="Validated exactly like the site's posting form; pay is required. A new "
        "role goes to review before it is published; a change of a live role's title, "
        "description or pay waits for review while the approved version stays up. Sending "
        "the same role again changes nothing (`result: unchanged`).",
        parameters=[_EXTERNAL_ID],
        request=EmployerJobWriteSerializer,
        responses={
            200: EmployerJobResultSerializer,
            201: EmployerJobResultSerializer,
            400: schema.VALIDATION_ERROR,
            401: schema.UNAUTHORIZED,
            404: schema.NOT_FOUND,
            409: schema.CONFLICT,
            429: schema.THROTTLED,
        },
    )
    def put(self, request: Request, external_id: str) -> Response:
        _check_external_id(external_id)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Send the role as a JSON object."]})
        _check_json_types(request.data)
        company = request.auth.company
        form = PostingForm(data=_form_data(request.data), company=company)
        if not form.is_valid():
            raise ValidationError(
                {_FROM_FORM.get(name, name): errors for name, errors in form.errors.items()}
            )
        try:
            outcome = employer_services.posting_sync(
                company=company,
                user=request.user if request.user.is_authenticated else None,
                external_id=external_id,
                data=form.values(),
            )
        except DjangoValidationError as error:
            return _conflict(error)
        posting = self.company_posting(external_id)
        posting.result = outcome.result
        data = EmployerJobResultSerializer(posting, context={"request": request}).data
        created = outcome.result == "created"
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        operation_id="employer_jobs_close",
        summary="Close a role (a role still in review goes back to draft)",
        parameters=[
            _EXTERNAL_ID,
            OpenApiParameter(
                "reason",
                str,
                enum=CloseReason.values,
                description="Why a live role closes; withdrawn when not given.",
            ),
        ],
        responses={
            200: EmployerJobSerializer,
            400: schema.VALIDATION_ERROR,
            401: schema.UNAUTHORIZED,
            404: schema.NOT_FOUND,
            409: schema.CONFLICT,
            429: schema.THROTTLED,
        },
    )
    def delete(self, request: Request, external_id: str) -> Response:
        reason = request.query_params.get("reason", CloseReason.WITHDRAWN)
        if reason not in CloseReason.values:
            raise ValidationError({"reason": [f"Use one of: {', '.join(CloseReason.values)}."]})
        posting = self.company_posting(external_id)
        try:
            employer_services.posting_remove(posting=posting, reason=reason)
        except DjangoValidationError as error:
            return _conflict(error)
        posting = self.company_posting(external_id)
        return Response(EmployerJobSerializer(posting, context={"request": request}).data)


def _check_external_id(external_id: str) -> None:
    problem = None
    if len(external_id) > MAX_EXTERNAL_ID:
        problem = f"Keep it to {MAX_EXTERNAL_ID} characters."
    elif not external_id.strip() or "\x00" in external_id:
        problem = "Give a non-empty id without null characters."
    if problem:
        raise ValidationError({"external_id": [problem]})


def _json_kind(field: serializers.Field) -> tuple[type, ...]:
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.DecimalField):
        return (int, float)
    if isinstance(field, serializers.ListField):
        return (list,)
    return (str,)


def _check_json_types(body: dict) -> None:
    """Each documented field that is present has its documented JSON type (the form turns
    anything into text, so 123 would pass as a title). The rules are the form's."""
    errors = {}
    for name, field in EmployerJobWriteSerializer().fields.items():
        if name not in body:
            continue
        value, kinds = body[name], _json_kind(field)
        wrong = not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool))
        if not wrong and isinstance(value, list):
            wrong = not all(isinstance(item, str) for item in value)
        if wrong:
            expected = {bool: "true or false", list: "a list of strings", str: "a string"}
            errors[name] = [f"Expected {expected.get(kinds[0], 'a number')}."]
    if errors:
        raise ValidationError(errors)


def _form_data(body: dict) -> dict:
    """The JSON body as the posting form reads a submission: its field names, lists of
    regions as the comma-separated text the form's box takes."""
    data = {_TO_FORM.get(name, name): value for name, value in body.items()}
    regions = data.get("remote_regions")
    if isinstance(regions, list):
        data["remote_regions"] = ", ".join(str(code) for code in regions)
    return data


def _conflict(error: DjangoValidationError) -> Response:
    return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
