"""Program admins' announcements, enrollment and end date, the inactivity settings, and the audit
log's before and after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.errors import DomainError
from notifications.models import Notification
from programs.emails import announcement_emails_send
from programs.models import Announcement, AuditEntry, Participant, Program, Role
from programs.services import announcement_send, program_enrollment_set, program_update
from tests.helpers import assert_flat_queries
from tests.programs.factories import AuditEntryFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(program, admin_user, mentor, mentee):
    """Besides the fixtures' three: a second mentee, a withdrawn mentee and a second admin."""
    second = ParticipantFactory(program=program, role=Role.MENTEE, user__full_name="Sam Second")
    ParticipantFactory(
        program=program, role=Role.MENTEE, status=Participant.Status.WITHDRAWN
    )  # gone: hears nothing
    other_admin = ParticipantFactory(program=program, role=Role.ADMIN).user
    return {"mentee2": second.user, "admin2": other_admin}


def _recipients() -> set:
    return set(
        Notification.objects.filter(kind=Notification.Kind.GENERAL).values_list(
            "recipient", flat=True
        )
    )


# ---------------------------------------------------------------------------
# Announcements
# ---------------------------------------------------------------------------
def test_an_announcement_to_mentees_reaches_each_active_mentee_in_app_and_by_email(
    program, admin_user, mentee, mentor, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announcement_send(
            program=program,
            actor=admin_user,
            audience=Audience.MENTEES,
            title="  Kick-off   on Monday ",
            body="Bring one question.",
        )
    assert announcement.title == "Kick-off on Monday"
    assert _recipients() == {mentee.pk, people["mentee2"].pk}
    note = Notification.objects.get(recipient=mentee)
    assert (note.title, note.body) == ("Pathways: Kick-off on Monday", "Bring one question.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, people["mentee2"].email])
    message = mail.outbox[0]
    assert message.subject == "[Twoway] Pathways: Kick-off on Monday"
    assert "Bring one question." in message.body
    assert "Bring one question." in message.alternatives[0][0]
    announcement.refresh_from_db()
    assert (announcement.recipient_count, announcement.emailed_count) == (2, 2)
    assert announcement.emailed_at is not None


def test_an_announcement_to_everyone_reaches_all_roles_but_not_its_author(
    program, admin_user, mentee, mentor, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send(
            program=program,
            actor=admin_user,
            audience=Audience.EVERYONE,
            title="Hello",
            body="All of you.",
        )
    assert _recipients() == {mentee.pk, mentor.pk, people["mentee2"].pk, people["admin2"].pk}
    assert admin_user.email not in [m.to[0] for m in mail.outbox]


def test_an_announcement_to_mentors_reaches_only_mentors(program, admin_user, mentor, people):
    announcement_send(
        program=program, actor=admin_user, audience=Audience.MENTORS, title="Hi", body="Mentors."
    )
    assert _recipients() == {mentor.pk}


def test_an_announcement_is_audited(program, admin_user, mentee):
    announcement_send(
        program=program, actor=admin_user, audience=Audience.MENTEES, title="Hi", body="x"
    )
    entry = AuditEntry.objects.get(action="announcement.send")
    assert (entry.actor, entry.subject) == (admin_user, "Hi")
    assert entry.detail["after"] == {"audience": "Mentees", "recipients": 1}


def test_the_email_task_sends_once_and_a_retry_resumes_after_the_last_one_sent(
    program, admin_user, mentee, people
):
    announcement = announcement_send(
        program=program, actor=admin_user, audience=Audience.MENTEES, title="Hi", body="x"
    )
    first = min(mentee.pk, people["mentee2"].pk)
    # A first attempt died after emailing the first recipient.
    Announcement.objects.filter(pk=announcement.pk).update(emailed_through=first, emailed_count=1)
    assert announcement_emails_send(announcement_id=announcement.pk) == 1
    assert [m.to[0] for m in mail.outbox] == [
        (people["mentee2"] if first == mentee.pk else mentee).email
    ]
    assert announcement_emails_send(announcement_id=announcement.pk) == 0  # done: nothing again
    assert len(mail.outbox) == 1


def test_the_email_task_leaves_out_people_who_joined_after_the_announcement(
    program, admin_user, mentee
):
    announcement = announcement_send(
        program=program, actor=admin_user, audience=Audience.MENTEES, title="Hi", body="x"
    )
    ParticipantFactory(
        program=program, role=Role.MENTEE, joined_at=timezone.now() + timedelta(minutes=1)
    )
    assert announcement_emails_send(announcement_id=announcement.pk) == 1


@pytest.mark.parametrize(
    ("title", "body", "audience", "field"),
    [
        ("", "Body", Audience.EVERYONE, "title"),
        ("x" * 151, "Body", Audience.EVERYONE, "title"),
        ("Title", "   ", Audience.EVERYONE, "body"),
        ("Title", "Body", "admins", "audience"),
    ],
)
def test_an_incomplete_announcement_is_refused_next_to_its_field_and_nothing_is_sent(
    program, admin_user, mentee, title, body, audience, field
):
    with pytest.raises(DomainError) as refusal:
        announcement_send(
            program=program, actor=admin_user, audience=audience, title=title, body=body
        )
    assert refusal.value.field == field
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.filter(action="announcement.send").exists()


def test_an_announcement_to_nobody_is_refused(program, admin_user):
    with pytest.raises(DomainError, match="Nobody is active") as refusal:
        announcement_send(
            program=program, actor=admin_user, audience=Audience.MENTORS, title="Hi", body="x"
        )
    assert refusal.value.field == "audience"


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_only_the_programs_admins_can_announce(request, program, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(DomainError, match="Only the admins of Pathways"):
        announcement_send(
            program=program, actor=actor, audience=Audience.EVERYONE, title="Hi", body="x"
        )
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()


def test_the_announcements_page_says_how_many_it_reaches_then_sends_and_lists(
    program, admin_user, mentee, mentor
):
    client = _client(admin_user)
    url = reverse("programs:announcements", args=[program.slug])
    data = {"audience": "mentees", "title": "Kick-off", "body": "Monday, 10:00.\nBring a question."}

    asked = client.post(url, data)

    assert asked.status_code == 200
    assert asked.context["reach"] == 1
    page = " ".join(asked.content.decode().split())
    assert "Send “Kick-off” to 1 person?" in page
    assert "Send to 1 person" in page
    assert not Announcement.objects.exists() and not Notification.objects.exists()
    everyone = client.post(url, {**data, "audience": "everyone"})
    assert everyone.context["reach"] == 2  # the mentee and the mentor; the author is left out

    response = client.post(url, {**data, "confirmed": "True"})
    assert response.url == url
    assert Announcement.objects.get().body == "Monday, 10:00.\nBring a question."
    page = client.get(url)
    assert [a.title for a in page.context["page"]] == ["Kick-off"]
    assert "Monday, 10:00." in page.content.decode()


def test_the_announcements_page_shows_a_missing_title_next_to_the_field(
    program, admin_user, mentee
):
    response = _client(admin_user).post(
        reverse("programs:announcements", args=[program.slug]),
        {"audience": "mentees", "title": "", "body": "Monday."},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Announcement.objects.exists()


def test_the_announcements_page_shows_an_empty_audience_next_to_the_field(program, admin_user):
    response = _client(admin_user).post(
        reverse("programs:announcements", args=[program.slug]),
        {"audience": "mentors", "title": "Hi", "body": "Monday."},
    )
    assert "Nobody is active" in response.context["form"].errors["audience"][0]


def test_the_announcements_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user, mentee
):
    client.force_login(admin_user)
    announcement_send(program=program, actor=admin_user, audience="everyone", title="A", body="x")

    def grow() -> None:
        for n in range(4):
            announcement_send(
                program=program, actor=admin_user, audience="everyone", title=f"A{n}", body="x"
            )

    assert_flat_queries(
        client,
        django_assert_num_queries,
        reverse("programs:announcements", args=[program.slug]),
        grow,
    )


# ---------------------------------------------------------------------------
# Enrollment and end date
# ---------------------------------------------------------------------------
def test_an_admin_extends_the_program_and_opens_enrollment(program, admin_user):
    today = timezone.localdate()  # read once: read again past midnight, it is tomorrow
    Program.objects.filter(pk=program.pk).update(ends_on=today)
    later = today + timedelta(days=90)
    program_enrollment_set(program=program, actor=admin_user, enrollment_open=True, ends_on=later)
    program.refresh_from_db()
    assert (program.enrollment_open, program.ends_on) == (True, later)
    entry = AuditEntry.objects.get(action="program.enrollment")
    assert entry.changes == [
        ("ends on", today.isoformat(), later.isoformat()),
        ("enrollment open", False, True),
    ]


def test_closing_enrollment_records_only_what_changed(program, admin_user):
    Program.objects.filter(pk=program.pk).update(enrollment_open=True)
    program.refresh_from_db()
    program_enrollment_set(program=program, actor=admin_user, enrollment_open=False, ends_on=None)
    program.refresh_from_db()
    assert program.enrollment_open is False
    assert AuditEntry.objects.get().changes == [("enrollment open", True, False)]


def test_saving_the_same_values_writes_nothing(program, admin_user):
    program_enrollment_set(program=program, actor=admin_user, enrollment_open=False, ends_on=None)
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("days", "enrollment_open", "field"),
    [(-1, False, "ends_on"), (-40, False, "ends_on")],
)
def test_an_end_date_in_the_past_or_before_the_start_is_refused_next_to_it(
    program, admin_user, days, enrollment_open, field
):
    with pytest.raises(DomainError) as refusal:
        program_enrollment_set(
            program=program,
            actor=admin_user,
            enrollment_open=enrollment_open,
            ends_on=timezone.localdate() + timedelta(days=days),
        )
    assert refusal.value.field == field
    program.refresh_from_db()
    assert program.ends_on is None
    assert not AuditEntry.objects.exists()


def test_an_end_date_before_the_start_is_refused(admin_user, program):
    Program.objects.filter(pk=program.pk).update(
        starts_on=timezone.localdate() + timedelta(days=30)
    )
    program.refresh_from_db()
    with pytest.raises(DomainError, match="cannot end before"):
        program_enrollment_set(
            program=program,
            actor=admin_user,
            enrollment_open=False,
            ends_on=timezone.localdate() + timedelta(days=10),
        )


def test_an_ended_program_cannot_open_enrollment_without_being_extended(program, admin_user):
    past = timezone.localdate() - timedelta(days=1)
    Program.objects.filter(pk=program.pk).update(ends_on=past)
    program.refresh_from_db()
    with pytest.raises(DomainError) as refusal:
        program_enrollment_set(
            program=program, actor=admin_user, enrollment_open=True, ends_on=past
        )
    assert refusal.value.field == "enrollment_open"
    program.refresh_from_db()
    assert program.enrollment_open is False


@pytest.mark.parametrize("who", ["mentor", "mentee", "outsider"])
def test_only_the_programs_admins_change_enrollment(request, program, who):
    with pytest.raises(DomainError, match="Only the admins"):
        program_enrollment_set(
            program=program,
            actor=request.getfixturevalue(who),
            enrollment_open=True,
            ends_on=None,
        )
    program.refresh_from_db()
    assert program.enrollment_open is False


def test_the_enrollment_page_saves_and_shows_errors_next_to_the_fields(program, admin_user):
    client = _client(admin_user)
    url = reverse("programs:enrollment", args=[program.slug])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {"enrollment_open": "on", "ends_on": yesterday.isoformat()})
    assert response.status_code == 200
    assert "cannot be in the past" in response.context["form"].errors["ends_on"][0]
    later = timezone.localdate() + timedelta(days=30)
    response = client.post(url, {"enrollment_open": "on", "ends_on": later.isoformat()})
    assert response.url == url
    program.refresh_from_db()
    assert (program.enrollment_open, program.ends_on) == (True, later)


# ---------------------------------------------------------------------------
# The inactivity settings and the audit log
# ---------------------------------------------------------------------------
def test_the_settings_form_holds_the_inactivity_rule_and_audits_before_and_after(
    client, program, admin_user
):
    client.force_login(admin_user)
    response = client.post(
        reverse("programs:settings", args=[program.slug]),
        {
            "name": program.name,
            "kind": "one_on_one",
            "starts_on": program.starts_on.isoformat(),
            "matching_mode": "mentee_chooses",
            "checkin_cadence_months": 3,
            "request_expiry_days": 14,
            "max_pending_requests_per_mentee": 3,
            "max_mentors_per_mentee": 3,
            "relationship_length_months": 6,
            "stalled_after_days": 45,
            "auto_close_after_days": 30,
        },
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.stalled_after_days, program.auto_close_after_days) == (45, 30)
    entry = AuditEntry.objects.get(action="program.update")
    assert entry.changes == [("auto_close_after_days", None, 30), ("stalled_after_days", 60, 45)]


def test_a_new_program_has_a_60_day_rule_and_no_automatic_closing(db):
    program = Program()
    assert (program.stalled_after_days, program.auto_close_after_days) == (60, None)


def test_the_stalled_period_is_kept_in_range(program, admin_user):
    with pytest.raises(DomainError) as refusal:
        program_update(program=program, actor=admin_user, stalled_after_days=3)
    assert refusal.value.field == "stalled_after_days"


def test_the_audit_page_shows_before_and_after(client, program, admin_user):
    AuditEntryFactory(
        program=program,
        actor=admin_user,
        action="mentorship.pause",
        subject="Mo Mentor mentoring Mia Mentee",
        detail={"before": {"status": "Active"}, "after": {"status": "Paused"}, "reason": "Leave"},
    )
    AuditEntryFactory(program=program, actor=admin_user, action="topic.create", subject="Sales")
    client.force_login(admin_user)
    content = client.get(reverse("programs:audit", args=[program.slug])).content.decode()
    assert "<del>Active</del> → <ins>Paused</ins>" in content
    assert "Reason: Leave" in content
    assert "Added a topic" in content and "topic.create" not in content


def test_the_audit_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, program, admin_user
):
    client.force_login(admin_user)
    AuditEntryFactory(program=program, actor=admin_user)

    def grow() -> None:
        for n in range(5):
            AuditEntryFactory(
                program=program,
                actor=ParticipantFactory(program=program, role=Role.ADMIN).user,
                detail={"before": {"n": n}, "after": {"n": n + 1}},
            )

    assert_flat_queries(
        client, django_assert_num_queries, reverse("programs:audit", args=[program.slug]), grow
    )


def test_entries_without_both_sides_have_no_changes():
    assert AuditEntry(detail={"fields": ["name"]}).changes == []
    assert AuditEntry(detail={"after": {"recipients": 3}}).changes == [("recipients", None, 3)]


# ---------------------------------------------------------------------------
# Access: every new page, every kind of outsider; nothing changes
# ---------------------------------------------------------------------------
NEW_PAGES = ["programs:announcements", "programs:enrollment"]
POSTS = {
    "programs:announcements": {"audience": "everyone", "title": "Hi", "body": "x"},
    "programs:enrollment": {"enrollment_open": "on"},
}


def _unchanged(program: Program) -> None:
    program.refresh_from_db()
    assert program.enrollment_open is False
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("name", NEW_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, program, mentee, name):
    url = reverse(name, args=[program.slug])
    assert "/accounts/login/" in client.get(url).url
    assert "/accounts/login/" in client.post(url, POSTS[name]).url
    _unchanged(program)


@pytest.mark.parametrize("name", NEW_PAGES)
@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_mentors_and_mentees_get_403(request, program, name, who):
    client = _client(request.getfixturevalue(who))
    url = reverse(name, args=[program.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, POSTS[name]).status_code == 403
    _unchanged(program)


@pytest.mark.parametrize("name", NEW_PAGES)
def test_an_admin_of_another_program_gets_404(program, outsider, mentee, name):
    client = _client(outsider)
    url = reverse(name, args=[program.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, POSTS[name]).status_code == 404
    _unchanged(program)


def test_a_failure_half_way_through_an_announcement_leaves_nothing(
    program, admin_user, mentee, monkeypatch, django_capture_on_commit_callbacks
):
    """The announcement and its notifications are written before the audit entry: a crash there
    undoes both, and no email goes out."""

    def crash(**kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("programs.services.audit_record", crash)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        announcement_send(
            program=program, actor=admin_user, audience=Audience.MENTEES, title="Hi", body="x"
        )
    assert not Announcement.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_audit_log_writes_sentences_not_codes():
    from programs.models import AUDIT_WORDS, AuditEntry

    assert AuditEntry(action="matching_round_published").sentence == "Published a matching round"
    assert AuditEntry(action="something_new.happened").sentence == "Something new happened"
    assert all(words[0].isupper() and "_" not in words for words in AUDIT_WORDS.values())


def test_every_audited_action_in_the_code_has_its_words():
    """A new audit code gets a sentence of its own (the fallback only reads the code out)."""
    import re
    from pathlib import Path

    from programs.models import AUDIT_WORDS

    root = Path(__file__).resolve().parents[2]
    found: set[str] = set()
    for app in (
        "accounts",
        "programs",
        "goals",
        "matching",
        "meetings",
        "conversations",
        "identity",
        "reports",
    ):
        for path in (root / app).rglob("*.py"):
            text = path.read_text()
            found |= set(re.findall(r'action="([a-z_]+\.[a-z_]+)"', text))
            found |= set(re.findall(r'"(mentor\.requests_[a-z]+)"', text))
            found |= set(re.findall(r'_audit\([^)]*?"([a-z_]+)"', text))
    assert found, "no audit codes found"
    assert found - set(AUDIT_WORDS) == set()
