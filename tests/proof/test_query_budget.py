"""The query budget: every GET page, visited as each role that may see it, runs the same number
of queries on the demo data and on ten times the demo data.

The pages are the authorization matrix's URL patterns (a new GET page without ids here fails
``test_every_get_page_is_measured``), with real ids from the demo (``seed_demo``) and the
roles that the matrix says get 200 (or 204). The data is then grown tenfold: the demo program's
participants, mentorships, meetings, check-ins and requests in bulk (``benchmarks/dashboard.py``'s
``_grow``), and each role's own lists: meetings, agenda, notes, action items, advice, thanks,
check-ins, goals, steps, notifications, data exports, requests, mentorships, reports, audit
entries, announcements, invitations, topics, rounds and proposals; the demo's circle (its group
program's): members, their agenda items, its meetings before and ahead, its norms' versions;
the organization's identity: SCIM tokens (of several makers), group mappings into its programs,
departures (recorded by several admins, some come back) and the people they list;
and conversations: the pair's pages long, one per mentorship of the owner and of the party
(each role's list), the circle's with a message of each new member, and files on many of their
messages (the downloaded files' messages among them).
A key ``name[variant]`` measures the matrix's row of that name: another set of ids (or another
query string, ``QUERIES``). A page answers as the matrix's cell says: 200, or 204 for the
conversation poll when nothing is new. The pages behind allauth's reauthentication (deleting an
account, a participant's data) answer 200 only to a session that has just re-authenticated: they
are measured through their ``[fresh]`` rows (``FRESH``), from such a session.

A file's download (a conversation's attachment) is read to its end inside the count.

Not measured: the POST-only addresses (their GET answers 405), and the streaming CSV exports:
their rows are read while the response streams, after the view has returned, so a count
around the request would not see them (the matrix covers who may download them, and
``benchmarks/dashboard.py`` times them on 5,000 participants).
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from api.integrations import integration_create
from api.models import AccessToken
from api.webhooks import webhook_create
from conversations.access import get_thread_for_user
from conversations.models import Attachment, Conversation, Message, Seen
from conversations.services import message_send
from goals.models import Goal, GoalStep, ProgressUpdate
from goals.services import goal_create
from identity.models import Departure, GroupMapping, ScimToken, token_digest
from identity.selectors import PEOPLE_SHOWN
from identity.services import group_mapping_create, person_leave, scim_token_create
from matching.models import (
    MatchingRound,
    MentorProfile,
    Mentorship,
    MentorshipGroup,
    MentorshipRequest,
    Proposal,
    Report,
    RoundPreference,
)
from matching.rounds.selectors import latest_run, unmatched_mentees
from matching.rounds.services import round_create
from matching.services.mentorships import report_file
from matching.services.profiles import availability_set
from matching.windows import Window
from meetings.calendar import calendar_feed_regenerate
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    CheckIn,
    Meeting,
    MeetingFeedback,
    PrivateNote,
)
from notifications.models import WEBHOOK, Delivery, Notification, Reminder, Webhook
from notifications.reminders import unsubscribe_token
from notifications.services import notify
from privacy.models import DataExport
from privacy.services import retention_set
from programs.models import (
    Announcement,
    AuditEntry,
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
    Role,
    Topic,
)
from programs.services import (
    announcement_send,
    organization_admin_grant,
    participant_add,
    program_create,
    program_enrollment_set,
)
from programs.tokens import invitation_token
from tests.helpers import demo_seed, signed_in_just_now
from tests.identity.provisioned import oidc_provider
from tests.proof.conftest import app_routes
from tests.proof.matrix import API_ROUTES, NO_CONTENT, OK, ROLES, TABLE

# benchmarks/ is not a package: on the path just for this import (its files, such as
# matching.py, must not shadow the apps afterwards).
_path = list(sys.path)
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from dashboard import _grow  # noqa: E402

sys.path[:] = _path

pytestmark = pytest.mark.django_db

GROWTH = 10

# What a role may GET, measured: a page (200), or an answer with nothing to say (204, such as
# the conversation poll's when nothing is new). Each is expected to answer as the matrix says.
MEASURED = (OK, NO_CONTENT)

# The matrix's rows requested from a session that has just re-authenticated (its base row's
# GET is a redirect to re-authenticate, so these pages are measured through these rows).
FRESH = {"privacy:delete[fresh]", "privacy:participant_delete[fresh]"}

# Known growth: (URL key, role) -> what grows. An xfail(strict) until it is fixed.
GROWS: dict[tuple[str, str], str] = {}

# GET addresses not measured, and why.
EXCLUDED = {
    "openid_connect_login": "allauth's name of identity:oidc_login's address, measured",
    "identity:saml_login": "the SAML sign-in button of one provider: no list on it",
    "saml_login": "allauth's name of identity:saml_login's address",
    "saml_metadata": "an XML document of the service provider's own settings: no list",
    "reports:export_participants": "a streaming CSV download",
    "reports:export_mentorships": "a streaming CSV download",
    "reports:export_requests": "a streaming CSV download",
    "reports:export_checkins": "a streaming CSV download",
    "programs:person_photo": "a file, streamed: two queries (the person, who may see them)",
    "api:schema": "the API's schema, generated from the code: no query",
    "api:docs": "the API's documentation page: no query",
    **{
        key: "an API route, read with a token: tests/api/test_resources.py holds its lists' "
        "query counts with little and more data"
        for key in API_ROUTES
    },
}


@dataclass
class Demo:
    """The demo's people in the matrix's roles, and the objects the addresses point at."""

    program: Program
    people: dict[str, User]
    obj: dict[str, Any]

    def user(self, role: str, key: str) -> User | None:
        person = CAST.get(key, {}).get(role, role)
        return None if person == "anon" else self.people[person]


# Whose the objects are, as in the matrix: the request waits on `asked`; the stable round's
# ballot is a waiting mentee's; a circle (the demo's group program's) is its members' and its
# mentor's, as the matrix's owner and party.
CIRCLE_CAST = {"owner": "circle_member", "party": "circle_mentor"}
CAST = {
    "matching:request": {"party": "asked"},
    "matching:round_preferences": {"owner": "waiting"},
    "meetings:circle": CIRCLE_CAST,
    "meetings:circle_meeting_new": CIRCLE_CAST,
    "meetings:meeting[circle]": CIRCLE_CAST,
    "meetings:meeting_ics[circle]": CIRCLE_CAST,
    "meetings:meeting_reschedule[circle]": CIRCLE_CAST,
    "conversations:conversation[circle]": CIRCLE_CAST,
    "conversations:poll[circle]": CIRCLE_CAST,
    "conversations:message_report[circle]": CIRCLE_CAST,
    "conversations:attachment[circle]": CIRCLE_CAST,
}


def _say(author: User, mentorship: Mentorship, text: str) -> Message:
    """A message in the conversation of ``mentorship`` (its circle's, for a membership)."""
    thread = get_thread_for_user(author, mentorship.pk)
    return message_send(thread=thread, author=author, text=text)


def _send_file(author: User, mentorship: Mentorship) -> Attachment:
    """A message of ``author``'s with a small PDF; its file."""
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    thread = get_thread_for_user(author, mentorship.pk)
    message = message_send(
        thread=thread,
        author=author,
        text="The notes, attached.",
        files=[SimpleUploadedFile("notes.pdf", pdf, content_type="application/pdf")],
    )
    return message.attachments.get()


def _webhook_events(webhook: Webhook, count: int) -> None:
    """``count`` events delivered to the webhook, some failed, as its page lists them."""
    Delivery.objects.bulk_create(
        Delivery(
            webhook=webhook,
            kind=WEBHOOK,
            subject_key=f"msg_{webhook.pk}_{Delivery.objects.count()}_{i}",
            period_key="once",
            title="request.sent",
            body='{"type":"request.sent"}',
            due_at=timezone.now(),
            state=Delivery.State.SENT if i % 3 else Delivery.State.FAILED,
            response_status=200 if i % 3 else 500,
            last_error="" if i % 3 else "HTTP 500",
        )
        for i in range(count)
    )


def _user(email: str) -> User:
    return User.objects.get(email=email)


def build_demo() -> Demo:
    """The demo as seeded, plus what it lacks for some pages: a report, a stable round, a
    calendar feed, and admins of a second program of the organization and of another one."""
    demo_seed()
    program = Program.objects.get(slug="demo")
    people = {
        "owner": _user("mentee1@example.com"),
        "party": _user("mentor1@example.com"),
        "asked": _user("mentor6@example.com"),
        "mentee2": _user("mentee2@example.com"),
        "mentor2": _user("mentor2@example.com"),
        "admin": _user("admin@example.com"),
    }
    for role, organization in (
        ("other_admin", program.organization),
        ("far_admin", Organization.objects.create(name="Far", slug="far-budget")),
    ):
        person = User.objects.create_user(
            email=f"{role}@example.org", password=secrets.token_hex(8), full_name=role
        )
        # Verified, as a sign-up leaves it (re-authenticating by code needs such an address).
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
        notify(recipient=person, kind=Notification.Kind.GENERAL, title="Welcome")
        program_create(
            organization=organization,
            created_by=person,
            slug=f"budget-{role}".replace("_", "-"),
            name=role,
        )
        # As in the matrix's world: each is also their organization's organization admin.
        organization_admin_grant(organization=organization, user=person, actor=None)
        people[role] = person
    owner = Participant.objects.get(program=program, user=people["owner"], role=Role.MENTEE)
    # The demo's mentee1 has no active goal left to cite in a new request; the demo program
    # is closed to applications and has no announcement yet: one of each, as its people would.
    goal_create(owner=owner, title="Lead a small team")
    program_enrollment_set(
        program=program, actor=people["admin"], enrollment_open=True, ends_on=program.ends_on
    )
    announcement_send(
        program=program, actor=people["admin"], audience="everyone", title="Hello", body="News"
    )
    mentorship = Mentorship.objects.get(program=program, mentee=owner, mentor__user=people["party"])
    goal = Goal.objects.filter(owner=owner, shares__mentor=people["party"]).first()
    assert goal is not None
    meeting = (
        Meeting.objects.filter(mentorship=mentorship, status=Meeting.Status.CONFIRMED)
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    checkin = CheckIn.objects.filter(mentorship=mentorship, person=people["owner"]).first()
    if checkin is None:
        checkin = CheckIn.objects.create(
            mentorship=mentorship,
            person=people["owner"],
            period_key="budget",
            due_on=timezone.localdate(),
        )
    request = MentorshipRequest.objects.get(
        program=program, mentee=owner, mentor__user=people["asked"]
    )
    report = report_file(
        reporter=people["owner"], mentorship=mentorship, kind="other", text="For the budget"
    )
    optimal = MatchingRound.objects.get(program=program, method=MatchingRound.Method.OPTIMAL)
    run = latest_run(optimal)
    assert run is not None
    waiting = list(unmatched_mentees(program)[:5])
    stable = round_create(
        program=program,
        actor=people["admin"],
        name="Stable budget round",
        mentee_ids=[p.pk for p in waiting],
        method=MatchingRound.Method.STABLE,
    )
    people["waiting"] = waiting[0].user
    invitation = Invitation.objects.filter(email=people["owner"].email, status="pending").first()
    assert invitation is not None
    # The demo's circle (its group program's one): its mentor and a member, in the matrix's
    # roles; the mentor gets contact windows there, so the scheduling page offers times.
    circle = MentorshipGroup.objects.select_related("mentor__user").get(
        program__slug="new-managers-circles"
    )
    people["circle_mentor"] = circle.mentor.user
    people["circle_member"] = circle.live_members()[0].mentee.user
    availability_set(
        participant=circle.mentor,
        time_zone="Europe/Berlin",
        minimum_notice_hours=1,
        cancellation_notice_hours=1,
        windows=[Window(day, time(9, 0), time(18, 0)) for day in range(5)],
    )
    # Conversations: the pair's and the circle's (opened through the member's membership), each
    # with a message of both sides and a file of the owner's (the member's), whatever the demo
    # wrote in them already.
    membership = Mentorship.objects.get(group=circle, mentee__user=people["circle_member"])
    message = _say(people["owner"], mentorship, "Shall we meet on Tuesday?")
    attachment = _send_file(people["owner"], mentorship)
    _say(people["party"], mentorship, "Tuesday works: ten o'clock?")
    circle_message = _say(people["circle_member"], membership, "Hello, circle!")
    circle_attachment = _send_file(people["circle_member"], membership)
    _say(people["circle_mentor"], membership, "Welcome, everyone.")
    # The organization's identity page, as its organization admin (other_admin) set it up: a
    # token, a group feeding the demo program, and someone who left.
    organization = program.organization
    scim_token_create(organization=organization, actor=people["other_admin"], name="Entra ID")
    group_mapping_create(
        organization=organization,
        actor=people["other_admin"],
        group_name="New managers",
        program=program,
        role=Role.MENTEE,
    )
    leaver = User.objects.create_user(
        email="leaver@example.org", password=secrets.token_hex(8), full_name="Lee Leaver"
    )
    participant_add(program=program, user=leaver, role=Role.MENTEE, actor=people["admin"])
    person_leave(organization=organization, user=leaver, actor=people["other_admin"], via="admin")
    # Single sign-on through the organization's OpenID provider, which the owner's account is
    # linked to (their connections page lists it).
    oidc_provider(organization, server_url="https://op.demo.example", domain="demo-sso.example")
    SocialAccount.objects.create(user=people["owner"], provider=organization.slug, uid="owner-1")
    # A webhook of the organization, with one event sent to it.
    webhook, _ = webhook_create(
        organization=organization,
        actor=people["other_admin"],
        url="http://127.0.0.1:9/hooks",
        events=["request.sent", "mentorship.started"],
    )
    _webhook_events(webhook, 1)
    integration_create(
        organization=organization,
        actor=people["other_admin"],
        name="Workday",
        scopes=["audit:read"],
    )
    # The owner's ready data export (its download), and the organization's retention rule (its
    # page counts whom the rule would delete now).
    export = DataExport.objects.create(user=people["owner"])
    export.file.save(f"{secrets.token_urlsafe(24)}.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    DataExport.objects.filter(pk=export.pk).update(
        size=22, ready_at=timezone.now(), expires_at=timezone.now() + timedelta(days=7)
    )
    retention_set(organization=organization, months=12, actor=people["other_admin"])
    return Demo(
        program=program,
        people=people,
        obj={
            "mentorship": mentorship,
            "goal": goal,
            "meeting": meeting,
            "checkin": checkin,
            "request": request,
            "report": report,
            "round": optimal,
            "proposal": run.proposals.order_by("pk").first(),
            "round_stable": stable,
            "advice": Advice.objects.filter(mentorship=mentorship).first(),
            "mentor2": Participant.objects.get(
                program=program, user=people["mentor2"], role=Role.MENTOR
            ),
            "feed": calendar_feed_regenerate(user=people["owner"]).secret,
            "webhook": webhook,
            "invitation_token": invitation_token(invitation),
            "unsubscribe": unsubscribe_token(people["owner"], Reminder.MEETING),
            "circle": circle,
            "circle_meeting": Meeting.objects.filter(
                group=circle, status=Meeting.Status.CONFIRMED
            ).first(),
            "circle_membership": membership,
            "message": message,
            "circle_message": circle_message,
            "attachment": attachment,
            "circle_attachment": circle_attachment,
            "export": export,
        },
    )


# URL key -> its kwargs in the demo.
K = Callable[[Demo], dict[str, Any]]


def _slug(d: Demo) -> dict[str, Any]:
    return {"slug": d.program.slug}


def _pk(name: str) -> K:
    return lambda d: {"pk": d.obj[name].pk}


def _in_program(name: str) -> K:
    return lambda d: {"slug": d.program.slug, "pk": d.obj[name].pk}


PAGES: dict[str, K] = {
    **{
        key: lambda d: {}
        for key in (
            "account_change_password",
            "account_email",
            "account_email_verification_sent",
            "account_inactive",
            "account_login",
            "account_logout",
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key_done",
            "account_signup",
            "mfa_index",
            "landing",
            "home",
            "healthz",
            "accounts:profile",
            "accounts:mfa_required",
            "notifications:list",
            "notifications:preferences",
            "matching:requests",
            "matching:mentorships",
            "meetings:meetings",
            "meetings:checkins",
            "meetings:calendar",
            "api:tokens",
            "goals:list",
            "goals:start",
            "goals:create",
            "programs:list",
            "programs:create",
            "conversations:list",
            "socialaccount_connections",
            "socialaccount_login_cancelled",
            "privacy:settings",
            "privacy:delete[fresh]",
        )
    },
    "privacy:download": _pk("export"),
    "privacy:participant_delete[fresh]": _in_program("mentor2"),
    "identity:oidc_login": lambda d: {"provider_id": d.program.organization.slug},
    "account_confirm_email": lambda d: {"key": "not-a-real-key"},
    "account_reset_password_from_key": lambda d: {"uidb36": "1z", "key": "set-password"},
    "notifications:unsubscribe": lambda d: {"token": d.obj["unsubscribe"]},
    "meetings:calendar_feed": lambda d: {"secret": d.obj["feed"]},
    "programs:invitation": lambda d: {"token": d.obj["invitation_token"]},
    **{
        key: lambda d: {"slug": d.program.organization.slug}
        for key in (
            "organizations:detail",
            "organizations:topics",
            "organizations:audit",
            "identity:page",
            "identity:page[search]",
            "api:webhooks",
            "api:integrations",
            "privacy:retention",
        )
    },
    "api:webhook": lambda d: {"slug": d.program.organization.slug, "pk": d.obj["webhook"].pk},
    **{
        key: _slug
        for key in (
            "programs:detail",
            "programs:manage",
            "programs:settings",
            "programs:invite",
            "programs:import",
            "programs:audit",
            "programs:topics",
            "programs:announcements",
            "programs:enrollment",
            "meetings:program_close",
            "goals:figures",
            "matching:board",
            "matching:reports",
            "matching:admin_mentorships",
            "matching:profile",
            "matching:directory",
            "meetings:checkin_figures",
            "matching:rounds",
            "reports:dashboard",
            "reports:summary",
            "reports:exports",
        )
    },
    **{key: _pk("goal") for key in ("goals:detail", "goals:edit", "matching:goal_sharing")},
    **{
        key: _pk("mentorship")
        for key in (
            "matching:mentorship",
            "meetings:timeline",
            "meetings:agreement",
            "meetings:advice_add",
            "meetings:appreciation_add",
            "meetings:meeting_propose",
        )
    },
    **{
        key: _pk("meeting")
        for key in ("meetings:meeting", "meetings:meeting_reschedule", "meetings:meeting_ics")
    },
    **{key: _pk("circle") for key in ("meetings:circle", "meetings:circle_meeting_new")},
    # A circle's meeting: the matrix's row of the same name (``name[variant]``).
    **{
        key: _pk("circle_meeting")
        for key in (
            "meetings:meeting[circle]",
            "meetings:meeting_ics[circle]",
            "meetings:meeting_reschedule[circle]",
        )
    },
    # Conversations: the pair's and the circle's (through the member's membership); the poll
    # for what followed the first message of the demo's own (many rows, once grown), and for
    # what followed the last one (nothing: 204).
    **{
        key: _pk("mentorship")
        for key in (
            "conversations:conversation",
            "conversations:poll",
            "conversations:poll[nothing new]",
        )
    },
    **{
        key: _pk("circle_membership")
        for key in ("conversations:conversation[circle]", "conversations:poll[circle]")
    },
    "conversations:message_edit": _pk("message"),
    # The report's form, by the message's author and by the other; a file's download.
    "conversations:message_report": _pk("message"),
    "conversations:message_report[circle]": _pk("circle_message"),
    "conversations:attachment": _pk("attachment"),
    "conversations:attachment[circle]": _pk("circle_attachment"),
    "matching:request": _pk("request"),
    "meetings:advice_report": _pk("advice"),
    "meetings:checkin": _pk("checkin"),
    "matching:request_new": _in_program("mentor2"),
    "matching:report_action": _in_program("report"),
    "matching:admin_mentorship": _in_program("mentorship"),
    "matching:person": lambda d: {"slug": d.program.slug, "pk": d.people["owner"].pk},
    "matching:round": _in_program("round"),
    "matching:round_publish": _in_program("round"),
    "matching:round_preferences": _in_program("round_stable"),
    "matching:proposal_swap": lambda d: {
        "slug": d.program.slug,
        "pk": d.obj["round"].pk,
        "proposal_id": d.obj["proposal"].pk,
    },
}


def _last_message(mentorship: Mentorship) -> dict[str, Any]:
    last = Message.objects.filter(conversation__mentorship=mentorship).order_by("-pk").first()
    assert last is not None
    return {"after": last.pk}


# URL key -> its query string's parameters in the demo, read when the page is requested.
QUERIES: dict[str, K] = {
    "conversations:poll": lambda d: {"after": d.obj["message"].pk},
    "conversations:poll[nothing new]": lambda d: _last_message(d.obj["mentorship"]),
    "conversations:poll[circle]": lambda d: {"after": d.obj["circle_message"].pk},
    # The identity page's search for people, by a part of their address many share.
    "identity:page[search]": lambda d: {"q": "example"},
}


def _cases() -> list[Any]:
    cases = []
    for key in sorted(PAGES):
        get_row = TABLE[key][0]
        for role, cell in zip(ROLES, get_row, strict=True):
            if cell not in MEASURED:
                continue
            marks = ()
            if (key, role) in GROWS:
                marks = (pytest.mark.xfail(strict=True, reason=f"BUG: {GROWS[(key, role)]}"),)
            cases.append(pytest.param(key, role, id=f"{key}-{role}", marks=marks))
    return cases


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


def _read(response: Any) -> Any:
    """A streamed answer (a file's download) read to its end, as a browser would: what it
    queries while streaming counts, and the test client then closes its file."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(demo: Demo) -> dict[tuple[str, str], tuple[int, int]]:
    """(status, queries) of one GET of every page as every role the matrix lets see it, after
    one warm-up GET (caches of the process, such as content types, fill on first use)."""
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for role in ROLES:
        client = Client()
        for key in sorted(PAGES):
            if TABLE[key][0][ROLES.index(role)] not in MEASURED:
                continue
            user = demo.user(role, key)
            client.logout()
            if user is not None and key in FRESH:
                signed_in_just_now(client, user)
            elif user is not None:
                client.force_login(user)
            name = key.split("[")[0]
            url = "/" + key if key.endswith("/") else reverse(name, kwargs=PAGES[key](demo))
            if key in QUERIES:
                url += "?" + urlencode(QUERIES[key](demo))
            _read(client.get(url))
            with CaptureQueriesContext(connection) as ctx:
                response = _read(client.get(url))
            found[(key, role)] = (response.status_code, len(ctx.captured_queries))
    return found


def _clone(
    model: Any,
    rows: Any,
    changes: Callable[[Any], dict[str, Any]] = lambda row: {},
    past: timedelta | None = None,
) -> list[Any]:
    """Copies of ``rows``, with ``changes`` per row, written in bulk; ``past`` moves their
    creation back by that much (bulk_create stamps it now)."""
    fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    copies = model.objects.bulk_create(
        model(**{**{name: getattr(row, name) for name in fields}, **changes(row)}) for row in rows
    )
    if past is not None:
        model.objects.filter(pk__in=[c.pk for c in copies]).update(
            created_at=F("created_at") - past
        )
    return copies


def grow(demo: Demo) -> None:
    """Ten times the demo: the program's people and history, and every role's own lists."""
    now = timezone.now()
    program = demo.program
    # The owner's account linked to the provider more times over (one per former address).
    SocialAccount.objects.bulk_create(
        SocialAccount(user=demo.people["owner"], provider=program.organization.slug, uid=f"o{i}")
        for i in range(GROWTH)
    )
    _grow(Participant.objects.filter(program=program).count() * GROWTH)
    people = demo.people
    # The organization's webhooks and their events, more than its pages list.
    webhook: Webhook = demo.obj["webhook"]
    _webhook_events(webhook, 60)
    for i in range(6):
        integration_create(
            organization=program.organization,
            actor=people["other_admin"],
            name=f"System {i}",
            scopes=["audit:read", "programs:read"],
        )
    for i in range(8):  # an organization has at most ten
        more, _ = webhook_create(
            organization=program.organization,
            actor=people["other_admin"],
            url=f"http://127.0.0.1:9/hooks/{i}",
            events=["request.sent"],
        )
        _webhook_events(more, 2)
    # Every role's own API tokens, live and revoked.
    AccessToken.objects.bulk_create(
        AccessToken(
            user=person,
            name=f"Token {i}",
            scopes=["goals:read"],
            key_hash=f"{person.pk:08d}{i:056d}",
            prefix=f"twoway_{i}",
            revoked_at=now if i % 3 == 0 else None,
            last_used_at=now if i % 2 else None,
        )
        for person in set(people.values())
        for i in range(GROWTH)
    )
    mentorship: Mentorship = demo.obj["mentorship"]
    owner = mentorship.mentee
    # What the pair has in the demo, copied below (the new rows must not be copied again).
    pair_meetings = list(mentorship.meetings.values_list("pk", flat=True))
    pair_rows = {
        model: list(model.objects.filter(mentorship=mentorship).values_list("pk", flat=True))
        for model in (ActionItem, Advice, Appreciation, CheckIn)
    }
    bench_mentees = list(
        Participant.objects.filter(
            program=program, role=Role.MENTEE, user__email__startswith="bench"
        ).order_by("pk")[: GROWTH * 10]
    )
    bench_mentors = list(
        Participant.objects.filter(
            program=program, role=Role.MENTOR, user__email__startswith="bench"
        ).order_by("pk")[: GROWTH * 2]
    )
    n = GROWTH * 2
    # The pair's history, ten times over: each meeting with its agenda, notes, feedback,
    # action items and advice, and their thanks and check-ins, copied into the past (older
    # than the demo's rows, so the first page of their timeline shows the same kinds).
    for copy in range(1, GROWTH):
        past = timedelta(days=60 + 7 * copy)
        meetings = list(Meeting.objects.filter(pk__in=pair_meetings))
        fresh = _clone(
            Meeting,
            meetings,
            lambda m, past=past: {
                "starts_at": min(m.starts_at, now) - past,
                "ends_at": min(m.starts_at, now) - past + (m.ends_at - m.starts_at),
            },
        )
        moved = {old.pk: new.pk for old, new in zip(meetings, fresh, strict=True)}
        for model in (AgendaItem, PrivateNote, MeetingFeedback):
            _clone(
                model,
                model.objects.filter(meeting_id__in=moved),
                lambda row, moved=moved: {"meeting_id": moved[row.meeting_id]},
                past=past,
            )
        for model in (ActionItem, Advice):
            _clone(
                model,
                model.objects.filter(pk__in=pair_rows[model]),
                lambda row, moved=moved: {"meeting_id": moved.get(row.meeting_id)},
                past=past,
            )
        _clone(Appreciation, Appreciation.objects.filter(pk__in=pair_rows[Appreciation]), past=past)
        _clone(
            CheckIn,
            CheckIn.objects.filter(pk__in=pair_rows[CheckIn]),
            lambda row, copy=copy: {"period_key": f"{row.period_key[:8]}-{copy}"},
            past=past,
        )
    # The owner's goals, steps and updates; more mentors and mentees for the roles.
    goals = Goal.objects.bulk_create(
        Goal(owner=owner, title=f"Budget goal {i}", position=100 + i) for i in range(n)
    )
    GoalStep.objects.bulk_create(
        GoalStep(goal=demo.obj["goal"], title=f"Step {i}") for i in range(n)
    )
    updates = ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            goal=demo.obj["goal"], author=people["owner"], note=f"Update {i}", progress=i
        )
        for i in range(n)
    )
    # Older than the demo's own, as the copied history above.
    ProgressUpdate.objects.filter(pk__in=[u.pk for u in updates]).update(
        created_at=F("created_at") - timedelta(days=90)
    )
    for goal in goals[:GROWTH]:
        goal.shares.create(mentor=people["party"])
    MentorProfile.objects.filter(participant__user=people["party"]).update(capacity=20)
    partys = Mentorship.objects.bulk_create(
        Mentorship(program=program, mentor=mentorship.mentor, mentee=mentee, started_at=now)
        for mentee in bench_mentees[:GROWTH]
    )
    # The owner's past mentorships (live ones would pass the program's board limit).
    owners = Mentorship.objects.bulk_create(
        Mentorship(
            program=program,
            mentor=mentor,
            mentee=owner,
            started_at=now - timedelta(days=300),
            status=Mentorship.Status.COMPLETED,
            closed_at=now - timedelta(days=100),
        )
        for mentor in bench_mentors[:GROWTH]
    )
    for person in ("asked", "mentor2", "party"):
        mentor = Participant.objects.get(program=program, user=people[person], role=Role.MENTOR)
        MentorshipRequest.objects.bulk_create(
            MentorshipRequest(
                program=program,
                mentee=mentee,
                mentor=mentor,
                why_this_mentor="Budget",
                expires_at=now + timedelta(days=10),
            )
            for mentee in bench_mentees[GROWTH : GROWTH * 3]
        )
    MentorshipRequest.objects.bulk_create(
        MentorshipRequest(
            program=program,
            mentee=owner,
            mentor=mentor,
            why_this_mentor="Budget",
            status=MentorshipRequest.Status.DECLINED,
            expires_at=now,
        )
        for mentor in bench_mentors[:GROWTH]
    )
    # Everyone's notifications; the admins' reports, audit, announcements, invitations, topics.
    Notification.objects.bulk_create(
        Notification(
            recipient=person, kind=Notification.Kind.GENERAL, title=f"Budget {i}", link="/home/"
        )
        for person in people.values()
        for i in range(n)
    )
    # Everyone's data exports, more than the privacy page lists: ready, expired, being built
    # (rows only: only the demo's own is downloaded).
    DataExport.objects.bulk_create(
        DataExport(
            user=person,
            requested_at=now - timedelta(days=i),
            ready_at=None if i % 3 == 0 else now - timedelta(days=i),
            expires_at=None if i % 3 == 0 else now - timedelta(days=i - 7),
            file="" if i % 3 == 0 else f"exports/budget-{person.pk}-{i}.zip",
            size=0 if i % 3 == 0 else 1024,
        )
        for person in set(people.values())
        for i in range(1, n)
    )
    Report.objects.bulk_create(
        Report(
            program=program,
            reporter=people["owner"],
            mentorship=mentorship,
            kind="other",
            text=f"R {i}",
        )
        for i in range(n)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(program=program, actor=people["admin"], action="budget", subject=f"s{i}")
        for i in range(n * 5)
    )
    Announcement.objects.bulk_create(
        Announcement(
            program=program, author=people["admin"], audience="everyone", title=f"A {i}", body="B"
        )
        for i in range(n)
    )
    Invitation.objects.bulk_create(
        Invitation(
            program=program,
            email=f"budget{i}@example.org",
            role=Role.MENTEE,
            nonce=secrets.token_hex(16),
            expires_at=now + timedelta(days=10),
        )
        for i in range(n * 5)
    )
    Topic.objects.bulk_create(
        Topic(organization=program.organization, name=f"Budget topic {i}") for i in range(n)
    )
    # The organization: its own log, more programs and more organization admins.
    AuditEntry.objects.bulk_create(
        AuditEntry(
            organization=program.organization,
            actor=people["other_admin"],
            action="budget.organization",
            subject=f"o{i}",
        )
        for i in range(n * 5)
    )
    Program.objects.bulk_create(
        Program(organization=program.organization, name=f"Budget {i}", slug=f"budget-{i}")
        for i in range(GROWTH)
    )
    OrganizationAdmin.objects.bulk_create(
        OrganizationAdmin(organization=program.organization, user=mentee.user)
        for mentee in bench_mentees[:GROWTH]
    )
    # The organization's identity: tokens (made by several people, some revoked, some used),
    # mappings of groups into its programs, departures recorded by several admins or by SCIM
    # (some of them back), more than the page lists.
    makers = [people["other_admin"], *(mentee.user for mentee in bench_mentees[:GROWTH])]
    ScimToken.objects.bulk_create(
        ScimToken(
            organization=program.organization,
            name=f"Budget token {i}",
            digest=token_digest(f"twscim_budget{i}"),
            hint=f"bud{i}"[:8],
            created_by=makers[i % len(makers)] if i % 4 else None,
            last_used_at=now - timedelta(hours=i) if i % 2 else None,
            revoked_at=now if i % 3 == 0 else None,
        )
        for i in range(n)
    )
    programs = list(Program.objects.filter(organization=program.organization))
    GroupMapping.objects.bulk_create(
        GroupMapping(
            organization=program.organization,
            group_name=f"Budget group {i}",
            program=programs[i % len(programs)],
            role=Role.MENTOR if i % 2 else Role.MENTEE,
        )
        for i in range(n)
    )
    Departure.objects.bulk_create(
        Departure(
            organization=program.organization,
            user=mentee.user,
            via=Departure.Via.ADMIN if i % 2 else Departure.Via.SCIM,
            actor=makers[i % len(makers)] if i % 2 else None,
            ended_mentorships=i % 3,
            withdrawn_requests=i % 2,
            returned_at=now if i % 3 == 0 else None,
        )
        for i, mentee in enumerate(bench_mentees[GROWTH * 3 : GROWTH * 3 + PEOPLE_SHOWN * 2])
    )
    # Rounds: more of them, more mentees and proposals in the run, more ballots.
    for i in range(GROWTH):
        MatchingRound.objects.create(
            program=program, name=f"Budget round {i}", created_by=people["admin"]
        )
    run = latest_run(demo.obj["round"])
    assert run is not None
    taken = set(run.proposals.values_list("mentee_id", flat=True))
    fresh = [m for m in bench_mentees if m.pk not in taken][: GROWTH * 5]
    demo.obj["round"].mentees.add(*fresh)
    Proposal.objects.bulk_create(
        Proposal(run=run, mentee=mentee, mentor=bench_mentors[i % len(bench_mentors)], score=1.0)
        for i, mentee in enumerate(fresh)
    )
    stable: MatchingRound = demo.obj["round_stable"]
    stable.mentees.add(*fresh)
    party = Participant.objects.get(program=program, user=people["party"], role=Role.MENTOR)
    RoundPreference.objects.bulk_create(
        RoundPreference(round=stable, chooser=mentee, chosen=party, rank=1) for mentee in fresh
    )
    # The circle: ten more members (in a bigger circle), each with an item on the agenda of its
    # next meeting; its meetings before (more than its page lists) and ahead; its norms'
    # versions.
    circle: MentorshipGroup = demo.obj["circle"]
    Program.objects.filter(pk=circle.program_id).update(circle_size=20)
    joined = Participant.objects.bulk_create(
        Participant(program_id=circle.program_id, user=mentee.user, role=Role.MENTEE, joined_at=now)
        for mentee in bench_mentees[:GROWTH]
    )
    Mentorship.objects.bulk_create(
        Mentorship(
            program_id=circle.program_id,
            mentor=circle.mentor,
            mentee=member,
            group=circle,
            started_at=now,
        )
        for member in joined
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=demo.obj["circle_meeting"], author=member.user, text=f"Question {i}")
        for i, member in enumerate(joined)
    )
    hour = now.replace(minute=0, second=0, microsecond=0)
    Meeting.objects.bulk_create(
        Meeting(
            group=circle,
            starts_at=hour + timedelta(days=days),
            ends_at=hour + timedelta(days=days, hours=1),
            status=Meeting.Status.HELD if days < 0 else Meeting.Status.CONFIRMED,
            proposed_by=circle.mentor.user,
            confirmed_at=hour + timedelta(days=days - 3),
            held_at=hour + timedelta(days=days, hours=1) if days < 0 else None,
        )
        for days in [*(-14 * i for i in range(1, n + 2)), *(14 * i for i in range(1, GROWTH))]
    )
    norms = Agreement.objects.filter(group=circle).order_by("-version").first()
    assert norms is not None
    for version in range(norms.version + 1, norms.version + GROWTH + 1):
        _clone(Agreement, [norms], lambda row, version=version: {"version": version})
    # Conversations: the pair's, pages long (edited and deleted messages among them, most of
    # them unread by each side); one for each of the owner's past mentorships and of the
    # party's new ones, read or not; the circle's, with messages of each of its new members.
    pair = Conversation.objects.get(mentorship=mentorship)
    pair_messages = Message.objects.bulk_create(
        Message(
            conversation=pair,
            author=people["owner"] if i % 2 else people["party"],
            text=f"Budget message {i}",
            edited_at=now if i % 7 == 0 else None,
            deleted_at=now if i % 11 == 0 else None,
        )
        for i in range(n * 10)
    )
    more = Conversation.objects.bulk_create(
        Conversation(mentorship=m, last_message_at=now - timedelta(hours=i))
        for i, m in enumerate([*owners, *partys])
    )
    Message.objects.bulk_create(
        Message(conversation=c, author=author, text=f"Budget {i}")
        for c, m in zip(more, [*owners, *partys], strict=True)
        for i, author in enumerate((m.mentor.user, m.mentee.user, m.mentor.user))
    )
    readers = [people["owner"]] * len(owners) + [people["party"]] * len(partys)
    Seen.objects.bulk_create(
        Seen(conversation=c, user=reader, last_seen=c.messages.order_by("pk").first().pk)
        for c, reader in list(zip(more, readers, strict=True))[::2]
    )
    circle_talk = Conversation.objects.get(group=circle)
    circle_messages = Message.objects.bulk_create(
        Message(conversation=circle_talk, author=member.user, text=f"Hello from {i}")
        for i, member in enumerate(joined)
    )
    # Files: two on every third live message of the pair's and the circle's, and more on the
    # messages whose files are downloaded (rows only: the pages list them, nobody opens them).
    with_files = [
        *(m for m in pair_messages[::3] if m.deleted_at is None),
        *circle_messages[::3],
        *[demo.obj["attachment"].message] * GROWTH,
        *[demo.obj["circle_attachment"].message] * GROWTH,
    ]
    Attachment.objects.bulk_create(
        Attachment(
            message=message,
            file=f"attachments/budget/{i}-{copy}.pdf",
            name=f"Budget {i}-{copy}.pdf",
            content_type="application/pdf",
            size=1024,
        )
        for i, message in enumerate(with_files)
        for copy in range(2)
    )
    Conversation.objects.filter(pk__in=[pair.pk, circle_talk.pk]).update(last_message_at=now)


@pytest.fixture(scope="module")
def budget(module_db: None) -> Iterator[tuple[dict[Any, Any], dict[Any, Any]]]:
    demo = build_demo()
    small = measure(demo)
    grow(demo)
    large = measure(demo)
    yield small, large


def test_every_get_page_is_measured() -> None:
    """Each pattern of the matrix that some role may GET is measured here, or excluded with
    its reason."""
    pages = {
        route.key for route in app_routes() if any(cell in MEASURED for cell in TABLE[route.key][0])
    }
    pages |= {key.split("[")[0] for key in FRESH}  # 200 once re-authenticated
    measured = {key.split("[")[0] for key in PAGES}  # name[variant]: another set of ids
    assert pages - measured - set(EXCLUDED) == set()
    assert measured - pages == set()
    assert set(PAGES) <= set(TABLE), "a variant measured here has no row in the matrix"
    assert set(QUERIES) <= set(PAGES)
    assert set(FRESH) <= set(PAGES)


@pytest.mark.parametrize(("key", "role"), _cases())
def test_queries_do_not_grow_with_data(
    budget: tuple[dict[Any, Any], dict[Any, Any]], key: str, role: str
) -> None:
    small, large = budget
    expected = int(TABLE[key][0][ROLES.index(role)])  # 200, or 204 where the matrix says so
    status, before = small[(key, role)]
    assert status == expected, f"{key} as {role} answered {status} on the demo"
    status, after = large[(key, role)]
    assert status == expected, f"{key} as {role} answered {status} on ten times the demo"
    assert after == before, f"{key} as {role}: {before} queries on the demo, {after} on ten times"
