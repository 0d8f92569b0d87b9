from django.contrib import admin

from awards.models import Award
from portal.accounts.admin import ReadOnlyAdmin


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    """Read-only: awards are computed by the engine and change state only through services."""

    list_display = ["application", "organisation", "program", "year", "amount", "state", "computed_at"]
    list_filter = ["state", "year", "program"]
    list_select_related = ["application", "organisation", "program"]
    search_fields = ["application__receipt_number", "organisation__name", "organisation__uscc"]
