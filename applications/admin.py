from django.contrib import admin

from applications.models import AuditEvent, Call, Policy, Program, Track
from portal.accounts.admin import ReadOnlyAdmin


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


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Auditors read the trail here; nobody edits it (a database trigger refuses it as well)."""

    list_display = ["at", "application", "action", "from_state", "to_state", "actor"]
    list_filter = ["action", "to_state"]
    list_select_related = ["application", "actor"]
    search_fields = ["application__receipt_number", "actor__username"]
    date_hierarchy = "at"
