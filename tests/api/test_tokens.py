"""A person's API tokens on /settings/tokens/: made with a name and scopes (refused, next to the
field, without them), the key shown once and only its hash kept, revoked by its owner only
(another person's or an unknown id is 404), at most twenty live at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api.models import AccessToken
from api.services import MAX_TOKENS, key_hash, token_create
from mentorship.errors import DomainError

pytestmark = pytest.mark.django_db

URL = "/settings/tokens/"


def test_a_token_is_made_shown_once_and_kept_as_a_hash(client, mentee):
    client.force_login(mentee)
    made = client.post(URL, {"name": "HR dashboard", "scopes": ["mentorships:read", "goals:read"]})
    assert made.status_code == 302
    html = client.get(URL).content.decode()
    token = AccessToken.objects.get(user=mentee)
    key = html.split('id="token-key" type="text" readonly value="')[1].split('"')[0]
    assert key.startswith("twoway_") and token.key_hash == key_hash(key)
    assert token.scopes == ["mentorships:read", "goals:read"]
    assert key not in str(AccessToken.objects.values_list().get())
    again = client.get(URL).content.decode()
    assert key not in again and "HR dashboard" in again and token.prefix in again


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"name": "", "scopes": ["goals:read"]}, "name", "This field is required."),
        ({"name": "Bot"}, "scopes", "Choose what the token may read."),
        ({"name": "Bot", "scopes": ["admin:everything"]}, "scopes", "is not one of"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, mentee, form, field, message):
    client.force_login(mentee)
    html = client.post(URL, form).content.decode()
    error = html.split(f'<p id="error_1_id_{field}"><strong>')[1].split("</strong>")[0]
    assert message in error
    assert not AccessToken.objects.exists()


def test_only_the_owner_revokes_a_token(client, mentee, mentor):
    token, _ = token_create(user=mentee, name="Script", scopes=["goals:read"])
    url = reverse("api:token_revoke", args=[token.pk])
    client.force_login(mentor)
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.force_login(mentee)
    assert client.post(url).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.post(url).status_code == 404  # revoked already
    assert client.post(reverse("api:token_revoke", args=[987654])).status_code == 404


def test_at_most_twenty_live_tokens(mentee):
    for number in range(MAX_TOKENS):
        token_create(user=mentee, name=f"T{number}", scopes=["goals:read"])
    with pytest.raises(DomainError, match="revoke one") as refused:
        token_create(user=mentee, name="One more", scopes=["goals:read"])
    assert refused.value.field == "name"
    token = AccessToken.objects.filter(user=mentee).first()
    assert token is not None
    AccessToken.objects.filter(pk=token.pk).update(revoked_at=token.created_at)
    token_create(user=mentee, name="One more", scopes=["goals:read"])
