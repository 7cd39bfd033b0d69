"""Words people read: dates with their year only when it is another year's, "just now", state
changes as sentences, and only the sections and settings that apply to the person."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import MentorshipRequest, StateChange
from mentorship.templatetags.when import ago, day
from notifications.reminders import preferences_of
from tests.matching.factories import MentorshipRequestFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel("2026-06-15 12:00Z", tick=False)
def test_a_date_shows_its_year_only_when_it_is_not_this_year():
    assert day(date(2026, 5, 5)) == "5 May"
    assert day(date(2019, 5, 5)) == "5 May 2019"
    assert day(None) == ""


def test_a_moment_ago_is_just_now():
    assert ago(timezone.now() - timedelta(seconds=20)) == "just now"
    assert ago(timezone.now() - timedelta(days=3)) == "3\xa0days ago"


def test_state_changes_read_as_sentences(mentee_p, mentor_p):
    request = MentorshipRequestFactory(mentee=mentee_p, mentor=mentor_p)
    pending = MentorshipRequest.Status.PENDING
    assert StateChange(request=request, from_status="", to_status=pending).sentence == "Sent"
    same = StateChange(request=request, from_status=pending, to_status=pending)
    assert same.sentence == "Still pending"
    accepted = StateChange(request=request, from_status=pending, to_status="accepted")
    assert accepted.sentence == "Accepted (was pending)"


def test_a_mentee_sees_only_the_requests_they_sent(mentee, mentee_p):
    page = _client(mentee).get(reverse("matching:requests")).content.decode()
    assert "Sent by you" in page
    assert "To you" not in page and "as mentor" not in page


def test_a_mentor_sees_only_the_requests_sent_to_them(mentor, mentor_p):
    page = _client(mentor).get(reverse("matching:requests")).content.decode()
    assert "To you" in page
    assert "Sent by you" not in page and "as mentee" not in page


def test_notification_settings_show_only_the_kinds_that_reach_the_person(
    mentee, mentee_p, admin_user
):
    mentee_page = _client(mentee).get(reverse("notifications:preferences")).content.decode()
    assert "Weekly admin digest" not in mentee_page
    assert "Request waiting for an answer" not in mentee_page
    assert "Request expired" in mentee_page
    admin_page = _client(admin_user).get(reverse("notifications:preferences")).content.decode()
    assert "Weekly admin digest" in admin_page


def test_saving_settings_keeps_the_kinds_the_page_did_not_show(admin_user, mentee, mentee_p):
    stored = {"channels": {"admin_digest": {"in_app": False, "email": False, "digest": False}}}
    mentee.notification_preferences = stored
    mentee.save()
    client = _client(mentee)
    form = client.get(reverse("notifications:preferences")).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (False, None)}
    data["quiet_start"], data["quiet_end"] = "21:00", "08:00"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    mentee.refresh_from_db()
    kept = preferences_of(mentee).for_kind("admin_digest")
    assert kept == {"in_app": False, "email": False, "digest": False}


def test_how_a_mentor_meets_reads_as_words(mentor_p):
    from matching.models import MentorProfile

    profile = MentorProfile.objects.get(participant=mentor_p)
    profile.formats = ["video", "in_person"]
    assert profile.formats_display == "by video call or in person"
    profile.formats = ["in_person"]
    assert profile.formats_display == "in person"  # never "by in person"


def test_a_request_without_a_topic_is_named_without_one(mentee, mentee_p, mentor_p):
    request = MentorshipRequestFactory(mentee=mentee_p, mentor=mentor_p, topic=None)
    page = " ".join(_client(mentee).get(reverse("matching:requests")).content.decode().split())
    assert f"To {mentor_p.user.get_full_name()}</a>" in page
    assert "a topic" not in page
    assert request.topic is None
