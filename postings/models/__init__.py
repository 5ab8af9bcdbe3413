"""The postings app's models, split by sub-domain; import them from here."""

from postings.models.employers import (
    ApiToken,
    CounterFlush,
    Invitation,
    Membership,
    PostingRevision,
    RevisionStatus,
)
from postings.models.infra import QueuedTask, RateLimitCounter, SyncMark
from postings.models.postings import (
    EU_COUNTRIES,
    REMOTE_REGIONS,
    SAMPLE_EVERY,
    SEARCH_DOCUMENT_SQL,
    SIMILAR_TTL,
    CloseReason,
    Company,
    EmploymentType,
    PayPeriod,
    Posting,
    PostingQuerySet,
    RoleFamily,
    Seniority,
    Status,
    Workplace,
    remote_codes_for,
)
from postings.models.tagging import PostingSkill, PostingTagState, Source

__all__ = [
    "EU_COUNTRIES", "REMOTE_REGIONS", "SAMPLE_EVERY", "SEARCH_DOCUMENT_SQL", "SIMILAR_TTL",
    "ApiToken", "CloseReason", "Company", "CounterFlush", "EmploymentType", "Invitation",
    "Membership", "PayPeriod", "Posting", "PostingQuerySet", "PostingRevision", "PostingSkill",
    "PostingTagState", "QueuedTask", "RateLimitCounter", "RevisionStatus", "RoleFamily",
    "Seniority", "Source", "Status", "SyncMark", "Workplace", "remote_codes_for",
]  # fmt: skip
