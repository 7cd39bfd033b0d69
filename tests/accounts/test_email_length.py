"""An email address is at most 254 characters wherever people type one: the columns' length.

Django's ``validate_email`` and ``forms.EmailField`` take up to 320; a longer address than
the column broke the insert on PostgreSQL (and allauth's sign-up cut it off to fit).
"""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from accounts.models import User
from mentorship.validators import EMAIL_MAX_LENGTH, EmailAddressField, validate_email_address
from tests.accounts.factories import TEST_PASSWORD

LONGEST = "a" * 242 + "@example.org"  # 254 characters
TOO_LONG = "a" + LONGEST


def test_every_email_column_holds_what_the_forms_take():
    columns = [
        (model.__name__, field.name, field.max_length)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.EmailField)
    ]
    assert ("User", "email", EMAIL_MAX_LENGTH) in columns
    assert ("Invitation", "email", EMAIL_MAX_LENGTH) in columns
    assert all(length == EMAIL_MAX_LENGTH for _, _, length in columns), columns


def test_validate_email_address():
    validate_email_address(LONGEST)
    with pytest.raises(ValidationError, match="at most 254 characters") as too_long:
        validate_email_address(TOO_LONG)
    assert too_long.value.code == "max_length"
    with pytest.raises(ValidationError) as malformed:
        validate_email_address("not-an-email")
    assert malformed.value.code == "invalid"


def test_email_address_field():
    field = EmailAddressField()
    assert field.clean(LONGEST) == LONGEST
    assert field.widget.attrs["maxlength"] == "254"
    with pytest.raises(ValidationError) as refusal:
        field.clean(TOO_LONG)
    assert refusal.value.messages == ["Enter an email address of at most 254 characters."]


@pytest.mark.django_db
def test_signup_refuses_an_email_longer_than_its_column(client):
    data = {
        "full_name": "Lon Gaddress",
        "time_zone": "UTC",
        "password1": TEST_PASSWORD,
        "password2": TEST_PASSWORD,
    }
    response = client.post(reverse("account_signup"), {**data, "email": TOO_LONG})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Enter an email address of at most 254 characters."
    ]
    assert not User.objects.exists()
    response = client.post(reverse("account_signup"), {**data, "email": LONGEST})
    assert response.status_code == 302
    assert User.objects.get().email == LONGEST


@pytest.mark.django_db
def test_adding_an_email_longer_than_its_column_is_refused(client, mentee):
    client.force_login(mentee)
    response = client.post(reverse("account_email"), {"action_add": "", "email": TOO_LONG})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Enter an email address of at most 254 characters."
    ]
    assert not EmailAddress.objects.filter(email=TOO_LONG).exists()
