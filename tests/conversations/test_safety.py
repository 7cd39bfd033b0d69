"""Safety in a conversation: mute, block (which tells the admins and stops messages and
requests), and reporting a message to the admins, quoted only with consent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conversations.access import get_thread_for_user
from conversations.models import Message
from conversations.services import message_report, message_send, person_block, person_mute
from matching.models import Block, MentorProfile, Mentorship, Report
from matching.services.requests import request_refusal
from mentorship.errors import DomainError
from notifications.models import Delivery, Reminder

pytestmark = pytest.mark.django_db


def _send(mentorship: Mentorship, author, text: str) -> Message:
    return message_send(thread=get_thread_for_user(author, mentorship.pk), author=author, text=text)


def test_a_muted_persons_messages_arrive_without_a_notice(mentorship, mentor, mentee):
    person_mute(thread=get_thread_for_user(mentor, mentorship.pk), actor=mentor)
    _send(mentorship, mentee, "Still here")
    assert Message.objects.count() == 1
    assert not Delivery.objects.filter(kind=Reminder.MESSAGE, recipient=mentor).exists()


def test_blocking_stops_messages_and_requests_and_tells_the_admins(
    client, mentorship, mentor, mentee, mentor_p, mentee_p, admin_user
):
    client.force_login(mentor)
    url = reverse("conversations:block", args=[mentorship.pk])
    client.post(url, {"action": "block", "reason": ""})
    assert not Block.objects.exists()  # a block needs a reason the admins read
    client.post(url, {"action": "block", "reason": "Messages at night, after I asked not to."})
    assert Block.objects.get().kind == Block.Kind.BLOCK
    report = Report.objects.get()
    assert "Messages at night" in report.text and report.mentorship == mentorship
    with pytest.raises(DomainError, match="Mo Mentor does not take messages from you"):
        _send(mentorship, mentee, "Hello?")
    assert request_refusal(mentee=mentee_p, mentor=mentor_p) == (
        "Mo Mentor does not take requests from you."
    )
    client.post(url, {"action": "unblock"})
    assert not Block.objects.exists()
    _send(mentorship, mentee, "Hello again")


def test_only_the_pairs_people_block_and_nobody_blocks_in_a_circle(mentorship, mentor, outsider):
    with pytest.raises(DomainError, match="Only the people in this conversation"):
        person_block(thread=get_thread_for_user(mentor, mentorship.pk), actor=outsider, reason="x")
    assert not Block.objects.exists()


def test_a_message_reaches_the_admins_only_with_the_reporters_consent(
    client, mentorship, mentor, mentee
):
    MentorProfile.objects.filter(participant=mentorship.mentor).update(
        communication=MentorProfile.Communication.ANY_TIME
    )
    message = _send(mentorship, mentor, "You should quit, honestly.")
    thread = get_thread_for_user(mentee, mentorship.pk)
    with pytest.raises(DomainError, match="only read the message if you agree"):
        message_report(
            thread=thread,
            message=message,
            actor=mentee,
            kind="misconduct",
            text="Rude",
            consent=False,
        )
    assert not Report.objects.exists()
    client.force_login(mentee)
    url = reverse("conversations:message_report", args=[message.pk])
    page = client.get(url).content.decode()
    assert "You should quit, honestly." in page and "Pick one" in page
    response = client.post(url, {"kind": "misconduct", "text": "This hurt.", "consent": "on"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.kind == "misconduct" and "> You should quit, honestly." in report.text
    assert "shown with Mia Mentee's consent" in report.text


def test_nobody_reports_their_own_message(mentorship, mentee):
    message = _send(mentorship, mentee, "Mine")
    with pytest.raises(DomainError, match="You can delete your own message"):
        message_report(
            thread=get_thread_for_user(mentee, mentorship.pk),
            message=message,
            actor=mentee,
            kind="other",
            text="x",
            consent=True,
        )


def test_the_page_says_whether_the_other_person_is_muted_or_blocked(client, mentorship, mentor):
    client.force_login(mentor)
    url = reverse("conversations:conversation", args=[mentorship.pk])
    page = client.get(url).content.decode()
    assert "Mute or block\n    Mia Mentee" in page and "Lift it" not in page
    person_mute(thread=get_thread_for_user(mentor, mentorship.pk), actor=mentor)
    page = client.get(url).content.decode()
    assert "Mia Mentee is muted" in page and "Lift it" in page


def test_muting_or_blocking_again_changes_nothing_and_files_no_second_report(
    mentorship, mentor, admin_user
):
    thread = get_thread_for_user(mentor, mentorship.pk)
    person_block(thread=thread, actor=mentor, reason="Rude")
    with pytest.raises(DomainError, match="blocked already"):
        person_block(thread=thread, actor=mentor, reason="Again")
    with pytest.raises(DomainError, match="blocked already; lift it first"):
        person_mute(thread=thread, actor=mentor)
    assert Block.objects.get().kind == Block.Kind.BLOCK
    assert Report.objects.count() == 1


def test_a_circle_mentors_report_concerns_the_authors_membership(program, client):
    from matching.services.start import mentorship_start
    from programs.models import Program, Role
    from tests.matching.factories import MentorProfileFactory
    from tests.programs.factories import ParticipantFactory

    program.kind = Program.Kind.GROUP
    program.save()
    lead = ParticipantFactory(program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=lead, capacity=1)
    first, second = (
        mentorship_start(mentor=lead, mentee=ParticipantFactory(program=program, role=Role.MENTEE))
        for _ in range(2)
    )
    message = _send(second, second.mentee.user, "Something unkind")
    client.force_login(lead.user)
    url = reverse("conversations:message_report", args=[message.pk])
    client.post(url, {"kind": "misconduct", "text": "Not OK", "consent": "on"})
    assert Report.objects.get().mentorship == second
    client.force_login(first.mentee.user)  # a member reports on their own membership
    client.post(url, {"kind": "other", "text": "Me too", "consent": "on"})
    assert Report.objects.order_by("pk").last().mentorship == first
    client.force_login(second.mentee.user)  # the author opens no report form on their own
    assert client.get(url).status_code == 403
