from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from skills.extraction import normalize
from skills.models import Alias, CandidateStatus, Category, Skill, SkillCandidate
from skills.services import (
    alias_key_check,
    candidate_accept_as_alias,
    candidate_accept_as_skill,
    candidate_reject,
    current_matcher,
    skill_merge,
    taxonomy_changed,
)


class AliasForm(forms.ModelForm):
    class Meta:
        model = Alias
        fields = ["text", "case_sensitive", "needs_context"]

    def clean(self):
        cleaned = super().clean()
        skill = getattr(self.instance, "skill", None) or self.parent_skill
        if cleaned.get("text") and skill is not None and skill.pk:
            try:
                self.instance.key = alias_key_check(
                    text=cleaned["text"], skill=skill, exclude_pk=self.instance.pk
                )
            except ValidationError as error:
                self.add_error("text", error.message_dict["text"])
        return cleaned


class AliasInline(admin.TabularInline):
    model = Alias
    form = AliasForm
    extra = 1
    fields = ["text", "case_sensitive", "needs_context"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_skill = obj
        return formset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "skill_count"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(ordering="skill_count")
    def skill_count(self, obj: Category) -> int:
        return obj.skill_count


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Skill.objects.unmerged(), label="Merge into", help_text="The skill that stays."
    )


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "parent", "is_active", "merged_into", "alias_count"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "slug", "aliases__text"]
    list_select_related = ["category", "parent", "merged_into"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AliasInline]
    actions = ["merge_into"]
    readonly_fields = ["created_at", "updated_at", "merged_into"]

    def get_readonly_fields(self, request, obj=None):
        # A merged skill stays inactive (a database constraint): it is a redirect now.
        if obj is not None and obj.merged_into_id is not None:
            return [*self.readonly_fields, "is_active"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(alias_count=Count("aliases"))

    @admin.display(ordering="alias_count")
    def alias_count(self, obj: Skill) -> int:
        return obj.alias_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        skill = form.instance
        # The canonical name is an alias too, so a name can never collide with another skill.
        same = skill.aliases.filter(key=normalize(skill.name))
        if same.exists():
            # An explicit alias spelt like the name keeps its flags (R needs context).
            skill.aliases.update(is_canonical=False)
            same.update(is_canonical=True)
        else:
            # Renamed: the old name stays as a plain alias, so nothing stops matching.
            skill.aliases.update(is_canonical=False)
            try:
                key = alias_key_check(text=skill.name, skill=skill)
            except ValidationError as error:
                self.message_user(request, error.message_dict["text"][0], messages.WARNING)
            else:
                Alias.objects.create(skill=skill, text=skill.name, key=key, is_canonical=True)
        # Any change re-tags postings in the background (the sweep compares versions).
        taxonomy_changed()

    @admin.action(description="Merge the selected skills into another skill")
    def merge_into(self, request: HttpRequest, queryset) -> HttpResponse | None:
        form = MergeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = []
            for source in queryset.exclude(pk=target.pk):
                try:
                    skill_merge(source=source, target=target)
                except ValidationError as error:
                    self.message_user(request, error.messages[0], messages.ERROR)
                else:
                    merged.append(source.name)
            if merged:
                self.message_user(
                    request,
                    f"Merged {', '.join(merged)} into {target.name}. Postings tagged with "
                    f"{'them' if len(merged) > 1 else 'it'} move to {target.name} in the "
                    "background, within a minute.",
                )
            return None
        return TemplateResponse(
            request,
            "admin/skills/merge.html",
            {**self.admin_site.each_context(request), "skills": queryset, "form": form,
             "title": "Merge skills", "opts": self.model._meta},
        )  # fmt: skip

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview), name="skills_preview"),
            *super().get_urls(),
        ]

    def preview(self, request: HttpRequest) -> HttpResponse:
        """Paste a text, see the skills the current taxonomy finds in it, highlighted."""
        text = request.POST.get("text", "") if request.method == "POST" else ""
        matches = current_matcher()[1].find(text) if text else []
        pieces, cursor = [], 0
        for m in matches:
            pieces.append(escape(text[cursor : m.start]))
            pieces.append(f'<mark title="{escape(m.name)}">{escape(text[m.start : m.end])}</mark>')
            cursor = m.end
        pieces.append(escape(text[cursor:]))
        return TemplateResponse(
            request,
            "admin/skills/preview.html",
            {**self.admin_site.each_context(request), "title": "Preview skill extraction",
             "text": text, "matches": matches, "highlighted": mark_safe("".join(pieces)),  # noqa: S308
             "opts": self.model._meta},
        )  # fmt: skip


class AcceptAsSkillForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.all())


class AcceptAsAliasForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.active(), label="Alias of")


@admin.register(SkillCandidate)
class SkillCandidateAdmin(admin.ModelAdmin):
    list_display = ["term", "posting_count", "first_example", "status", "last_seen"]
    list_filter = ["status"]
    search_fields = ["term"]
    readonly_fields = ["term", "posting_count", "examples", "first_seen", "last_seen", "note"]
    fields = ["term", "posting_count", "examples", "status", "first_seen", "last_seen", "note"]
    actions = ["accept_as_skill", "accept_as_alias", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # candidates come from postings, not by hand

    def changelist_view(self, request, extra_context=None):
        # The queue opens on what waits for review.
        if "status__exact" not in request.GET and not request.GET.get("q"):
            query = request.GET.copy()
            query["status__exact"] = CandidateStatus.PENDING
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    @admin.display(description="Example")
    def first_example(self, obj: SkillCandidate) -> str:
        return obj.examples[0] if obj.examples else ""

    def _decide(self, request, queryset, form_class, title, apply):
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = []
            for candidate in queryset.filter(status=CandidateStatus.PENDING):
                try:
                    apply(candidate, form.cleaned_data)
                except ValidationError as error:
                    self.message_user(request, f"{candidate.term}: {error.messages[0]}",
                                      messages.ERROR)  # fmt: skip
                else:
                    done.append(candidate.term)
            if done:
                self.message_user(request, f"{title}: {', '.join(done)}.")
            return None
        return TemplateResponse(
            request,
            "admin/skills/candidate_decide.html",
            {**self.admin_site.each_context(request), "candidates": queryset, "form": form,
             "title": title, "action": request.POST.get("action"), "opts": self.model._meta},
        )  # fmt: skip

    @admin.action(description="Accept as new skills")
    def accept_as_skill(self, request, queryset):
        return self._decide(
            request, queryset, AcceptAsSkillForm, "Accepted as new skills",
            lambda c, data: candidate_accept_as_skill(candidate=c, category=data["category"]),
        )  # fmt: skip

    @admin.action(description="Accept as aliases of an existing skill")
    def accept_as_alias(self, request, queryset):
        return self._decide(
            request, queryset, AcceptAsAliasForm, "Accepted as aliases",
            lambda c, data: candidate_accept_as_alias(candidate=c, skill=data["skill"]),
        )  # fmt: skip

    @admin.action(description="Reject")
    def reject(self, request, queryset):
        for candidate in queryset.filter(status=CandidateStatus.PENDING):
            candidate_reject(candidate=candidate)
        self.message_user(request, "Rejected; they will not be proposed again.")
