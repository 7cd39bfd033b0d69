# A profile photo (accounts/photos.py makes it); "" in the database for none.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_single_line_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="photo",
            field=models.FileField(blank=True, db_default="", max_length=200, upload_to="photos/"),
        ),
    ]
