from django.contrib import admin

from awards.models import Award, RegisterEntry
from portal.accounts.admin import ReadOnlyAdmin


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    """Read-only: awards are computed by the engine and change state only through services."""

    list_display = ["application", "organisation", "program", "year", "amount", "state", "computed_at"]
    list_filter = ["state", "year", "program"]
    list_select_related = ["application", "organisation", "program"]
    search_fields = ["application__receipt_number", "organisation__name", "organisation__uscc"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    """Read-only: an entry moves only through `entry_move` (awards/register_lifecycle.py), each move recorded."""

    list_display = ["program", "organisation", "subject", "state", "valid_from", "valid_to", "certificate"]
    list_filter = ["state", "program"]
    list_select_related = ["program", "organisation", "certificate"]
    search_fields = ["organisation__name", "organisation__uscc", "subject", "key", "certificate__reference"]
