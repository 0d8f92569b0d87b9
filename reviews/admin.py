"""Administrators invite experts to calls here; review work itself is read-only in the admin (it
changes only through the workflow and the review services, which write the audit trail)."""

from django.contrib import admin

from applications.admin import CallAdmin
from applications.models import Call
from portal.accounts.admin import ReadOnlyAdmin
from portal.accounts.models import Role, User
from reviews import services
from reviews.models import CallExpert, Decision, ExpertAssignment, ReviewTask


@admin.register(ReviewTask)
class ReviewTaskAdmin(ReadOnlyAdmin):
    list_display = ["application", "commission", "kind", "state", "due_on", "assigned_to", "outcome"]
    list_filter = ["kind", "state", "commission"]
    list_select_related = ["application", "commission", "assigned_to"]
    search_fields = ["application__receipt_number", "application__organisation__name"]


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "expert", "state", "weighted_score", "due_on"]
    list_filter = ["state"]
    list_select_related = ["application", "expert"]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["application", "outcome", "recommended_amount", "decided_by", "decided_at"]
    list_select_related = ["application", "decided_by"]


class CallExpertInline(admin.TabularInline):
    model = CallExpert
    extra = 1
    fields = ["expert"]
    verbose_name_plural = "experts invited to this call"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            kwargs["queryset"] = User.objects.filter(role=Role.EXPERT, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CallWithExpertsAdmin(CallAdmin):
    inlines = [*CallAdmin.inlines, CallExpertInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not CallExpert:
            return super().save_formset(request, form, formset, change)
        # Invitations go through the service (it checks the call uses experts and who may invite).
        for row in formset.save(commit=False):
            services.expert_invite(call=form.instance, expert=row.expert, by=request.user)
        for row in formset.deleted_objects:
            row.delete()
        return None


admin.site.unregister(Call)
admin.site.register(Call, CallWithExpertsAdmin)
