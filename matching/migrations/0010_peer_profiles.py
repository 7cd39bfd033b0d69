"""Peers who joined a peer program before joining gave them a mentor profile get one now (the
default boundaries), so the program's directory lists everyone in it."""

from __future__ import annotations

from django.db import migrations


def forwards(apps, schema_editor):
    Participant = apps.get_model("programs", "Participant")
    MentorProfile = apps.get_model("matching", "MentorProfile")
    missing = Participant.objects.filter(
        role="mentor", status="active", program__kind="peer", mentor_profile__isnull=True
    )
    MentorProfile.objects.bulk_create(
        [MentorProfile(participant_id=pk) for pk in missing.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_boundaries_from_meetings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
