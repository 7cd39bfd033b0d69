"""The personal-data registry: every field of every model, classified in one place.

For each model: which rows are about a person (``export``: lookups from the model to the User;
``finders``: for ties that are not a foreign key, such as an address typed into an invitation),
which rows the person's deletion acts on (``own``, the export's rows unless given), whether
deletion removes those rows or changes their fields, and for every field:

- whether it goes into the person's export (``x``: yes; nothing: no), and
- what deletion does to it: ``erase`` (emptied, or the row deleted), ``anonymise`` (replaced by
  "a former participant" or an address that leads nowhere), or ``keep``.

Fields are listed by name in the six groups ``x`` (export, keep), ``xe`` (export, erase),
``xa`` (export, anonymise), ``k`` (keep), ``e`` (erase), ``a`` (anonymise). A model with no
personal data at all is listed in ``NOT_PERSONAL`` with why. tests/privacy/test_registry.py fails
when any field of any installed model is in neither, so a new field cannot be forgotten.

The README's "Personal data and retention" section is this file in words: keep them together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

EXPORT = "export"
ERASE = "erase"
ANONYMISE = "anonymise"
KEEP = "keep"

# What an anonymised name reads; the pages show it translated (User.get_full_name).
FORMER_PARTICIPANT = "a former participant"


def former_address(user_id: int) -> str:
    """An address that is unique, says what it is, and can never be delivered (RFC 2606)."""
    return f"former-{user_id}@deleted.invalid"


@dataclass(frozen=True)
class Rule:
    export: bool
    on_delete: str


@dataclass(frozen=True)
class Entry:
    """One model's classification. ``why``: the reason rows are kept, for the README."""

    label: str
    x: str = ""
    xe: str = ""
    xa: str = ""
    k: str = ""
    e: str = ""
    a: str = ""
    export: tuple[str, ...] = ()
    own: tuple[str, ...] | None = None
    finders: tuple[Callable[[Any], Q], ...] = ()
    delete_rows: bool = False
    why: str = ""
    rules: dict[str, Rule] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rules: dict[str, Rule] = {}
        for names, rule in (
            (self.x, Rule(True, KEEP)),
            (self.xe, Rule(True, ERASE)),
            (self.xa, Rule(True, ANONYMISE)),
            (self.k, Rule(False, KEEP)),
            (self.e, Rule(False, ERASE)),
            (self.a, Rule(False, ANONYMISE)),
        ):
            for name in names.split():
                if name in rules:
                    raise ValueError(f"{self.label}.{name} is classified twice")
                rules[name] = rule
        object.__setattr__(self, "rules", rules)

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def exported(self) -> list[str]:
        return [name for name, rule in self.rules.items() if rule.export]

    def _rows(self, lookups: Iterable[str], user: Any) -> QuerySet[Any]:
        """The rows tied to ``user`` through ``lookups`` or the finders, each once."""
        ties = [Q(**{lookup: user.pk}) for lookup in lookups]
        ties += [finder(user) for finder in self.finders]
        manager = self.model._default_manager
        if not ties:
            return manager.none()
        q = ties[0]
        for tie in ties[1:]:
            q |= tie
        return manager.filter(pk__in=manager.filter(q).values("pk"))

    def rows_about(self, user: Any) -> QuerySet[Any]:
        """The rows that go into the person's export (each once)."""
        return self._rows(self.export, user).order_by("pk")

    def rows_owned(self, user: Any) -> QuerySet[Any]:
        """The rows the person's deletion erases, anonymises or deletes."""
        return self._rows(self.export if self.own is None else self.own, user)


def _email(field_name: str) -> Callable[[Any], Q]:
    return lambda user: Q(**{f"{field_name}__iexact": user.email})


_MEETING_PEOPLE = (
    "mentorship__mentor__user",
    "mentorship__mentee__user",
    "group__mentor__user",
    "group__memberships__mentee__user",
)
_PAIR = ("mentorship__mentor__user", "mentorship__mentee__user")


ENTRIES: tuple[Entry, ...] = (
    # --- accounts and sign-in -------------------------------------------------------------
    Entry(
        "accounts.User",
        x="id time_zone language date_joined is_active is_staff is_superuser",
        xa="email full_name",
        xe="department job_title languages photo notification_preferences last_login",
        e="password",
        k="groups user_permissions deleted_at",
        export=("pk",),
        why="The account row stays, named 'a former participant', so that what others keep "
        "(messages they received, meetings they held) still has an author.",
    ),
    Entry("accounts.User_groups", k="id user group", why="Operators' permission links."),
    Entry("accounts.User_user_permissions", k="id user permission", why="As above."),
    Entry(
        "account.EmailAddress",
        xe="email verified primary",
        e="id user",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "account.EmailConfirmation",
        e="id email_address created sent key",
        own=("email_address__user",),
        delete_rows=True,
    ),
    Entry(
        "mfa.Authenticator",
        xe="type created_at last_used_at",
        e="id user data",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "socialaccount.SocialAccount",
        xe="provider uid last_login date_joined extra_data",
        e="id user",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "socialaccount.SocialToken",
        e="id app account token token_secret expires_at",
        own=("account__user",),
        delete_rows=True,
    ),
    Entry(
        "sessions.Session",
        e="session_key session_data expire_date",
        finders=(lambda user: _sessions_of(user),),
        delete_rows=True,
    ),
    Entry(
        "admin.LogEntry",
        x="action_time object_repr action_flag change_message",
        k="id user content_type object_id",
        export=("user",),
        own=(),
        why="Operators' record of their own changes in /admin/.",
    ),
    Entry(
        "oauth2_provider.Application",
        k="id client_id user redirect_uris post_logout_redirect_uris client_type "
        "authorization_grant_type client_secret hash_client_secret name skip_authorization "
        "created updated algorithm allowed_origins registration_source cimd_expires_at",
        why="An organization's integrations belong to the organization.",
    ),
    *(
        Entry(label, e=names, own=("user",), delete_rows=True)
        for label, names in (
            (
                "oauth2_provider.Grant",
                "id user code application expires redirect_uri scope created updated "
                "code_challenge code_challenge_method nonce claims resource",
            ),
            (
                "oauth2_provider.AccessToken",
                "id user source_refresh_token token token_checksum id_token application "
                "expires scope resource created updated",
            ),
            (
                "oauth2_provider.RefreshToken",
                "id user token token_checksum application access_token token_family "
                "resource created updated revoked",
            ),
            (
                "oauth2_provider.IDToken",
                "id user jti application expires scope created updated",
            ),
            (
                "oauth2_provider.DeviceGrant",
                "id user device_code user_code scope interval expires status client_id "
                "last_checked",
            ),
        )
    ),
    Entry(
        "api.AccessToken",
        xe="name scopes created_at last_used_at revoked_at",
        e="id updated_at user key_hash prefix",
        export=("user",),
        delete_rows=True,
    ),
    # --- notifications ----------------------------------------------------------------------
    Entry(
        "notifications.Notification",
        xe="created_at kind title body link read_at",
        e="id updated_at recipient resolved_by",
        export=("recipient",),
        delete_rows=True,
    ),
    Entry(
        "notifications.Delivery",
        xe="kind title body due_at state sent_at",
        e="id created_at updated_at recipient webhook subject_key period_key link attempts "
        "last_error channels response_status response_body",
        export=("recipient",),
        delete_rows=True,
    ),
    Entry(
        "notifications.InboundMail",
        x="created_at outcome",
        xa="sender",
        k="id updated_at message_id",
        finders=(_email("sender"),),
        why="The message id keeps a resent email from being posted twice.",
    ),
    # --- programs ---------------------------------------------------------------------------
    Entry(
        "programs.OrganizationAdmin",
        xe="created_at organization",
        e="id updated_at user granted_by",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "programs.Participant",
        x="id created_at program role status joined_at withdrawn_at",
        k="updated_at user",
        export=("user",),
        why="Who took part, in which role, keeps the program's figures right.",
    ),
    Entry(
        "programs.Invitation",
        x="created_at program role status expires_at accepted_at",
        xa="email full_name",
        k="id updated_at nonce invited_by accepted_by",
        export=("accepted_by",),
        finders=(_email("email"),),
        why="How many were invited and joined is a program figure.",
    ),
    Entry(
        "programs.AuditEntry",
        x="created_at program organization action detail",
        xa="subject",
        k="id actor",
        export=("actor",),
        finders=(_email("subject"),),
        own=(),
        why="Admins' actions stay accountable; entries about the person lose their address.",
    ),
    Entry(
        "programs.Announcement",
        x="created_at program audience title body",
        k="id updated_at author recipient_count emailed_through emailed_count emailed_at",
        export=("author",),
        why="An announcement was written for the whole program and stays with it.",
    ),
    # --- goals ------------------------------------------------------------------------------
    Entry(
        "goals.Goal",
        x="id created_at horizon position target_date timeframe status progress achieved_at topics",
        xe="title why",
        k="updated_at owner",
        export=("owner__user",),
        why="How many goals were set and met is a program figure; what they said is erased.",
    ),
    Entry("goals.Goal_topics", k="id goal topic", why="Links a goal to a topic."),
    Entry(
        "goals.GoalStep",
        xe="created_at title due_on done_at",
        e="id updated_at goal",
        export=("goal__owner__user",),
        delete_rows=True,
    ),
    Entry(
        "goals.ProgressUpdate",
        x="created_at goal progress",
        xe="note",
        k="id updated_at author",
        export=("goal__owner__user", "author"),
    ),
    Entry(
        "goals.GoalShare",
        x="created_at goal mentor",
        k="id updated_at",
        export=("goal__owner__user",),
    ),
    # --- matching ---------------------------------------------------------------------------
    Entry(
        "matching.MentorProfile",
        x="created_at seniority years_experience advisor_roles capacity accepting_requests "
        "away_until formats preferred_frequency topics cannot_help_topics",
        xe="headline bio help_offered cannot_help_with communication",
        k="id updated_at participant paused_by_admins_at accepting_before_pause",
        export=("participant__user",),
    ),
    Entry("matching.MentorProfile_topics", k="id mentorprofile topic"),
    Entry("matching.MentorProfile_cannot_help_topics", k="id mentorprofile topic"),
    Entry(
        "matching.MenteeProfile",
        x="created_at formats working_hours_start working_hours_end hours_per_month seniority",
        xe="help_wanted note_to_mentors",
        k="id updated_at participant",
        export=("participant__user",),
    ),
    Entry(
        "matching.Availability",
        x="time_zone minimum_notice_hours cancellation_notice_hours",
        k="id created_at updated_at participant",
        export=("participant__user",),
    ),
    Entry(
        "matching.ContactWindow",
        x="weekday start_time end_time",
        k="id availability",
        export=("availability__participant__user",),
    ),
    Entry("matching.MentorshipGroup", k="id created_at updated_at program mentor number"),
    Entry(
        "matching.Mentorship",
        x="id created_at program status advisor_role single_session started_at ends_on "
        "closing_reason closed_at",
        k="updated_at mentor mentee group stalled_since",
        export=("mentor__user", "mentee__user"),
        why="Mentorships, their length and how they ended are the program's figures.",
    ),
    Entry(
        "matching.MentorshipRequest",
        x="id created_at program topic status advisor_role waiting_on decline_reason "
        "answered_at closed_at expires_at goals",
        xe="why_this_mentor first_step decline_note",
        k="updated_at mentee mentor redirected_to redirected_from mentorship",
        export=("mentee__user", "mentor__user"),
        own=("mentee__user",),
        why="How requests were answered is a program figure; the mentee's words are erased.",
    ),
    Entry("matching.MentorshipRequest_goals", k="id mentorshiprequest goal"),
    Entry(
        "matching.RequestMessage",
        x="created_at body",
        k="id request author",
        export=("request__mentee__user", "request__mentor__user"),
        own=(),
        why="Like messages, what was written to someone stays with them.",
    ),
    Entry(
        "matching.StateChange",
        x="created_at from_status to_status note",
        k="id request mentorship actor",
        export=("actor",),
        own=(),
    ),
    Entry(
        "matching.Reflection",
        x="created_at mentorship",
        xe="text",
        k="id updated_at author",
        export=("author",),
    ),
    Entry(
        "matching.Report",
        x="created_at kind text status",
        k="id updated_at program reporter request mentorship resolved_at",
        export=("reporter",),
        own=(),
        why="A safety report is the program's record of a concern and of what was done.",
    ),
    Entry("matching.ReportNote", k="id report author text created_at", why="Admins' notes."),
    Entry(
        "matching.MatchingRound",
        k="id created_at updated_at program name status method created_by weights min_score "
        "objective published_at closed_by mentees mentors_ranked",
    ),
    Entry("matching.MatchingRound_mentees", k="id matchinground participant"),
    Entry("matching.MatchingRound_mentors_ranked", k="id matchinground participant"),
    Entry(
        "matching.MatchingRun",
        k="id round number created_at created_by weights min_score objective total_score "
        "matched unmatched top_choice seconds",
    ),
    Entry(
        "matching.Proposal",
        k="id run mentee mentor score reasons unmatched_reason swapped mentorship publish_note",
        why="A round's proposals are the admins' working record.",
    ),
    Entry("matching.RoundRule", k="id round kind mentee mentor created_by created_at"),
    Entry(
        "matching.RoundPreference",
        x="created_at rank chosen",
        k="id round chooser",
        export=("chooser__user",),
    ),
    Entry(
        "matching.Block",
        xe="created_at other kind",
        e="id updated_at person",
        export=("person",),
        delete_rows=True,
    ),
    # --- meetings ---------------------------------------------------------------------------
    Entry(
        "meetings.Agreement",
        x="created_at version frequency format channel reply_within between_meetings "
        "meeting_minutes ends_on other confirmed_at",
        k="id updated_at mentorship group proposed_by confirmed_by",
        export=_PAIR,
        own=(),
    ),
    Entry(
        "meetings.Meeting",
        x="id created_at starts_at ends_at status confirmed_at cancelled_at cancelled_late "
        "held_at format place shared_notes",
        k="updated_at mentorship group proposed_by cancelled_by sequence shared_notes_edited_by",
        export=_MEETING_PEOPLE,
        own=(),
        why="A meeting and its shared notes belong to both people.",
    ),
    Entry(
        "meetings.AgendaItem",
        x="created_at meeting text",
        k="id author",
        export=tuple(f"meeting__{lookup}" for lookup in _MEETING_PEOPLE),
        own=(),
    ),
    Entry(
        "meetings.PrivateNote",
        xe="created_at meeting text",
        e="id updated_at author",
        export=("author",),
        delete_rows=True,
    ),
    Entry(
        "meetings.ActionItem",
        x="created_at mentorship meeting text due_on done_at",
        k="id updated_at owner",
        export=("owner", *_PAIR),
        own=(),
    ),
    Entry(
        "meetings.Advice",
        x="created_at mentorship meeting text outcome outcome_reason result reported_at",
        k="id updated_at recorded_by",
        export=_PAIR,
        own=(),
    ),
    Entry(
        "meetings.Appreciation",
        x="created_at mentorship kind text goal advice",
        k="id updated_at author",
        export=("author", *_PAIR),
        own=(),
        why="A thank-you was written to someone and stays with them.",
    ),
    Entry(
        "meetings.MeetingFeedback",
        x="created_at meeting helped",
        xe="change",
        k="id updated_at author",
        export=("author",),
    ),
    Entry(
        "meetings.CalendarFeed",
        xe="created_at",
        e="id updated_at user secret",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "meetings.CalendarConnection",
        xe="created_at calendar_name synced_at",
        e="id updated_at user server_url username password_encrypted calendar_url busy "
        "sync_error sync_token busy_read_at",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "meetings.CalendarEntry",
        e="id created_at updated_at connection meeting href sequence starts_at ends_at",
        own=("connection__user",),
        delete_rows=True,
    ),
    Entry(
        "meetings.CheckIn",
        x="created_at mentorship period_key due_on status satisfaction energy norms_fit "
        "comment_visibility goal_progress answered_at",
        xe="comment",
        k="id updated_at person",
        export=("person",),
        why="Check-in scores make the program's health figures; comments are erased.",
    ),
    Entry(
        "meetings.MeetingAnswer",
        x="created_at meeting answer",
        k="id updated_at user sequence",
        export=("user",),
    ),
    # --- conversations ----------------------------------------------------------------------
    Entry(
        "conversations.Conversation", k="id created_at updated_at mentorship group last_message_at"
    ),
    Entry(
        "conversations.Message",
        x="created_at conversation text edited_at deleted_at",
        k="id updated_at author",
        export=(
            "author",
            *(f"conversation__{lookup}" for lookup in _MEETING_PEOPLE),
        ),
        own=(),
        why="Messages stay with the partner who received them, signed 'a former participant'.",
    ),
    Entry(
        "conversations.Seen",
        x="conversation last_seen",
        k="id user updated_at",
        export=("user",),
    ),
    Entry(
        "conversations.Attachment",
        x="created_at message name content_type size",
        k="id updated_at file",
        export=(
            "message__author",
            *(f"message__conversation__{lookup}" for lookup in _MEETING_PEOPLE),
        ),
        own=(),
        why="An attachment goes with its message.",
    ),
    # --- identity ---------------------------------------------------------------------------
    Entry(
        "identity.ScimUser",
        xe="created_at user_name external_id active",
        e="id updated_at organization user scim_id payload version",
        export=("user",),
        delete_rows=True,
    ),
    Entry(
        "identity.Departure",
        x="created_at organization via ended_mentorships withdrawn_requests returned_at",
        k="id updated_at user actor participations",
        export=("user",),
        why="An organization's record of who left when.",
    ),
    Entry("identity.Departure_participations", k="id departure participant"),
    Entry("identity.ScimGroup_members", k="id scimgroup scimuser"),
    # --- privacy ----------------------------------------------------------------------------
    Entry(
        "privacy.DataExport",
        xe="requested_at",
        e="id user ready_at file expires_at size",
        export=("user",),
        delete_rows=True,
    ),
)

# Models that hold no one's personal data, with why.
NOT_PERSONAL: dict[str, str] = {
    "auth.Permission": "Django's permission names.",
    "auth.Group": "Operators' permission groups.",
    "auth.Group_permissions": "Links groups to permissions.",
    "contenttypes.ContentType": "Django's model names.",
    "socialaccount.SocialApp": "A provider's settings, made from an organization's.",
    "django_celery_beat.SolarSchedule": "The task schedule.",
    "django_celery_beat.IntervalSchedule": "The task schedule.",
    "django_celery_beat.ClockedSchedule": "The task schedule.",
    "django_celery_beat.CrontabSchedule": "The task schedule.",
    "django_celery_beat.PeriodicTasks": "The task schedule.",
    "django_celery_beat.PeriodicTask": "The task schedule.",
    "notifications.Webhook": "An organization's webhook settings.",
    "programs.Organization": "An organization's name.",
    "programs.Program": "A program's settings.",
    "programs.Topic": "An organization's topics.",
    "identity.ScimToken": "An organization's provisioning tokens.",
    "identity.ScimGroup": "An identity provider's group names.",
    "identity.GroupMapping": "An organization's group-to-program settings.",
    "identity.SsoProvider": "An organization's sign-in settings.",
    "api.Integration": "An organization's integrations.",
    "privacy.RetentionPolicy": "An organization's retention setting.",
    "reports.KeptFigures": (
        "A program's dashboard figures: counts, states and the comments written for the admins "
        "without a name, worked out again while admins read them, deleted a day unread."
    ),
}

BY_LABEL: dict[str, Entry] = {entry.label: entry for entry in ENTRIES}


def _sessions_of(user: Any) -> Q:
    """Sessions are not tied to their user by a column: read them (their keys, once)."""
    from django.contrib.sessions.models import Session

    keys = []
    for session in Session.objects.iterator(chunk_size=2000):
        # A session this site cannot read decodes as empty (Django logs it): no one's here.
        data = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == str(user.pk):
            keys.append(session.session_key)
    return Q(session_key__in=keys)


def unclassified() -> list[str]:
    """Every field of every installed model that the registry does not classify."""
    missing = []
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in NOT_PERSONAL:
            continue
        entry = BY_LABEL.get(label)
        names = [f.name for f in model._meta.get_fields() if f.concrete]
        for name in names:
            if entry is None or name not in entry.rules:
                missing.append(f"{label}.{name}")
        if entry is not None:
            missing += [
                f"{label}.{name} (no such field)" for name in entry.rules if name not in names
            ]
    return missing
