"""The authorization matrix: every URL pattern of the project, requested by GET and by POST as
each role, against one table of expected outcomes.

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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.score import PARTS
from meetings.models import CalendarFeed
from tests.proof.conftest import World, app_routes, build_world, watched_tables
from tests.writes import watch_writes

pytestmark = pytest.mark.django_db

WATCHED = watched_tables()

ROLES = ("anon", "owner", "party", "mentee2", "mentor2", "admin", "other_admin", "far_admin")

# Outcomes. GET: the status, with a redirect to the login page told apart from other redirects.
# POST: the same, except that a 2xx/3xx answer is DONE when the database changed and KEPT
# (redirect) or OK (200) when it did not; any other answer must leave the database as it was.
OK = "200"
MOVED = "302"
LOGIN = "login"
DENIED = "403"
HIDDEN = "404"
NO_METHOD = "405"
EXPIRED = "410"
DONE = "done"
KEPT = "kept"


@dataclass(frozen=True)
class Bug:
    """The correct outcome, which the application does not give yet."""

    expected: str
    reason: str


def bug(expected: str, reason: str) -> Bug:
    return Bug(expected, f"BUG: {reason}")


Cells = tuple[str | Bug, ...]


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
REQUEST_CAST = {"party": "asked"}  # the owner's pending request waits on `asked`


def target(key: str, kwargs: W = lambda w: {}, payload: W = lambda w: {}, **cast: str) -> None:
    TARGETS[key] = (kwargs, payload, cast)


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
    lambda w: {"audience": "everyone", "title": "Proof", "body": "Proof announcement"},
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
target("goals:start", payload=lambda w: {"skill": "Speak up in meetings"})
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

# meetings: profiles, directory, working together, scheduling, calendar, check-ins, rounds
target("meetings:profile", slug, lambda w: {"department": "Proof", "job_title": "Prover"})
target("meetings:person", lambda w: {**slug(w), "pk": w.alpha.people["owner"].pk})
target("meetings:person[beta id]", lambda w: {**slug(w), "pk": w.beta.people["owner"].pk})
target("meetings:directory", slug)
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
    "meetings:rounds",
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


target("meetings:round", round_kw)
target("meetings:round[beta id]", in_alpha("round", "beta"))
target(
    "meetings:proposal_pin[beta id]",
    lambda w: {**round_kw(w), "proposal_id": w.beta.obj["proposal"].pk},
)
target(
    "meetings:round_run",
    round_kw,
    lambda w: {"objective": "total", "min_score": -40, **_weights()},
)
for suffix, of in (("", "alpha"), ("[beta id]", "beta")):
    target(
        f"meetings:round_preferences{suffix}",
        in_alpha("round_stable", of),
        lambda w: {"choice_1": w.alpha.obj["stable_choices"][-1]},
        owner="waiting",
    )
target("meetings:round_publish", round_kw)
target("meetings:round_discard", round_kw)
target("meetings:proposal_swap", proposal_kw, lambda w: {"mentor": w.alpha.part["mentor2"].pk})
target(
    "meetings:proposal_swap[beta payload]",
    proposal_kw,
    lambda w: {"mentor": w.beta.part["mentor2"].pk},
)
target("meetings:proposal_pin", proposal_kw)
target("meetings:proposal_unpin", proposal_kw)
target("meetings:proposal_block", proposal_kw)
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


def request_as(client: Client, world: World, key: str, role: str, method: str) -> Observed:
    found = resolve(world, key)
    user = found.cast[role]
    if user is not None:
        client.force_login(user)
    with watch_writes(WATCHED) as writes:
        if method == "post":
            response = client.post(found.url, data=found.payload)
        else:
            response = client.get(found.url)
    outcome = status_of(response)
    changed = list(writes.changed())
    if method == "post":
        if changed:
            outcome = DONE if outcome in (OK, MOVED) else f"{outcome}+changed"
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


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

_ = HIDDEN  # short for the rows below: "not found" for whoever may not know it exists

# Row shapes, one cell per role: anon, owner, party, mentee2, mentor2, admin, other_admin,
# far_admin. other_admin is of the same organization and may see alpha's own page (its
# enrollment is open), so alpha's admin pages answer them 403 where far_admin gets 404.
ANYONE: Cells = (OK, OK, OK, OK, OK, OK, OK, OK)
NOBODY: Cells = (_, _, _, _, _, _, _, _)
NO_METHOD_ALL: Cells = (NO_METHOD,) * 8
POST_ONLY: Cells = (LOGIN, *(NO_METHOD,) * 7)  # a GET of a POST-only address
GUEST_PAGE: Cells = (OK, *(MOVED,) * 7)  # login, sign-up: the signed-in are sent home
GUEST_FORM: Cells = (OK, *(KEPT,) * 7)
SIGNED_IN: Cells = (LOGIN, *(OK,) * 7)  # each person's own page
SIGNED_IN_DOES: Cells = (LOGIN, *(DONE,) * 7)
SIGNED_IN_KEPT: Cells = (LOGIN, *(KEPT,) * 7)
SIGNED_IN_MOVED: Cells = (LOGIN, *(MOVED,) * 7)
SIGNED_IN_HIDDEN: Cells = (LOGIN, *(_,) * 7)
PAIR_PAGE: Cells = (LOGIN, OK, OK, _, _, _, _, _)  # the two people only, admins included
PAIR_DOES: Cells = (LOGIN, DONE, DONE, _, _, _, _, _)
PAIR_KEPT: Cells = (LOGIN, KEPT, KEPT, _, _, _, _, _)  # both may, the state refuses
OWNER_PAGE: Cells = (LOGIN, OK, _, _, _, _, _, _)
OWNER_ONLY_DOES: Cells = (LOGIN, DONE, _, _, _, _, _, _)
OWNER_EDITS: Cells = (LOGIN, OK, DENIED, _, _, _, _, _)  # the party reads, only the owner writes
OWNER_DOES: Cells = (LOGIN, DONE, DENIED, _, _, _, _, _)
PARTY_DOES: Cells = (LOGIN, DENIED, DONE, _, _, _, _, _)  # the asked mentor answers
MENTEE_PAGE: Cells = (LOGIN, OK, _, OK, _, _, _, _)  # each mentee's own
MENTEE_DOES: Cells = (LOGIN, DONE, _, DONE, _, _, _, _)
MENTEES_PAGE: Cells = (LOGIN, OK, DENIED, OK, DENIED, DENIED, DENIED, _)  # the program's mentees
PEOPLE_PAGE: Cells = (LOGIN, OK, OK, OK, OK, OK, _, _)  # the program's people
ADMIN_PAGE: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, DENIED, _)
ADMIN_DOES: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DENIED, _)
ADMIN_OTHER_ID: Cells = (LOGIN, DENIED, DENIED, DENIED, DENIED, _, DENIED, _)
# An organization's pages: its organization admins only (other_admin for alpha's); anyone
# else, alpha's program admin and another organization's admin included, gets 404.
ORG_PAGE: Cells = (LOGIN, _, _, _, _, _, OK, _)
ORG_DOES: Cells = (LOGIN, _, _, _, _, _, DONE, _)

# GET and POST per URL key.
TABLE: dict[str, tuple[Cells, Cells]] = {
    # allauth: every signed-in person acts on their own account only.
    "account_change_password": (SIGNED_IN, SIGNED_IN),
    "account_confirm_email": (ANYONE, NOBODY),  # an unknown key: the "invalid link" page
    "account_confirm_login_code": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "account_email": (SIGNED_IN, SIGNED_IN_KEPT),
    "account_email_verification_sent": (ANYONE, NO_METHOD_ALL),
    "account_inactive": (ANYONE, NO_METHOD_ALL),
    "account_login": (GUEST_PAGE, GUEST_FORM),
    "account_logout": ((MOVED, OK, OK, OK, OK, OK, OK, OK), (KEPT,) * 8),
    "account_reauthenticate": (SIGNED_IN, SIGNED_IN),
    # allauth 65.22: re-authenticating by a code sent to one's own verified address.
    "account_request_reauthentication_code": (SIGNED_IN, SIGNED_IN),
    "account_confirm_reauthentication_code": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),  # no code asked
    "account_reset_password": (ANYONE, ANYONE),  # the same answer for any address
    "account_reset_password_done": (ANYONE, NO_METHOD_ALL),
    "account_reset_password_from_key": (ANYONE, ANYONE),  # an unknown key: "bad token"
    "account_reset_password_from_key_done": (ANYONE, NO_METHOD_ALL),
    "account_set_password": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "account_signup": (GUEST_PAGE, GUEST_FORM),
    "mfa_activate_totp": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),  # asks to reauthenticate first
    "mfa_authenticate": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_deactivate_totp": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),  # nobody has TOTP on
    "mfa_download_recovery_codes": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "mfa_generate_recovery_codes": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_index": (SIGNED_IN, (LOGIN, *(NO_METHOD,) * 7)),
    "mfa_reauthenticate": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "mfa_view_recovery_codes": (SIGNED_IN_HIDDEN, (LOGIN, *(NO_METHOD,) * 7)),
    # Pages of everyone's own.
    "landing": (GUEST_PAGE, GUEST_FORM),
    "home": (SIGNED_IN, SIGNED_IN),
    "healthz": (ANYONE, NO_METHOD_ALL),
    "accounts:profile": (SIGNED_IN, SIGNED_IN_DOES),
    "accounts:mfa_required": (SIGNED_IN, (LOGIN, *(NO_METHOD,) * 7)),
    "settings/notifications/": (SIGNED_IN_MOVED, SIGNED_IN_KEPT),
    "notifications:list": (SIGNED_IN, SIGNED_IN),
    "notifications:read": (POST_ONLY, OWNER_ONLY_DOES),
    "notifications:read_all": (POST_ONLY, SIGNED_IN_DOES),
    "notifications:preferences": (SIGNED_IN, SIGNED_IN),  # the CSRF-only POST is invalid
    # The signed token is the credential (one-click unsubscribe, RFC 8058).
    "notifications:unsubscribe": (ANYONE, (DONE,) * 8),
    "notifications:unsubscribe[forged]": (NOBODY, NOBODY),
    "matching:requests": (SIGNED_IN, SIGNED_IN),
    "matching:mentorships": (SIGNED_IN, SIGNED_IN),
    "meetings:meetings": (SIGNED_IN, SIGNED_IN),
    "meetings:checkins": (SIGNED_IN, SIGNED_IN),
    "meetings:calendar": (SIGNED_IN, SIGNED_IN),
    "meetings:calendar_regenerate": (POST_ONLY, SIGNED_IN_DOES),
    # The secret in the address is the only credential (calendar apps cannot log in).
    "meetings:calendar_feed": (ANYONE, ANYONE),
    "meetings:calendar_feed[revoked]": (NOBODY, NOBODY),
    "meetings:calendar_feed[guessed]": (NOBODY, NOBODY),
    "goals:list": (SIGNED_IN, SIGNED_IN),
    "programs:list": (SIGNED_IN, SIGNED_IN),
    # Programs: the page of a program whose enrollment is open is seen by its organization.
    "programs:detail": ((LOGIN, OK, OK, OK, OK, OK, OK, _), (LOGIN, OK, OK, OK, OK, OK, OK, _)),
    "programs:apply": (POST_ONLY, (LOGIN, DONE, KEPT, DONE, KEPT, DONE, DONE, _)),
    # Any admin may start a program, in an organization where they run one.
    "programs:create": (
        (LOGIN, DENIED, DENIED, DENIED, DENIED, OK, OK, OK),
        (LOGIN, DENIED, DENIED, DENIED, DENIED, DONE, DONE, OK),
    ),
    # An invitation link is the credential: anybody holding it sees it; only its address
    # can accept it (the others' POST is refused on the page).
    "programs:invitation": ((MOVED, OK, OK, OK, OK, OK, OK, OK), (KEPT, *(OK,) * 7)),
    "programs:invitation[revoked]": (NOBODY, NOBODY),
    "programs:invitation[forged]": (NOBODY, NOBODY),
    "programs:manage": (ADMIN_PAGE, ADMIN_PAGE),
    "programs:settings": (ADMIN_PAGE, ADMIN_DOES),
    "programs:invite": (ADMIN_PAGE, ADMIN_DOES),
    "programs:import": (ADMIN_PAGE, ADMIN_DOES),
    "programs:audit": (ADMIN_PAGE, ADMIN_PAGE),
    # The organization's topics: read here; only its organization admins change them, on
    # the organization's page (refused here even to an organization admin who runs it).
    "programs:topics": (ADMIN_PAGE, (LOGIN, *(DENIED,) * 6, _)),
    "programs:topics[rename]": (ADMIN_PAGE, (LOGIN, *(DENIED,) * 6, _)),
    "organizations:detail": (ORG_PAGE, ORG_PAGE),
    "organizations:audit": (ORG_PAGE, ORG_PAGE),
    "organizations:topics": (ORG_PAGE, ORG_DOES),
    "organizations:topics[rename]": (ORG_PAGE, ORG_DOES),
    "organizations:topics[gamma id]": (ORG_PAGE, (LOGIN, *(_,) * 7)),
    "programs:announcements": (ADMIN_PAGE, ADMIN_DOES),
    "programs:enrollment": (ADMIN_PAGE, ADMIN_DOES),
    "programs:approve": (POST_ONLY, ADMIN_DOES),
    "programs:approve[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:decline": (POST_ONLY, ADMIN_DOES),
    "programs:withdraw": (POST_ONLY, ADMIN_DOES),
    "programs:withdraw[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:revoke": (POST_ONLY, ADMIN_DOES),
    "programs:revoke[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "programs:resend": (POST_ONLY, ADMIN_DOES),
    "meetings:program_close": (POST_ONLY, ADMIN_DOES),
    # Goals: the owner's; a mentor reads what is shared; admins see figures, never content.
    "goals:start": (MENTEE_PAGE, MENTEE_DOES),
    "goals:create": (MENTEE_PAGE, MENTEE_DOES),
    "goals:reorder": (POST_ONLY, (LOGIN, DONE, _, KEPT, _, _, _, _)),  # others' ids: refused
    "goals:figures": (ADMIN_PAGE, ADMIN_PAGE),
    "goals:detail": (PAIR_PAGE, PAIR_PAGE),
    "goals:detail[private]": (OWNER_PAGE, OWNER_PAGE),
    "goals:edit": (OWNER_EDITS, OWNER_DOES),
    "goals:move": (POST_ONLY, OWNER_DOES),
    "goals:status": (POST_ONLY, OWNER_DOES),
    "goals:step_add": (POST_ONLY, OWNER_DOES),
    "goals:progress_add": (POST_ONLY, OWNER_DOES),
    "goals:step_toggle": (POST_ONLY, OWNER_DOES),
    "goals:step_delete": (POST_ONLY, OWNER_DOES),
    "matching:goal_sharing": (OWNER_EDITS, OWNER_DOES),
    # Requests: the mentee and the asked mentor; each side does its own part.
    "matching:request_new": (MENTEES_PAGE, (LOGIN, DONE, DENIED, OK, DENIED, DENIED, DENIED, _)),
    "matching:request_new[beta id]": (
        (LOGIN, _, DENIED, _, DENIED, DENIED, DENIED, _),
        (LOGIN, _, DENIED, _, DENIED, DENIED, DENIED, _),
    ),
    "matching:request": (PAIR_PAGE, PAIR_PAGE),
    "matching:request_accept": (POST_ONLY, PARTY_DOES),
    "matching:request_ask": (POST_ONLY, PARTY_DOES),
    "matching:request_decline": (POST_ONLY, PARTY_DOES),
    "matching:request_redirect": (POST_ONLY, PARTY_DOES),
    "matching:request_redirect[beta payload]": (POST_ONLY, (LOGIN, DENIED, KEPT, _, _, _, _, _)),
    # Waiting on the mentor: nothing to answer or follow yet.
    "matching:request_answer": (POST_ONLY, (LOGIN, KEPT, DENIED, _, _, _, _, _)),
    "matching:request_follow": (POST_ONLY, (LOGIN, KEPT, DENIED, _, _, _, _, _)),
    "matching:request_withdraw": (POST_ONLY, OWNER_DOES),
    "matching:request_report": (POST_ONLY, PAIR_DOES),
    # Mentorships: the two people; admins act through their own pages.
    "matching:mentorship": (PAIR_PAGE, PAIR_PAGE),
    "matching:mentorship_pause": (POST_ONLY, PAIR_DOES),
    "matching:mentorship_resume": (POST_ONLY, PAIR_KEPT),  # it is not paused
    "matching:mentorship_close": (POST_ONLY, PAIR_DOES),
    "matching:mentorship_reflect": (POST_ONLY, PAIR_KEPT),  # it is not closed
    "matching:mentorship_report": (POST_ONLY, PAIR_DOES),
    "matching:board": (MENTEES_PAGE, MENTEES_PAGE),
    "matching:reports": (ADMIN_PAGE, ADMIN_PAGE),
    "matching:report_action": (ADMIN_PAGE, ADMIN_DOES),
    "matching:report_action[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "matching:admin_mentorships": (ADMIN_PAGE, ADMIN_PAGE),
    "matching:admin_mentorship": (ADMIN_PAGE, ADMIN_DOES),
    "matching:admin_mentorship[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "matching:admin_mentorship[beta payload]": (ADMIN_PAGE, ADMIN_PAGE),  # refused in the form
    # Profiles and the directory.
    "meetings:profile": (PEOPLE_PAGE, (LOGIN, OK, OK, OK, OK, DONE, _, _)),  # forms need more
    "meetings:person": (PEOPLE_PAGE, PEOPLE_PAGE),
    "meetings:person[beta id]": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "meetings:directory": (MENTEES_PAGE, MENTEES_PAGE),
    # Working together: the two people only, admins included ("meetings carry agendas and
    # notes that belong to the pair").
    "meetings:meeting": (PAIR_PAGE, PAIR_PAGE),
    "meetings:meeting[held]": (PAIR_PAGE, PAIR_PAGE),
    "meetings:agenda_add": (POST_ONLY, PAIR_DOES),
    "meetings:agenda_delete": (POST_ONLY, (LOGIN, DONE, KEPT, _, _, _, _, _)),  # its author
    "meetings:shared_notes_save": (POST_ONLY, PAIR_DOES),
    "meetings:private_note_save": (POST_ONLY, PAIR_DOES),  # each writes their own
    "meetings:action_item_add": (POST_ONLY, PAIR_DOES),
    "meetings:action_item_add[beta payload]": (POST_ONLY, PAIR_KEPT),  # a stranger as owner
    "meetings:action_item_toggle": (POST_ONLY, PAIR_DOES),
    "meetings:feedback_add": (POST_ONLY, PAIR_DOES),
    "meetings:timeline": (PAIR_PAGE, PAIR_PAGE),
    "meetings:agreement": (PAIR_PAGE, PAIR_DOES),
    "meetings:agreement_confirm": (POST_ONLY, PAIR_KEPT),  # version 1 is confirmed already
    "meetings:advice_add": (PAIR_PAGE, PAIR_DOES),
    "meetings:advice_report": (OWNER_EDITS, OWNER_DOES),  # the mentee reports back
    "meetings:appreciation_add": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_propose": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_confirm": (POST_ONLY, (LOGIN, KEPT, DONE, _, _, _, _, _)),  # not its proposer
    "meetings:meeting_reschedule": (PAIR_PAGE, PAIR_DOES),
    "meetings:meeting_cancel": (POST_ONLY, PAIR_DOES),
    "meetings:meeting_held": (POST_ONLY, PAIR_KEPT),  # it has not started
    "meetings:meeting_ics": (PAIR_PAGE, PAIR_PAGE),
    # Check-ins: one's own only; the other person and admins get 404.
    "meetings:checkin": (OWNER_PAGE, OWNER_ONLY_DOES),
    "meetings:checkin_skip": (POST_ONLY, OWNER_ONLY_DOES),
    "meetings:checkin_figures": (ADMIN_PAGE, ADMIN_PAGE),
    # Matching rounds: admins; a stable round's ballot for its mentees and the mentors.
    "meetings:rounds": (ADMIN_PAGE, ADMIN_DOES),
    "meetings:round": (ADMIN_PAGE, ADMIN_PAGE),
    "meetings:round[beta id]": (ADMIN_OTHER_ID, ADMIN_OTHER_ID),
    "meetings:round_run": (POST_ONLY, ADMIN_DOES),
    "meetings:round_preferences": (
        (LOGIN, OK, OK, _, OK, _, _, _),
        (LOGIN, DONE, DONE, _, DONE, _, _, _),
    ),
    "meetings:round_preferences[beta id]": (SIGNED_IN_HIDDEN, SIGNED_IN_HIDDEN),
    "meetings:round_publish": (POST_ONLY, ADMIN_DOES),
    "meetings:round_discard": (POST_ONLY, ADMIN_DOES),
    "meetings:proposal_swap": (ADMIN_PAGE, ADMIN_DOES),
    "meetings:proposal_swap[beta payload]": (ADMIN_PAGE, ADMIN_PAGE),  # not a candidate
    "meetings:proposal_pin": (POST_ONLY, ADMIN_DOES),
    # Another round's proposal: refused with a message, nothing written.
    "meetings:proposal_pin[beta id]": (POST_ONLY, (LOGIN, *(DENIED,) * 4, KEPT, DENIED, _)),
    "meetings:proposal_unpin": (POST_ONLY, (LOGIN, *(DENIED,) * 4, KEPT, DENIED, _)),
    "meetings:proposal_block": (POST_ONLY, ADMIN_DOES),
    # Reports: the program's admins only.
    "reports:dashboard": (ADMIN_PAGE, ADMIN_PAGE),
    "reports:nudge": (POST_ONLY, ADMIN_DOES),
    "reports:nudge[beta id]": (POST_ONLY, ADMIN_OTHER_ID),
    "reports:summary": (ADMIN_PAGE, ADMIN_PAGE),
    "reports:exports": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_participants": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_mentorships": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_requests": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
    "reports:export_checkins": (ADMIN_PAGE, (LOGIN, *(NO_METHOD,) * 7)),
}

UNAUTHORISED = {LOGIN, DENIED, HIDDEN, NO_METHOD, EXPIRED}


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
    world: World, db: None, client: Client, key: str, method: str, role: str, expected: str
) -> None:
    seen = request_as(client, world, key, role, method)
    assert seen.outcome == expected, f"{method.upper()} {key} as {role}: {seen}"
    if expected in UNAUTHORISED or expected in (OK, KEPT) or method == "get":
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
