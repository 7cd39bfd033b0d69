"""A peer program's people are in its directory as soon as they are in: joining gives a peer a
mentor profile with the default boundaries (capacity 2, taking requests), which they change on
their profile page. A signal, because joining is written in ``programs`` (below this app), at
several call sites: invitations, applications, admins adding people."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from programs.models import Participant, Program, Role


@receiver(post_save, sender=Participant, dispatch_uid="matching.peer_profile_on_join")
def peer_profile_on_join(sender: Any, instance: Participant, **kwargs: Any) -> None:
    from matching.models import MentorProfile

    if (
        instance.role == Role.MENTOR
        and instance.status == Participant.Status.ACTIVE
        and Program.objects.filter(pk=instance.program_id, kind=Program.Kind.PEER).exists()
    ):
        MentorProfile.objects.get_or_create(participant=instance)
