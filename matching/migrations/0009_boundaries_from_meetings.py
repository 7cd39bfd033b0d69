"""Availability and ContactWindow, a mentor's boundaries, move from meetings to matching.

State only: the tables keep their names (``meetings_availability``, ``meetings_contactwindow``)
and every row; meetings 0005 then drops the two models from meetings' state. The content types
follow, so permissions and admin log entries keep pointing at the models.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import accounts.timezones

MODELS = ("availability", "contactwindow")


def _relabel(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.db_manager(schema_editor.connection.alias)
    for model in MODELS:
        # A row under the new label exists only if an earlier migrate's post_migrate made it;
        # then the old row is left as it is (remove_stale_contenttypes deals with it).
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_matching(apps, schema_editor):
    _relabel(apps, schema_editor, "meetings", "matching")


def content_types_to_meetings(apps, schema_editor):
    _relabel(apps, schema_editor, "matching", "meetings")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("matching", "0008_single_line_fields"),
        ("meetings", "0004_single_line_fields"),
        ("programs", "0006_single_line_fields"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Availability",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "time_zone",
                            models.CharField(
                                max_length=64, validators=[accounts.timezones.validate_timezone]
                            ),
                        ),
                        (
                            "minimum_notice_hours",
                            models.PositiveSmallIntegerField(
                                default=24,
                                validators=[django.core.validators.MaxValueValidator(336)],
                                verbose_name="minimum notice to schedule (hours)",
                            ),
                        ),
                        (
                            "cancellation_notice_hours",
                            models.PositiveSmallIntegerField(
                                default=24,
                                validators=[django.core.validators.MaxValueValidator(336)],
                                verbose_name="notice to cancel (hours)",
                            ),
                        ),
                        (
                            "participant",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="availability",
                                to="programs.participant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "meetings_availability",
                        "verbose_name_plural": "availabilities",
                    },
                ),
                migrations.CreateModel(
                    name="ContactWindow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "weekday",
                            models.PositiveSmallIntegerField(
                                choices=[
                                    (0, "Monday"),
                                    (1, "Tuesday"),
                                    (2, "Wednesday"),
                                    (3, "Thursday"),
                                    (4, "Friday"),
                                    (5, "Saturday"),
                                    (6, "Sunday"),
                                ]
                            ),
                        ),
                        ("start_time", models.TimeField()),
                        ("end_time", models.TimeField()),
                        (
                            "availability",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="windows",
                                to="matching.availability",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "meetings_contactwindow",
                        "ordering": ["availability", "weekday", "start_time"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("start_time__lt", models.F("end_time"))),
                                name="window_starts_before_end",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("weekday__lte", 6)), name="window_weekday_range"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_matching, content_types_to_meetings),
    ]
