"""Program admins acting on mentorships for their people (pause, resume, end, reassign) and the
report queue (status, notes, warn, pause a mentor's requests, end), with the audit log."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalShare
from matching.forms import CloseForm, MentorBoundariesForm
from matching.models import (
    AdvisorRole,
    ClosingReason,
    MentorProfile,
    Mentorship,
    Report,
    ReportNote,
    StateChange,
)
from matching.services.mentorships import (
    mentorship_close,
    mentorship_end_for_people,
    mentorship_pause_for_people,
    mentorship_reassign,
    mentorship_resume_for_people,
)
from matching.services.problem_reports import (
    report_end_mentorship,
    report_note_add,
    report_pause_mentor_requests,
    report_resolve,
    report_resume_mentor_requests,
    report_status_set,
    report_warn,
    reported_person,
)
from matching.services.profiles import mentor_profile_update
from mentorship.errors import DomainError
from notifications.models import Notification
from programs.models import AuditEntry, Participant, Role
from tests.goals.factories import GoalFactory, GoalShareFactory
from tests.helpers import assert_flat_queries
from tests.matching.factories import (
    MentorshipFactory,
    MentorshipRequestFactory,
    mentee_in,
    mentor_in,
)
from tests.matching.helpers import profile_form_data
from tests.programs.factories import ParticipantFactory

Status = Mentorship.Status

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------
# Fixtures: an admin, the pair, and outsiders
# ---------------------------------------------------------------------------
@pytest.fixture
def mentorship(mentor_p, mentee_p) -> Mentorship:
    """The shared pair (conftest.py) in the career role, which a reassignment carries over."""
    return MentorshipFactory(mentor=mentor_p, mentee=mentee_p, advisor_role=AdvisorRole.CAREER)


@pytest.fixture
def ended(mentorship) -> Mentorship:
    Mentorship.objects.filter(pk=mentorship.pk).update(
        status=Status.ENDED, closing_reason=ClosingReason.OTHER, closed_at=timezone.now()
    )
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def new_mentor(program) -> Participant:
    return mentor_in(program, capacity=1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def _nothing_changed(mentorship: Mentorship, status: str = Status.ACTIVE) -> None:
    mentorship.refresh_from_db()
    assert mentorship.status == status
    assert not StateChange.objects.filter(mentorship=mentorship).exists()
    assert not AuditEntry.objects.filter(action__startswith="mentorship.").exists()
    assert not Notification.objects.filter(kind=Notification.Kind.MENTORSHIP).exists()


# ---------------------------------------------------------------------------
# Pause and resume on behalf of the people
# ---------------------------------------------------------------------------
def test_an_admin_pauses_a_mentorship_with_a_reason_both_people_read(
    mentorship, admin_user, mentor, mentee
):
    mentorship_pause_for_people(mentorship=mentorship, actor=admin_user, reason=" Parental leave ")
    mentorship.refresh_from_db()
    assert mentorship.status == Status.PAUSED
    change = StateChange.objects.get(mentorship=mentorship)
    assert (change.actor, change.from_status, change.to_status) == (admin_user, "active", "paused")
    assert "Parental leave" in change.note
    assert _titles(mentor) == ["The admins of Pathways paused your mentorship with Mia Mentee"]
    assert _titles(mentee) == ["The admins of Pathways paused your mentorship with Mo Mentor"]
    assert "Reason: Parental leave" in Notification.objects.filter(recipient=mentee).get().body


def test_pausing_writes_who_what_before_and_after_to_the_audit_log(mentorship, admin_user):
    mentorship_pause_for_people(mentorship=mentorship, actor=admin_user, reason="Leave")
    entry = AuditEntry.objects.get(action="mentorship.pause")
    assert entry.actor == admin_user
    assert entry.subject == "Mo Mentor mentoring Mia Mentee"
    assert entry.detail["before"] == {"status": "Active"}
    assert entry.detail["after"] == {"status": "Paused"}
    assert entry.detail["reason"] == "Leave"
    assert entry.changes == [("status", "Active", "Paused")]


def test_pausing_refuses_a_missing_reason_next_to_the_field_and_changes_nothing(
    mentorship, admin_user
):
    with pytest.raises(DomainError) as refusal:
        mentorship_pause_for_people(mentorship=mentorship, actor=admin_user, reason="   ")
    assert refusal.value.field == "reason"
    _nothing_changed(mentorship)


def test_pausing_refuses_someone_who_is_not_an_admin_even_one_of_the_two(mentorship, mentor):
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        mentorship_pause_for_people(mentorship=mentorship, actor=mentor, reason="Because")
    _nothing_changed(mentorship)


def test_pausing_refuses_an_admin_of_another_program(mentorship, outsider):
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        mentorship_pause_for_people(mentorship=mentorship, actor=outsider, reason="Because")
    _nothing_changed(mentorship)


def test_pausing_refuses_a_paused_or_ended_mentorship(paused, admin_user):
    with pytest.raises(DomainError, match="Only an active mentorship"):
        mentorship_pause_for_people(mentorship=paused, actor=admin_user, reason="Again")
    _nothing_changed(paused, Status.PAUSED)


def test_an_admin_resumes_a_paused_mentorship(paused, admin_user, mentor):
    mentorship_resume_for_people(mentorship=paused, actor=admin_user, reason="Back from leave")
    paused.refresh_from_db()
    assert paused.status == Status.ACTIVE
    assert AuditEntry.objects.get(action="mentorship.resume").detail["after"] == {
        "status": "Active"
    }
    assert _titles(mentor) == ["The admins of Pathways resumed your mentorship with Mia Mentee"]


def test_resuming_refuses_an_active_mentorship(mentorship, admin_user):
    with pytest.raises(DomainError, match="Only a paused mentorship"):
        mentorship_resume_for_people(mentorship=mentorship, actor=admin_user)
    _nothing_changed(mentorship)


# ---------------------------------------------------------------------------
# End on behalf of the people
# ---------------------------------------------------------------------------
def test_an_admin_ends_a_mentorship_and_the_mentor_loses_the_shared_goals(
    mentorship, admin_user, mentor, mentee, mentee_p
):
    GoalShareFactory(goal=GoalFactory(owner=mentee_p), mentor=mentor)
    mentorship_end_for_people(
        mentorship=mentorship,
        actor=admin_user,
        reason="They asked us to",
        closing_reason=ClosingReason.SCHEDULE,
    )
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (Status.ENDED, "schedule")
    assert not GoalShare.objects.exists()
    entry = AuditEntry.objects.get(action="mentorship.end")
    assert entry.changes == [
        ("closing reason", None, "Schedules did not work out"),
        ("status", "Active", "Ended early"),
    ]
    assert _titles(mentee) == ["The admins of Pathways ended your mentorship with Mo Mentor"]


def test_ending_refuses_a_missing_reason_and_changes_nothing(mentorship, admin_user):
    with pytest.raises(DomainError) as refusal:
        mentorship_end_for_people(mentorship=mentorship, actor=admin_user, reason="")
    assert refusal.value.field == "reason"
    _nothing_changed(mentorship)


def test_ending_refuses_a_reason_only_the_software_gives(mentorship, admin_user):
    with pytest.raises(DomainError) as refusal:
        mentorship_end_for_people(
            mentorship=mentorship,
            actor=admin_user,
            reason="Quiet",
            closing_reason=ClosingReason.INACTIVE,
        )
    assert refusal.value.field == "closing_reason"
    _nothing_changed(mentorship)


def test_ending_refuses_an_ended_mentorship(ended, admin_user):
    with pytest.raises(DomainError, match="ended early: nobody can end it"):
        mentorship_end_for_people(mentorship=ended, actor=admin_user, reason="Again")


def test_ending_refuses_a_non_admin(mentorship, mentee):
    with pytest.raises(DomainError, match="Only the admins"):
        mentorship_end_for_people(mentorship=mentorship, actor=mentee, reason="Bye")
    _nothing_changed(mentorship)


def test_the_people_cannot_pick_a_reason_only_the_software_gives(mentorship, mentee):
    assert "inactive" not in dict(CloseForm.base_fields["reason"].choices)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refusal:
        mentorship_close(mentorship=mentorship, actor=mentee, reason=ClosingReason.PROGRAM_CLOSED)
    assert refusal.value.field == "reason"


# ---------------------------------------------------------------------------
# Reassign a mentee
# ---------------------------------------------------------------------------
def test_reassigning_ends_the_mentorship_and_starts_one_with_the_new_mentor(
    mentorship, admin_user, new_mentor, mentor, mentee, mentee_p
):
    started = mentorship_reassign(
        mentorship=mentorship, actor=admin_user, mentor=new_mentor, reason="A better fit"
    )
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (Status.ENDED, "reassigned")
    assert (started.mentor, started.mentee, started.status) == (new_mentor, mentee_p, "active")
    assert started.advisor_role == AdvisorRole.CAREER
    assert _titles(mentor) == ["The admins of Pathways moved Mia Mentee to another mentor"]
    new_name = new_mentor.user.get_full_name()
    assert _titles(mentee) == [f"The admins of Pathways moved you from Mo Mentor to {new_name}"]
    assert _titles(new_mentor.user) == ["The admins of Pathways matched you with Mia Mentee"]
    entry = AuditEntry.objects.get(action="mentorship.reassign")
    assert entry.changes == [
        ("mentor", "Mo Mentor", new_name),
        ("mentorship", mentorship.pk, started.pk),
    ]
    assert entry.detail["reason"] == "A better fit"


def test_reassigning_to_a_full_mentor_is_refused_next_to_the_mentor_and_changes_nothing(
    mentorship, admin_user, new_mentor, program
):
    MentorshipFactory(mentor=new_mentor, mentee=mentee_in(program))  # capacity 1: full
    with pytest.raises(DomainError, match="at capacity") as refusal:
        mentorship_reassign(
            mentorship=mentorship, actor=admin_user, mentor=new_mentor, reason="A better fit"
        )
    assert refusal.value.field == "mentor"
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE
    assert Mentorship.objects.filter(mentee=mentorship.mentee).count() == 1
    assert not StateChange.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()


def test_a_failure_half_way_through_a_reassignment_leaves_nothing(
    mentorship, admin_user, new_mentor, monkeypatch, mentee_p, mentor
):
    """The old mentorship is ended and the new one started before the audit entry: a crash there
    rolls both back."""
    GoalShareFactory(goal=GoalFactory(owner=mentee_p), mentor=mentor)

    def crash(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("matching.services.mentorships.audit_record", crash)
    with pytest.raises(RuntimeError):
        mentorship_reassign(
            mentorship=mentorship, actor=admin_user, mentor=new_mentor, reason="A better fit"
        )
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.closing_reason) == (Status.ACTIVE, "")
    assert not Mentorship.objects.filter(mentor=new_mentor).exists()
    assert GoalShare.objects.count() == 1
    assert not StateChange.objects.exists()
    assert not Notification.objects.exists()


def test_reassigning_refuses_a_mentor_of_another_program(
    mentorship, admin_user, outsider, other_program
):
    elsewhere = mentor_in(other_program)
    with pytest.raises(DomainError, match="Pick a mentor of this program") as refusal:
        mentorship_reassign(
            mentorship=mentorship, actor=admin_user, mentor=elsewhere, reason="Why not"
        )
    assert refusal.value.field == "mentor"
    _nothing_changed(mentorship)


def test_reassigning_refuses_the_same_mentor(mentorship, admin_user, mentor_p):
    with pytest.raises(DomainError, match="mentor already"):
        mentorship_reassign(mentorship=mentorship, actor=admin_user, mentor=mentor_p, reason="x")
    _nothing_changed(mentorship)


def test_reassigning_refuses_a_missing_reason(mentorship, admin_user, new_mentor):
    with pytest.raises(DomainError) as refusal:
        mentorship_reassign(mentorship=mentorship, actor=admin_user, mentor=new_mentor, reason="")
    assert refusal.value.field == "reason"
    _nothing_changed(mentorship)


def test_reassigning_refuses_an_ended_mentorship(ended, admin_user, new_mentor):
    with pytest.raises(DomainError, match="nobody can reassign"):
        mentorship_reassign(mentorship=ended, actor=admin_user, mentor=new_mentor, reason="x")
    assert not Mentorship.objects.filter(mentor=new_mentor).exists()


def test_reassigning_refuses_a_non_admin_and_an_admin_of_another_program(
    mentorship, mentor, outsider, new_mentor
):
    for actor in (mentor, outsider):
        with pytest.raises(DomainError, match="Only the admins"):
            mentorship_reassign(mentorship=mentorship, actor=actor, mentor=new_mentor, reason="x")
    _nothing_changed(mentorship)


def test_a_paused_mentorship_can_be_reassigned(paused, admin_user, new_mentor):
    started = mentorship_reassign(
        mentorship=paused, actor=admin_user, mentor=new_mentor, reason="Moving on"
    )
    assert started.status == Status.ACTIVE


# ---------------------------------------------------------------------------
# The admin mentorship pages
# ---------------------------------------------------------------------------
def _admin_url(program, mentorship) -> str:
    return reverse("matching:admin_mentorship", args=[program.slug, mentorship.pk])


def test_the_admin_page_pauses_with_a_reason(program, admin_user, mentorship):
    response = _client(admin_user).post(
        _admin_url(program, mentorship), {"action": "pause", "pause-reason": "On leave"}
    )
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == Status.PAUSED


def test_the_admin_page_shows_a_missing_reason_next_to_the_field(program, admin_user, mentorship):
    response = _client(admin_user).post(
        _admin_url(program, mentorship), {"action": "pause", "pause-reason": ""}
    )
    assert response.status_code == 200
    assert response.context["forms"]["pause"].errors["reason"] == [
        "Give a reason: both people will read it."
    ]
    _nothing_changed(mentorship)


def test_the_admin_page_shows_a_full_mentor_next_to_the_mentor_field(
    program, admin_user, mentorship, new_mentor
):
    MentorshipFactory(mentor=new_mentor, mentee=mentee_in(program))
    response = _client(admin_user).post(
        _admin_url(program, mentorship),
        {"action": "reassign", "reassign-mentor": new_mentor.pk, "reassign-reason": "Fit"},
    )
    assert response.status_code == 200
    assert "at capacity" in response.context["forms"]["reassign"].errors["mentor"][0]
    mentorship.refresh_from_db()
    assert mentorship.status == Status.ACTIVE


def test_the_admin_page_reassigns_and_goes_to_the_new_mentorship(
    program, admin_user, mentorship, new_mentor
):
    response = _client(admin_user).post(
        _admin_url(program, mentorship),
        {"action": "reassign", "reassign-mentor": new_mentor.pk, "reassign-reason": "Fit"},
    )
    started = Mentorship.objects.get(mentor=new_mentor)
    assert response.url == _admin_url(program, started)


def test_the_admin_page_ends_with_a_reason(program, admin_user, paused):
    _client(admin_user).post(
        _admin_url(program, paused),
        {"action": "end", "end-closing_reason": "not_a_fit", "end-reason": "Not working"},
    )
    paused.refresh_from_db()
    assert (paused.status, paused.closing_reason) == (Status.ENDED, "not_a_fit")


def test_the_admin_page_offers_no_actions_on_an_ended_mentorship(program, admin_user, ended):
    response = _client(admin_user).get(_admin_url(program, ended))
    assert response.context["forms"] == {}
    response = _client(admin_user).post(
        _admin_url(program, ended), {"action": "pause", "pause-reason": "x"}
    )
    assert response.status_code == 302
    ended.refresh_from_db()
    assert ended.status == Status.ENDED


def test_the_admin_page_hides_the_peoples_own_notes_and_shows_the_admins(
    program, admin_user, paused, mentee
):
    StateChange.objects.create(
        mentorship=paused, actor=mentee, from_status="active", to_status="paused", note="Mine"
    )
    mentorship_resume_for_people(mentorship=paused, actor=admin_user, reason="Admins' note")
    content = _client(admin_user).get(_admin_url(program, paused)).content.decode()
    assert "Admins&#x27; note" in content
    assert "Mine" not in content


def test_the_mentorship_list_filters_by_status_and_name(program, admin_user, mentorship, ended):
    other = MentorshipFactory(mentor=mentor_in(program), mentee=mentee_in(program))
    Mentorship.objects.filter(pk=other.pk).update(stalled_since=timezone.now())
    client = _client(admin_user)
    url = reverse("matching:admin_mentorships", args=[program.slug])
    assert list(client.get(url).context["page"]) == [other]  # the ended one is not live
    assert list(client.get(url, {"status": "stalled"}).context["page"]) == [other]
    assert list(client.get(url, {"status": "closed"}).context["page"]) == [ended]
    assert list(client.get(url, {"status": "all", "q": "Mia"}).context["page"]) == [ended]


def test_the_mentorship_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user, mentorship
):
    client.force_login(admin_user)

    def grow() -> None:
        for _ in range(4):
            MentorshipFactory(mentor=mentor_in(program), mentee=mentee_in(program))

    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse("matching:admin_mentorships", args=[program.slug]),
        grow,
    )


def test_the_mentorship_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user, mentorship
):
    client.force_login(admin_user)

    def grow() -> None:
        for _ in range(4):
            mentor_in(program)
            mentorship_pause_for_people(mentorship=mentorship, actor=admin_user, reason="x")
            mentorship_resume_for_people(mentorship=mentorship, actor=admin_user)

    assert_flat_queries(client, django_assert_num_queries, _admin_url(program, mentorship), grow)


# ---------------------------------------------------------------------------
# The report queue
# ---------------------------------------------------------------------------
@pytest.fixture
def report(program, mentorship, mentee) -> Report:
    """The mentee reports the mentorship: the mentor is the person reported."""
    return Report.objects.create(
        program=program, mentorship=mentorship, reporter=mentee, kind="no_show", text="Never came."
    )


def test_the_person_reported_is_the_other_one_than_the_reporter(
    report, mentor_p, mentee_p, mentor, program
):
    assert reported_person(report) == mentor_p
    report.reporter = mentor
    assert reported_person(report) == mentee_p
    report.reporter = None
    assert reported_person(report) is None
    request = MentorshipRequestFactory(mentor=mentor_in(program), mentee=mentee_p)
    on_request = Report(program=program, request=request, reporter=request.mentor.user)
    assert reported_person(on_request) == mentee_p


def test_the_status_moves_along_the_queue_and_is_audited(report, admin_user):
    report_status_set(report=report, actor=admin_user, status=Report.Status.IN_REVIEW)
    report_status_set(report=report, actor=admin_user, status=Report.Status.RESOLVED)
    report.refresh_from_db()
    assert report.status == Report.Status.RESOLVED and report.resolved_at is not None
    report_status_set(report=report, actor=admin_user, status=Report.Status.OPEN)
    report.refresh_from_db()
    assert (report.status, report.resolved_at) == (Report.Status.OPEN, None)
    changes = [e.changes for e in AuditEntry.objects.filter(action="report.status")]
    assert changes == [
        [("status", "Resolved", "Open")],
        [("status", "In review", "Resolved")],
        [("status", "Open", "In review")],
    ]


def test_the_status_refuses_non_admins_and_the_same_status(report, mentee, outsider, admin_user):
    for actor in (mentee, outsider):
        with pytest.raises(DomainError, match="Only the admins"):
            report_status_set(report=report, actor=actor, status=Report.Status.RESOLVED)
    with pytest.raises(DomainError, match="open already"):
        report_status_set(report=report, actor=admin_user, status=Report.Status.OPEN)
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert not AuditEntry.objects.exists()


def test_admins_write_notes_on_a_report(report, admin_user):
    note = report_note_add(report=report, actor=admin_user, text=" Called both. ")
    assert (note.text, note.author) == ("Called both.", admin_user)


def test_an_empty_note_is_refused_next_to_the_field(report, admin_user, mentee):
    with pytest.raises(DomainError) as refusal:
        report_note_add(report=report, actor=admin_user, text="  ")
    assert refusal.value.field == "text"
    with pytest.raises(DomainError, match="Only the admins"):
        report_note_add(report=report, actor=mentee, text="Me too")
    assert not ReportNote.objects.exists()


def test_warning_tells_the_person_reported_and_puts_the_report_in_review(
    report, admin_user, mentor, mentee
):
    report_warn(report=report, actor=admin_user, message="Please come to the meetings you confirm.")
    warning = Notification.objects.get(recipient=mentor)
    assert warning.title == "A warning from the admins of Pathways"
    assert warning.body == "Please come to the meetings you confirm."
    assert not Notification.objects.filter(recipient=mentee).exists()
    report.refresh_from_db()
    assert report.status == Report.Status.IN_REVIEW
    assert ReportNote.objects.get(report=report).text.startswith("Warned Mo Mentor:")
    assert AuditEntry.objects.get(action="report.warn").subject == "Mo Mentor"


def test_warning_refuses_an_empty_message_and_changes_nothing(report, admin_user):
    with pytest.raises(DomainError) as refusal:
        report_warn(report=report, actor=admin_user, message="")
    assert refusal.value.field == "message"
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert not Notification.objects.exists()
    assert not ReportNote.objects.exists()


def test_warning_refuses_when_the_reporter_is_gone(report, admin_user):
    Report.objects.filter(pk=report.pk).update(reporter=None)
    with pytest.raises(DomainError, match="cannot be told who was reported"):
        report_warn(report=report, actor=admin_user, message="Careful")
    assert not Notification.objects.exists()


def test_warning_refuses_a_resolved_report_and_non_admins(report, admin_user, mentee):
    with pytest.raises(DomainError, match="Only the admins"):
        report_warn(report=report, actor=mentee, message="Careful")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RESOLVED)
    with pytest.raises(DomainError, match="reopen it"):
        report_warn(report=report, actor=admin_user, message="Careful")
    assert not Notification.objects.exists()


def test_pausing_the_mentors_requests_turns_accepting_off_and_audits_it(
    report, admin_user, mentor, mentor_p
):
    report_pause_mentor_requests(report=report, actor=admin_user)
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is False
    entry = AuditEntry.objects.get(action="mentor.requests_pause")
    assert entry.changes == [
        ("accepting requests", True, False),
        ("paused by the admins", False, True),
    ]
    assert _titles(mentor) == ["The admins of Pathways paused new requests to you"]
    report.refresh_from_db()
    assert report.status == Report.Status.IN_REVIEW


def test_pausing_the_mentors_requests_refuses_when_the_mentor_reported(
    report, admin_user, mentor, mentor_p
):
    Report.objects.filter(pk=report.pk).update(reporter=mentor)
    with pytest.raises(DomainError, match="would punish the reporter"):
        report_pause_mentor_requests(report=report, actor=admin_user)
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True


def test_pausing_the_mentors_requests_refuses_twice_and_non_admins(
    report, admin_user, mentee, mentor_p
):
    with pytest.raises(DomainError, match="Only the admins"):
        report_pause_mentor_requests(report=report, actor=mentee)
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True
    report_pause_mentor_requests(report=report, actor=admin_user)
    with pytest.raises(DomainError, match="takes no new requests already"):
        report_pause_mentor_requests(report=report, actor=admin_user)
    assert AuditEntry.objects.filter(action="mentor.requests_pause").count() == 1


def test_the_mentor_cannot_switch_paused_requests_back_on(report, admin_user, mentor, mentor_p):
    report_pause_mentor_requests(report=report, actor=admin_user)

    with pytest.raises(DomainError, match="only they can let requests in again") as refusal:
        mentor_profile_update(participant=mentor_p, accepting_requests=True)
    assert refusal.value.field == "accepting_requests"
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is False
    # Everything else on the profile can still change.
    mentor_profile_update(participant=mentor_p, headline="Still here", accepting_requests=False)
    assert MentorProfile.objects.get(participant=mentor_p).headline == "Still here"


def test_pausing_locks_a_mentor_who_had_switched_requests_off_and_lifting_keeps_them_off(
    report, admin_user, mentor, mentor_p
):
    mentor_profile_update(participant=mentor_p, accepting_requests=False)
    report_pause_mentor_requests(report=report, actor=admin_user)
    with pytest.raises(DomainError, match="only they can"):
        mentor_profile_update(participant=mentor_p, accepting_requests=True)

    report_resume_mentor_requests(report=report, actor=admin_user)

    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is False
    assert Notification.objects.filter(
        recipient=mentor, body__startswith="Your requests stay off"
    ).exists()
    mentor_profile_update(participant=mentor_p, accepting_requests=True)  # theirs to open


def test_a_mentor_who_is_also_an_admin_cannot_lift_their_own_pause(
    program, report, admin_user, mentor, mentor_p
):
    ParticipantFactory(program=program, role=Role.ADMIN, user=mentor)
    report_pause_mentor_requests(report=report, actor=admin_user)
    with pytest.raises(DomainError, match="Another admin"):
        report_resume_mentor_requests(report=report, actor=mentor)
    assert MentorProfile.objects.get(participant=mentor_p).paused_by_admins_at is not None


def test_the_admins_lift_the_pause_even_once_the_report_is_resolved(
    report, admin_user, mentor, mentor_p
):
    report_pause_mentor_requests(report=report, actor=admin_user)
    report_resolve(report=report, actor=admin_user)

    report_resume_mentor_requests(report=report, actor=admin_user)

    profile = MentorProfile.objects.get(participant=mentor_p)
    assert profile.accepting_requests is True
    assert profile.paused_by_admins_at is None
    entry = AuditEntry.objects.get(action="mentor.requests_resume")
    assert entry.changes == [
        ("accepting requests", False, True),
        ("paused by the admins", True, False),
    ]
    assert "The admins of Pathways lifted the pause on your requests" in _titles(mentor)
    mentor_profile_update(participant=mentor_p, accepting_requests=False)  # theirs again
    mentor_profile_update(participant=mentor_p, accepting_requests=True)


def test_lifting_refuses_without_a_pause_and_for_non_admins(report, admin_user, mentor, mentee):
    with pytest.raises(DomainError, match="have not paused"):
        report_resume_mentor_requests(report=report, actor=admin_user)
    report_pause_mentor_requests(report=report, actor=admin_user)
    with pytest.raises(DomainError, match="Only the admins"):
        report_resume_mentor_requests(report=report, actor=mentee)
    with pytest.raises(DomainError, match="Only the admins"):
        report_resume_mentor_requests(report=report, actor=mentor)
    assert not AuditEntry.objects.filter(action="mentor.requests_resume").exists()


def test_the_report_page_lifts_the_pause_and_the_profile_page_shows_it(
    client, program, report, admin_user, mentor, mentor_p
):
    url = reverse("matching:report_action", args=[program.slug, report.pk])
    client.force_login(admin_user)
    client.post(url, {"action": "pause_requests"})
    assert "resume-requests-form" in client.get(url).content.decode()

    client.force_login(mentor)
    profile_url = reverse("matching:profile", args=[program.slug])
    page = client.get(profile_url).content.decode()
    assert "only they can let requests in again" in page
    form = client.get(profile_url).context["boundaries"]
    assert form.fields["accepting_requests"].disabled

    client.force_login(admin_user)
    client.post(url, {"action": "resume_requests"})
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True
    assert "pause-requests-form" in client.get(url).content.decode()


def test_ending_the_reported_mentorship_resolves_the_report(report, admin_user, mentorship):
    report_end_mentorship(
        report=report, actor=admin_user, reason="After a report", closing_reason="other"
    )
    mentorship.refresh_from_db()
    report.refresh_from_db()
    assert mentorship.status == Status.ENDED
    assert report.status == Report.Status.RESOLVED
    assert {e.action for e in AuditEntry.objects.all()} == {"mentorship.end", "report.status"}


def test_ending_an_ended_reported_mentorship_leaves_the_report_open(report, admin_user, ended):
    with pytest.raises(DomainError):
        report_end_mentorship(report=report, actor=admin_user, reason="x", closing_reason="other")
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert not ReportNote.objects.exists()


def test_the_queue_filters_by_status(program, admin_user, report, mentee):
    resolved = Report.objects.create(
        program=program, reporter=mentee, kind="other", text="Old", status="resolved"
    )
    client = _client(admin_user)
    url = reverse("matching:reports", args=[program.slug])
    assert list(client.get(url).context["reports"]) == [report]
    assert list(client.get(url, {"status": "resolved"}).context["reports"]) == [resolved]
    assert list(client.get(url, {"status": "in_review"}).context["reports"]) == []
    assert set(client.get(url, {"status": "all"}).context["reports"]) == {report, resolved}
    assert client.get(url).context["counts"] == {"open": 1, "in_review": 0, "resolved": 1}


def test_the_report_page_warns_and_shows_an_empty_warning_next_to_the_field(
    program, admin_user, report, mentor
):
    client = _client(admin_user)
    url = reverse("matching:report_action", args=[program.slug, report.pk])
    response = client.post(url, {"action": "warn", "warn-message": ""})
    assert response.status_code == 200
    assert response.context["forms"]["warn"].errors["message"]
    assert not Notification.objects.exists()
    response = client.post(url, {"action": "warn", "warn-message": "Be on time."})
    assert response.url == url
    assert Notification.objects.get(recipient=mentor).body == "Be on time."


def test_the_report_page_adds_notes_sets_status_pauses_and_ends(
    program, admin_user, report, mentorship, mentor_p
):
    client = _client(admin_user)
    url = reverse("matching:report_action", args=[program.slug, report.pk])
    client.post(url, {"action": "note", "note-text": "Looked into it."})
    client.post(url, {"action": "status", "status-status": "in_review"})
    client.post(url, {"action": "pause_requests"})
    response = client.post(
        url, {"action": "end", "end-closing_reason": "not_a_fit", "end-reason": "Over"}
    )
    assert response.url == reverse("matching:reports", args=[program.slug])
    report.refresh_from_db()
    mentorship.refresh_from_db()
    assert report.status == Report.Status.RESOLVED
    assert (mentorship.status, mentorship.closing_reason) == (Status.ENDED, "not_a_fit")
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is False
    assert ReportNote.objects.filter(report=report).first().text == "Looked into it."


def test_the_queue_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user, report, mentee
):
    client.force_login(admin_user)

    def grow() -> None:
        for n in range(4):
            other = Report.objects.create(
                program=program, reporter=mentee, kind="other", text=f"R{n}"
            )
            report_note_add(report=other, actor=admin_user, text="A note")
            report_note_add(report=report, actor=admin_user, text="Another")

    assert_flat_queries(
        client, django_assert_num_queries, reverse("matching:reports", args=[program.slug]), grow
    )


def test_the_report_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user, report
):
    client.force_login(admin_user)

    def grow() -> None:
        for _ in range(5):
            report_note_add(report=report, actor=admin_user, text="A note")

    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse("matching:report_action", args=[program.slug, report.pk]),
        grow,
    )


# ---------------------------------------------------------------------------
# Access: every new page, every kind of outsider; nothing changes
# ---------------------------------------------------------------------------
@pytest.fixture
def pages(program, mentorship, report) -> list[str]:
    return [
        reverse("matching:admin_mentorships", args=[program.slug]),
        reverse("matching:admin_mentorship", args=[program.slug, mentorship.pk]),
        reverse("matching:reports", args=[program.slug]),
        reverse("matching:report_action", args=[program.slug, report.pk]),
    ]


def _post_everything(client, program, mentorship, report, new_mentor) -> list[int]:
    admin_page = reverse("matching:admin_mentorship", args=[program.slug, mentorship.pk])
    report_page = reverse("matching:report_action", args=[program.slug, report.pk])
    posts = [
        (admin_page, {"action": "pause", "pause-reason": "x"}),
        (admin_page, {"action": "end", "end-closing_reason": "other", "end-reason": "x"}),
        (
            admin_page,
            {"action": "reassign", "reassign-mentor": new_mentor.pk, "reassign-reason": "x"},
        ),
        (report_page, {"action": "warn", "warn-message": "x"}),
        (report_page, {"action": "pause_requests"}),
        (report_page, {"action": "resolve"}),
        (report_page, {"action": "end"}),
    ]
    return [client.post(url, data).status_code for url, data in posts]


def _unchanged(mentorship, report, mentor_p) -> None:
    mentorship.refresh_from_db()
    report.refresh_from_db()
    assert mentorship.status == Status.ACTIVE
    assert report.status == Report.Status.OPEN
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exclude(kind=Notification.Kind.REPORT).exists()


def test_anonymous_visitors_are_sent_to_log_in(
    client, pages, program, mentorship, report, new_mentor, mentor_p
):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    statuses = _post_everything(client, program, mentorship, report, new_mentor)
    assert set(statuses) == {302}
    _unchanged(mentorship, report, mentor_p)


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_people_themselves_get_403(
    request, who, pages, program, mentorship, report, new_mentor, mentor_p
):
    client = _client(request.getfixturevalue(who))
    assert {client.get(url).status_code for url in pages} == {403}
    assert set(_post_everything(client, program, mentorship, report, new_mentor)) == {403}
    _unchanged(mentorship, report, mentor_p)


def test_an_admin_of_another_program_gets_404(
    outsider, other_program, pages, program, mentorship, report, new_mentor, mentor_p
):
    client = _client(outsider)
    assert {client.get(url).status_code for url in pages} == {404}
    assert set(_post_everything(client, program, mentorship, report, new_mentor)) == {404}
    # Their own program's slug with this program's ids finds nothing either.
    for name, pk in (("admin_mentorship", mentorship.pk), ("report_action", report.pk)):
        url = reverse(f"matching:{name}", args=[other_program.slug, pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "resolve"}).status_code == 404
    _unchanged(mentorship, report, mentor_p)


# ---------------------------------------------------------------------------
# The migration of resolved reports
# ---------------------------------------------------------------------------
def test_the_migration_turns_resolved_at_into_the_resolved_status(program, mentee):
    migration = importlib.import_module("matching.migrations.0006_admin_actions")
    old = Report.objects.create(
        program=program, reporter=mentee, kind="other", text="Old", resolved_at=timezone.now()
    )
    waiting = Report.objects.create(program=program, reporter=mentee, kind="other", text="New")
    migration.resolved_at_to_status(apps, None)
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert (old.status, waiting.status) == ("resolved", "open")


def test_the_migration_back_keeps_a_resolved_time(program, mentee):
    migration = importlib.import_module("matching.migrations.0006_admin_actions")
    report = Report.objects.create(
        program=program, reporter=mentee, kind="other", text="x", status="resolved"
    )
    migration.status_to_resolved_at(apps, None)
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert report.resolved_at - report.updated_at < timedelta(seconds=1)


def test_a_failure_half_way_through_pausing_a_mentors_requests_leaves_nothing(
    report, admin_user, mentor_p, monkeypatch
):
    def crash(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("matching.services.problem_reports.audit_record", crash)
    with pytest.raises(RuntimeError):
        report_pause_mentor_requests(report=report, actor=admin_user)
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True
    report.refresh_from_db()
    assert report.status == Report.Status.OPEN
    assert not ReportNote.objects.exists()
    assert not Notification.objects.exists()


ADMIN_SERVICES = {
    "pause": lambda m, actor, **_: mentorship_pause_for_people(
        mentorship=m, actor=actor, reason="x"
    ),
    "resume": lambda m, actor, **_: mentorship_resume_for_people(mentorship=m, actor=actor),
    "end": lambda m, actor, **_: mentorship_end_for_people(mentorship=m, actor=actor, reason="x"),
    "reassign": lambda m, actor, new_mentor: mentorship_reassign(
        mentorship=m, actor=actor, mentor=new_mentor, reason="x"
    ),
}


@pytest.mark.parametrize("action", list(ADMIN_SERVICES))
@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_every_admin_action_refuses_the_people_and_other_programs_admins(
    request, action, who, mentorship, new_mentor
):
    if action == "resume":
        Mentorship.objects.filter(pk=mentorship.pk).update(status=Status.PAUSED)
    before = Mentorship.objects.get(pk=mentorship.pk).status
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        ADMIN_SERVICES[action](mentorship, request.getfixturevalue(who), new_mentor=new_mentor)
    _nothing_changed(mentorship, before)


REPORT_SERVICES = {
    "status": lambda r, actor: report_status_set(report=r, actor=actor, status="resolved"),
    "note": lambda r, actor: report_note_add(report=r, actor=actor, text="x"),
    "warn": lambda r, actor: report_warn(report=r, actor=actor, message="x"),
    "pause requests": lambda r, actor: report_pause_mentor_requests(report=r, actor=actor),
    "end": lambda r, actor: report_end_mentorship(
        report=r, actor=actor, reason="x", closing_reason="other"
    ),
}


@pytest.mark.parametrize("action", list(REPORT_SERVICES))
@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_every_report_action_refuses_the_people_and_other_programs_admins(
    request, action, who, report, mentorship, mentor_p
):
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        REPORT_SERVICES[action](report, request.getfixturevalue(who))
    report.refresh_from_db()
    mentorship.refresh_from_db()
    assert (report.status, mentorship.status) == (Report.Status.OPEN, Status.ACTIVE)
    assert MentorProfile.objects.get(participant=mentor_p).accepting_requests is True
    assert not ReportNote.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not Notification.objects.exists()


def test_a_profile_shown_locked_and_saved_after_the_lift_keeps_what_the_lift_gave_back(
    program, report, admin_user, mentor_p
):
    report_pause_mentor_requests(report=report, actor=admin_user)
    shown = MentorBoundariesForm(
        instance=MentorProfile.objects.get(participant=mentor_p), program=mentor_p.program
    )
    assert shown["accepting_locked"].value() is True  # the page remembers it showed it locked
    report_resume_mentor_requests(report=report, actor=admin_user)

    # The browser sends no disabled checkbox, and the marker.
    sent = {k: v for k, v in profile_form_data().items() if k != "mentor-accepting_requests"}
    profile = MentorProfile.objects.get(participant=mentor_p)
    form = MentorBoundariesForm(
        {**sent, "mentor-accepting_locked": "True"},
        instance=profile,
        program=profile.participant.program,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["accepting_requests"] is True
    assert "accepting_locked" not in form.cleaned_data

    # Without the marker an unticked box is the mentor's "off", as always.
    form = MentorBoundariesForm(sent, instance=profile, program=profile.participant.program)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["accepting_requests"] is False
