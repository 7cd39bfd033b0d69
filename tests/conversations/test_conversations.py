"""A pair's conversation: sending, reading marks, edit and delete of one's own, the poll, the
closed mentorship that stays readable, the limits, and who may see it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conversations.access import get_thread_for_user
from conversations.models import Conversation, Message, Seen
from conversations.selectors import conversation_list_for_user, unread_messages
from conversations.services import (
    PER_MINUTE,
    conversation_mark_seen,
    message_delete,
    message_edit,
    message_send,
)
from matching.models import MentorProfile, Mentorship
from meetings.inactivity import last_activity_of
from mentorship.errors import DomainError
from notifications.models import Delivery, Reminder
from notifications.reminders import deliveries_send_due

pytestmark = pytest.mark.django_db

MIDDAY = datetime(2026, 3, 2, 12, tzinfo=UTC)  # outside anyone's quiet hours in UTC


@pytest.fixture
def any_time(mentorship: Mentorship) -> Mentorship:
    """The mentor takes messages at any time: notices go out ten minutes after, if unread."""
    MentorProfile.objects.filter(participant=mentorship.mentor).update(
        communication=MentorProfile.Communication.ANY_TIME
    )
    return mentorship


def _send(mentorship: Mentorship, author, text: str = "Shall we meet on Tuesday?") -> Message:
    return message_send(thread=get_thread_for_user(author, mentorship.pk), author=author, text=text)


def test_a_message_reaches_the_other_person_unread(any_time, mentor, mentee):
    message = _send(any_time, mentee)
    assert Conversation.objects.get(mentorship=any_time) == message.conversation
    assert list(unread_messages(user=mentor)) == [message]
    assert not unread_messages(user=mentee).exists()  # one's own message is read
    conversation_mark_seen(
        thread=get_thread_for_user(mentor, any_time.pk), user=mentor, up_to=message.pk
    )
    assert not unread_messages(user=mentor).exists()


def test_the_read_mark_never_goes_back_or_past_the_last_message(any_time, mentor, mentee):
    first = _send(any_time, mentee)
    thread = get_thread_for_user(mentor, any_time.pk)
    assert conversation_mark_seen(thread=thread, user=mentor, up_to=first.pk + 1000) == first.pk
    conversation_mark_seen(thread=thread, user=mentor, up_to=1)
    assert Seen.objects.get(user=mentor).last_seen == first.pk


def test_the_page_shows_the_conversation_to_its_two_people_only(
    client, any_time, mentor, mentee, outsider, admin_user
):
    _send(any_time, mentee, "Line one\nhttps://example.com/notes")
    url = reverse("conversations:conversation", args=[any_time.pk])
    for person in (mentor, mentee):
        client.force_login(person)
        page = client.get(url).content.decode()
        assert "Line one<br>" in page
        assert '<a href="https://example.com/notes" rel="nofollow noopener noreferrer">' in page
    for person in (outsider, admin_user):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"text": "Hi"}).status_code == 404
    assert Message.objects.count() == 1


def test_sending_from_the_page_posts_and_returns_to_it(client, any_time, mentee):
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[any_time.pk])
    response = client.post(url, {"text": "Thank you for today"})
    assert response.status_code == 302 and response["Location"] == url
    assert Message.objects.get().text == "Thank you for today"


def test_an_empty_or_too_long_message_is_refused_next_to_the_field(client, any_time, mentee):
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[any_time.pk])
    page = client.post(url, {"text": "   "}).content.decode()
    assert 'id="text-error">Write something first.' in page
    page = client.post(url, {"text": "x" * (Message.MAX_LENGTH + 1)}).content.decode()
    assert "A message holds at most 10,000 characters; this one has 10,001." in page
    assert not Message.objects.exists()


def test_too_many_messages_in_a_minute_are_refused_with_the_limit(any_time, mentee):
    for n in range(PER_MINUTE):
        _send(any_time, mentee, f"Message {n}")
    with pytest.raises(DomainError, match=f"You sent {PER_MINUTE} messages in the last minute"):
        _send(any_time, mentee, "One more")
    assert Message.objects.count() == PER_MINUTE


def test_a_closed_mentorship_stays_readable_and_takes_no_new_messages(client, any_time, mentee):
    _send(any_time, mentee, "Before the end")
    any_time.status = Mentorship.Status.COMPLETED
    any_time.save()
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[any_time.pk])
    page = client.get(url).content.decode()
    assert "Before the end" in page and 'id="conversation-closed"' in page
    assert 'id="message-form"' not in page
    with pytest.raises(DomainError, match="completed: its conversation stays here to read"):
        _send(any_time, mentee, "After the end")
    assert Message.objects.count() == 1


def test_the_author_edits_within_fifteen_minutes_and_it_shows_edited(client, any_time, mentee):
    message = _send(any_time, mentee, "See you at 10")
    thread = get_thread_for_user(mentee, any_time.pk)
    message_edit(thread=thread, message=message, actor=mentee, text="See you at 11")
    client.force_login(mentee)
    page = client.get(reverse("conversations:conversation", args=[any_time.pk])).content.decode()
    page = " ".join(page.split())  # the text as shown: line breaks in the template are spaces
    assert "See you at 11" in page and "· edited" in page
    with pytest.raises(DomainError, match="can be edited for 15 minutes"):
        message_edit(
            thread=thread,
            message=message,
            actor=mentee,
            text="Too late",
            now=message.created_at + timedelta(minutes=16),
        )


def test_only_the_author_edits_or_deletes_a_message(client, any_time, mentor, mentee):
    message = _send(any_time, mentee, "Mine")
    thread = get_thread_for_user(mentor, any_time.pk)
    with pytest.raises(DomainError, match="Only whoever wrote a message can edit it"):
        message_edit(thread=thread, message=message, actor=mentor, text="Changed")
    with pytest.raises(DomainError, match="Only whoever wrote a message can delete it"):
        message_delete(thread=thread, message=message, actor=mentor)
    client.force_login(mentor)
    client.post(reverse("conversations:message_delete", args=[message.pk]))
    message.refresh_from_db()
    assert message.text == "Mine" and message.deleted_at is None


def test_a_deleted_message_keeps_its_place_without_its_text(client, any_time, mentor, mentee):
    message = _send(any_time, mentee, "Oops, wrong person")
    client.force_login(mentee)
    response = client.post(reverse("conversations:message_delete", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.text == "" and message.deleted_at is not None
    client.force_login(mentor)
    page = client.get(reverse("conversations:conversation", args=[any_time.pk])).content.decode()
    assert "Message deleted" in page and "wrong person" not in page


def test_the_poll_answers_204_when_nothing_is_new_and_the_rows_when_something_is(
    client, any_time, mentor, mentee
):
    first = _send(any_time, mentee, "First")
    client.force_login(mentor)
    poll = reverse("conversations:poll", args=[any_time.pk])
    assert client.get(f"{poll}?after={first.pk}").status_code == 204
    second = _send(any_time, mentee, "Second")
    response = client.get(f"{poll}?after={first.pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Second" in body and "First" not in body
    assert f"?after={second.pk}" in body  # the next poll asks from here


def test_the_poll_costs_one_query_when_nothing_is_new(
    client, any_time, mentor, mentee, django_assert_num_queries
):
    last = _send(any_time, mentee, "Hello")
    client.force_login(mentor)
    poll = reverse("conversations:poll", args=[any_time.pk])
    client.get(f"{poll}?after={last.pk}")  # the session and user, once
    with django_assert_num_queries(2) as captured:
        assert client.get(f"{poll}?after={last.pk}").status_code == 204
    user, newest = (q["sql"] for q in captured.captured_queries)
    assert "accounts_user" in user  # the session is read from the cache
    assert '"conversations_message"' in newest


def test_the_poll_of_a_conversation_not_yet_begun_costs_one_query_too(
    client, any_time, mentor, django_assert_num_queries
):
    """Most open pages poll a conversation that has no message yet: that is "nothing new" as
    well, not the long way through the whole thread."""
    client.force_login(mentor)
    poll = reverse("conversations:poll", args=[any_time.pk])
    client.get(f"{poll}?after=0")  # the session and user, once
    for after in (0, 10**12):
        with django_assert_num_queries(2):
            assert client.get(f"{poll}?after={after}").status_code == 204
    assert not Conversation.objects.filter(mentorship=any_time).exists()


def test_the_poll_of_someone_elses_conversation_is_404_however_far_it_asks(
    client, any_time, mentee, outsider
):
    last = _send(any_time, mentee, "Hello")
    client.force_login(outsider)
    poll = reverse("conversations:poll", args=[any_time.pk])
    for after in (0, last.pk, 10**12):
        assert client.get(f"{poll}?after={after}").status_code == 404


def test_seen_is_a_post_and_the_list_shows_unread_newest_first(client, any_time, mentor, mentee):
    message = _send(any_time, mentee, "Are you free?")
    rows = conversation_list_for_user(user=mentor)
    assert [(r.title, r.unread) for r in rows] == [("Mia Mentee", 1)]
    client.force_login(mentor)
    seen = reverse("conversations:seen", args=[any_time.pk])
    assert client.get(seen).status_code == 405
    assert client.post(seen, {"up_to": message.pk}).status_code == 204
    assert conversation_list_for_user(user=mentor)[0].unread == 0
    page = client.get(reverse("conversations:list")).content.decode()
    assert "Mia: Are you free?" in page


def test_the_navigation_counts_unread_messages(client, any_time, mentor, mentee):
    _send(any_time, mentee, "One")
    _send(any_time, mentee, "Two")
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert '2<span\n              class="visually-hidden"> unread</span>' in page
    assert 'id="waiting-messages"' in page


def test_an_unread_message_is_emailed_once_after_ten_minutes(any_time, mentor, mentee, mailoutbox):
    mentor.time_zone = "UTC"
    mentor.save()
    with time_machine.travel(MIDDAY, tick=False) as clock:
        _send(any_time, mentee, "First")
        _send(any_time, mentee, "Second")
        notice = Delivery.objects.get(kind=Reminder.MESSAGE, recipient=mentor)  # one for both
        assert notice.due_at == timezone.now() + timedelta(minutes=10)
        clock.shift(timedelta(minutes=11))
        deliveries_send_due()
        deliveries_send_due()
    assert [m.to for m in mailoutbox] == [[mentor.email]]
    assert "Mia Mentee wrote to you" in mailoutbox[0].subject


def test_a_message_read_within_ten_minutes_is_never_emailed(any_time, mentor, mentee, mailoutbox):
    with time_machine.travel(MIDDAY, tick=False) as clock:
        message = _send(any_time, mentee, "Quick one")
        conversation_mark_seen(
            thread=get_thread_for_user(mentor, any_time.pk), user=mentor, up_to=message.pk
        )
        clock.shift(timedelta(minutes=11))
        deliveries_send_due()
    assert mailoutbox == []
    assert Delivery.objects.get(kind=Reminder.MESSAGE).state == Delivery.State.SUPPRESSED


def test_a_message_counts_as_activity_for_the_inactivity_rule(any_time, mentee):
    message = _send(any_time, mentee, "Still here")
    assert last_activity_of([any_time])[any_time.pk] >= message.created_at


def test_a_circle_has_one_conversation_for_its_mentor_and_live_members(client, program):
    from matching.services.start import mentorship_start
    from programs.models import Program, Role
    from tests.matching.factories import MentorProfileFactory
    from tests.programs.factories import ParticipantFactory

    program.kind = Program.Kind.GROUP
    program.save()
    lead = ParticipantFactory(program=program, role=Role.MENTOR)
    MentorProfileFactory(participant=lead, capacity=1)
    a, b, c = (
        mentorship_start(mentor=lead, mentee=ParticipantFactory(program=program, role=Role.MENTEE))
        for _ in range(3)
    )
    message = _send(a, a.mentee.user, "Hello circle")
    assert Conversation.objects.get(group=a.group) == message.conversation
    told = set(Delivery.objects.filter(kind=Reminder.MESSAGE).values_list("recipient", flat=True))
    assert told == {lead.user_id, b.mentee.user_id, c.mentee.user_id}
    for person, through in ((b.mentee.user, b), (lead.user, a)):
        client.force_login(person)
        page = client.get(reverse("conversations:conversation", args=[through.pk]))
        assert "Hello circle" in page.content.decode()
        poll = reverse("conversations:poll", args=[through.pk])
        assert client.get(f"{poll}?after={message.pk}").status_code == 204
        assert "Hello circle" in client.get(f"{poll}?after=0").content.decode()
    c.status = Mentorship.Status.ENDED
    c.save()
    client.force_login(c.mentee.user)  # a former member no longer reads the circle's messages
    assert client.get(reverse("conversations:conversation", args=[c.pk])).status_code == 404
    poll = reverse("conversations:poll", args=[c.pk])
    assert client.get(f"{poll}?after={message.pk}").status_code == 404


def test_search_finds_ones_own_messages_only(client, any_time, mentee, mentor, outsider):
    _send(any_time, mentee, "The budget spreadsheet is ready")
    _send(any_time, mentor, "Thanks, I will read it tonight")
    client.force_login(mentor)
    page = client.get(reverse("conversations:list"), {"q": "budget"}).content.decode()
    assert "1 message found" in page and "The budget spreadsheet is ready" in page
    results = page.split('id="search-results"')[1].split("</section>")[0]
    assert "budget spreadsheet" in results and "read it tonight" not in results
    client.force_login(outsider)
    page = client.get(reverse("conversations:list"), {"q": "budget"}).content.decode()
    assert "0 messages found" in page and "spreadsheet" not in page


def test_the_conversation_shows_the_reply_time_the_norms_agreed(client, any_time, mentor, mentee):
    from meetings.services.together import agreement_confirm, agreement_propose

    agreement_propose(
        mentorship=any_time,
        actor=mentee,
        frequency="monthly",
        format="video",
        channel="https://meet.example.com/x",
        reply_within="two_days",
    )
    client.force_login(mentor)
    url = reverse("conversations:conversation", args=[any_time.pk])
    assert 'id="reply-norm"' not in client.get(url).content.decode()  # proposed, not agreed
    agreement_confirm(mentorship=any_time, actor=mentor, version=1)
    page = client.get(url).content.decode()
    assert '<strong id="reply-norm">within two working days</strong>' in page


def test_an_earlier_page_does_not_poll_and_links_back_to_the_latest(client, any_time, mentee):
    from conversations.selectors import PAGE

    for n in range(PAGE + 5):
        Message.objects.create(
            conversation=Conversation.objects.get_or_create(mentorship=any_time)[0],
            author=mentee,
            text=f"Note {n}",
        )
    client.force_login(mentee)
    url = reverse("conversations:conversation", args=[any_time.pk])
    latest = client.get(url).content.decode()
    assert 'id="poller"' in latest and "Earlier messages" in latest
    earlier = client.get(url, {"before": Message.objects.order_by("pk")[5].pk}).content.decode()
    assert 'id="poller"' not in earlier and "The latest messages" in earlier


def test_only_the_author_opens_the_edit_form(client, any_time, mentor, mentee):
    message = _send(any_time, mentee, "Mine to edit")
    client.force_login(mentor)
    assert client.get(reverse("conversations:message_edit", args=[message.pk])).status_code == 403
    client.force_login(mentee)
    assert client.get(reverse("conversations:message_edit", args=[message.pk])).status_code == 200


def test_the_kept_unread_count_is_forgotten_when_a_message_comes_or_is_read(
    client, any_time, mentor, mentee, settings
):
    settings.UNREAD_MESSAGES_SECONDS = 300
    client.force_login(mentor)
    home = reverse("home")
    assert 'id="waiting-messages"' not in client.get(home).content.decode()  # 0, kept
    message = _send(any_time, mentee, "New")
    assert "1 unread message" in " ".join(client.get(home).content.decode().split())
    conversation_mark_seen(
        thread=get_thread_for_user(mentor, any_time.pk), user=mentor, up_to=message.pk
    )
    assert 'id="waiting-messages"' not in client.get(home).content.decode()
