"""Issue 12: accounts made before e-mail verification count as verified (they signed up when none was asked,
and invitations or staff accounts proved their address otherwise); and the permanent API tokens of DRF's
authtoken, kept in clear, are dropped: every old token stops working, and a new one (django-rest-knox,
expiring, hashed) is asked for at POST /api/v1/auth-token/."""

from django.db import migrations
from django.db.models import F


def mark_existing_users_verified(apps, schema_editor):
    User = apps.get_model("portal", "User")
    User.objects.filter(email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_user_email_verified_at"),
    ]

    operations = [
        migrations.RunPython(mark_existing_users_verified, migrations.RunPython.noop),
        # rest_framework.authtoken is no longer installed, so its own migrations cannot remove its table.
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
