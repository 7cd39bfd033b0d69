"""The authorization matrix: every URL pattern of the project, requested by GET and by POST as
each role, against one table of expected outcomes (``matrix.py``).

Roles (columns of the table, in this order):
  anon         not logged in
  owner        the object's person: the mentee of the request, mentorship, goal, check-in
  party        the other party of that relationship: the mentor (of the request: the asked one)
  mentee2      another mentee of the same program
  mentor2      another mentor of the same program
  admin        the program's admin (not an organization admin)
  other_admin  the admin of another program of the same organization, and its organization admin
  far_admin    the admin of a program of another organization, and that one's organization admin

Every URL points into program ``alpha`` of the world built in ``conftest.py``, with real ids.
POSTs carry a payload that succeeds for the role allowed to act (``DONE``), so the same payload
from anybody else would have written something if the check were missing; every request is
watched for writes to our apps' and allauth's tables (``tests/writes.py``: the rows of each table
a statement wrote to, compared before and after): no GET and no refusal may write anything.
Every page answered 200 (and every CSV) is scanned for the markers of texts the role may not read.

A 204 (No Content) is told apart from a 200; a POST answered 204 that wrote is ``DONE``, as a
200 or a redirect that wrote. A target may carry a query string (``query=``), such as the
poll's ``?after=``.

A row per URL name (``name[variant]`` for a second set of ids); a URL name without a row fails
``test_every_url_pattern_has_a_row``. A cell wrapped in ``bug(expected, reason)`` is the correct
outcome the application does not give yet: an xfail(strict) until it is fixed.

Not covered here: Django's admin site (``/admin/``), which only staff accounts reach and no
program role is (``test_django_admin_is_staff_only`` checks each role is sent to its login).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from matching.score import PARTS
from meetings.models import CalendarFeed
from tests.helpers import session_key_for
from tests.proof.conftest import World, app_routes, build_world, watched_tables
from tests.proof.matrix import (
    DONE,
    KEPT,
    LOGIN,
    MOVED,
    NO_CONTENT,
    OK,
    ROLES,
    TABLE,
    UNAUTHORISED,
    Bug,
)
from tests.writes import watch_writes

pytestmark = pytest.mark.django_db

WATCHED = watched_tables()


# ---------------------------------------------------------------------------
# What each URL is requested with
# ---------------------------------------------------------------------------


@dataclass
class Target:
    url: str
    cast: dict[str, User | None]
    payload: dict[str, Any] = field(default_factory=dict)


def _weights() -> dict[str, float]:
    return {f"weight_{name}": 1.0 for name in PARTS}


def _program_fields(world: World) -> dict[str, Any]:
    program = world.alpha.program
    return {
        "name": "Program Alpha renamed",
        "description": program.description,
        "kind": program.kind,
        "starts_on": program.starts_on.isoformat(),
        "ends_on": "",
        "enrollment_open": "on",
        "matching_mode": program.matching_mode,
        "checkin_cadence_months": program.checkin_cadence_months,
        "request_expiry_days": 14,
        "max_pending_requests_per_mentee": 3,
        "max_mentors_per_mentee": 3,
        "relationship_length_months": 6,
        "stalled_after_days": 60,
        "auto_close_after_days": "",
    }


def _csv() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "people.csv", b"name,email,role\nIm Ported,imported@example.org,mentee\n", "text/csv"
    )


# Per URL key: (kwargs from the world, POST payload from the world, role overrides).
W = Callable[[World], Any]
TARGETS: dict[str, tuple[W, W, dict[str, str]]] = {}
# Per URL key that has one: its query string's parameters, from the world.
QUERIES: dict[str, W] = {}
REQUEST_CAST = {"party": "asked"}  # the owner's pending request waits on `asked`


def target(
    key: str,
    kwargs: W = lambda w: {},
    payload: W = lambda w: {},
    *,
    query: W | None = None,
    **cast: str,
) -> None:
    TARGETS[key] = (kwargs, payload, cast)
    if query is not None:
        QUERIES[key] = query


def slug(w: World) -> dict[str, Any]:
    return {"slug": w.alpha.program.slug}


def obj(name: str) -> W:
    return lambda w: {"pk": w.alpha.obj[name].pk}


def in_alpha(name: str, of: str = "alpha") -> W:
    """Program alpha's slug with the id of object ``name`` of program ``of``."""
    return lambda w: {"slug": w.alpha.program.slug, "pk": getattr(w, of).obj[name].pk}


def part(name: str, of: str = "alpha") -> W:
    """Program alpha's slug with the participant id of ``name`` in program ``of``."""
    return lambda w: {"slug": w.alpha.program.slug, "pk": getattr(w, of).part[name].pk}


# allauth: each person's own account; nobody acts on another's, so the table tells logged-in
# from anonymous (and the key pages stay reachable without a session).
for name in (
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_email_verification_sent",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_reset_password_from_key_done",
    "account_reset_password_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
):
    target(name)
target("account_confirm_email", lambda w: {"key": "not-a-real-key"})
target("account_reset_password_from_key", lambda w: {"uidb36": "1z", "key": "set-password"})

# The landing page, home, the health check, one's own profile.
target("landing")
target("home")
target("healthz")
target("favicon")
target(
    "accounts:profile",
    payload=lambda w: {"full_name": "Proof Person", "time_zone": "Europe/Berlin"},
)
target("settings/notifications/")
target("accounts:mfa_required")

# programs
target("programs:list")
target(
    "programs:create",
    payload=lambda w: {
        **_program_fields(w),
        "organization": w.alpha.program.organization_id,
        "name": "Program Created",
        "slug": "proof-created",
    },
)
target("programs:invitation", lambda w: {"token": w.alpha.obj["invitation_token"]})
target("programs:invitation[revoked]", lambda w: {"token": w.alpha.obj["invitation_revoked_token"]})
target("programs:invitation[forged]", lambda w: {"token": "forged-" + secrets.token_urlsafe(24)})
target("programs:detail", slug)
target("programs:apply", slug, lambda w: {"role": "mentor"})
target("programs:manage", slug)
target("programs:settings", slug, _program_fields)
target(
    "programs:invite",
    slug,
    lambda w: {"email": "new.invitee@example.org", "role": "mentee", "full_name": ""},
)
target("programs:import", slug, lambda w: {"file": _csv()})
target("programs:audit", slug)
target("programs:topics", slug, lambda w: {"action": "create", "name": "Proof topic"})
target(
    "programs:topics[rename]",
    slug,
    lambda w: {"action": "rename", "topic": w.alpha.obj["topics"][0].pk, "name": "Renamed"},
)
target(
    "programs:announcements",
    slug,
    lambda w: {
        "audience": "everyone",
        "title": "Proof",
        "body": "Proof announcement",
        "confirmed": "True",
    },
)
target(
    "programs:enrollment",
    slug,
    lambda w: {
        "enrollment_open": "on",
        "ends_on": (timezone.localdate() + timedelta(days=300)).isoformat(),
    },
)
target("programs:approve", part("applicant"))
target("programs:decline", part("applicant"), lambda w: {"reason": "Not this time."})
target("programs:withdraw", part("waiting2"))
target("programs:revoke", in_alpha("invitation"))
target("programs:resend", in_alpha("invitation"))
# Another program's ids under alpha's address: its admin must not reach them either.
target("programs:approve[beta id]", part("applicant", "beta"))
target("programs:withdraw[beta id]", part("waiting2", "beta"))
target("programs:revoke[beta id]", in_alpha("invitation", "beta"))


# organizations: alpha's organization, whose organization admin is beta's admin
def org(w: World) -> dict[str, Any]:
    return {"slug": w.alpha.program.organization.slug}


target("organizations:detail", org)
target("organizations:audit", org)
target("organizations:topics", org, lambda w: {"action": "create", "name": "Proof org topic"})
target(
    "organizations:topics[rename]",
    org,
    lambda w: {"action": "rename", "topic": w.alpha.obj["topics"][0].pk, "name": "Renamed"},
)
target(
    "organizations:topics[gamma id]",
    org,
    lambda w: {"action": "delete", "topic": w.gamma.obj["topics"][0].pk},
)

# goals
target("goals:list")
# The owner is a mentee of alpha-circles too, so the form asks for which program (mentee2, of
# alpha only, is not asked and the field is ignored).
target("goals:start", payload=lambda w: {"skill": "Speak up in meetings", "program": "alpha"})
target(
    "goals:create",
    payload=lambda w: {
        "program": "alpha",
        "title": "A new goal",
        "horizon": "short",
        "status": "active",
    },
)
target(
    "goals:reorder",
    slug,
    lambda w: {
        "order": ",".join(
            str(pk)
            for pk in reversed(
                [w.alpha.obj[g].pk for g in ("goal_shared", "goal_private", "goal_request")]
            )
        )
    },
)
target("goals:figures", slug)
target("goals:detail", obj("goal_shared"))
target("goals:detail[private]", obj("goal_private"))
target(
    "goals:edit",
    obj("goal_shared"),
    lambda w: {"title": "Renamed goal", "horizon": "short", "status": "active"},
)
target("goals:move", obj("goal_shared"), lambda w: {"direction": "down"})
target("goals:status", obj("goal_shared"), lambda w: {"status": "achieved"})
target("goals:step_add", obj("goal_shared"), lambda w: {"title": "Another step"})
target("goals:progress_add", obj("goal_shared"), lambda w: {"note": "Further", "progress": 60})
target("goals:step_toggle", obj("step"))
target("goals:step_delete", obj("step"))

# matching: sharing, requests, mentorships, the board, the admins' pages
target("matching:goal_sharing", obj("goal_shared"), lambda w: {"mentors": []})
for suffix, of in (("", "alpha"), ("[beta id]", "beta")):
    target(
        f"matching:request_new{suffix}",
        part("mentor2", of),
        lambda w: {
            "goals": [w.alpha.obj["goal_shared"].pk],
            "topic": w.alpha.obj["topics"][0].pk,
            "why_this_mentor": "You have done exactly what I am trying to do.",
            "first_step": "A 30-minute call",
        },
    )
target("matching:board", slug)
target("matching:reports", slug)
for suffix, of in (("", "alpha"), ("[beta id]", "beta")):
    target(
        f"matching:report_action{suffix}",
        in_alpha("report", of),
        lambda w: {"action": "note", "note-text": "An admin's note"},
    )
    target(
        f"matching:admin_mentorship{suffix}",
        in_alpha("mentorship", of),
        lambda w: {"action": "pause", "pause-reason": "A pause for the proof"},
    )
target(
    "matching:admin_mentorship[beta payload]",
    in_alpha("mentorship"),
    lambda w: {
        "action": "reassign",
        "reassign-mentor": w.beta.part["mentor2"].pk,
        "reassign-reason": "Reassigned for the proof",
    },
)
target("matching:admin_mentorships", slug)
target("matching:requests")
for name, payload in (
    ("matching:request", {}),
    ("matching:request_accept", {}),
    ("matching:request_ask", {"question": "What have you tried so far?"}),
    ("matching:request_answer", {"answer": "Reading and practice."}),
    ("matching:request_decline", {"reason": "no_time", "note": ""}),
    ("matching:request_follow", {}),
    ("matching:request_withdraw", {}),
    ("matching:request_report", {"kind": "other", "text": "Something went wrong."}),
):
    target(name, obj("request"), lambda w, p=payload: p, **REQUEST_CAST)
target(
    "matching:request_redirect",
    obj("request"),
    lambda w: {"suggested": w.alpha.part["mentor2"].pk, "note": ""},
    **REQUEST_CAST,
)
target(
    "matching:request_redirect[beta payload]",
    obj("request"),
    lambda w: {"suggested": w.beta.part["mentor2"].pk, "note": ""},
    **REQUEST_CAST,
)
target("matching:mentorships")
target("matching:mentorship", obj("mentorship"))
target("matching:mentorship_pause", obj("mentorship"))
target("matching:mentorship_resume", obj("mentorship"))
target("matching:mentorship_close", obj("mentorship"), lambda w: {"reason": "goals_met"})
target("matching:mentorship_reflect", obj("mentorship"), lambda w: {"text": "It went well."})
target(
    "matching:mentorship_report",
    obj("mentorship"),
    lambda w: {"kind": "other", "text": "Something went wrong."},
)

# matching's profiles and directory; meetings (together, scheduling, calendar, check-ins); rounds
target(
    "matching:profile",
    slug,
    lambda w: {"section": "details", "details-department": "Proof", "details-job_title": "Prover"},
)
target("matching:person", lambda w: {**slug(w), "pk": w.alpha.people["owner"].pk})
target("programs:person_photo", lambda w: {"pk": w.alpha.people["owner"].pk})
target("accounts:photo", payload=lambda w: {"remove": "1"})
target("matching:person[beta id]", lambda w: {**slug(w), "pk": w.beta.people["owner"].pk})
target("matching:directory", slug)
target("meetings:meeting", obj("meeting"))
target("meetings:meeting[held]", obj("meeting_held"))
target("meetings:agenda_add", obj("meeting"), lambda w: {"text": "One more question"})
target("meetings:agenda_delete", obj("agenda_item"))
target("meetings:shared_notes_save", obj("meeting_held"), lambda w: {"text": "New notes"})
target("meetings:private_note_save", obj("meeting_held"), lambda w: {"text": "Mine alone"})
target(
    "meetings:action_item_add",
    obj("meeting_held"),
    lambda w: {"text": "Do the thing", "owner": w.alpha.people["owner"].pk},
)
target(
    "meetings:action_item_add[beta payload]",
    obj("meeting_held"),
    lambda w: {"text": "Do the thing", "owner": w.beta.people["owner"].pk},
)
target("meetings:action_item_toggle", obj("action_item"))
target("meetings:feedback_add", obj("meeting_held"), lambda w: {"helped": "Good questions."})
target("meetings:timeline", obj("mentorship"))
target(
    "meetings:agreement",
    obj("mentorship"),
    lambda w: {
        "frequency": "biweekly",
        "format": "video",
        "channel": "Phone",
        "meeting_minutes": 45,
    },
)
target("meetings:agreement_confirm", obj("mentorship"), lambda w: {"version": 1})
target("meetings:advice_add", obj("mentorship"), lambda w: {"text": "Try it small first."})
target(
    "meetings:advice_report",
    obj("advice"),
    lambda w: {"outcome": "acted", "result": "It worked."},
)
target(
    "meetings:appreciation_add",
    obj("mentorship"),
    lambda w: {"kind": "thanks", "text": "Thank you!"},
)
target("meetings:meetings")
target(
    "meetings:meeting_propose",
    obj("mentorship"),
    lambda w: {"slot": w.alpha.obj["free_slots"][0], "minutes": 30},
)
target("meetings:meeting_confirm", obj("meeting_proposed"))
target(
    "meetings:meeting_reschedule",
    obj("meeting"),
    lambda w: {"slot": w.alpha.obj["free_slots"][1], "minutes": 30},
)
target("meetings:meeting_cancel", obj("meeting"))
target("meetings:meeting_held", obj("meeting"))
target("meetings:meeting_ics", obj("meeting"))

# Circles: alpha's owner is a member of the circle alpha's mentor leads (conftest.build_circle).
CIRCLE_NORMS = {
    "frequency": "monthly",
    "format": "in_person",
    "channel": "Room 4, second floor",
    "between_meetings": "Questions by e-mail",
    "meeting_minutes": 90,
    "other": "",
}
target("meetings:circle", obj("circle"), lambda w: CIRCLE_NORMS)
target(
    "meetings:circle_meeting_new",
    obj("circle"),
    lambda w: {"slot": w.alpha.obj["circle_free_slots"][0], "minutes": 60},
)
target("meetings:meeting[circle]", obj("circle_meeting"))
target("meetings:meeting[circle held]", obj("circle_meeting_held"))
target("meetings:meeting_ics[circle]", obj("circle_meeting"))
target(
    "meetings:meeting_reschedule[circle]",
    obj("circle_meeting"),
    lambda w: {"slot": w.alpha.obj["circle_free_slots"][1], "minutes": 60},
)
target("meetings:meeting_cancel[circle]", obj("circle_meeting"))
target("meetings:meeting_confirm[circle]", obj("circle_meeting"))
target("meetings:meeting_held[circle]", obj("circle_meeting_begun"))
target("meetings:agenda_add[circle]", obj("circle_meeting"), lambda w: {"text": "My question"})
target("meetings:agenda_delete[circle]", obj("circle_agenda_item"))
target(
    "meetings:shared_notes_save[circle]", obj("circle_meeting_held"), lambda w: {"text": "Notes"}
)
target("meetings:private_note_save[circle]", obj("circle_meeting_held"), lambda w: {"text": "Mine"})
target("meetings:feedback_add[circle]", obj("circle_meeting_held"), lambda w: {"helped": "All."})
target(
    "meetings:action_item_add[circle]",
    obj("circle_meeting_held"),
    lambda w: {"text": "Do the thing", "owner": w.alpha.people["owner"].pk},
)


# Conversations: the pair's (the owner wrote, the mentor answered last) and the circle's, opened
# through the owner's membership (the owner, the mentor, then the third member wrote).
def after(name: str) -> W:
    return lambda w: {"after": w.alpha.obj[name].pk}


def up_to(name: str) -> W:
    return lambda w: {"up_to": w.alpha.obj[name].pk}


target("conversations:list")
target("conversations:conversation", obj("mentorship"), lambda w: {"text": "See you Tuesday."})
target(
    "conversations:conversation[circle]",
    obj("circle_membership"),
    lambda w: {"text": "See you all Tuesday."},
)
# What a page that shows the owner's message asks next (the answer is newer); and what a page
# that shows them all asks (nothing is newer).
target("conversations:poll", obj("mentorship"), query=after("message"))
target("conversations:poll[nothing new]", obj("mentorship"), query=after("message_reply"))
target("conversations:poll[circle]", obj("circle_membership"), query=after("circle_message"))
target("conversations:seen", obj("mentorship"), up_to("message_reply"))
target("conversations:seen[circle]", obj("circle_membership"), up_to("circle_message_last"))
# The owner's messages, written while the world was built: within the 15 minutes an author may
# edit one (the whole module runs in a few minutes).
target("conversations:message_edit", obj("message"), lambda w: {"text": "Corrected."})
target("conversations:message_edit[circle]", obj("circle_message"), lambda w: {"text": "Fixed."})
target("conversations:message_delete", obj("message"))
target("conversations:message_delete[circle]", obj("circle_message"))


def report_of_message(w: World) -> dict[str, Any]:
    return {"kind": "misconduct", "text": "This crossed a line.", "consent": "on"}


target("conversations:message_report", obj("message"), report_of_message)
target("conversations:message_report[circle]", obj("circle_message"), report_of_message)
target("conversations:attachment", obj("attachment"))
target("conversations:attachment[circle]", obj("circle_attachment"))
target("conversations:block", obj("mentorship"), lambda w: {"action": "mute"})
target(
    "conversations:block[block]",
    obj("mentorship"),
    lambda w: {"action": "block", "reason": "Messages at night, after I asked not to."},
)
target("conversations:block[unblock]", obj("mentorship"), lambda w: {"action": "unblock"})
target("conversations:block[circle]", obj("circle_membership"), lambda w: {"action": "mute"})

target("meetings:calendar")
target("meetings:calendar_regenerate")
target("meetings:calendar_feed", lambda w: {"secret": w.alpha.obj["feed"]})
target("meetings:calendar_feed[revoked]", lambda w: {"secret": w.alpha.obj["feed_revoked"]})
target("meetings:calendar_feed[guessed]", lambda w: {"secret": secrets.token_urlsafe(32)})
target("meetings:checkins")
target(
    "meetings:checkin",
    obj("checkin"),
    lambda w: {
        "satisfaction": 4,
        "energy": 4,
        "norms_fit": "yes",
        "comment": "",
        "comment_visibility": "shared",
        f"goal_{w.alpha.obj['goal_shared'].pk}": 30,
    },
)
target("meetings:checkin_skip", obj("checkin"))
target("meetings:checkin_figures", slug)
target(
    "matching:rounds",
    slug,
    lambda w: {
        "name": "Proof round",
        "mentees": [w.alpha.part["waiting"].pk],
        "objective": "total",
        "min_score": -50,
        **_weights(),
    },
)


def round_kw(w: World) -> dict[str, Any]:
    return {**slug(w), "pk": w.alpha.obj["round"].pk}


def proposal_kw(w: World) -> dict[str, Any]:
    return {**round_kw(w), "proposal_id": w.alpha.obj["proposal"].pk}


target("matching:round", round_kw)
target("matching:round[beta id]", in_alpha("round", "beta"))
target(
    "matching:proposal_pin[beta id]",
    lambda w: {**round_kw(w), "proposal_id": w.beta.obj["proposal"].pk},
)
target(
    "matching:round_run",
    round_kw,
    lambda w: {"objective": "total", "min_score": -40, **_weights()},
)
for suffix, of in (("", "alpha"), ("[beta id]", "beta")):
    target(
        f"matching:round_preferences{suffix}",
        in_alpha("round_stable", of),
        lambda w: {"choice_1": w.alpha.obj["stable_choices"][-1]},
        owner="waiting",
    )
target("matching:round_publish", round_kw)
target("matching:round_discard", round_kw)
target("matching:proposal_swap", proposal_kw, lambda w: {"mentor": w.alpha.part["mentor2"].pk})
target(
    "matching:proposal_swap[beta payload]",
    proposal_kw,
    lambda w: {"mentor": w.beta.part["mentor2"].pk},
)
target("matching:proposal_pin", proposal_kw)
target("matching:proposal_unpin", proposal_kw)
target("matching:proposal_block", proposal_kw)
target("meetings:program_close", slug, lambda w: {"confirm": "on"})

# reports: the dashboard, the summary, the exports
target("reports:dashboard", slug)
target("reports:nudge", in_alpha("mentorship"))
target("reports:nudge[beta id]", in_alpha("mentorship", "beta"))
target("reports:summary", slug)
target("reports:exports", slug)
for name in ("participants", "mentorships", "requests", "checkins"):
    target(f"reports:export_{name}", slug)

# notifications
target("notifications:list")
target("notifications:read", obj("notification"))
target("notifications:read_all")
target("notifications:preferences")
target("notifications:unsubscribe", lambda w: {"token": w.alpha.obj["unsubscribe"]})
target("notifications:unsubscribe[forged]", lambda w: {"token": "forged:token"})
# A mail as a provider posts it, without the provider's secret.
target(
    "notifications:inbound_email",
    payload=lambda w: {
        "email": "From: owner.alpha@example.org\r\nTo: reply+x@in.example\r\n"
        "Subject: Re: hello\r\n\r\nSee you Tuesday.\r\n"
    },
)


def resolve(world: World, key: str) -> Target:
    kwargs, payload, overrides = TARGETS[key]
    base = key.split("[")[0]
    url = (
        "/" + base
        if base.endswith("/") and ":" not in base
        else reverse(base, kwargs=kwargs(world))
    )
    people = world.alpha.people
    cast: dict[str, User | None] = {
        "anon": None,
        "owner": people["owner"],
        "party": people["mentor"],
        "mentee2": people["mentee2"],
        "mentor2": people["mentor2"],
        "admin": people["admin"],
        "other_admin": world.beta.people["admin"],
        "far_admin": world.gamma.people["admin"],
    }
    for role, person in overrides.items():
        cast[role] = people[person]
    if key in QUERIES:
        url += "?" + urlencode(QUERIES[key](world))
    # Browsers send the CSRF token with every form, so no POST arrives empty.
    return Target(url=url, cast=cast, payload={"csrfmiddlewaretoken": "x", **payload(world)})


# ---------------------------------------------------------------------------
# Running one request
# ---------------------------------------------------------------------------


def status_of(response: HttpResponse) -> str:
    if response.status_code in (301, 302, 303):
        login = reverse("account_login")
        return LOGIN if response["Location"].startswith(login) else MOVED
    return str(response.status_code)


def body_of(response: HttpResponse) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@dataclass
class Observed:
    outcome: str
    changed: list[str]
    leaks: list[str]
    status: int
    seen: list[str]


def request_as(
    client: Client, world: World, key: str, role: str, method: str, sessions: dict[int, str]
) -> Observed:
    found = resolve(world, key)
    user = found.cast[role]
    if user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[user.pk]
    with watch_writes(WATCHED) as writes:
        if method == "post":
            response = client.post(found.url, data=found.payload)
        else:
            response = client.get(found.url)
    outcome = status_of(response)
    changed = list(writes.changed())
    if method == "post":
        if changed:
            outcome = DONE if outcome in (OK, MOVED, NO_CONTENT) else f"{outcome}+changed"
        elif outcome == MOVED:
            outcome = KEPT
    leaks: list[str] = []
    seen: list[str] = []
    if response.status_code == 200:
        text = body_of(response)
        seen = [marker for marker in world.markers if marker in text]
        forbidden = set(world.forbidden_for(user))
        leaks = [marker for marker in seen if marker in forbidden]
    return Observed(
        outcome=outcome, changed=changed, leaks=leaks, status=response.status_code, seen=seen
    )


def _cases() -> list[Any]:
    cases = []
    for key, rows in TABLE.items():
        for method, cells in zip(("get", "post"), rows, strict=True):
            for role, cell in zip(ROLES, cells, strict=True):
                case_id = f"{key}-{method}-{role}"
                if isinstance(cell, Bug):
                    cases.append(
                        pytest.param(
                            key,
                            method,
                            role,
                            cell.expected,
                            id=case_id,
                            marks=pytest.mark.xfail(strict=True, reason=cell.reason),
                        )
                    )
                else:
                    cases.append(pytest.param(key, method, role, cell, id=case_id))
    return cases


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(module_db: None) -> World:
    return build_world()


@pytest.fixture(scope="module")
def sessions(world: World) -> dict[int, str]:
    """Every person's signed-in session, made once in the module's transaction: each test's
    savepoint undoes whatever its request does to the session (a logout, a new key)."""
    return {
        person.pk: session_key_for(person)
        for built in (world.alpha, world.beta, world.gamma)
        for person in built.people.values()
    }


@pytest.fixture(autouse=True, scope="module")
def _quiet_refusals() -> Any:
    """Every 403 and 404 is logged with its traceback: thousands here, and slow."""
    import logging

    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


def test_every_url_pattern_has_a_row() -> None:
    """A new page cannot be added unchecked: every pattern has a row, and every row a target."""
    patterns = {route.key for route in app_routes()}
    rows = {key.split("[")[0] for key in TABLE}
    assert patterns - rows == set(), "URL patterns without a row in the matrix"
    assert rows - patterns == set(), "rows for URL patterns that no longer exist"
    assert set(TABLE) == set(TARGETS)


@pytest.mark.parametrize(("key", "method", "role", "expected"), _cases())
def test_access(
    world: World,
    sessions: dict[int, str],
    db: None,
    client: Client,
    key: str,
    method: str,
    role: str,
    expected: str,
) -> None:
    seen = request_as(client, world, key, role, method, sessions)
    assert seen.outcome == expected, f"{method.upper()} {key} as {role}: {seen}"
    if expected in UNAUTHORISED or expected in (OK, KEPT, NO_CONTENT) or method == "get":
        assert seen.changed == [], f"{method.upper()} {key} as {role} changed {seen.changed}"
    assert seen.leaks == [], f"{method.upper()} {key} as {role} shows {seen.leaks}"


def test_the_scan_finds_what_the_allowed_may_read(world: World, db: None, client: Client) -> None:
    """The leak scan is not vacuous: the markers are on the pages of those allowed to read them."""
    alpha = world.alpha
    held = reverse("meetings:meeting", kwargs={"pk": alpha.obj["meeting_held"].pk})
    client.force_login(alpha.people["owner"])
    page = client.get(held).content.decode()
    assert "mk-alpha-private-note-owner-x" in page and "mk-alpha-shared-notes-x" in page
    assert "mk-alpha-private-note-mentor-x" not in page
    client.force_login(alpha.people["mentor"])
    page = client.get(held).content.decode()
    assert "mk-alpha-private-note-mentor-x" in page
    client.force_login(alpha.people["admin"])
    report = reverse(
        "matching:report_action", kwargs={"slug": "alpha", "pk": alpha.obj["report"].pk}
    )
    assert "mk-alpha-report-x" in client.get(report).content.decode()


def test_the_scan_finds_what_a_circle_may_read(world: World, db: None, client: Client) -> None:
    """Not vacuous for a circle either: its norms, its third member's name, its agenda and
    shared notes are on its pages for its member and its mentor; each private note for its
    author only."""
    alpha = world.alpha
    circle = reverse("meetings:circle", kwargs={"pk": alpha.obj["circle"].pk})
    upcoming = reverse("meetings:meeting", kwargs={"pk": alpha.obj["circle_meeting"].pk})
    held = reverse("meetings:meeting", kwargs={"pk": alpha.obj["circle_meeting_held"].pk})
    third = alpha.obj["circle_member"].full_name
    for who in ("owner", "mentor"):
        client.force_login(alpha.people[who])
        page = client.get(circle).content.decode()
        assert "mk-alpha-circle-norms-x" in page and third in page, who
        assert "mk-alpha-circle-agenda-x" in client.get(upcoming).content.decode(), who
        page = client.get(held).content.decode()
        assert "mk-alpha-circle-shared-notes-x" in page, who
        mine, theirs = ("owner", "mentor") if who == "owner" else ("mentor", "owner")
        assert f"mk-alpha-circle-private-note-{mine}-x" in page, who
        assert f"mk-alpha-circle-private-note-{theirs}-x" not in page, who


def test_the_scan_finds_what_a_conversation_shows(world: World, db: None, client: Client) -> None:
    """Not vacuous for conversations: the pair's and the circle's messages are on the pages and
    in the poll's rows of their people, the reported message on the other person's report form,
    each file's marker in its download; and the owner's list shows the latest of each."""
    alpha = world.alpha
    pair = reverse("conversations:conversation", kwargs={"pk": alpha.obj["mentorship"].pk})
    circle = reverse("conversations:conversation", kwargs={"pk": alpha.obj["circle_membership"].pk})
    poll = reverse("conversations:poll", kwargs={"pk": alpha.obj["mentorship"].pk})
    report = reverse("conversations:message_report", kwargs={"pk": alpha.obj["message"].pk})
    for who in ("owner", "mentor"):
        client.force_login(alpha.people[who])
        page = client.get(pair).content.decode()
        assert "mk-alpha-message-owner-x" in page and "mk-alpha-message-mentor-x" in page, who
        page = client.get(circle).content.decode()
        assert "mk-alpha-circle-message-owner-x" in page, who
        assert "mk-alpha-circle-message-member-x" in page, who
        rows = client.get(poll, {"after": alpha.obj["message"].pk}).content.decode()
        assert "mk-alpha-message-mentor-x" in rows and "mk-alpha-message-owner-x" not in rows, who
        if who == "mentor":  # the owner wrote it: only the other person reports it
            assert "mk-alpha-message-owner-x" in client.get(report).content.decode(), who
        for name in ("attachment", "circle_attachment"):
            url = reverse("conversations:attachment", kwargs={"pk": alpha.obj[name].pk})
            response = client.get(url)
            assert response["Content-Disposition"].startswith("attachment;"), (who, name)
            marker = f"mk-alpha-{name.replace('_', '-')}-x"
            assert marker in body_of(response), (who, name)
    client.force_login(alpha.people["owner"])
    page = client.get(reverse("conversations:list")).content.decode()
    assert "mk-alpha-message-mentor-x" in page and "mk-alpha-circle-message-member-x" in page


def test_django_admin_is_staff_only(world: World, db: None, client: Client) -> None:
    """/admin/ is Django's, for staff accounts: no program role gets past its login."""
    logins = (reverse("admin:login"), reverse("account_login"))
    for role in ROLES:
        user = resolve(world, "home").cast[role]
        if user is not None:
            client.force_login(user)
        for url in (reverse("admin:index"), reverse("admin:programs_program_changelist")):
            response = client.get(url)
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith(logins), (role, url)
        client.logout()


def test_calendar_feed_secret_is_not_guessable(world: World, db: None, client: Client) -> None:
    """The feed's secret is long, random and per person; changing it revokes the old one."""
    owner = world.alpha.people["owner"]
    feeds = {feed.user_id: feed.secret for feed in CalendarFeed.objects.all()}
    secret = feeds[owner.pk]
    assert len(secret) >= 43  # 32 random bytes
    assert len(set(feeds.values())) == len(feeds)
    assert str(owner.pk) not in secret.split("-") and owner.email not in secret
    assert client.get(reverse("meetings:calendar_feed", args=[secret])).status_code == 200
    for near in (secret[:-1], secret + "x", secret[:-1] + ("A" if secret[-1] != "A" else "B")):
        assert client.get(reverse("meetings:calendar_feed", args=[near])).status_code == 404
    for guess in (str(owner.pk), owner.email, world.alpha.obj["feed_revoked"]):
        assert client.get(reverse("meetings:calendar_feed", args=[guess])).status_code == 404
    client.force_login(owner)
    client.post(reverse("meetings:calendar_regenerate"))
    client.logout()
    assert client.get(reverse("meetings:calendar_feed", args=[secret])).status_code == 404
    fresh = CalendarFeed.objects.get(user=owner).secret
    assert fresh != secret
    assert client.get(reverse("meetings:calendar_feed", args=[fresh])).status_code == 200


@pytest.mark.parametrize("export", ["participants", "mentorships", "requests", "checkins"])
def test_exports_hold_only_their_program(
    world: World, db: None, client: Client, export: str
) -> None:
    """A program's CSV holds its own rows: nothing of a program of the same organization or
    of another one, and none of the texts its admins may not read."""
    client.force_login(world.alpha.people["admin"])
    response = client.get(reverse(f"reports:export_{export}", kwargs={"slug": "alpha"}))
    assert response.status_code == 200
    text = body_of(response)
    for other in (world.beta, world.gamma):
        assert other.people["owner"].email not in text
        assert other.people["owner"].full_name not in text
    if export in ("participants", "mentorships", "requests"):
        assert world.alpha.people["owner"].email in text or (
            world.alpha.people["owner"].full_name in text
        )
    assert [m for m in world.forbidden_for(world.alpha.people["admin"]) if m in text] == []
