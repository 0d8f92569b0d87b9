import django.db.models.deletion
from django.db import migrations, models


def forms_to_tracks_and_units(apps, schema_editor):
    Program = apps.get_model("applications", "Program")
    Track = apps.get_model("applications", "Track")
    ProgramUnit = apps.get_model("applications", "ProgramUnit")
    for program in Program.objects.all():
        Track.objects.filter(program=program).update(
            fact_schema=program.fact_schema, document_types=program.document_types
        )
        units = [program.lead_id, *program.co_reviewers.order_by("code").values_list("pk", flat=True)]
        ProgramUnit.objects.bulk_create(
            ProgramUnit(program=program, commission_id=unit, position=position)
            for position, unit in enumerate(dict.fromkeys(units))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0009_desk_case_states"),
        ("portal", "0007_outbox"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="citation_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="citation (English)"),
        ),
        migrations.AddField(
            model_name="program",
            name="citation_zh",
            field=models.CharField(blank=True, max_length=200, verbose_name="citation (Chinese)"),
        ),
        migrations.AddField(
            model_name="track",
            name="document_types",
            field=models.JSONField(default=list, verbose_name="required documents"),
        ),
        migrations.AddField(
            model_name="track",
            name="fact_schema",
            field=models.JSONField(default=list, verbose_name="fact schema"),
        ),
        migrations.AddField(
            model_name="track",
            name="overlap_stages",
            field=models.JSONField(blank=True, default=list, verbose_name="overlap stages"),
        ),
        migrations.AlterField(
            model_name="program",
            name="co_reviewers",
            field=models.ManyToManyField(
                blank=True,
                related_name="co_reviewed_programs",
                to="portal.commission",
                verbose_name="units that review",
            ),
        ),
        migrations.CreateModel(
            name="ProgramUnit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveSmallIntegerField()),
                (
                    "commission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="program_rows", to="portal.commission"
                    ),
                ),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="unit_rows", to="applications.program"
                    ),
                ),
            ],
            options={
                "verbose_name": "responsible unit",
                "verbose_name_plural": "responsible units",
                "ordering": ["program", "position"],
            },
        ),
        migrations.AddField(
            model_name="program",
            name="units",
            field=models.ManyToManyField(
                blank=True, related_name="named_in_programs", through="applications.ProgramUnit", to="portal.commission"
            ),
        ),
        migrations.AddConstraint(
            model_name="programunit",
            constraint=models.UniqueConstraint(fields=("program", "position"), name="one_unit_per_place"),
        ),
        migrations.AddConstraint(
            model_name="programunit",
            constraint=models.UniqueConstraint(fields=("program", "commission"), name="unit_named_once_per_program"),
        ),
        # Before the program's form goes, each track gets it, and each program its lead and reviewers as its units
        # (the catalogue, loaded again, writes each track's own form and the clause's full list in its order).
        migrations.RunPython(forms_to_tracks_and_units, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="program",
            name="document_types",
        ),
        migrations.RemoveField(
            model_name="program",
            name="fact_schema",
        ),
    ]
