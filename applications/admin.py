from django.contrib import admin

from applications.models import Call, Policy, Program, Track


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "effective_from", "effective_to", "amounts_verified", "catalogue_version"]
    list_filter = ["amounts_verified"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    fields = ["code", "title_en", "base_fact", "rate", "rate_is_ceiling", "clause_cap", "position"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "clause", "lead", "yearly_cap", "overlap_group", "catalogue_version"]
    list_filter = ["policy", "lead"]
    list_select_related = ["lead"]
    filter_horizontal = ["co_reviewers"]
    inlines = [TrackInline]
    search_fields = ["code", "title_en", "title_zh"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title_en", "program", "year", "opens_at", "closes_at", "budget"]
    list_filter = ["year", "program__policy"]
    list_select_related = ["program"]
