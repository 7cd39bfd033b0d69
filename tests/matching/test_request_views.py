"""Request and mentorship pages: the way through, who gets 404 or 403, reports, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goals.models import Goal
from matching.models import MentorProfile, Mentorship, MentorshipRequest, Report
from notifications.models import Notification
from programs.models import Participant, Program, Role, Topic
from tests.goals.factories import GoalFactory
from tests.helpers import assert_flat_queries
from tests.matching.factories import (
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
)
from tests.programs.factories import ParticipantFactory, TopicFactory

Status = MentorshipRequest.Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(mentor_p, mentee_p, goal, topic) -> MentorshipRequest:
    return MentorshipRequestFactory(mentor=mentor_p, mentee=mentee_p, goals=[goal], topic=topic)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_mentee(mentee) -> Client:
    return _client(mentee)


@pytest.fixture
def as_mentor(mentor) -> Client:
    return _client(mentor)


@pytest.fixture
def as_admin(admin_user) -> Client:
    return _client(admin_user)


@pytest.fixture
def other_mentee(program):
    """Another mentee of the same program, with requests of her own."""
    return mentee_in(program).user


@pytest.fixture
def other_mentor(program):
    return mentor_in(program).user


def _new_url(program: Program, mentor_p: Participant) -> str:
    return reverse("matching:request_new", kwargs={"slug": program.slug, "pk": mentor_p.pk})


def _url(name: str, pk: int) -> str:
    return reverse(f"matching:{name}", kwargs={"pk": pk})


def _form(goal: Goal, topic: Topic) -> dict[str, object]:
    return {
        "goals": [goal.pk],
        "topic": topic.pk,
        "why_this_mentor": "Your talk at the summit is why I started.",
        "first_step": "A 20-minute call about my abstract",
        "advisor_role": "",
    }


# ---------------------------------------------------------------------------
# Asking
# ---------------------------------------------------------------------------
def test_new_request_sends_a_mentee_without_active_goals_to_the_guided_start(
    as_mentee, program, mentor_p, mentee_p
):
    GoalFactory(owner=mentee_p, status=Goal.Status.DRAFT)
    response = as_mentee.get(_new_url(program, mentor_p))
    assert response.status_code == 302
    assert response.url == "/goals/start/"


def test_a_topic_the_mentor_cannot_help_with_is_refused_next_to_the_topic_field(
    as_mentee, program, mentor_p, goal, topic
):
    profile = MentorProfile.objects.get(participant=mentor_p)
    profile.cannot_help_topics.set([topic])
    profile.cannot_help_with = "Conference talks."
    profile.save()
    name = mentor_p.user.get_full_name()

    page = as_mentee.get(_new_url(program, mentor_p))
    assert page.context["form"].fields["topic"].help_text == (
        f"{name} cannot help with Public speaking."
    )
    response = as_mentee.post(_new_url(program, mentor_p), _form(goal, topic))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["topic"]
    assert errors["topic"][0].startswith(f"{name} cannot help with Public speaking")
    assert "In their words: “Conference talks.”" in errors["topic"][0]
    assert not MentorshipRequest.objects.exists()


def test_new_request_page_shows_the_refusal_when_a_limit_applies(
    as_mentee, program, mentor_p, goal
):
    MentorProfile.objects.filter(participant=mentor_p).update(accepting_requests=False)
    response = as_mentee.get(_new_url(program, mentor_p))
    assert response.status_code == 200
    assert response.context["refusal"] == (
        "Mo Mentor is not accepting new requests right now. Try another mentor from the directory."
    )
    assert 'id="request-refusal"' in response.content.decode()
    assert "Mo Mentor is not accepting new requests right now." in response.content.decode()


def test_new_request_page_shows_no_refusal_when_the_ask_fits(as_mentee, program, mentor_p, goal):
    response = as_mentee.get(_new_url(program, mentor_p))
    assert response.status_code == 200
    assert response.context["refusal"] is None
    assert 'id="request-refusal"' not in response.content.decode()


def test_new_request_page_is_403_for_a_mentor(as_mentor, program, mentor_p):
    other = mentor_in(program)
    assert as_mentor.get(_new_url(program, other)).status_code == 403


def test_posting_a_request_sends_it_and_opens_its_page(
    as_mentee, program, mentor_p, mentee_p, goal, topic
):
    response = as_mentee.post(_new_url(program, mentor_p), _form(goal, topic))
    sent = MentorshipRequest.objects.get(mentee=mentee_p, mentor=mentor_p)
    assert response.status_code == 302
    assert response.url == f"/requests/{sent.pk}/"
    assert sent.status == Status.PENDING
    assert list(sent.goals.all()) == [goal]


def test_posting_a_refused_request_shows_the_words_and_sends_nothing(
    as_mentee, program, mentor_p, goal, topic
):
    MentorProfile.objects.filter(participant=mentor_p).update(accepting_requests=False)
    response = as_mentee.post(_new_url(program, mentor_p), _form(goal, topic))
    assert response.status_code == 200
    assert "Mo Mentor is not accepting new requests" in response.content.decode()
    assert not MentorshipRequest.objects.exists()


def test_the_mentor_sees_the_request_in_the_inbox(as_mentor, pending):
    response = as_mentor.get(reverse("matching:requests"))
    assert response.status_code == 200
    assert response.context["inbox"].received == [pending]
    assert response.context["inbox"].sent == []
    assert "Mia Mentee: Public speaking" in response.content.decode()


def test_the_mentee_sees_the_request_among_those_sent(as_mentee, pending):
    response = as_mentee.get(reverse("matching:requests"))
    assert response.context["inbox"].sent == [pending]
    assert "To Mo Mentor: Public speaking" in response.content.decode()


def test_the_mentor_sees_accept_on_the_request_page(as_mentor, pending):
    response = as_mentor.get(_url("request", pending.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert f'action="{_url("request_accept", pending.pk)}"' in content
    assert ">Accept</button>" in content


def test_the_mentee_sees_withdraw_but_not_accept_on_the_request_page(as_mentee, pending):
    content = as_mentee.get(_url("request", pending.pk)).content.decode()
    assert f'action="{_url("request_withdraw", pending.pk)}"' in content
    assert _url("request_accept", pending.pk) not in content


def test_accepting_opens_the_new_mentorship_page(as_mentor, pending):
    response = as_mentor.post(_url("request_accept", pending.pk))
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert response.url == f"/mentorships/{mentorship.pk}/"
    pending.refresh_from_db()
    assert pending.status == Status.ACCEPTED


def test_after_accepting_both_see_the_mentorship_in_their_lists(as_mentor, as_mentee, pending):
    as_mentor.post(_url("request_accept", pending.pk))
    mentorship = Mentorship.objects.get()
    assert as_mentor.get(reverse("matching:mentorships")).context["as_mentor"] == [mentorship]
    assert as_mentee.get(reverse("matching:mentorships")).context["as_mentee"] == [mentorship]
    assert as_mentee.get(_url("mentorship", mentorship.pk)).status_code == 200


def test_withdrawing_from_the_page_closes_the_request(as_mentee, pending):
    response = as_mentee.post(_url("request_withdraw", pending.pk))
    assert response.url == f"/requests/{pending.pk}/"
    pending.refresh_from_db()
    assert pending.status == Status.WITHDRAWN


def test_declining_from_the_page_records_the_reason(as_mentor, pending):
    as_mentor.post(_url("request_decline", pending.pk), {"reason": "not_my_area", "note": ""})
    pending.refresh_from_db()
    assert (pending.status, pending.decline_reason) == (Status.DECLINED, "not_my_area")


# ---------------------------------------------------------------------------
# Privacy: requests belong to the two people in them
# ---------------------------------------------------------------------------
def test_another_mentee_gets_404_on_someone_elses_request_page(other_mentee, pending):
    assert _client(other_mentee).get(_url("request", pending.pk)).status_code == 404


def test_another_mentee_gets_404_on_withdrawing_someone_elses_request(other_mentee, pending):
    assert _client(other_mentee).post(_url("request_withdraw", pending.pk)).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_another_mentor_gets_404_on_accepting_a_request_to_someone_else(other_mentor, pending):
    assert _client(other_mentor).post(_url("request_accept", pending.pk)).status_code == 404
    pending.refresh_from_db()
    assert pending.status == Status.PENDING
    assert not Mentorship.objects.exists()


def test_the_requests_own_mentee_gets_403_on_accept(as_mentee, pending):
    assert as_mentee.post(_url("request_accept", pending.pk)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_the_mentor_gets_403_on_withdraw(as_mentor, pending):
    assert as_mentor.post(_url("request_withdraw", pending.pk)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_an_outsider_gets_404_on_a_mentorship_page(outsider, mentor_p, mentee_p):
    mentorship = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    assert _client(outsider).get(_url("mentorship", mentorship.pk)).status_code == 404


def test_a_program_admin_gets_404_on_a_request_page(as_admin, pending):
    assert as_admin.get(_url("request", pending.pk)).status_code == 404


def test_a_program_admin_gets_404_on_a_mentorship_page(as_admin, mentor_p, mentee_p):
    mentorship = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    assert as_admin.get(_url("mentorship", mentorship.pk)).status_code == 404


def test_a_program_admin_sees_the_reports_page(as_admin, program):
    response = as_admin.get(reverse("matching:reports", kwargs={"slug": program.slug}))
    assert response.status_code == 200


def test_a_mentee_gets_403_on_the_reports_page(as_mentee, program):
    response = as_mentee.get(reverse("matching:reports", kwargs={"slug": program.slug}))
    assert response.status_code == 403


def test_an_outsider_gets_404_on_the_reports_page(outsider, program):
    response = _client(outsider).get(reverse("matching:reports", kwargs={"slug": program.slug}))
    assert response.status_code == 404


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------
def test_a_report_from_a_request_page_reaches_the_admins_reports_page(
    as_mentee, as_admin, admin_user, program, pending
):
    response = as_mentee.post(
        _url("request_report", pending.pk),
        {"kind": "misconduct", "text": "Asked me for my password."},
    )
    assert response.url == f"/requests/{pending.pk}/"
    report = Report.objects.get()
    assert (report.request, report.mentorship, report.program) == (pending, None, program)
    page = as_admin.get(reverse("matching:reports", kwargs={"slug": program.slug}))
    assert "Asked me for my password." in page.content.decode()
    assert list(page.context["reports"]) == [report]
    assert Notification.objects.filter(recipient=admin_user, kind=Notification.Kind.REPORT).exists()


def test_a_report_starts_with_no_kind_chosen_and_is_refused_without_one(
    as_mentee, program, pending
):
    page = as_mentee.get(_url("request", pending.pk)).content.decode()
    assert '<option value="" selected>Choose one</option>' in page
    response = as_mentee.post(
        _url("request_report", pending.pk), {"kind": "", "text": "They missed three meetings."}
    )
    assert response.status_code == 302
    messages = [str(m) for m in as_mentee.get(response.url).context["messages"]]
    assert any("Say what kind of problem this is." in m for m in messages), messages
    assert not Report.objects.exists()


def test_the_admin_can_end_a_reported_mentorship_and_resolve_the_report(
    as_mentee, as_admin, program, mentor_p, mentee_p
):
    mentorship = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    as_mentee.post(
        _url("mentorship_report", mentorship.pk), {"kind": "no_show", "text": "Never came."}
    )
    report = Report.objects.get(mentorship=mentorship)
    response = as_admin.post(
        reverse("matching:report_action", kwargs={"slug": program.slug, "pk": report.pk}),
        {"action": "end", "reason": "other"},
    )
    assert response.url == reverse("matching:reports", kwargs={"slug": program.slug})
    mentorship.refresh_from_db()
    report.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ENDED
    assert report.resolved_at is not None


def test_the_admin_can_resolve_a_report_and_leave_the_mentorship_running(
    as_mentee, as_admin, program, mentor_p, mentee_p
):
    mentorship = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    as_mentee.post(
        _url("mentorship_report", mentorship.pk), {"kind": "other", "text": "A misunderstanding."}
    )
    report = Report.objects.get()
    as_admin.post(
        reverse("matching:report_action", kwargs={"slug": program.slug, "pk": report.pk}),
        {"action": "resolve"},
    )
    mentorship.refresh_from_db()
    report.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert report.resolved_at is not None


def test_a_mentee_cannot_act_on_a_report(as_mentee, program, mentor_p, mentee_p):
    mentorship = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    report = Report.objects.create(
        program=program, mentorship=mentorship, kind="other", text="Hm.", reporter=mentee_p.user
    )
    response = as_mentee.post(
        reverse("matching:report_action", kwargs={"slug": program.slug, "pk": report.pk}),
        {"action": "end"},
    )
    assert response.status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE


def test_an_outsider_cannot_report_a_request(outsider, pending):
    response = _client(outsider).post(
        _url("request_report", pending.pk), {"kind": "other", "text": "Nosy."}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


# ---------------------------------------------------------------------------
# Query counts: flat in the number of rows
# ---------------------------------------------------------------------------
def test_requests_page_queries_do_not_grow_with_received_requests(
    as_mentor, django_assert_num_queries, program, mentor_p
):
    for _ in range(2):
        MentorshipRequestFactory(mentor=mentor_p, mentee=mentee_in(program))

    def grow() -> None:
        for _ in range(38):
            MentorshipRequestFactory(mentor=mentor_p, mentee=mentee_in(program))

    assert_flat_queries(as_mentor, django_assert_num_queries, reverse("matching:requests"), grow)


def test_requests_page_queries_do_not_grow_with_sent_requests(
    as_mentee, django_assert_num_queries, program, mentee_p
):
    for _ in range(2):
        MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_p)

    def grow() -> None:
        for _ in range(38):
            MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_p)

    assert_flat_queries(as_mentee, django_assert_num_queries, reverse("matching:requests"), grow)


def test_mentorships_page_queries_do_not_grow_with_mentees(
    as_mentor, django_assert_num_queries, program, mentor_p
):
    for _ in range(2):
        MentorshipFactory(mentor=mentor_p, mentee=ParticipantFactory(program=program))

    def grow() -> None:
        for _ in range(38):
            MentorshipFactory(mentor=mentor_p, mentee=ParticipantFactory(program=program))

    assert_flat_queries(as_mentor, django_assert_num_queries, reverse("matching:mentorships"), grow)


def test_mentorships_page_queries_do_not_grow_with_mentors(
    as_mentee, django_assert_num_queries, program, mentee_p
):
    for _ in range(2):
        MentorshipFactory(
            mentor=ParticipantFactory(program=program, role=Role.MENTOR), mentee=mentee_p
        )

    def grow() -> None:
        for _ in range(38):
            MentorshipFactory(
                mentor=ParticipantFactory(program=program, role=Role.MENTOR), mentee=mentee_p
            )

    assert_flat_queries(as_mentee, django_assert_num_queries, reverse("matching:mentorships"), grow)


# ---------------------------------------------------------------------------
# Suggesting another mentor
# ---------------------------------------------------------------------------
def test_suggest_another_mentor_lists_the_best_fits_only_and_takes_any_candidate(
    as_mentor, program, pending, topic, monkeypatch
):
    """A program of thousands lists the best few (most shared topics first); a mentor left off
    the list can still be sent, the form checking every candidate."""
    from matching import selectors

    monkeypatch.setattr(selectors, "REDIRECT_SHOWN", 2)
    sharing = []
    for name in ("Bea Both", "Cy Common"):
        participant = mentor_in(program, capacity=2)
        participant.user.full_name = name
        participant.user.save()
        MentorProfile.objects.get(participant=participant).topics.set([topic])
        sharing.append(participant)
    unlisted = mentor_in(program, capacity=2)
    unlisted.user.full_name = "Al Alphabetically First"
    unlisted.user.save()

    form = as_mentor.get(_url("request", pending.pk)).context["redirect_form"]
    listed = [pk for pk, _ in form.fields["suggested"].choices if pk]
    assert listed == [p.pk for p in sharing]  # sharing the topic beats the name's order

    response = as_mentor.post(
        _url("request_redirect", pending.pk), {"suggested": unlisted.pk, "note": ""}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.REDIRECTED and pending.redirected_to_id == unlisted.pk


def test_suggest_another_mentor_lists_only_mentors_with_room_with_places_and_topics(
    as_mentor, program, pending, topic, goal
):
    def mentor_named(name: str, **profile: object) -> Participant:
        participant = mentor_in(program, **profile)
        participant.user.full_name = name
        participant.user.save()
        return participant

    hiring = TopicFactory(organization=program.organization, name="Hiring")
    goal.topics.add(hiring)
    fits = mentor_named("Fay Fits", capacity=3)
    MentorProfile.objects.get(participant=fits).topics.set([topic, hiring])
    other = mentor_named("Olu Other", capacity=1)
    full = mentor_named("Frank Full", capacity=1)
    MentorshipFactory(mentor=full, mentee=mentee_in(program))
    away = mentor_named("Ava Away", away_until=timezone.localdate() + timedelta(days=5))
    closed = mentor_named("Cal Closed", accepting_requests=False)
    unable = mentor_named("Una Unable", capacity=2)
    MentorProfile.objects.get(participant=unable).cannot_help_topics.set([topic])

    form = as_mentor.get(_url("request", pending.pk)).context["redirect_form"]
    choices = list(form.fields["suggested"].choices)

    assert choices == [
        ("", "Pick a mentor"),
        (fits.pk, "Fay Fits · 3 places left · Hiring, Public speaking"),
        (other.pk, "Olu Other · 1 place left · no shared topic"),
    ]
    for left_out in (full, away, closed, unable):
        response = as_mentor.post(
            _url("request_redirect", pending.pk), {"suggested": left_out.pk, "note": ""}
        )
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.status == Status.PENDING
