from django.contrib import admin
from django.utils import timezone

from postings.models import Company, Posting
from skills.services import posting_enqueue_tagging


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ["title", "company", "status", "seniority", "workplace", "published_at"]
    list_filter = ["status", "seniority", "role_family", "workplace"]
    search_fields = ["title", "company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    date_hierarchy = "published_at"
    readonly_fields = ["text_updated_at", "tagged_at", "tagged_version", "source_key"]

    def save_model(self, request, obj, form, change):
        if "description" in form.changed_data:
            obj.text_updated_at = timezone.now()
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        if "description" in form.changed_data:
            posting_enqueue_tagging(posting_id=obj.pk)
