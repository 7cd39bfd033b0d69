"""Working together: norms, agenda, notes, action items, advice, appreciation and feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    Meeting,
    MeetingFeedback,
    PrivateNote,
)
from meetings.services import together
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import Participant, Role
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.matching.factories import MentorshipFactory

pytestmark = pytest.mark.django_db

SECRET = "I am not sure this mentor listens"


def make_meeting(mentorship: Mentorship, *, days: int = 2, **values: object) -> Meeting:
    starts = timezone.now() + timedelta(days=days)
    values.setdefault("status", Meeting.Status.CONFIRMED)
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        proposed_by=mentorship.mentee.user,
        **values,
    )


@pytest.fixture
def meeting(mentorship) -> Meeting:
    return make_meeting(mentorship)


@pytest.fixture
def held(mentorship) -> Meeting:
    return make_meeting(mentorship, days=-3, status=Meeting.Status.HELD)


def norms(**values: object) -> dict[str, object]:
    return {
        "frequency": "monthly",
        "format": "video",
        "channel": "meet.example.org/mo",
        "meeting_minutes": 30,
    } | values


# Norms -------------------------------------------------------------------------------------------


def test_agreement_propose_numbers_versions_and_tells_the_other(mentorship, mentor, mentee):
    first = together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())
    second = together.agreement_propose(
        mentorship=mentorship, actor=mentor, **norms(frequency="biweekly")
    )
    assert (first.version, second.version) == (1, 2)
    assert Notification.objects.filter(recipient=mentor, kind="mentorship").exists()
    assert Notification.objects.filter(recipient=mentee, kind="mentorship").exists()


def test_agreement_propose_refuses_outsider(mentorship, outsider):
    with pytest.raises(DomainError):
        together.agreement_propose(mentorship=mentorship, actor=outsider, **norms())


def test_agreement_propose_refuses_past_end_date_and_blank_channel(mentorship, mentee):
    with pytest.raises(DomainError) as exc:
        together.agreement_propose(
            mentorship=mentorship, actor=mentee, **norms(ends_on=timezone.localdate())
        )
    assert exc.value.field == "ends_on"
    with pytest.raises(DomainError) as exc:
        together.agreement_propose(mentorship=mentorship, actor=mentee, **norms(channel="  "))
    assert exc.value.field == "channel"


def test_agreement_propose_refuses_closed_mentorship(mentorship, mentee):
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.ENDED)
    mentorship.refresh_from_db()
    with pytest.raises(DomainError):
        together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())


def test_agreement_confirm_by_the_other_side(mentorship, mentor, mentee):
    together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())
    confirmed = together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
    assert confirmed.confirmed_by == mentor and confirmed.confirmed_at is not None
    assert Notification.objects.filter(recipient=mentee, title__contains="confirmed").exists()


def test_agreement_confirm_refuses_proposer(mentorship, mentee):
    together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())
    with pytest.raises(DomainError, match="other person confirms"):
        together.agreement_confirm(mentorship=mentorship, actor=mentee, version=1)


def test_agreement_confirm_refuses_superseded_version(mentorship, mentor, mentee):
    together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())
    together.agreement_propose(mentorship=mentorship, actor=mentee, **norms(meeting_minutes=45))
    with pytest.raises(DomainError, match="no longer the latest"):
        together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)


def test_agreement_confirm_refuses_twice_and_without_proposal(mentorship, mentor, mentee):
    with pytest.raises(DomainError, match="nothing to confirm"):
        together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
    together.agreement_propose(mentorship=mentorship, actor=mentee, **norms())
    together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)
    with pytest.raises(DomainError, match="confirmed already"):
        together.agreement_confirm(mentorship=mentorship, actor=mentor, version=1)


def test_agreement_page_proposes_and_shows_confirmed_version(client, mentorship, mentor, mentee):
    client.force_login(mentee)
    url = reverse("meetings:agreement", args=[mentorship.pk])
    response = client.post(url, norms(meeting_minutes=45, between_meetings="Slack DMs"))
    assert response.status_code == 302
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Confirm version 1" in page
    client.post(reverse("meetings:agreement_confirm", args=[mentorship.pk]), {"version": 1})
    page = client.get(url).content.decode()
    assert "Confirmed: version 1" in page and "confirmed by Mo Mentor" in page


def test_agreement_page_shows_refusal_next_to_field(client, mentorship, mentee):
    client.force_login(mentee)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("meetings:agreement", args=[mentorship.pk]), norms(ends_on=yesterday)
    )
    assert response.status_code == 200
    assert "has to be in the future" in response.content.decode()
    assert not Agreement.objects.exists()


# Agenda -----------------------------------------------------------------------------------------


def test_agenda_add_by_mentee_tells_mentor(meeting, mentee, mentor):
    item = together.agenda_item_add(
        meeting=meeting, author=mentee, text=" How do I ask for a raise? "
    )
    assert item.text == "How do I ask for a raise?"
    assert Notification.objects.filter(recipient=mentor, title__contains="agenda").exists()


def test_agenda_add_by_mentor_too(meeting, mentor):
    assert together.agenda_item_add(meeting=meeting, author=mentor, text="Your CV").pk


def test_agenda_add_refuses_after_meeting_and_outsider(held, mentee, outsider, meeting):
    with pytest.raises(DomainError, match="agenda is closed"):
        together.agenda_item_add(meeting=held, author=mentee, text="Late question")
    with pytest.raises(DomainError):
        together.agenda_item_add(meeting=meeting, author=outsider, text="Hi")
    with pytest.raises(DomainError):
        together.agenda_item_add(meeting=meeting, author=mentee, text="   ")


def test_agenda_delete_only_by_author(meeting, mentee, mentor):
    item = together.agenda_item_add(meeting=meeting, author=mentee, text="Q")
    with pytest.raises(DomainError, match="Only whoever added"):
        together.agenda_item_delete(item=item, actor=mentor)
    together.agenda_item_delete(item=item, actor=mentee)
    assert not AgendaItem.objects.exists()


def test_agenda_add_htmx_returns_the_agenda_partial(client, meeting, mentee):
    client.force_login(mentee)
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"text": "Promotion path"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="meeting-agenda"') and "<html" not in body
    assert "Promotion path" in body


def test_agenda_add_plain_post_redirects_to_the_meeting(client, meeting, mentee):
    client.force_login(mentee)
    response = client.post(reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "Q"})
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()


def test_agenda_delete_view_refuses_other_persons_item(client, meeting, mentee, mentor):
    item = together.agenda_item_add(meeting=meeting, author=mentee, text="Mine")
    client.force_login(mentor)
    client.post(reverse("meetings:agenda_delete", args=[item.pk]))
    assert AgendaItem.objects.filter(pk=item.pk).exists()


# Notes ------------------------------------------------------------------------------------------


def test_shared_notes_save_records_who_edited(meeting, mentor):
    saved = together.shared_notes_save(meeting=meeting, author=mentor, text="We talked about X")
    assert saved.shared_notes == "We talked about X" and saved.shared_notes_edited_by == mentor


def test_shared_notes_save_refuses_stale_edit(meeting, mentor, mentee):
    base = together.notes_digest("")
    together.shared_notes_save(meeting=meeting, author=mentor, text="Mentor's", base_digest=base)
    with pytest.raises(DomainError, match="changed while you were editing"):
        together.shared_notes_save(meeting=meeting, author=mentee, text="Mine", base_digest=base)


def test_shared_notes_save_refuses_outsider_and_cancelled(mentorship, meeting, outsider, mentee):
    with pytest.raises(DomainError):
        together.shared_notes_save(meeting=meeting, author=outsider, text="x")
    cancelled = make_meeting(mentorship, status=Meeting.Status.CANCELLED)
    with pytest.raises(DomainError, match="cancelled"):
        together.shared_notes_save(meeting=cancelled, author=mentee, text="x")


def test_shared_notes_htmx_save(client, meeting, mentee):
    client.force_login(mentee)
    response = client.post(
        reverse("meetings:shared_notes_save", args=[meeting.pk]),
        {"text": "Both see this", "base": together.notes_digest("")},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="meeting-notes"')
    assert "Last edited by Mia Mentee" in body
    meeting.refresh_from_db()
    assert meeting.shared_notes == "Both see this"


def test_private_note_save_and_delete(meeting, mentee):
    note = together.private_note_save(meeting=meeting, author=mentee, text=SECRET)
    assert note is not None and note.text == SECRET
    assert together.private_note_save(meeting=meeting, author=mentee, text="") is None
    assert not PrivateNote.objects.exists()


def test_private_note_refuses_outsider(meeting, outsider):
    with pytest.raises(DomainError):
        together.private_note_save(meeting=meeting, author=outsider, text="x")


def test_private_note_is_not_on_the_other_persons_meeting_page(client, meeting, mentee, mentor):
    together.private_note_save(meeting=meeting, author=mentee, text=SECRET)
    client.force_login(mentor)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    client.force_login(mentee)
    assert SECRET in client.get(meeting.get_absolute_url()).content.decode()


def test_private_note_is_not_in_the_other_persons_timeline(client, mentorship, meeting, mentor):
    together.private_note_save(meeting=meeting, author=mentorship.mentee.user, text=SECRET)
    client.force_login(mentor)
    for url in (reverse("meetings:timeline", args=[mentorship.pk]),):
        assert SECRET not in client.get(url).content.decode()
        assert SECRET not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_private_note_endpoint_saves_only_the_posters_own_note(client, meeting, mentee, mentor):
    together.private_note_save(meeting=meeting, author=mentee, text=SECRET)
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:private_note_save", args=[meeting.pk]),
        {"text": "Mentor's own"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert SECRET not in body and "Mentor&#x27;s own" in body
    assert PrivateNote.objects.get(author=mentee).text == SECRET
    assert client.get(reverse("meetings:private_note_save", args=[meeting.pk])).status_code == 405


def test_admin_gets_nothing_of_meetings_or_private_notes(
    client, mentorship, meeting, mentee, admin_user
):
    together.private_note_save(meeting=meeting, author=mentee, text=SECRET)
    client.force_login(admin_user)
    urls = [
        meeting.get_absolute_url(),
        reverse("meetings:timeline", args=[mentorship.pk]),
        reverse("meetings:agreement", args=[mentorship.pk]),
        reverse("meetings:appreciation_add", args=[mentorship.pk]),
        reverse("meetings:advice_add", args=[mentorship.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()
    response = client.post(
        reverse("meetings:private_note_save", args=[meeting.pk]),
        {"text": "admin"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404 and SECRET not in response.content.decode()
    assert list(PrivateNote.objects.values_list("text", flat=True)) == [SECRET]


def test_outsider_gets_404_on_every_write(client, meeting, mentorship, outsider):
    client.force_login(outsider)
    posts = [
        reverse("meetings:agenda_add", args=[meeting.pk]),
        reverse("meetings:shared_notes_save", args=[meeting.pk]),
        reverse("meetings:action_item_add", args=[meeting.pk]),
        reverse("meetings:feedback_add", args=[meeting.pk]),
        reverse("meetings:agreement_confirm", args=[mentorship.pk]),
    ]
    for url in posts:
        assert client.post(url, {"text": "x"}).status_code == 404, url


# Action items ------------------------------------------------------------------------------------


def test_action_item_add_tells_the_owner(mentorship, meeting, mentor, mentee):
    item = together.action_item_add(
        mentorship=mentorship, actor=mentor, owner=mentee, text="Draft the plan", meeting=meeting
    )
    assert item.owner == mentee
    assert Notification.objects.filter(recipient=mentee, title__contains="action item").exists()


def test_action_item_add_refuses_stranger_owner_and_past_due(mentorship, mentor, outsider):
    with pytest.raises(DomainError) as exc:
        together.action_item_add(mentorship=mentorship, actor=mentor, owner=outsider, text="x")
    assert exc.value.field == "owner"
    with pytest.raises(DomainError) as exc:
        together.action_item_add(
            mentorship=mentorship,
            actor=mentor,
            owner=mentor,
            text="x",
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert exc.value.field == "due_on"


def test_action_item_add_refuses_meeting_of_another_mentorship(mentorship, program, mentor):
    other = MentorshipFactory(
        program=program, mentor=Participant.objects.get(user=mentor, program=program)
    )
    with pytest.raises(DomainError, match="another mentorship"):
        together.action_item_add(
            mentorship=mentorship,
            actor=mentor,
            owner=mentor,
            text="x",
            meeting=make_meeting(other),
        )


def test_action_item_toggle(mentorship, mentor, mentee, outsider):
    item = together.action_item_add(mentorship=mentorship, actor=mentor, owner=mentee, text="x")
    assert together.action_item_toggle(item=item, actor=mentee).done_at is not None
    assert together.action_item_toggle(item=item, actor=mentor).done_at is None
    with pytest.raises(DomainError):
        together.action_item_toggle(item=item, actor=outsider)


def test_action_item_htmx_add_and_toggle(client, meeting, mentor, mentee):
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:action_item_add", args=[meeting.pk]),
        {"text": "Read the book", "owner": mentee.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().lstrip().startswith('<section id="meeting-actions-items"')
    item = ActionItem.objects.get()
    client.post(reverse("meetings:action_item_toggle", args=[item.pk]), HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.done_at is not None


def test_open_action_items_and_wins_on_home(client, mentorship, meeting, mentor, mentee):
    together.action_item_add(
        mentorship=mentorship,
        actor=mentor,
        owner=mentee,
        text="Later one",
        due_on=timezone.localdate() + timedelta(days=9),
    )
    together.action_item_add(
        mentorship=mentorship,
        actor=mentor,
        owner=mentee,
        text="Sooner one",
        due_on=timezone.localdate() + timedelta(days=1),
    )
    done = together.action_item_add(mentorship=mentorship, actor=mentor, owner=mentee, text="Done")
    together.action_item_toggle(item=done, actor=mentee)
    together.action_item_add(mentorship=mentorship, actor=mentee, owner=mentor, text="Mentor's")
    together.appreciation_send(
        mentorship=mentorship, author=mentee, kind="win", text="Got promoted"
    )
    client.force_login(mentee)
    page = client.get(reverse("home")).content.decode()
    assert page.index("Sooner one") < page.index("Later one")
    assert "Mentor&#x27;s" not in page and ">Done<" not in page
    assert "Got promoted" in page
    client.force_login(mentor)
    page = client.get(reverse("home")).content.decode()
    assert "Got promoted" not in page and "Mentor&#x27;s" in page


# Advice --------------------------------------------------------------------------------------------


def test_advice_add_by_mentor_or_mentee_on_their_behalf(mentorship, mentor, mentee):
    by_mentor = together.advice_add(mentorship=mentorship, actor=mentor, text="Ask for scope")
    by_mentee = together.advice_add(mentorship=mentorship, actor=mentee, text="Write it down")
    assert (by_mentor.recorded_by, by_mentee.recorded_by) == (mentor, mentee)
    assert Notification.objects.filter(recipient=mentee, title__contains="logged advice").exists()


def test_advice_add_refuses_outsider_and_empty(mentorship, mentor, outsider):
    with pytest.raises(DomainError):
        together.advice_add(mentorship=mentorship, actor=outsider, text="x")
    with pytest.raises(DomainError):
        together.advice_add(mentorship=mentorship, actor=mentor, text=" ")


def test_report_back_by_mentee_tells_mentor(mentorship, mentor, mentee):
    advice = together.advice_add(mentorship=mentorship, actor=mentor, text="Ask for scope")
    together.advice_report_back(
        advice=advice, actor=mentee, outcome="adapted", result="Scope got smaller"
    )
    advice.refresh_from_db()
    assert advice.outcome == "adapted" and advice.reported_at is not None
    assert Notification.objects.filter(recipient=mentor, title__contains="reported back").exists()


def test_report_back_refuses_mentor_and_different_without_reason(mentorship, mentor, mentee):
    advice = together.advice_add(mentorship=mentorship, actor=mentor, text="Ask for scope")
    with pytest.raises(DomainError, match="Only the mentee"):
        together.advice_report_back(advice=advice, actor=mentor, outcome="acted")
    with pytest.raises(DomainError) as exc:
        together.advice_report_back(advice=advice, actor=mentee, outcome="different")
    assert exc.value.field == "outcome_reason"
    with pytest.raises(DomainError):
        together.advice_report_back(advice=advice, actor=mentee, outcome="ignored")


def test_report_back_view_is_403_for_mentor(client, mentorship, mentor, mentee):
    advice = together.advice_add(mentorship=mentorship, actor=mentor, text="Ask")
    client.force_login(mentor)
    assert client.get(reverse("meetings:advice_report", args=[advice.pk])).status_code == 403
    client.force_login(mentee)
    response = client.post(
        reverse("meetings:advice_report", args=[advice.pk]),
        {"outcome": "different", "outcome_reason": "Team changed", "result": "Fine"},
    )
    assert response.status_code == 302
    assert Advice.objects.get().outcome == "different"


def test_advice_add_from_meeting_page_htmx(client, meeting, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:advice_add", args=[meeting.mentorship_id]),
        {"text": "Say no more often", "meeting": meeting.pk},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="meeting-advice"') and "Say no more often" in body
    assert Advice.objects.get().meeting == meeting


# Appreciation --------------------------------------------------------------------------------------


def test_appreciation_either_way_with_shared_goal_and_advice(mentorship, mentor, mentee):
    goal = GoalFactory.create(owner=mentorship.mentee)
    GoalShareFactory(goal=goal, mentor=mentor)
    advice = together.advice_add(mentorship=mentorship, actor=mentor, text="Ask")
    win = together.appreciation_send(
        mentorship=mentorship, author=mentee, kind="win", text="Done!", goal=goal, advice=advice
    )
    thanks = together.appreciation_send(
        mentorship=mentorship, author=mentor, kind="thanks", text="Great prep"
    )
    assert (win.goal, win.advice, thanks.author) == (goal, advice, mentor)
    assert Notification.objects.filter(recipient=mentor, title__contains="win").exists()


def test_appreciation_refuses_unshared_goal_and_foreign_advice(mentorship, program, mentor, mentee):
    private_goal = GoalFactory.create(owner=mentorship.mentee)
    with pytest.raises(DomainError) as exc:
        together.appreciation_send(
            mentorship=mentorship, author=mentee, kind="win", text="x", goal=private_goal
        )
    assert exc.value.field == "goal"
    other = MentorshipFactory(
        program=program, mentor=Participant.objects.get(user=mentor, program=program)
    )
    foreign = together.advice_add(mentorship=other, actor=mentor, text="Other")
    with pytest.raises(DomainError) as exc:
        together.appreciation_send(
            mentorship=mentorship, author=mentee, kind="thanks", text="x", advice=foreign
        )
    assert exc.value.field == "advice"


def test_appreciation_refuses_outsider_and_bad_kind(mentorship, mentee, outsider):
    with pytest.raises(DomainError):
        together.appreciation_send(mentorship=mentorship, author=outsider, kind="thanks", text="x")
    with pytest.raises(DomainError):
        together.appreciation_send(mentorship=mentorship, author=mentee, kind="hug", text="x")


def test_appreciation_page(client, mentorship, mentee):
    client.force_login(mentee)
    url = reverse("meetings:appreciation_add", args=[mentorship.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "thanks", "text": "Thank you!"})
    assert response.status_code == 302
    assert Appreciation.objects.get().text == "Thank you!"


# Feedback ----------------------------------------------------------------------------------------


def test_feedback_after_held_meeting_visible_to_the_other(client, held, mentor, mentee):
    together.feedback_leave(meeting=held, author=mentee, helped="Concrete examples")
    assert Notification.objects.filter(recipient=mentor, title__contains="feedback").exists()
    client.force_login(mentor)
    assert "Concrete examples" in client.get(held.get_absolute_url()).content.decode()


def test_feedback_can_be_edited_once_per_author(held, mentee):
    together.feedback_leave(meeting=held, author=mentee, helped="a")
    together.feedback_leave(meeting=held, author=mentee, change="b")
    assert MeetingFeedback.objects.get().change == "b"


def test_feedback_refuses_before_held_empty_and_outsider(meeting, held, mentee, outsider):
    with pytest.raises(DomainError, match="after the meeting"):
        together.feedback_leave(meeting=meeting, author=mentee, helped="x")
    with pytest.raises(DomainError):
        together.feedback_leave(meeting=held, author=mentee)
    with pytest.raises(DomainError):
        together.feedback_leave(meeting=held, author=outsider, helped="x")


def test_feedback_htmx(client, held, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("meetings:feedback_add", args=[held.pk]),
        {"helped": "Good questions", "change": ""},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="meeting-feedback"') and "Good questions" in body


# The meeting page -----------------------------------------------------------------------------------


def test_meeting_page_shows_everything_to_the_pair(client, meeting, mentor, mentee):
    together.agenda_item_add(meeting=meeting, author=mentee, text="My question")
    together.shared_notes_save(meeting=meeting, author=mentee, text="Shared words")
    client.force_login(mentor)
    body = client.get(meeting.get_absolute_url()).content.decode()
    for text in ("My question", "Shared words", "Confirmed", "Add to calendar"):
        assert text in body


def test_meeting_page_query_count_is_flat(
    client, django_assert_num_queries, meeting, mentor, mentee
):
    from tests.helpers import assert_flat_queries

    together.agenda_item_add(meeting=meeting, author=mentee, text="Q")
    together.action_item_add(
        mentorship=meeting.mentorship, actor=mentor, owner=mentee, text="A", meeting=meeting
    )
    together.advice_add(mentorship=meeting.mentorship, actor=mentor, text="Adv", meeting=meeting)
    together.private_note_save(meeting=meeting, author=mentor, text="mine")
    together.shared_notes_save(meeting=meeting, author=mentor, text="notes")
    client.force_login(mentor)

    def grow() -> None:
        for i in range(15):
            together.agenda_item_add(meeting=meeting, author=mentee, text=f"Q{i}")
            together.action_item_add(
                mentorship=meeting.mentorship,
                actor=mentee,
                owner=mentor,
                text=f"A{i}",
                meeting=meeting,
            )
            together.advice_add(
                mentorship=meeting.mentorship, actor=mentee, text=f"Adv{i}", meeting=meeting
            )

    assert_flat_queries(client, django_assert_num_queries, meeting.get_absolute_url(), grow)


def test_meeting_page_has_no_agenda_form_once_held(client, held, mentee):
    client.force_login(mentee)
    body = client.get(held.get_absolute_url()).content.decode()
    assert reverse("meetings:agenda_add", args=[held.pk]) not in body
    assert "Send feedback" in body


def test_role_guard(mentor, program):
    assert Participant.objects.get(user=mentor, program=program).role == Role.MENTOR
