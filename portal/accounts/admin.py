from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from portal.accounts.models import Commission, Notification, Organisation, OutboxMessage, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through services (which check permissions and write the audit
    trail) or never change at all: administrators may look, not edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "email", "role", "commission", "organisation", "is_active"]
    list_filter = ["role", "commission", "is_active"]
    list_select_related = ["commission", "organisation"]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Portal", {"fields": ["role", "commission", "organisation", "is_org_admin", "preferred_language"]}),
    )
    autocomplete_fields = ["organisation"]


@admin.register(Commission)
class CommissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_zh"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ["name", "uscc", "kind", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "uscc"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What left and what waits: an unsent row older than a few minutes with attempts and an error is a
    mail the sweep keeps trying (portal/accounts/outbox.py)."""

    list_display = ["dedupe_key", "kind", "subject", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["dedupe_key", "subject"]
    exclude = ["body"]  # an invitation's body holds its one-time link until the mail has left
    readonly_fields = ["event", "letter", "invitation"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Who was told what, and whether the e-mail covering it left (its own mail, or a digest): written only by
    portal/accounts/inbox.notify, read by its owner on /inbox/."""

    list_display = ["user", "kind", "title_en", "created_at", "read_at", "mailed_at", "outbox"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter), ("mailed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "outbox"]
    search_fields = ["user__username", "key", "title_en", "title_zh"]
