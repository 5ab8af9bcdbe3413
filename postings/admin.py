from django.contrib import admin

from postings.models import Company, Posting


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
