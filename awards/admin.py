from django.contrib import admin

from awards.models import Award


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    """Read-only: awards are computed by the engine and change state only through services."""

    list_display = ["application", "organisation", "program", "year", "amount", "state", "computed_at"]
    list_filter = ["state", "year", "program"]
    list_select_related = ["application", "organisation", "program"]
    search_fields = ["application__receipt_number", "organisation__name", "organisation__uscc"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
