"""Letters' verification tokens (issue 17): added empty, filled with a distinct random token for every letter
issued so far, then made unique; and the revocation of a letter."""

import secrets

from django.db import migrations, models


def fill_tokens(apps, schema_editor):
    Letter = apps.get_model("awards", "Letter")
    letters = list(Letter.objects.filter(token__isnull=True).only("pk"))
    seen = set()
    for letter in letters:
        token = secrets.token_urlsafe(16)
        while token in seen:  # 128 random bits: never, but the constraint below must not be the one to notice
            token = secrets.token_urlsafe(16)
        seen.add(token)
        letter.token = token
    Letter.objects.bulk_update(letters, ["token"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0009_register"),
    ]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="verification token"),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="letter",
            name="token",
            field=models.CharField(editable=False, max_length=32, unique=True, verbose_name="verification token"),
        ),
        migrations.AddField(
            model_name="letter",
            name="revoked_on",
            field=models.DateField(blank=True, null=True, verbose_name="revoked on"),
        ),
        migrations.AddField(
            model_name="letter",
            name="revoked_cause",
            field=models.CharField(
                blank=True,
                choices=[
                    ("fraud_clawback", "The support was clawed back because it was obtained with false information"),
                    ("objection_upheld", "An objection to the decision was upheld"),
                    ("register_removal", "The entry was removed from the register"),
                ],
                max_length=20,
                verbose_name="cause of revocation",
            ),
        ),
        migrations.AddField(
            model_name="letter",
            name="revoked_reason",
            field=models.TextField(blank=True, verbose_name="reason for revocation"),
        ),
    ]
