"""Every POST endpoint of the project: who may use it, on which objects, with which fields.

Each row names the URL, the person of the world's home program who is allowed to post there,
the URL's arguments (drawn from a side of the world, so that the other side gives "other
people's objects"), the forms the view binds (their fields drive the generated data) and the
raw keys the view reads from ``request.POST`` itself. The rows were written from the views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from accounts.forms import ProfileForm
from api.forms import IntegrationForm, TokenForm, WebhookForm
from conversations.forms import BlockForm, MessageForm, MessageReportForm
from conversations.models import Message
from goals.forms import GoalForm, GuidedStartForm, ProgressForm, StepForm
from identity.forms import GroupMappingForm, ScimTokenForm, SsoProviderForm
from matching.forms import (
    AdminEndForm,
    AdminPauseForm,
    AdminResumeForm,
    AskInfoForm,
    AvailabilityForm,
    CloseForm,
    ContactWindowFormSet,
    DeclineForm,
    DetailsForm,
    GoalSharingForm,
    MenteeProfileForm,
    MentorBoundariesForm,
    MentorOfferForm,
    ReassignForm,
    RedirectForm,
    ReflectionForm,
    ReportEndForm,
    ReportForm,
    ReportNoteForm,
    ReportStatusForm,
    ReportWarnForm,
    RequestForm,
    RoundCreateForm,
    RoundSettingsForm,
)
from matching.forms import AnswerForm as RequestAnswerForm
from matching.models import Availability
from matching.rounds.selectors import unmatched_mentees
from matching.selectors import reassign_mentors_for
from meetings.forms import (
    ActionItemForm,
    AdviceForm,
    AgendaForm,
    AgreementForm,
    AppreciationForm,
    CheckInForm,
    CircleNormsForm,
    FeedbackForm,
    PlaceForm,
    PrivateNoteForm,
    ReportBackForm,
    SharedNotesForm,
    SlotForm,
)
from meetings.services.checkins import checkin_goals
from meetings.services.scheduling import circle_slots_for, slots_for
from meetings.services.together import notes_digest
from notifications.forms import PreferencesForm
from notifications.reminders import preferences_of, unsubscribe_token
from privacy.forms import DeleteForm, RetentionForm
from privacy.models import DataExport
from programs.forms import (
    AnnouncementForm,
    ApplyForm,
    EnrollmentForm,
    InvitationForm,
    ProgramCloseForm,
    ProgramCreateForm,
    ProgramForm,
    TopicForm,
)
from programs.forms import DeclineForm as ApplicationDeclineForm
from programs.models import Organization, Participant
from programs.tokens import invitation_token
from tests.accounts.factories import TEST_PASSWORD
from tests.fuzz.strategies import RawKey, nasty_text, raw
from tests.fuzz.submission import SESSIONS
from tests.fuzz.world import Side, World
from tests.helpers import signed_in_just_now

Kwargs = Callable[[Side], dict[str, Any]]
Forms = Callable[[Side], list[Any]]
RawKeys = Callable[[World], dict[str, RawKey]]


def _none(_: Any) -> dict[str, Any]:
    return {}


def _no_forms(_: Side) -> list[Any]:
    return []


@dataclass(frozen=True)
class Endpoint:
    name: str
    user: str | None  # an attribute of Side; None posts anonymously
    kwargs: Kwargs = _none
    forms: Forms = _no_forms
    raw_keys: RawKeys = _none
    htmx: bool = False  # the view answers htmx with a partial: post both ways
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label or self.user or 'anonymous'}]"


def slug(side: Side) -> dict[str, Any]:
    return {"slug": side.program.slug}


def organization_slug(side: Side) -> dict[str, Any]:
    return {"slug": side.program.organization.slug}


def on(attribute: str, key: str = "pk", *, with_slug: bool = False) -> Kwargs:
    """URL arguments: the primary key of ``side.<attribute>`` (and the program's slug)."""

    def kwargs(side: Side) -> dict[str, Any]:
        found = {key: getattr(side, attribute).pk}
        return {**slug(side), **found} if with_slug else found

    return kwargs


def ids(*values: Any) -> list[str]:
    return [str(v) for v in values]


def _iso(days: float, *, offset: str = "+00:00") -> str:
    moment = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + offset


STRANGE_SLOTS = [
    _iso(4, offset="+05:30"),
    _iso(5, offset=""),  # no offset: refused
    _iso(-3),  # in the past
    _iso(3000),
    "2026-02-30T10:00:00+00:00",
    "2026-03-29T02:30:00+01:00",  # inside Berlin's spring-forward gap
    "2026-01-01T10:00:00+24:00",
    "2026-01-01T10:00:00-23:59",
    "9999-12-31T23:59:59+00:00",
    "9999-12-31T12:00:00+00:00",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-05:00",
    "2026-01-01T10:00:00Z",
]


def _slot_keys(world: World) -> dict[str, RawKey]:
    """A start from the free slots the picker offers (as its radio buttons send it), or not."""
    free = slots_for(mentorship=world.home.mentorship, minutes=30)
    return {"slot": raw(*(start.isoformat() for start in free[:5]), hostile=STRANGE_SLOTS)}


def _circle_slot_keys(world: World) -> dict[str, RawKey]:
    """A start the circle's mentor is offered (their free times), or not."""
    free = circle_slots_for(circle=world.home.circle, minutes=60)
    return {"slot": raw(*(start.isoformat() for start in free[:5]), hostile=STRANGE_SLOTS)}


def _seen_keys(world: World) -> dict[str, RawKey]:
    """How far the page says its reader has read: a message of the conversation, or not."""
    mine = Message.objects.filter(conversation=world.home.message.conversation_id)
    return {
        "up_to": raw(
            *ids(*mine.values_list("pk", flat=True)),
            hostile=[*ids(world.away.message.pk, world.home.circle_message.pk), "0", "-1", "1e3"],
        )
    }


def _block_keys(world: World) -> dict[str, RawKey]:
    """What the mute-or-block form's buttons send, or not."""
    return {"action": raw("mute", "block", "unblock", hostile=["", "MUTE", "delete", "report"])}


# A reply as a mail provider posts it (SendGrid's raw mode: the whole mail in ``email``).
INBOUND_MAIL = (
    "From: someone@example.org\r\nTo: reply+abc@in.example.org\r\nSubject: Re: hi\r\n"
    "Message-ID: <fuzz@example.org>\r\n\r\nSee you Tuesday.\r\n"
)


def _inbound_keys(world: World) -> dict[str, RawKey]:
    return {
        "email": raw(
            INBOUND_MAIL,
            hostile=["", "From: \r\n\r\n", INBOUND_MAIL.replace("\r\n", "\n"), "x" * 5000],
        )
    }


def _report_forms(side: Side) -> list[Any]:
    return [
        ReportStatusForm(prefix="status"),
        ReportNoteForm(prefix="note"),
        ReportWarnForm(prefix="warn"),
        ReportEndForm(prefix="end"),
        ReportEndForm(),
    ]


def _admin_mentorship_forms(side: Side) -> list[Any]:
    return [
        AdminPauseForm(prefix="pause"),
        AdminResumeForm(prefix="resume"),
        AdminEndForm(prefix="end"),
        ReassignForm(prefix="reassign", mentors=reassign_mentors_for(mentorship=side.mentorship)),
    ]


def _profile_forms(side: Side, user: str) -> list[Any]:
    person = getattr(side, f"{user}_p")
    found: list[Any] = [DetailsForm(instance=getattr(side, user))]
    if user == "mentor":
        availability = Availability.objects.get(participant=person)
        found += [
            MentorOfferForm(instance=person.mentor_profile, program=side.program),
            MentorBoundariesForm(instance=person.mentor_profile, program=side.program),
            AvailabilityForm(instance=availability),
            ContactWindowFormSet(instance=availability, prefix="windows"),
        ]
    else:
        found.append(MenteeProfileForm(instance=person.mentee_profile))
    return found


def _mentee_profile_keys(world: World) -> dict[str, RawKey]:
    """Which section of the profile page is saved."""
    return {"section": raw("details", "mentee", hostile=("offer", "windows", "nonsense"))}


def _windows_keys(world: World) -> dict[str, RawKey]:
    """The section saved, and the formset's management form: new rows only (plausible), or
    counts that lie."""
    lies = ["5", "7", "43", "1001", "-1", "9" * 30, ""]
    return {
        "section": raw("details", "offer", "boundaries", "windows", hostile=("mentee", "")),
        "windows-TOTAL_FORMS": raw("0", "1", "2", "3", hostile=lies),
        "windows-INITIAL_FORMS": raw("0", hostile=lies),
        "windows-MIN_NUM_FORMS": raw("0", hostile=lies),
        "windows-MAX_NUM_FORMS": raw("42", hostile=lies),
    }


def _preferences_form(side: Side) -> list[Any]:
    return [PreferencesForm(preferences=preferences_of(side.mentee))]


# Views that dispatch on a posted "action": one row per action, so that each gets its share.
TOPIC_ACTIONS = ["create", "rename", "delete"]
IDENTITY_ACTIONS = ["token", "mapping", "revoke", "unmap", "leave", "return", "sso"]


def _identity_forms(side: Side) -> list[Any]:
    return [
        ScimTokenForm(prefix="token"),
        GroupMappingForm(prefix="mapping", organization=side.program.organization),
        SsoProviderForm(prefix="sso"),
    ]


def _identity_keys(action: str) -> RawKeys:
    """The identity page's hidden fields: the action, and the token, mapping or person it acts
    on (the other organization's, the admin themself, who left already or never did)."""

    def keys(world: World) -> dict[str, RawKey]:
        home, away = world.home, world.away
        people = (
            ids(home.leaver.pk) if action == "return" else ids(home.mentee3.pk, home.mentor2.pk)
        )
        return {
            "action": raw(action, hostile=[*IDENTITY_ACTIONS, "", "TOKEN", "delete", "left"]),
            "token": raw(str(home.scim_token.pk), hostile=ids(away.scim_token.pk)),
            "mapping": raw(str(home.mapping.pk), hostile=ids(away.mapping.pk)),
            "person": raw(
                *people,
                hostile=ids(
                    home.admin.pk,
                    home.leaver.pk,
                    home.mentee.pk,
                    home.scim_user.user_id,
                    away.mentee.pk,
                    away.leaver.pk,
                ),
            ),
        }

    return keys


def _export(side: Side) -> dict[str, Any]:
    """The side's mentee's data export (one asked for, if they have none yet)."""
    export = DataExport.objects.filter(user=side.mentee).first()
    if export is None:
        export = DataExport.objects.create(user=side.mentee)
    return {"pk": export.pk}


def _reauthenticated(attribute: str) -> RawKeys:
    """No raw key: the session ``submit`` posts with for ``world.home.<attribute>`` is made
    here, as one that has just re-authenticated (allauth's reauthentication_required asks for
    it, for five minutes), so that the examples reach the form behind it. Read when the test's
    strategy is built, after the test's sessions were emptied (conftest.py)."""

    def keys(world: World) -> dict[str, RawKey]:
        user = getattr(world.home, attribute)
        client = Client()
        signed_in_just_now(client, user)
        SESSIONS[user.pk] = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {}

    return keys


MENTORSHIP_ACTIONS = ["pause", "resume", "end", "reassign"]
REPORT_ACTIONS = ["status", "note", "warn", "end", "resolve", "pause_requests", "resume_requests"]

ENDPOINTS: list[Endpoint] = [
    # programs ---------------------------------------------------------------------------------
    Endpoint(
        "programs:create",
        "admin",
        forms=lambda s: [
            ProgramCreateForm(
                organizations=Organization.objects.filter(pk=s.program.organization_id)
            )
        ],
    ),
    Endpoint(
        "programs:invitation",
        "mentee3",
        kwargs=lambda s: {"token": invitation_token(s.invitation)},
        label="signed in, not the invitee",
    ),
    Endpoint(
        "programs:invitation",
        None,
        kwargs=lambda s: {"token": invitation_token(s.invitation)},
    ),
    Endpoint("programs:apply", "mentee3", kwargs=slug, forms=lambda s: [ApplyForm()]),
    Endpoint(
        "programs:settings",
        "admin",
        kwargs=slug,
        forms=lambda s: [ProgramForm(instance=s.program)],
    ),
    Endpoint("programs:invite", "admin", kwargs=slug, forms=lambda s: [InvitationForm()]),
    # Read-only: every POST is refused, whatever it carries (the organization's page writes).
    Endpoint(
        "programs:topics",
        "admin",
        kwargs=slug,
        forms=lambda s: [TopicForm()],
        raw_keys=lambda w: {
            "action": raw(*TOPIC_ACTIONS),
            "topic": raw(str(w.home.topic.pk), hostile=ids(w.away.topic.pk)),
        },
    ),
    Endpoint("programs:announcements", "admin", kwargs=slug, forms=lambda s: [AnnouncementForm()]),
    Endpoint("programs:enrollment", "admin", kwargs=slug, forms=lambda s: [EnrollmentForm()]),
    Endpoint("programs:approve", "admin", kwargs=on("applicant_p", with_slug=True)),
    Endpoint(
        "programs:decline",
        "admin",
        kwargs=on("applicant_p", with_slug=True),
        forms=lambda s: [ApplicationDeclineForm()],
    ),
    Endpoint("programs:withdraw", "admin", kwargs=on("mentor2_p", with_slug=True)),
    Endpoint("programs:revoke", "admin", kwargs=on("invitation", with_slug=True)),
    Endpoint("programs:resend", "admin", kwargs=on("invitation", with_slug=True)),
    # organizations ----------------------------------------------------------------------------
    *(
        Endpoint(
            "organizations:topics",
            "admin",  # the home program's admin is also its organization's admin
            kwargs=organization_slug,
            forms=lambda s: [TopicForm()],
            raw_keys=lambda w, action=action: {
                "action": raw(action, hostile=TOPIC_ACTIONS),
                "topic": raw(str(w.home.topic.pk), hostile=ids(w.away.topic.pk)),
            },
            label=action,
        )
        for action in TOPIC_ACTIONS
    ),
    # identity: the organization admins' page (the SCIM endpoint: test_urls.py) -------------
    *(
        Endpoint(
            "identity:page",
            "admin",  # the home program's admin is also its organization's admin
            kwargs=organization_slug,
            forms=_identity_forms,
            raw_keys=_identity_keys(action),
            label=action,
        )
        for action in IDENTITY_ACTIONS
    ),
    # goals ------------------------------------------------------------------------------------
    Endpoint("goals:start", "mentee", forms=lambda s: [GuidedStartForm(programs=[s.program])]),
    Endpoint(
        "goals:create",
        "mentee",
        forms=lambda s: [GoalForm(program=s.program)],
        raw_keys=lambda w: {"program": raw(w.home.program.slug, hostile=[w.away.program.slug])},
    ),
    Endpoint(
        "goals:reorder",
        "mentee",
        kwargs=slug,
        raw_keys=lambda w: {
            "order": raw(
                f"{w.home.draft_goal.pk},{w.home.goal.pk}",
                f"{w.home.goal.pk},{w.home.draft_goal.pk}",
                hostile=[
                    f"{w.home.goal.pk},{w.away.goal.pk}",
                    f"{w.home.goal.pk},{w.home.goal.pk}",
                    f"{w.home.goal.pk},{'9' * 30}",
                    ",,,",
                    f"-{w.home.goal.pk}",
                ],
            )
        },
        htmx=True,
    ),
    Endpoint(
        "goals:edit",
        "mentee",
        kwargs=on("goal"),
        forms=lambda s: [GoalForm(instance=s.goal, program=s.program)],
    ),
    Endpoint(
        "goals:move",
        "mentee",
        kwargs=on("goal"),
        raw_keys=lambda w: {"direction": raw("up", "down")},
        htmx=True,
    ),
    Endpoint(
        "goals:status",
        "mentee",
        kwargs=on("draft_goal"),
        raw_keys=lambda w: {
            "status": raw("active", "achieved", "dropped", "draft", "paused"),
            "next": raw("list"),
        },
    ),
    Endpoint(
        "goals:step_add", "mentee", kwargs=on("goal"), forms=lambda s: [StepForm()], htmx=True
    ),
    Endpoint("goals:progress_add", "mentee", kwargs=on("goal"), forms=lambda s: [ProgressForm()]),
    Endpoint("goals:step_toggle", "mentee", kwargs=on("step"), htmx=True),
    Endpoint("goals:step_delete", "mentee", kwargs=on("step"), htmx=True),
    # matching: requests and mentorships -------------------------------------------------------
    Endpoint(
        "matching:goal_sharing",
        "mentee",
        kwargs=on("goal"),
        forms=lambda s: [GoalSharingForm(mentors=[s.mentor, s.mentor2])],
        raw_keys=lambda w: {"all": raw("1", "on")},
    ),
    Endpoint(
        "matching:request_new",
        "mentee",
        kwargs=on("mentor2_p", with_slug=True),
        forms=lambda s: [
            RequestForm(
                goals=s.goal.owner.goals.all(),
                topics=s.program.organization.topics.all(),
            )
        ],
    ),
    Endpoint("matching:request_accept", "mentor", kwargs=on("request")),
    Endpoint(
        "matching:request_ask", "mentor", kwargs=on("request"), forms=lambda s: [AskInfoForm()]
    ),
    Endpoint(
        "matching:request_answer",
        "mentee2",
        kwargs=on("request"),
        forms=lambda s: [RequestAnswerForm()],
    ),
    Endpoint(
        "matching:request_decline",
        "mentor",
        kwargs=on("request"),
        forms=lambda s: [DeclineForm()],
    ),
    Endpoint(
        "matching:request_redirect",
        "mentor",
        kwargs=on("request"),
        forms=lambda s: [RedirectForm(mentors=Participant.objects.filter(pk=s.mentor2_p.pk))],
    ),
    Endpoint("matching:request_follow", "mentee2", kwargs=on("request")),
    Endpoint("matching:request_withdraw", "mentee2", kwargs=on("request")),
    Endpoint(
        "matching:request_report", "mentee2", kwargs=on("request"), forms=lambda s: [ReportForm()]
    ),
    Endpoint("matching:mentorship_pause", "mentee", kwargs=on("mentorship")),
    Endpoint("matching:mentorship_resume", "mentee", kwargs=on("mentorship")),
    Endpoint(
        "matching:mentorship_close",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [CloseForm()],
    ),
    Endpoint(
        "matching:mentorship_reflect",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [ReflectionForm()],
    ),
    Endpoint(
        "matching:mentorship_report",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [ReportForm()],
    ),
    # matching: the program admins' pages ------------------------------------------------------
    *(
        Endpoint(
            "matching:admin_mentorship",
            "admin",
            kwargs=on("mentorship", with_slug=True),
            forms=_admin_mentorship_forms,
            raw_keys=lambda w, action=action: {"action": raw(action, hostile=MENTORSHIP_ACTIONS)},
            label=action,
        )
        for action in MENTORSHIP_ACTIONS
    ),
    *(
        Endpoint(
            "matching:report_action",
            "admin",
            kwargs=on("report", with_slug=True),
            forms=_report_forms,
            raw_keys=lambda w, action=action: {"action": raw(action, hostile=REPORT_ACTIONS)},
            label=action,
        )
        for action in REPORT_ACTIONS
    ),
    # matching: profiles ------------------------------------------------------------------------
    Endpoint(
        "matching:profile",
        "mentor",
        kwargs=slug,
        forms=lambda s: _profile_forms(s, "mentor"),
        raw_keys=_windows_keys,
    ),
    Endpoint(
        "matching:profile",
        "mentee",
        kwargs=slug,
        forms=lambda s: _profile_forms(s, "mentee"),
        raw_keys=_mentee_profile_keys,
    ),
    # meetings: working together ---------------------------------------------------------------
    Endpoint(
        "meetings:agenda_add",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [AgendaForm()],
        htmx=True,
    ),
    Endpoint("meetings:agenda_delete", "mentee", kwargs=on("agenda_item"), htmx=True),
    Endpoint(
        "meetings:meeting_place",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [PlaceForm()],
        htmx=True,
    ),
    Endpoint(
        "meetings:shared_notes_save",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [SharedNotesForm()],
        raw_keys=lambda w: {
            "base": raw(notes_digest(w.home.meeting.shared_notes), hostile=["0" * 16, "x" * 5000])
        },
        htmx=True,
    ),
    Endpoint(
        "meetings:private_note_save",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [PrivateNoteForm()],
        htmx=True,
    ),
    Endpoint(
        "meetings:action_item_add",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [ActionItemForm(mentorship=s.mentorship)],
        raw_keys=lambda w: {
            "owner": raw(*ids(w.home.mentee.pk, w.home.mentor.pk), hostile=ids(w.away.mentee.pk))
        },
        htmx=True,
    ),
    Endpoint("meetings:action_item_toggle", "mentee", kwargs=on("action_item"), htmx=True),
    Endpoint(
        "meetings:feedback_add",
        "mentee",
        kwargs=on("held_meeting"),
        forms=lambda s: [FeedbackForm()],
        htmx=True,
    ),
    Endpoint(
        "meetings:agreement",
        "mentor",
        kwargs=on("mentorship"),
        forms=lambda s: [AgreementForm()],
    ),
    Endpoint(
        "meetings:agreement_confirm",
        "mentor",
        kwargs=on("mentorship"),
        raw_keys=lambda w: {"version": raw("2", hostile=["1", "3", "65536"])},
    ),
    Endpoint(
        "meetings:advice_add",
        "mentor",
        kwargs=on("mentorship"),
        forms=lambda s: [AdviceForm()],
        raw_keys=lambda w: {
            "meeting": raw(
                "", *ids(w.home.meeting.pk, w.home.held_meeting.pk), hostile=ids(w.away.meeting.pk)
            )
        },
        htmx=True,
    ),
    Endpoint(
        "meetings:advice_report",
        "mentee",
        kwargs=on("advice"),
        forms=lambda s: [ReportBackForm(instance=s.advice)],
    ),
    Endpoint(
        "meetings:appreciation_add",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [AppreciationForm(mentorship=s.mentorship)],
    ),
    # meetings: scheduling ---------------------------------------------------------------------
    Endpoint(
        "meetings:meeting_propose",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [SlotForm(zone=s.mentee.time_zone)],
        raw_keys=_slot_keys,
    ),
    Endpoint(
        "meetings:meeting_reschedule",
        "mentee",
        kwargs=on("meeting"),
        forms=lambda s: [SlotForm(zone=s.mentee.time_zone)],
        raw_keys=_slot_keys,
    ),
    Endpoint("meetings:meeting_confirm", "mentor", kwargs=on("proposed_meeting")),
    Endpoint("meetings:meeting_cancel", "mentee", kwargs=on("meeting")),
    Endpoint("meetings:meeting_held", "mentor", kwargs=on("begun_meeting")),
    Endpoint("meetings:calendar_regenerate", "mentee"),
    Endpoint("api:tokens", "mentee", forms=lambda s: [TokenForm()]),
    # The home program's admin is also its organization's admin; an address that does not
    # resolve, or a private one in production, is refused next to the field.
    Endpoint("api:webhooks", "admin", kwargs=organization_slug, forms=lambda s: [WebhookForm()]),
    Endpoint(
        "api:integrations", "admin", kwargs=organization_slug, forms=lambda s: [IntegrationForm()]
    ),
    Endpoint("meetings:calendar_sync", "mentee"),  # none connected: 404, whatever is posted
    Endpoint("meetings:calendar_disconnect", "mentee"),
    # meetings: circles (the side's group program) -------------------------------------------
    Endpoint(
        "meetings:circle",
        "mentor",
        kwargs=on("circle"),
        forms=lambda s: [CircleNormsForm()],
        label="its mentor",
    ),
    # A member may not set the norms: every POST is refused, whatever it carries.
    Endpoint(
        "meetings:circle",
        "mentee",
        kwargs=on("circle"),
        forms=lambda s: [CircleNormsForm()],
        label="a member",
    ),
    Endpoint(
        "meetings:circle_meeting_new",
        "mentor",
        kwargs=on("circle"),
        forms=lambda s: [SlotForm(zone=s.mentor.time_zone)],
        raw_keys=_circle_slot_keys,
        label="its mentor",
    ),
    Endpoint(
        "meetings:circle_meeting_new",
        "mentee",
        kwargs=on("circle"),
        forms=lambda s: [SlotForm(zone=s.mentee.time_zone)],
        raw_keys=_circle_slot_keys,
        label="a member",
    ),
    Endpoint(
        "meetings:meeting_reschedule",
        "mentor",
        kwargs=on("circle_meeting"),
        forms=lambda s: [SlotForm(zone=s.mentor.time_zone)],
        raw_keys=_circle_slot_keys,
        label="a circle's, by its mentor",
    ),
    Endpoint(
        "meetings:meeting_cancel",
        "mentee",
        kwargs=on("circle_meeting"),
        label="a circle's, by a member",
    ),
    Endpoint(
        "meetings:meeting_place",
        "mentee",
        kwargs=on("circle_meeting"),
        forms=lambda s: [PlaceForm()],
        htmx=True,
        label="a circle's, by a member",
    ),
    Endpoint(
        "meetings:agenda_add",
        "mentee",
        kwargs=on("circle_meeting"),
        forms=lambda s: [AgendaForm()],
        htmx=True,
        label="a circle's, by a member",
    ),
    # conversations: the pair's, and the circle's through the mentee's membership ------------
    Endpoint(
        "conversations:conversation",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [MessageForm()],
        htmx=True,
    ),
    Endpoint(
        "conversations:conversation",
        "mentor",
        kwargs=on("circle_membership"),
        forms=lambda s: [MessageForm()],
        htmx=True,
        label="a circle's, by its mentor",
    ),
    Endpoint("conversations:seen", "mentee", kwargs=on("mentorship"), raw_keys=_seen_keys),
    Endpoint(
        "conversations:message_edit",
        "mentee",
        kwargs=on("message"),
        forms=lambda s: [MessageForm()],
    ),
    # Not its author: 403 to every POST, whatever it carries.
    Endpoint(
        "conversations:message_edit",
        "mentor",
        kwargs=on("message"),
        forms=lambda s: [MessageForm()],
        label="not its author",
    ),
    Endpoint(
        "conversations:message_edit",
        "mentee",
        kwargs=on("circle_message"),
        forms=lambda s: [MessageForm()],
        label="a circle's, by its author",
    ),
    Endpoint("conversations:message_delete", "mentee", kwargs=on("message")),
    Endpoint(
        "conversations:message_delete", "mentor", kwargs=on("message"), label="not its author"
    ),
    Endpoint(
        "conversations:message_delete",
        "mentee",
        kwargs=on("circle_message"),
        label="a circle's, by its author",
    ),
    # Reporting the mentee's message: by the mentor (filed), by its author (refused on the
    # page), and in the circle by its mentor.
    Endpoint(
        "conversations:message_report",
        "mentor",
        kwargs=on("message"),
        forms=lambda s: [MessageReportForm()],
        label="not its author",
    ),
    Endpoint(
        "conversations:message_report",
        "mentee",
        kwargs=on("message"),
        forms=lambda s: [MessageReportForm()],
        label="its author",
    ),
    Endpoint(
        "conversations:message_report",
        "mentor",
        kwargs=on("circle_message"),
        forms=lambda s: [MessageReportForm()],
        label="a circle's, by its mentor",
    ),
    # Muting, blocking (with a reason) and lifting the other of the pair; in a circle, refused.
    Endpoint(
        "conversations:block",
        "mentee",
        kwargs=on("mentorship"),
        forms=lambda s: [BlockForm()],
        raw_keys=_block_keys,
    ),
    Endpoint(
        "conversations:block",
        "mentor",
        kwargs=on("circle_membership"),
        forms=lambda s: [BlockForm()],
        raw_keys=_block_keys,
        label="a circle's, by its mentor",
    ),
    # meetings: check-ins ----------------------------------------------------------------------
    Endpoint(
        "meetings:checkin",
        "mentee",
        kwargs=on("checkin"),
        forms=lambda s: [CheckInForm(goals=checkin_goals(checkin=s.checkin))],
    ),
    Endpoint("meetings:checkin_skip", "mentee", kwargs=on("checkin")),
    Endpoint("meetings:program_close", "admin", kwargs=slug, forms=lambda s: [ProgramCloseForm()]),
    # matching: matching rounds ----------------------------------------------------------------
    Endpoint(
        "matching:rounds",
        "admin",
        kwargs=slug,
        forms=lambda s: [RoundCreateForm(mentees=unmatched_mentees(s.program))],
    ),
    Endpoint(
        "matching:round_run",
        "admin",
        kwargs=on("matching_round", with_slug=True),
        forms=lambda s: [RoundSettingsForm()],
    ),
    Endpoint(
        "matching:round_preferences",
        "mentee3",
        kwargs=on("stable_round", with_slug=True),
        raw_keys=lambda w: {
            # Plausible: the two mentors first and second, the other places left empty.
            f"choice_{n}": raw(
                *(ids(w.home.mentor_p.pk, w.home.mentor2_p.pk)[n - 1 : n] or [""]),
                hostile=ids(
                    w.home.mentor_p.pk, w.home.mentor2_p.pk, w.away.mentor_p.pk, w.home.mentee_p.pk
                ),
            )
            for n in range(1, 7)
        },
    ),
    Endpoint(
        "matching:round_preferences",
        "mentor",
        kwargs=on("stable_round", with_slug=True),
        raw_keys=lambda w: {
            f"place_{w.home.mentee3_p.pk}": raw("1", "2", ""),
            f"place_{w.away.mentee3_p.pk}": raw("1"),
        },
    ),
    Endpoint("matching:round_publish", "admin", kwargs=on("matching_round", with_slug=True)),
    Endpoint("matching:round_discard", "admin", kwargs=on("matching_round", with_slug=True)),
    *(
        Endpoint(
            f"matching:proposal_{what}",
            "admin",
            kwargs=lambda s: {
                **slug(s),
                "pk": s.matching_round.pk,
                "proposal_id": s.proposal.pk,
            },
            raw_keys=(
                (
                    lambda w: {
                        "mentor": raw(
                            *ids(w.home.mentor_p.pk, w.home.mentor2_p.pk),
                            hostile=ids(w.away.mentor_p.pk),
                        )
                    }
                )
                if what == "swap"
                else _none
            ),
        )
        for what in ("swap", "pin", "unpin", "block")
    ),
    # reports ----------------------------------------------------------------------------------
    Endpoint(
        "reports:nudge",
        "admin",
        kwargs=on("mentorship", with_slug=True),
        raw_keys=lambda w: {
            "back": raw(
                "?health=stalled",
                "?page=2",
                hostile=["//evil.example/", "?next=//evil", "javascript:alert(1)", "?\r\nX: y"],
            )
        },
    ),
    # notifications ----------------------------------------------------------------------------
    Endpoint(
        "notifications:read",
        "mentee",
        kwargs=on("notification"),
        raw_keys=lambda w: {"follow": raw("1")},
        htmx=True,
    ),
    Endpoint("notifications:read_all", "mentee"),
    Endpoint("notifications:preferences", "mentee", forms=_preferences_form),
    Endpoint(
        "notifications:unsubscribe",
        None,
        kwargs=lambda s: {"token": unsubscribe_token(s.mentee, "check_in")},
    ),
    # The mail webhook, without its secret (unset here): 403, whatever the mail.
    Endpoint("notifications:inbound_email", None, raw_keys=_inbound_keys),
    # accounts ---------------------------------------------------------------------------------
    Endpoint(
        "accounts:profile",
        "mentee",
        forms=lambda s: [ProfileForm(instance=s.mentee)],
    ),
    # privacy ----------------------------------------------------------------------------------
    # Read-only (GET, HEAD): every POST is refused (405), whatever it carries.
    Endpoint("privacy:settings", "mentee"),
    Endpoint("privacy:download", "mentee", kwargs=_export),
    Endpoint("privacy:export", "mentee"),  # one a day: each example's is rolled back
    # Without a recent sign-in: sent to re-authenticate, whatever is posted.
    Endpoint("privacy:delete", "mentee", forms=lambda s: [DeleteForm()], label="signed in"),
    # Just re-authenticated: the form itself (mentee3 has no file, whose deletion a savepoint
    # would not undo).
    Endpoint(
        "privacy:delete",
        "mentee3",
        forms=lambda s: [DeleteForm()],
        raw_keys=_reauthenticated("mentee3"),
        label="just re-authenticated",
    ),
    # The home program's admin deletes mentee3's data (of the home organization only).
    Endpoint(
        "privacy:participant_delete",
        "admin",
        kwargs=on("mentee3_p", with_slug=True),
        forms=lambda s: [DeleteForm()],
        raw_keys=_reauthenticated("admin"),
    ),
    # The home program's admin is also its organization's admin: "save" saves the rule; without
    # it, the form counts whom the rule would delete.
    Endpoint(
        "privacy:retention",
        "admin",
        kwargs=organization_slug,
        forms=lambda s: [RetentionForm()],
        raw_keys=lambda w: {"save": raw("1", "", hostile=["0", "no"])},
    ),
]


def _password(world: World) -> RawKey:
    return raw(TEST_PASSWORD, "wrong password", "x", "a" * 5000)


def _email(world: World) -> RawKey:
    return raw(world.home.mentee.email, world.home.mentee.email.upper(), "new.person@example.org")


ALLAUTH: list[Endpoint] = [
    Endpoint(
        "account_login",
        None,
        raw_keys=lambda w: {"login": _email(w), "password": _password(w), "remember": raw("on")},
    ),
    Endpoint(
        "account_signup",
        None,
        raw_keys=lambda w: {
            "email": _email(w),
            "full_name": raw("New Person"),
            "time_zone": raw("Europe/Berlin", hostile=["Mars/Olympus_Mons", "posix/Europe/Berlin"]),
            "password1": raw("a long enough passphrase 1"),
            "password2": raw("a long enough passphrase 1"),
        },
    ),
    Endpoint("account_reset_password", None, raw_keys=lambda w: {"email": _email(w)}),
    Endpoint(
        "account_change_password",
        "mentee",
        raw_keys=lambda w: {
            "oldpassword": _password(w),
            "password1": raw("a long enough passphrase 1"),
            "password2": raw("a long enough passphrase 1"),
        },
    ),
    Endpoint(
        "account_email",
        "mentee",
        raw_keys=lambda w: {
            "email": _email(w),
            "action_add": raw("1"),
            "action_remove": raw("", hostile=["1"]),
            "action_primary": raw("", hostile=["1"]),
            "action_send": raw("", hostile=["1"]),
        },
    ),
    Endpoint("account_reauthenticate", "mentee", raw_keys=lambda w: {"password": _password(w)}),
    Endpoint(
        "account_request_reauthentication_code", "mentee", raw_keys=lambda w: {"email": _email(w)}
    ),
    Endpoint(
        "account_confirm_reauthentication_code",
        "mentee",
        raw_keys=lambda w: {"code": raw("123456")},
    ),
    Endpoint(
        "account_set_password",
        "mentee",
        raw_keys=lambda w: {"password1": _password(w), "password2": _password(w)},
    ),
    Endpoint("account_logout", "mentee"),
    Endpoint("account_confirm_login_code", None, raw_keys=lambda w: {"code": raw("123456")}),
    Endpoint(
        "account_confirm_email",
        None,
        kwargs=lambda s: {"key": "MQ:1tGxyz:abcdef"},
    ),
    Endpoint(
        "account_reset_password_from_key",
        None,
        kwargs=lambda s: {"uidb36": "1", "key": "set-password"},
        raw_keys=lambda w: {"password1": _password(w), "password2": _password(w)},
    ),
    Endpoint("mfa_activate_totp", "mentee", raw_keys=lambda w: {"code": raw("123456", "000000")}),
    Endpoint("mfa_deactivate_totp", "mentee"),
    Endpoint("mfa_generate_recovery_codes", "mentee"),
    Endpoint("mfa_authenticate", None, raw_keys=lambda w: {"code": raw("123456")}),
    Endpoint("mfa_reauthenticate", "mentee", raw_keys=lambda w: {"code": raw("123456")}),
]


def url_variants(endpoint: Endpoint, world: World) -> SearchStrategy[tuple[dict[str, Any], bool]]:
    """The URL's own arguments two times in three; else one of them pointing at another
    program's object or at nothing (the flag: must be refused), or, for a signed token, junk."""
    own = endpoint.kwargs(world.home)
    away = endpoint.kwargs(world.away)
    others: list[tuple[dict[str, Any], bool]] = []
    for key, value in own.items():
        if isinstance(value, int) or key == "slug":
            others.append(({**own, key: away[key]}, True))
        if isinstance(value, int):
            others += [({**own, key: 0}, True), ({**own, key: 10**30}, True)]
    mine = st.just((own, False))
    strange: list[SearchStrategy[tuple[dict[str, Any], bool]]] = []
    if others:
        strange.append(st.sampled_from(others))
    if "token" in own:
        strange.append(nasty_text().filter(bool).map(lambda t: ({**own, "token": t}, False)))
    if not strange:
        return mine
    return st.one_of(mine, mine, *strange)


def url_for(name: str, kwargs: dict[str, Any]) -> str:
    if "token" in kwargs:
        # Any text may arrive in the address: quote it so that it reaches the view whole.
        token = kwargs["token"]
        base = reverse(name, kwargs={**kwargs, "token": "TOKEN"})
        return base.replace("TOKEN", quote(token, safe=""))
    return reverse(name, kwargs=kwargs)
