from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from guardian.admin import GuardedModelAdmin

from portal.models import Commission, Organisation, User


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
