"""Factories for accounts: users with a verified address and a known password."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    time_zone = "Europe/Berlin"
    department = factory.Iterator(["Engineering", "Sales", "People", "Design"])
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Every factory user has a verified primary address unless verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)
