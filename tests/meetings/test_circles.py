"""Group programs as their kind: a circle's page, its norms (set by its mentor) and its
meetings (scheduled by its mentor, on at once for every member), with the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import User
from goals.models import Goal
from matching.models import MenteeProfile, Mentorship, MentorshipGroup
from meetings.calendar import feed_ics
from meetings.inactivity import last_activity_of
from meetings.models import Agreement, Meeting
from meetings.reminders import meeting_reminders_scan
from meetings.selectors import next_steps_for
from meetings.services.scheduling import (
    circle_meeting_schedule,
    meeting_cancel,
    meeting_confirm,
    meeting_mark_held,
    meeting_reschedule,
    meetings_mark_missed_due,
)
from meetings.services.together import agenda_item_add, circle_norms_set, feedback_leave
from mentorship.errors import DomainError
from notifications.models import Delivery, Notification, Reminder
from programs.models import Participant, Program, Role
from reports.dashboard import funnel
from tests.matching.factories import (
    MentorshipRequestFactory,
)
from tests.meetings.helpers import NOW

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 09:00 New York (EST) = 14:00 UTC: inside Dana's window.
IN_WINDOW = NOW + timedelta(days=1, hours=2)
NORMS = {
    "frequency": "biweekly",
    "format": "video",
    "channel": "https://meet.example.com/circle",
    "between_meetings": "",
    "meeting_minutes": 60,
    "other": "",
}


def _people(circle: MentorshipGroup) -> tuple[User, User, User]:
    dana, ana, bo = circle.people()
    return dana, ana, bo


def _meeting(circle: MentorshipGroup) -> Meeting:
    dana = circle.mentor.user
    return circle_meeting_schedule(circle=circle, actor=dana, starts_at=IN_WINDOW, minutes=60)


# The circle page -------------------------------------------------------------------------------


def test_the_circle_page_shows_its_mentor_members_and_places(client, circle):
    dana, ana, _ = _people(circle)
    for person in (dana, ana):
        client.force_login(person)
        page = client.get(reverse("meetings:circle", args=[circle.pk])).content.decode()
        assert "Dana Mentor" in page and "Ana Member" in page and "Bo Member" in page
        assert "2 of 3 places taken" in page


def test_only_its_mentor_sees_the_buttons_to_set_norms_and_meetings(client, circle):
    dana, ana, _ = _people(circle)
    client.force_login(dana)
    page = client.get(reverse("meetings:circle", args=[circle.pk])).content.decode()
    assert "Set a circle meeting" in page and 'id="circle-norms-form"' in page
    client.force_login(ana)
    page = client.get(reverse("meetings:circle", args=[circle.pk])).content.decode()
    assert "Set a circle meeting" not in page and 'id="circle-norms-form"' not in page
    assert "Dana sets them" in page


def test_outsiders_admins_and_former_members_get_404_for_the_circle(
    client, circle, admin_user, outsider
):
    _, ana, _ = _people(circle)
    meeting = _meeting(circle)
    Mentorship.objects.filter(mentee__user=ana).update(status=Mentorship.Status.ENDED)
    for person in (outsider, admin_user, ana):
        client.force_login(person)
        assert client.get(reverse("meetings:circle", args=[circle.pk])).status_code == 404
        assert client.get(reverse("meetings:meeting", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).status_code == 404


# Norms ------------------------------------------------------------------------------------------


def test_the_mentor_sets_the_norms_and_every_member_is_told(client, circle):
    dana, ana, bo = _people(circle)
    client.force_login(dana)
    response = client.post(reverse("meetings:circle", args=[circle.pk]), NORMS)
    assert response.status_code == 302
    norms = Agreement.objects.get(group=circle)
    assert norms.confirmed_by == dana and norms.version == 1 and norms.meeting_minutes == 60
    for member in (ana, bo):
        assert Notification.objects.filter(
            recipient=member, title="Dana Mentor set your circle's norms"
        ).exists()
    client.force_login(ana)
    page = client.get(reverse("meetings:circle", args=[circle.pk])).content.decode()
    assert "https://meet.example.com/circle" in page and "Every two weeks" in page


def test_a_member_cannot_set_the_norms(client, circle):
    _, ana, _ = _people(circle)
    client.force_login(ana)
    assert client.post(reverse("meetings:circle", args=[circle.pk]), NORMS).status_code == 403
    with pytest.raises(DomainError, match="Only Dana Mentor, who leads the circle"):
        circle_norms_set(circle=circle, actor=ana, **NORMS)
    assert not Agreement.objects.exists()


def test_norms_without_a_place_are_refused_next_to_the_field(client, circle):
    dana, _, _ = _people(circle)
    client.force_login(dana)
    page = client.post(
        reverse("meetings:circle", args=[circle.pk]), {**NORMS, "channel": "  "}
    ).content.decode()
    channel = page[page.index('id="div_id_channel"') :]
    assert "This field is required" in channel[: channel.index("</div>\n</div>") + 200]
    assert not Agreement.objects.exists()


# Meetings ---------------------------------------------------------------------------------------


def test_the_mentor_sets_a_meeting_that_is_on_at_once_for_every_member(client, circle):
    dana, ana, bo = _people(circle)
    client.force_login(dana)
    response = client.post(
        reverse("meetings:circle_meeting_new", args=[circle.pk]),
        {"slot": IN_WINDOW.isoformat(), "minutes": 60},
    )
    meeting = Meeting.objects.get(group=circle)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.status == Meeting.Status.CONFIRMED and meeting.mentorship is None
    for member in (ana, bo):
        assert Notification.objects.filter(
            recipient=member, title__startswith="Dana Mentor set a circle meeting"
        ).exists()
        client.force_login(member)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert "Circle meeting" in page and "Mark as held" not in page


def test_a_member_cannot_set_move_or_cancel_the_circles_meetings(client, circle):
    _, ana, _ = _people(circle)
    meeting = _meeting(circle)
    client.force_login(ana)
    assert client.get(reverse("meetings:circle_meeting_new", args=[circle.pk])).status_code == 403
    assert client.get(reverse("meetings:meeting_reschedule", args=[meeting.pk])).status_code == 403
    with pytest.raises(DomainError, match="who leads the circle"):
        circle_meeting_schedule(circle=circle, actor=ana, starts_at=IN_WINDOW, minutes=60)
    with pytest.raises(DomainError, match="who leads the circle, can cancel"):
        meeting_cancel(meeting=meeting, actor=ana)
    with pytest.raises(DomainError, match="who leads the circle, can reschedule"):
        meeting_reschedule(
            meeting=meeting, actor=ana, starts_at=IN_WINDOW + timedelta(days=7), minutes=60
        )
    with pytest.raises(DomainError, match="on once its mentor schedules it"):
        meeting_confirm(meeting=meeting, actor=ana)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CONFIRMED and meeting.starts_at == IN_WINDOW


def test_a_time_outside_the_mentors_windows_is_refused_with_times_that_fit(circle):
    dana, _, _ = _people(circle)
    with pytest.raises(DomainError, match="outside Dana Mentor's contact windows.*Times that fit"):
        circle_meeting_schedule(
            circle=circle, actor=dana, starts_at=IN_WINDOW + timedelta(hours=5), minutes=60
        )
    assert not Meeting.objects.exists()


def test_a_circle_without_members_has_nobody_to_meet(circle):
    dana, _, _ = _people(circle)
    Mentorship.objects.filter(group=circle).update(status=Mentorship.Status.ENDED)
    with pytest.raises(DomainError, match="no members yet"):
        circle_meeting_schedule(circle=circle, actor=dana, starts_at=IN_WINDOW, minutes=60)


def test_the_mentor_moves_and_cancels_and_the_members_are_told(circle):
    dana, ana, bo = _people(circle)
    meeting = _meeting(circle)
    moved = meeting_reschedule(
        meeting=meeting, actor=dana, starts_at=IN_WINDOW + timedelta(days=7), minutes=60
    )
    assert moved.status == Meeting.Status.CONFIRMED  # a circle's meeting stays on when moved
    meeting_cancel(meeting=moved, actor=dana)
    for member in (ana, bo):
        titles = set(Notification.objects.filter(recipient=member).values_list("title", flat=True))
        assert any(t.startswith("Dana Mentor moved your meeting") for t in titles)
        assert any(t.startswith("Dana Mentor cancelled your meeting") for t in titles)


def test_a_member_adds_to_the_agenda_and_marks_it_held_and_the_others_are_told(circle, clock):
    dana, ana, bo = _people(circle)
    meeting = _meeting(circle)
    agenda_item_add(meeting=meeting, author=ana, text="Saying no to a senior colleague")
    assert Notification.objects.filter(recipient=dana, title__contains="Saying no").exists()
    assert not Notification.objects.filter(recipient=bo, title__contains="Saying no").exists()
    clock.move_to(IN_WINDOW + timedelta(minutes=70))
    meeting_mark_held(meeting=meeting, actor=ana)
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    for person in (dana, bo):
        assert Notification.objects.filter(recipient=person, title__contains="held").exists()
    with pytest.raises(DomainError, match="Feedback is for a pair's meetings"):
        feedback_leave(meeting=meeting, author=ana, helped="All of it")


def test_an_outsider_cannot_touch_a_circle_meeting(circle, outsider):
    meeting = _meeting(circle)
    with pytest.raises(DomainError, match="Only the circle's mentor and its members"):
        agenda_item_add(meeting=meeting, author=outsider, text="Hello")
    with pytest.raises(DomainError):
        meeting_mark_held(meeting=meeting, actor=outsider)


def test_a_circle_meeting_nobody_marked_held_is_missed_and_everyone_told(circle, clock):
    dana, ana, bo = _people(circle)
    meeting = _meeting(circle)
    clock.move_to(IN_WINDOW + timedelta(days=2))
    assert meetings_mark_missed_due() == 1
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.MISSED
    for person in (dana, ana, bo):
        assert Notification.objects.filter(
            recipient=person, title__contains="marked missed"
        ).exists()


def test_the_day_before_the_mentor_and_every_active_member_are_reminded(circle):
    dana, ana, bo = _people(circle)
    meeting = _meeting(circle)
    Mentorship.objects.filter(mentee__user=bo).update(status=Mentorship.Status.PAUSED)
    assert meeting_reminders_scan(now=meeting.starts_at - timedelta(hours=20)) == 2
    reminded = Delivery.objects.filter(kind=Reminder.MEETING)
    assert {d.recipient_id for d in reminded} == {dana.pk, ana.pk}
    titles = {d.recipient_id: d.title for d in reminded}
    assert titles[dana.pk].startswith("Meeting with your circle")
    assert titles[ana.pk].startswith("Meeting with Dana Mentor's circle")


def test_members_find_the_meeting_in_their_calendar_and_meeting_list(client, circle):
    _, ana, _ = _people(circle)
    meeting = _meeting(circle)
    feed = feed_ics(ana).decode()
    assert "SUMMARY:Mentoring: Dana Mentor's circle" in feed.replace("\r\n ", "")
    client.force_login(ana)
    page = client.get(reverse("meetings:meetings")).content.decode()
    assert meeting.get_absolute_url() in page and "Dana Mentor&#x27;s circle" in page


def test_the_next_step_walks_the_mentor_and_the_members_through_the_circle(circle):
    dana, ana, _ = _people(circle)
    mentor_steps = {s.title for s in next_steps_for(user=dana)}
    assert "Set your circle's norms" in mentor_steps
    assert "Meet your circle" in {s.title for s in next_steps_for(user=ana)}
    circle_norms_set(circle=circle, actor=dana, **NORMS)
    assert "Set your circle's first meeting" in {s.title for s in next_steps_for(user=dana)}
    assert "Wait for the circle's first meeting" in {s.title for s in next_steps_for(user=ana)}
    _meeting(circle)
    assert not next_steps_for(user=dana)
    assert not next_steps_for(user=ana)


def test_a_held_circle_meeting_counts_as_met_and_as_activity_for_each_member(circle, clock):
    dana, ana, bo = _people(circle)
    program = circle.program
    for mentee in Participant.objects.filter(program=program, role=Role.MENTEE):
        MenteeProfile.objects.create(participant=mentee)
        Goal.objects.create(owner=mentee, title="Grow", status=Goal.Status.ACTIVE)
        MentorshipRequestFactory(mentor=circle.mentor, mentee=mentee)
    meeting = _meeting(circle)
    clock.move_to(IN_WINDOW + timedelta(minutes=70))
    meeting_mark_held(meeting=meeting, actor=dana)
    met = {step.label: step.count for step in funnel(program=program)}["Met at least once"]
    assert met == 2
    members = list(Mentorship.objects.filter(group=circle))
    last = last_activity_of(members)
    assert all(last[m.pk] >= IN_WINDOW for m in members)


def test_a_group_mentors_profile_counts_circles(client, circle):
    dana, ana, _ = _people(circle)
    client.force_login(ana)
    page = client.get(
        reverse("matching:person", args=[circle.program.slug, dana.pk])
    ).content.decode()
    assert "Yes, up to 1 circle of 3" in " ".join(page.split())
    client.force_login(dana)
    page = client.get(reverse("matching:profile", args=[circle.program.slug])).content.decode()
    assert "Circles you lead" in page and "each holds up to 3 mentees" in page


def test_the_circle_size_is_a_program_setting_with_limits(circle):
    from django.forms.models import model_to_dict

    from programs.forms import ProgramForm

    program = circle.program
    data = {k: v for k, v in model_to_dict(program).items() if v is not None}
    form = ProgramForm({**data, "circle_size": 1}, instance=program)
    assert not form.is_valid() and "circle_size" in form.errors
    form = ProgramForm({**data, "circle_size": ""}, instance=Program.objects.get(pk=program.pk))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["circle_size"] == 3  # left empty: what the program has
