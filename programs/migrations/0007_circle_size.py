import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_single_line_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="circle_size",
            field=models.PositiveSmallIntegerField(
                db_default=6,
                default=6,
                help_text="In a group program a mentor's capacity counts circles; each holds this many mentees.",
                validators=[
                    django.core.validators.MinValueValidator(2),
                    django.core.validators.MaxValueValidator(20),
                ],
                verbose_name="mentees per circle (group programs)",
            ),
        ),
    ]
