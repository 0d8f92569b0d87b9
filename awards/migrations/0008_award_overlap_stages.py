import django.contrib.postgres.fields
from django.db import migrations, models


def stages_out_of_keys(apps, schema_editor):
    """Keys were "<group>|<product>|<track>" where a program's tracks add up: the track moves to the stages."""
    Award = apps.get_model("awards", "Award")
    for award in Award.objects.select_related("program", "application__track").filter(program__overlap_per_track=True):
        suffix = f"|{award.application.track.code}"
        if award.overlap_key.endswith(suffix):
            award.overlap_key = award.overlap_key[: -len(suffix)]
            award.overlap_stages = [award.application.track.code]
            award.save(update_fields=["overlap_key", "overlap_stages"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_track_forms_program_units"),
        ("awards", "0007_objection_one_open_per_identity"),
        ("portal", "0007_outbox"),
        ("reviews", "0002_waived_outcome"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="award",
            name="award_org_holdings",
        ),
        migrations.AddField(
            model_name="award",
            name="overlap_stages",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=40), blank=True, default=list, size=None
            ),
        ),
        migrations.RunPython(stages_out_of_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="award",
            index=models.Index(
                fields=["organisation", "program", "year"],
                include=("amount", "clawed_back", "overlap_key", "overlap_stages", "state"),
                name="award_org_holdings",
            ),
        ),
    ]
