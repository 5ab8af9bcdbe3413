from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from postings.models import Company, Invitation, Membership, Posting, PostingRevision, Status
from postings.moderation.services import posting_approve
from postings.rendering import markdown_to_html
from postings.tagging.services import posting_enqueue_tagging


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "company", "status", "seniority", "workplace", "published_at"]
    list_filter = ["status", "seniority", "role_family", "workplace"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    date_hierarchy = "published_at"
    readonly_fields = [
        "text_updated_at",
        "search_text_at",
        "source_key",
        "rendered_description",
        "submitted_at",
        "reviewed_at",
        "reviewed_by",
        "created_by",
        "view_count",
        "apply_click_count",
        "expiry_reminder_sent_at",
    ]
    actions = ["approve_selected"]

    @admin.display(description="Description as seekers see it")
    def rendered_description(self, obj: Posting) -> SafeString:
        # Through the one sanitizer, like every page that shows a posting.
        return mark_safe(markdown_to_html(obj.description or ""))  # noqa: S308

    @admin.action(description="Approve selected postings waiting for review (30 days)")
    def approve_selected(self, request, queryset) -> None:
        done = 0
        for posting in queryset.filter(status=Status.PENDING_REVIEW):
            try:
                posting_approve(posting=posting, reviewer=request.user)
            except ValidationError:
                continue
            done += 1
        self.message_user(request, f"Approved {done} posting(s).", messages.SUCCESS)
        self.message_user(
            request,
            format_html(
                'To reject with a reason, use the <a href="{}">moderation queue</a>.',
                reverse("moderation:queue"),
            ),
            messages.INFO,
        )

    def save_model(self, request, obj, form, change):
        if "description" in form.changed_data:
            obj.text_updated_at = timezone.now()
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if "description" in form.changed_data:
            posting_enqueue_tagging(posting_id=obj.pk)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "created_at"]
    search_fields = ["user__username", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["company"]
    raw_id_fields = ["user", "invited_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "created_at", "sent_at", "accepted_at"]
    search_fields = ["email", "company__name"]
    list_select_related = ["company"]
    readonly_fields = ["sent_at", "accepted_at"]
    raw_id_fields = ["company", "invited_by"]


@admin.register(PostingRevision)
class PostingRevisionAdmin(admin.ModelAdmin):
    """Read-only: edits are decided in the moderation queue, with their diff."""

    list_display = ["posting", "status", "renew", "submitted_at", "reviewed_at"]
    list_filter = ["status"]
    list_select_related = ["posting"]
    readonly_fields = [f.name for f in PostingRevision._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
