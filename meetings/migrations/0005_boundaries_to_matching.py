"""Availability and ContactWindow now belong to matching (matching 0009): drop them from
meetings' state only; the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0009_boundaries_from_meetings"),
        ("meetings", "0004_single_line_fields"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ContactWindow"),
                migrations.DeleteModel(name="Availability"),
            ],
            database_operations=[],
        ),
    ]
