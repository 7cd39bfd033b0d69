"""The API's resources read with a person's token: each shows what that person may see on the
site and nothing else (the other person's object answers 404), never the text people wrote to
each other; lists filter by state, date and updated_since, page by cursor in a stable order,
and keep their query count whatever the data; single objects carry an ETag; errors are
problem details; a token is refused without its scope, once revoked, and past its rate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import AccessToken
from api.scopes import Scope
from api.services import token_revoke
from matching.models import Mentorship
from meetings.models import CheckIn, Meeting
from programs.models import AuditEntry, Role
from tests.goals.factories import GoalFactory
from tests.matching.factories import MentorshipFactory, MentorshipRequestFactory
from tests.programs.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _ids(answer) -> list[int]:
    return [row["id"] for row in answer.json()["results"]]


def test_the_pair_reads_their_mentorship_and_a_stranger_gets_404(
    api, mentorship, mentee, mentor, outsider
):
    for person in (mentee, mentor):
        answer = api(person).get(f"/api/v1/mentorships/{mentorship.pk}/")
        assert answer.status_code == 200
        assert answer.json()["mentee"] == {"id": mentorship.mentee_id, "name": "Mia Mentee"}
    stranger = api(outsider)
    refused = stranger.get(f"/api/v1/mentorships/{mentorship.pk}/")
    assert refused.status_code == 404 and refused["Content-Type"] == PROBLEM
    assert refused.json()["status"] == 404
    assert _ids(stranger.get("/api/v1/mentorships/")) == []


def test_program_admins_read_their_programs_people_but_not_meetings(
    api, mentorship, admin_user, mentee, outsider
):
    meeting = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
        shared_notes="Our private plan",
    )
    admin = api(admin_user)
    assert mentorship.pk in _ids(admin.get("/api/v1/mentorships/"))
    people = admin.get("/api/v1/participants/").json()["results"]
    assert {row["email"] for row in people} >= {mentee.email}
    assert admin.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    answer = api(mentee).get(f"/api/v1/meetings/{meeting.pk}/")
    assert answer.status_code == 200 and "Our private plan" not in answer.content.decode()
    # Another program's admin sees none of it.
    assert _ids(api(outsider).get("/api/v1/participants/")) == [
        p.pk for p in outsider.participations.order_by("pk")
    ]


def test_a_request_never_carries_its_text(api, admin_user, program):
    request = MentorshipRequestFactory(
        mentor=ParticipantFactory(program=program, role=Role.MENTOR),
        why_this_mentor="Secret hopes",
        first_step="Talk about my manager",
    )
    for person in (admin_user, request.mentee.user, request.mentor.user):
        body = api(person).get(f"/api/v1/requests/{request.pk}/").content.decode()
        assert '"status":"pending"' in body.replace(" ", "")
        assert "Secret hopes" not in body and "Talk about my manager" not in body


def test_goals_show_to_their_owner_only_not_to_admins(api, mentee_p, admin_user):
    goal = GoalFactory(owner=mentee_p, title="Lead a team")
    assert api(mentee_p.user).get(f"/api/v1/goals/{goal.pk}/").json()["title"] == "Lead a team"
    assert api(admin_user).get(f"/api/v1/goals/{goal.pk}/").status_code == 404


def test_lists_filter_by_state_date_and_updated_since(api, mentor_p, program, mentee_p):
    ended = MentorshipFactory(
        mentor=mentor_p,
        mentee=ParticipantFactory(program=program, role=Role.MENTEE),
        status=Mentorship.Status.ENDED,
        started_at=timezone.now() - timedelta(days=90),
    )
    live = MentorshipFactory(mentor=mentor_p, mentee=mentee_p)
    client = api(mentor_p.user)
    assert _ids(client.get("/api/v1/mentorships/", {"state": "ended"})) == [ended.pk]
    this_month = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert _ids(client.get("/api/v1/mentorships/", {"date_from": this_month})) == [live.pk]
    Mentorship.objects.filter(pk=ended.pk).update(updated_at=timezone.now() - timedelta(days=3))
    Mentorship.objects.filter(pk=live.pk).update(updated_at=timezone.now())
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert _ids(client.get("/api/v1/mentorships/", {"updated_since": since})) == [live.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "exploded"}, "state"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"date_from": "2026-02-30"}, "date_from"),
    ],
)
def test_a_bad_filter_is_a_problem_naming_the_field(api, mentee, params, field):
    answer = api(mentee).get("/api/v1/mentorships/", params)
    assert answer.status_code == 400 and answer["Content-Type"] == PROBLEM
    assert field in answer.json()["errors"]


def test_programs_have_no_state_to_filter_on(api, mentee):
    answer = api(mentee).get("/api/v1/programs/", {"state": "active"})
    assert answer.status_code == 400 and "state" in answer.json()["errors"]


def test_cursor_pages_are_stable_and_complete(api, mentor_p, program):
    made = [
        MentorshipFactory(
            mentor=mentor_p, mentee=ParticipantFactory(program=program, role=Role.MENTEE)
        ).pk
        for _ in range(5)
    ]
    client = api(mentor_p.user)
    seen: list[int] = []
    page = client.get("/api/v1/mentorships/", {"page_size": 2}).json()
    seen += [row["id"] for row in page["results"]]
    MentorshipFactory(mentor=mentor_p, mentee=ParticipantFactory(program=program, role=Role.MENTEE))
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen[:5] == sorted(made) and len(seen) == len(set(seen)) == 6


def test_a_single_object_has_an_etag_and_answers_304_until_it_changes(api, mentorship, mentee):
    client = api(mentee)
    url = f"/api/v1/mentorships/{mentorship.pk}/"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.PAUSED)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_no_token_a_wrong_one_and_a_session_are_refused(client, api, mentee, mentorship):
    url = "/api/v1/mentorships/"
    none = client.get(url)
    assert none.status_code == 401 and none["Content-Type"] == PROBLEM
    assert none["WWW-Authenticate"].startswith("Bearer")
    assert client.get(url, HTTP_AUTHORIZATION="Bearer twoway_not-a-key").status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Basic abc").status_code == 401
    client.force_login(mentee)
    assert client.get(url).status_code == 401  # a session is not a token


def test_a_token_needs_the_routes_scope(api, mentee, mentorship):
    client = api(mentee, Scope.GOALS)
    refused = client.get("/api/v1/mentorships/")
    assert refused.status_code == 403 and "scope" in refused.json()["detail"]
    assert client.get("/api/v1/goals/").status_code == 200


def test_a_revoked_token_stops_at_once_and_use_is_noted(mentee, mentorship):
    from django.test import Client

    from api.services import token_create

    token, key = token_create(user=mentee, name="Script", scopes=[Scope.MENTORSHIPS])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/mentorships/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AccessToken.objects.filter(key_hash__contains=key).count() == 0  # only a hash kept
    assert token_revoke(user=mentee, pk=token.pk)
    assert client.get("/api/v1/mentorships/").status_code == 401


def test_a_departed_persons_token_stops(api, mentee, mentorship):
    client = api(mentee)
    mentee.is_active = False
    mentee.save()
    assert client.get("/api/v1/mentorships/").status_code == 401


def test_beyond_the_rate_a_token_waits_with_retry_after(api, mentee, settings):
    settings.API_RATE_LIMIT = "3/minute"
    client = api(mentee)
    for _ in range(3):
        assert client.get("/api/v1/programs/").status_code == 200
    slowed = client.get("/api/v1/programs/")
    assert slowed.status_code == 429 and int(slowed["Retry-After"]) > 0
    assert slowed["Content-Type"] == PROBLEM
    # Another token of the same person has its own count.
    assert api(mentee).get("/api/v1/programs/").status_code == 200


def test_an_unknown_api_address_is_a_problem(api, mentee):
    answer = api(mentee).get("/api/v1/nothing-here/")
    assert answer.status_code == 404 and answer["Content-Type"] == PROBLEM
    assert api(mentee).get("/api/v1/mentorships/abc/").status_code == 404


@pytest.mark.parametrize(
    "path", ["mentorships", "participants", "requests", "meetings", "goals", "programs"]
)
def test_a_lists_query_count_does_not_grow_with_its_rows(api, admin_user, program, path):
    client = api(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/{path}/").status_code == 200
        return len(queries)

    count()  # the first use notes when the token was used: one write, not per request
    small = count()
    mentor = ParticipantFactory(program=program, role=Role.MENTOR)
    for _ in range(12):
        mentee = ParticipantFactory(program=program, role=Role.MENTEE)
        pair = MentorshipFactory(mentor=mentor, mentee=mentee)
        MentorshipRequestFactory(mentor=mentor, mentee=mentee)
        GoalFactory(owner=mentee)
        Meeting.objects.create(
            mentorship=pair,
            starts_at=timezone.now() + timedelta(days=3),
            ends_at=timezone.now() + timedelta(days=3, hours=1),
        )
        AuditEntry.objects.create(program=program, actor=admin_user, action="participant.add")
    assert count() == small


def _answered(mentorship, person, satisfaction: int, period: str = "2026-Q4"):
    return CheckIn.objects.create(
        mentorship=mentorship,
        person=person,
        period_key=period,
        due_on=timezone.localdate(),
        status=CheckIn.Status.ANSWERED,
        satisfaction=satisfaction,
        energy=4,
        comment="Our private words",
    )


def test_checkin_figures_are_the_admins_and_small_groups_are_withheld(
    api, admin_user, mentorship, mentee, mentor, program, settings
):
    settings.PRIVACY_THRESHOLD = 3
    _answered(mentorship, mentee, 4)
    _answered(mentorship, mentor, 2)
    url = f"/api/v1/checkin-figures/{program.pk}/"
    withheld = api(admin_user).get(url).json()
    [period] = withheld["periods"]
    assert period["answered"] == 2 and period["satisfaction"] is None
    assert period["withheld"]  # two people answered, fewer than three
    third = ParticipantFactory(program=program, role=Role.MENTEE)
    _answered(MentorshipFactory(mentor=mentorship.mentor, mentee=third), third.user, 3)
    shown = api(admin_user).get(url)
    [period] = shown.json()["periods"]
    assert period["satisfaction"] == 3.0 and period["withheld"] is None
    assert "Our private words" not in shown.content.decode()
    assert api(mentee).get(url).status_code == 404  # a participant reads no figures
    assert api(mentor).get(url).status_code == 404


def test_the_audit_log_is_read_by_those_who_run_it(api, admin_user, mentee, program, outsider):
    entry = AuditEntry.objects.create(
        program=program, actor=admin_user, action="participant.add", subject="x@example.org"
    )
    org_entry = AuditEntry.objects.create(
        organization=program.organization, actor=None, action="topic.create", subject="Design"
    )
    ids = _ids(api(admin_user).get("/api/v1/audit/"))
    assert entry.pk in ids and org_entry.pk in ids  # their program's log shows both
    assert api(admin_user).get(f"/api/v1/audit/{entry.pk}/").json()["actor"] == "Ada Admin"
    assert _ids(api(mentee).get("/api/v1/audit/")) == []
    assert api(outsider).get(f"/api/v1/audit/{entry.pk}/").status_code == 404
    since = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert _ids(api(admin_user).get("/api/v1/audit/", {"updated_since": since})) == []


def test_program_admins_invite_resend_and_revoke_through_the_api(
    api,
    admin_user,
    program,
    mentee,
    other_program,
    outsider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = api(admin_user, Scope.INVITATIONS)
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            "/api/v1/invitations/",
            {"program": program.slug, "email": "New.Hire@Example.org", "role": "mentee"},
            content_type="application/json",
        )
    assert made.status_code == 201, made.content
    invitation = made.json()
    assert (invitation["email"], invitation["status"]) == ("new.hire@example.org", "pending")
    assert [m.to for m in mailoutbox] == [["new.hire@example.org"]]
    again = client.post(
        "/api/v1/invitations/",
        {"program": program.slug, "email": "new.hire@example.org", "role": "mentee"},
        content_type="application/json",
    )
    assert again.status_code == 409 and "email" in again.json()["errors"]
    member = client.post(
        "/api/v1/invitations/",
        {"program": program.slug, "email": mentee.email, "role": "mentee"},
        content_type="application/json",
    )
    assert member.status_code == 409 and "email" in member.json()["errors"]
    elsewhere = client.post(
        "/api/v1/invitations/",
        {"program": other_program.slug, "email": "x@example.org", "role": "mentee"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404 and "that you run" in elsewhere.json()["detail"]
    url = f"/api/v1/invitations/{invitation['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "resend/").status_code == 200
    assert len(mailoutbox) == 2
    assert api(outsider, Scope.INVITATIONS).post(url + "revoke/").status_code == 404
    revoked = client.post(url + "revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    refused = client.post(url + "revoke/")
    assert refused.status_code == 409 and "revoked already" in refused.json()["detail"]
    assert api(admin_user, Scope.MENTORSHIPS).get("/api/v1/invitations/").status_code == 403
    form = client.post("/api/v1/invitations/", {"program": program.slug})
    assert form.status_code == 415  # JSON only


def test_goal_figures_are_the_admins_and_name_no_goal(api, admin_user, program, mentee_p, mentor):
    GoalFactory(owner=mentee_p, title="Lead a team", progress=40)
    GoalFactory(owner=mentee_p, title="Speak at a meetup", progress=60)
    url = f"/api/v1/goal-figures/{program.pk}/"
    answer = api(admin_user).get(url)
    figures = answer.json()
    assert (figures["total"], figures["active"], figures["average_progress"]) == (2, 2, 50.0)
    assert figures["mentees_without_goals"] == 0
    assert "Lead a team" not in answer.content.decode()
    assert api(mentee_p.user).get(url).status_code == 404
    assert api(mentor).get(url).status_code == 404
