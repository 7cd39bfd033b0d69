"""Factories for in-app notifications."""

from __future__ import annotations

import factory

from notifications.models import Notification
from tests.accounts.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = Notification.Kind.GENERAL
    title = factory.Sequence(lambda n: f"Notification {n}")
