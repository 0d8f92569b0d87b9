from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from applications.forms import ConfirmAmountsForm
from applications.models import AuditEvent, Call, Policy, Program, ProgramUnit, Track
from applications.services import policy_confirm_amounts
from portal.accounts.admin import ReadOnlyAdmin
from portal.errors import PortalError


@admin.action(description=_("Confirm the amounts against the official text"))
def confirm_amounts(modeladmin, request, queryset):
    """Asks which text was read, then records the act per policy (services.policy_confirm_amounts); all or none."""
    form = ConfirmAmountsForm(request.POST if "against" in request.POST else None)
    if form.is_valid():
        against = form.cleaned_data["against"]
        try:
            with transaction.atomic():
                for policy in queryset:
                    policy_confirm_amounts(policy_code=policy.code, by=request.user, against=against)
        except PortalError as error:
            error.flash(request)
        else:
            messages.success(request, _("The amounts are recorded as verified."))
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Confirm the amounts against the official text"),
        "opts": modeladmin.model._meta,
        "policies": queryset,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/applications/policy/confirm_amounts.html", context)


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title_en",
        "effective_from",
        "effective_to",
        "amounts_verified",
        "amounts_verified_by",
        "amounts_verified_at",
        "amounts_verified_against",
        "catalogue_version",
    ]
    list_filter = ["amounts_verified"]
    list_select_related = ["amounts_verified_by"]
    actions = [confirm_amounts]
    # Only the action verifies amounts, so that every verification says who, when and against which text.
    readonly_fields = ["amounts_verified", "amounts_verified_by", "amounts_verified_at", "amounts_verified_against"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    fields = ["code", "title_en", "base_fact", "rate", "rate_is_ceiling", "clause_cap", "overlap_stages", "position"]


class ProgramUnitInline(admin.TabularInline):
    """The units the clause names, in its order (the catalogue file writes them; the first leads)."""

    model = ProgramUnit
    extra = 0
    fields = ["position", "commission"]
    ordering = ["position"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "clause", "lead", "yearly_cap", "overlap_group", "catalogue_version"]
    list_filter = ["policy", "lead"]
    list_select_related = ["lead"]
    # Which of the units receive a review task.
    filter_horizontal = ["co_reviewers"]
    inlines = [ProgramUnitInline, TrackInline]
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
