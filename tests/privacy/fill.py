"""One person with a row of every kind the personal-data registry (privacy/registry.py) finds
about them, each field the registry exports, erases or anonymises holding a value of its own
("SECRET-<label>-<field>-<n>" for text), so that a test can look for each value in the person's
export, and for what is left of it after their deletion.

Around them: a partner who mentors them in a live mentorship (with a private note of the
partner's own in the same meeting, which is never the person's), and a third person they once
mentored."""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import time, timedelta
from typing import Any, TypeVar

from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from oauth2_provider.models import AccessToken as OAuthAccessToken
from oauth2_provider.models import Application, DeviceGrant, Grant, IDToken, RefreshToken

from accounts.models import User
from api.models import AccessToken
from conversations.models import Attachment, Conversation, Message, Seen
from goals.models import Goal, GoalShare, GoalStep, ProgressUpdate
from identity.models import Departure, ScimUser
from matching.models import (
    AdvisorRole,
    Availability,
    Block,
    ClosingReason,
    ContactWindow,
    Frequency,
    HelpKind,
    MatchingRound,
    MeetingFormat,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipRequest,
    Reflection,
    Report,
    RequestMessage,
    RoundPreference,
    Seniority,
    StateChange,
)
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    Agreement,
    Appreciation,
    CalendarConnection,
    CalendarEntry,
    CalendarFeed,
    CheckIn,
    Meeting,
    MeetingAnswer,
    MeetingFeedback,
    PrivateNote,
)
from notifications.models import Delivery, InboundMail, Notification, Reminder
from privacy.models import DataExport
from programs.models import (
    Announcement,
    AuditEntry,
    Invitation,
    OrganizationAdmin,
    Participant,
    Role,
)
from tests.accounts.factories import UserFactory
from tests.programs.factories import (
    OrganizationFactory,
    ParticipantFactory,
    ProgramFactory,
    TopicFactory,
)

Row = TypeVar("Row", bound=models.Model)

PARTNER_NOTE = "PARTNER-PRIVATE-NOTE: only the partner ever reads this"


class _Filler:
    """Makes the rows and remembers, per registry label, the rows made for the person and the
    distinctive values given to their fields."""

    def __init__(self) -> None:
        self.count = 0
        self.values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.made: dict[str, list[models.Model]] = defaultdict(list)

    def s(self, label: str, field: str) -> str:
        """A text no other field holds: no value is the start of another (numbers padded)."""
        self.count += 1
        value = f"SECRET-{label}-{field}-{self.count:04d}"
        self.values[label][field].append(value)
        return value

    def note(self, label: str, field: str, value: str) -> str:
        """A distinctive value that has to have a form of its own (an address)."""
        self.values[label][field].append(value)
        return value

    def keep(self, row: Row) -> Row:
        self.made[row._meta.label].append(row)
        return row


def fill_everything(person: User) -> dict[str, Any]:
    """Rows of every model the registry finds about ``person`` (export, own or finders), tied
    to them through exactly those lookups. Returns what the tests look for:

    - ``values``: {label: {field: [distinctive values]}} of the person's rows,
    - ``made``: {label: [rows]} made for the person,
    - ``partner``, ``mentorship`` (live, the partner mentoring the person), ``meeting``,
      ``conversation``, ``session_key``, ``partner_note`` (the partner's private note's text),
      ``program``, ``organization``, ``photo``, ``attachment_file``, ``old_export_file``.
    """
    f = _Filler()
    now = timezone.now()
    today = timezone.localdate()
    U = "accounts.User"

    # --- the person, their program and the people around them --------------------------------
    email = f.note(U, "email", f"secret-person-{secrets.token_hex(4)}@example.org")
    person.email = email
    person.full_name = f.s(U, "full_name")
    person.department = f.s(U, "department")
    person.job_title = f.s(U, "job_title")
    person.time_zone = "Asia/Tokyo"
    person.language = "de"
    person.languages = ["eu", "ja"]
    person.last_login = now - timedelta(hours=3)
    person.date_joined = now - timedelta(days=400)
    person.notification_preferences = {
        "channels": {},
        "quiet_hours": {"start": "22:00", "end": "07:00"},
        "note": f.s(U, "notification_preferences"),
    }
    person.photo.save("person.jpg", ContentFile(b"\xff\xd8 a photo \xff\xd9"), save=False)
    person.save()
    photo = person.photo.name
    f.keep(person)
    address = EmailAddress.objects.filter(user=person).first()
    if address is None:
        address = EmailAddress.objects.create(user=person, email=email, primary=True, verified=True)
    else:
        EmailAddress.objects.filter(pk=address.pk).update(email=email, primary=True, verified=True)
        address.refresh_from_db()
    f.note("account.EmailAddress", "email", email)
    f.keep(address)

    organization = OrganizationFactory(name="Secretive Org")
    program = ProgramFactory(organization=organization, name="Secret Pathways")
    topic = TopicFactory(organization=organization, name="Negotiation")
    other_topic = TopicFactory(organization=organization, name="Public speaking")
    partner = UserFactory(full_name="Pat Partner")
    third = UserFactory(full_name="Theo Third")

    as_mentee = f.keep(
        ParticipantFactory(user=person, program=program, role=Role.MENTEE, joined_at=now)
    )
    as_mentor = f.keep(
        ParticipantFactory(user=person, program=program, role=Role.MENTOR, joined_at=now)
    )
    # Once a program admin, withdrawn since: withdrawn_at has a value somewhere.
    f.keep(
        ParticipantFactory(
            user=person,
            program=program,
            role=Role.ADMIN,
            status=Participant.Status.WITHDRAWN,
            joined_at=now - timedelta(days=90),
            withdrawn_at=now - timedelta(days=30),
        )
    )
    partner_mentor = ParticipantFactory(user=partner, program=program, role=Role.MENTOR)
    third_mentee = ParticipantFactory(user=third, program=program, role=Role.MENTEE)

    f.keep(
        OrganizationAdmin.objects.create(organization=organization, user=person, granted_by=partner)
    )

    # --- sign-in: addresses, second factors, social accounts, sessions, tokens ----------------
    f.keep(
        EmailConfirmation.objects.create(
            email_address=address, key=secrets.token_hex(16), sent=now - timedelta(days=1)
        )
    )
    f.keep(
        Authenticator.objects.create(
            user=person,
            type=Authenticator.Type.TOTP,
            data={"secret": f.s("mfa.Authenticator", "data")},
            last_used_at=now - timedelta(hours=1),
        )
    )
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="secretive-org",
        name="Secretive SSO",
        client_id="client-1",
        secret="app-secret",
    )
    SA = "socialaccount.SocialAccount"
    account = f.keep(
        SocialAccount.objects.create(
            user=person,
            provider=f.s(SA, "provider"),
            uid=f.s(SA, "uid"),
            extra_data={"name": f.s(SA, "extra_data")},
        )
    )
    f.keep(
        SocialToken.objects.create(
            app=app,
            account=account,
            token=f.s("socialaccount.SocialToken", "token"),
            token_secret=f.s("socialaccount.SocialToken", "token_secret"),
            expires_at=now + timedelta(days=1),
        )
    )
    session = SessionStore()
    session["_auth_user_id"] = str(person.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session.create()
    f.keep(session.model.objects.get(session_key=session.session_key))
    f.keep(
        LogEntry.objects.create(
            user=person,
            content_type=ContentType.objects.get_for_model(User),
            object_id=str(partner.pk),
            object_repr=f.s("admin.LogEntry", "object_repr"),
            action_flag=CHANGE,
            change_message=f.s("admin.LogEntry", "change_message"),
        )
    )

    application = Application.objects.create(
        name="Partner's HR tool",
        user=partner,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://hr.example.org/callback",
    )
    id_token = f.keep(
        IDToken.objects.create(
            user=person, application=application, expires=now + timedelta(hours=1), scope="openid"
        )
    )
    oauth_token = f.keep(
        OAuthAccessToken.objects.create(
            user=person,
            application=application,
            token=f.s("oauth2_provider.AccessToken", "token"),
            id_token=id_token,
            expires=now + timedelta(hours=1),
            scope="programs:read",
        )
    )
    f.keep(
        RefreshToken.objects.create(
            user=person,
            application=application,
            token=f.s("oauth2_provider.RefreshToken", "token"),
            access_token=oauth_token,
        )
    )
    f.keep(
        Grant.objects.create(
            user=person,
            application=application,
            code=f.s("oauth2_provider.Grant", "code"),
            expires=now + timedelta(minutes=5),
            redirect_uri="https://hr.example.org/callback",
            scope="programs:read",
            code_challenge=f.s("oauth2_provider.Grant", "code_challenge"),
            code_challenge_method="S256",
            nonce=f.s("oauth2_provider.Grant", "nonce"),
            claims=f.s("oauth2_provider.Grant", "claims"),
        )
    )
    f.keep(
        DeviceGrant.objects.create(
            user=person,
            device_code=f.s("oauth2_provider.DeviceGrant", "device_code"),
            user_code="SECRETCODE",
            expires=now + timedelta(minutes=5),
            client_id=application.client_id,
        )
    )
    T = "api.AccessToken"
    f.keep(
        AccessToken.objects.create(
            user=person,
            name=f.s(T, "name"),
            scopes=["programs:read", "mentorships:read"],
            key_hash=secrets.token_hex(32),
            prefix="twpat_sec",
            last_used_at=now - timedelta(minutes=10),
            revoked_at=now - timedelta(minutes=1),
        )
    )

    # --- notifications ------------------------------------------------------------------------
    N = "notifications.Notification"
    f.keep(
        Notification.objects.create(
            recipient=person,
            kind=Notification.Kind.REMINDER,
            title=f.s(N, "title"),
            body=f.s(N, "body"),
            link=f"/{f.s(N, 'link')}/",
            read_at=now - timedelta(minutes=5),
            resolved_by=f.s(N, "resolved_by"),
        )
    )
    D = "notifications.Delivery"
    f.keep(
        Delivery.objects.create(
            recipient=person,
            kind=Reminder.MEETING,
            subject_key=f"meeting:{f.count}",
            period_key="once",
            title=f.s(D, "title"),
            body=f.s(D, "body"),
            link=f"/{f.s(D, 'link')}/",
            due_at=now - timedelta(hours=2),
            state=Delivery.State.SENT,
            sent_at=now - timedelta(hours=1),
            channels="in_app,email",
            attempts=2,
            last_error=f.s(D, "last_error"),
            response_status=200,
            response_body=f.s(D, "response_body"),
        )
    )
    # Found by its sender's address, written otherwise than the account's.
    f.keep(
        InboundMail.objects.create(
            message_id=f"<{secrets.token_hex(8)}@mail.example.org>",
            sender=f.note("notifications.InboundMail", "sender", email.upper()),
            outcome=f.s("notifications.InboundMail", "outcome"),
        )
    )

    # --- programs -----------------------------------------------------------------------------
    INV = "programs.Invitation"
    # One still pending to their address (deletion revokes it), one they accepted.
    f.keep(
        Invitation.objects.create(
            program=program,
            email=f.note(INV, "email", email.upper()),
            full_name=f.s(INV, "full_name"),
            role=Role.MENTOR,
            nonce=secrets.token_hex(16),
            expires_at=now + timedelta(days=14),
            invited_by=partner,
        )
    )
    f.keep(
        Invitation.objects.create(
            program=program,
            email=f.note(INV, "email", f"secret-old-{secrets.token_hex(3)}@example.org"),
            full_name=f.s(INV, "full_name"),
            role=Role.MENTEE,
            status=Invitation.Status.ACCEPTED,
            nonce=secrets.token_hex(16),
            expires_at=now - timedelta(days=1),
            invited_by=partner,
            accepted_by=person,
            accepted_at=now - timedelta(days=20),
        )
    )
    A = "programs.AuditEntry"
    f.keep(
        AuditEntry.objects.create(
            program=program,
            actor=partner,
            action="participant.add",
            subject=f.note(A, "subject", email.title()),
            detail={"role": "mentee"},
        )
    )
    f.keep(
        AuditEntry.objects.create(
            organization=organization,
            actor=person,
            action="topic.create",
            subject=f.s(A, "subject"),
            detail={"topic": f.s(A, "detail")},
        )
    )
    f.keep(
        Announcement.objects.create(
            program=program,
            author=person,
            audience=Announcement.Audience.EVERYONE,
            title=f.s("programs.Announcement", "title"),
            body=f.s("programs.Announcement", "body"),
        )
    )

    # --- goals --------------------------------------------------------------------------------
    G = "goals.Goal"
    goal = f.keep(
        Goal.objects.create(
            owner=as_mentee,
            title=f.s(G, "title"),
            why=f.s(G, "why"),
            horizon=Goal.Horizon.LONG,
            position=1,
            target_date=today + timedelta(days=180),
            timeframe=f.s(G, "timeframe"),
            status=Goal.Status.ACHIEVED,
            progress=100,
            achieved_at=now - timedelta(days=2),
        )
    )
    goal.topics.set([topic])
    f.keep(
        GoalStep.objects.create(
            goal=goal,
            title=f.s("goals.GoalStep", "title"),
            due_on=today + timedelta(days=7),
            done_at=now - timedelta(days=3),
        )
    )
    f.keep(
        ProgressUpdate.objects.create(
            goal=goal, author=person, note=f.s("goals.ProgressUpdate", "note"), progress=60
        )
    )
    f.keep(GoalShare.objects.create(goal=goal, mentor=partner))

    # --- matching -----------------------------------------------------------------------------
    MP = "matching.MentorProfile"
    profile = f.keep(
        MentorProfile.objects.create(
            participant=as_mentor,
            headline=f.s(MP, "headline"),
            bio=f.s(MP, "bio"),
            seniority=Seniority.SENIOR,
            years_experience=12,
            help_offered=[HelpKind.COACH, HelpKind.SPONSOR],
            advisor_roles=[AdvisorRole.CAREER],
            cannot_help_with=f.s(MP, "cannot_help_with"),
            capacity=3,
            accepting_requests=True,
            away_until=today + timedelta(days=3),
            formats=[MeetingFormat.VIDEO, MeetingFormat.COFFEE],
            preferred_frequency=Frequency.BIWEEKLY,
            communication=MentorProfile.Communication.ANY_TIME,
        )
    )
    profile.topics.set([topic])
    profile.cannot_help_topics.set([other_topic])
    MenP = "matching.MenteeProfile"
    f.keep(
        MenteeProfile.objects.create(
            participant=as_mentee,
            help_wanted=[HelpKind.CONNECTOR],
            formats=[MeetingFormat.PHONE],
            working_hours_start=time(8, 30),
            working_hours_end=time(16, 30),
            hours_per_month=5,
            note_to_mentors=f.s(MenP, "note_to_mentors"),
            seniority=Seniority.EARLY,
        )
    )
    availability = f.keep(
        Availability.objects.create(
            participant=as_mentor,
            time_zone="Asia/Tokyo",
            minimum_notice_hours=12,
            cancellation_notice_hours=6,
        )
    )
    f.keep(
        ContactWindow.objects.create(
            availability=availability, weekday=2, start_time=time(9), end_time=time(11, 30)
        )
    )
    mentorship = f.keep(
        Mentorship.objects.create(
            program=program,
            mentor=partner_mentor,
            mentee=as_mentee,
            advisor_role=AdvisorRole.TECHNICAL,
            started_at=now - timedelta(days=60),
            ends_on=today + timedelta(days=120),
        )
    )
    # One they mentored, finished: how it ended has values.
    finished = f.keep(
        Mentorship.objects.create(
            program=program,
            mentor=as_mentor,
            mentee=third_mentee,
            status=Mentorship.Status.COMPLETED,
            advisor_role=AdvisorRole.LEADERSHIP,
            single_session=True,
            started_at=now - timedelta(days=200),
            ends_on=today - timedelta(days=20),
            closing_reason=ClosingReason.GOALS_MET,
            closed_at=now - timedelta(days=20),
        )
    )
    R = "matching.MentorshipRequest"
    request = f.keep(
        MentorshipRequest.objects.create(
            program=program,
            mentee=as_mentee,
            mentor=partner_mentor,
            topic=topic,
            why_this_mentor=f.s(R, "why_this_mentor"),
            first_step=f.s(R, "first_step"),
            advisor_role=AdvisorRole.TECHNICAL,
            status=MentorshipRequest.Status.ACCEPTED,
            waiting_on=MentorshipRequest.WaitingOn.MENTEE,
            decline_reason=MentorshipRequest.DeclineReason.OTHER,
            decline_note=f.s(R, "decline_note"),
            mentorship=mentorship,
            answered_at=now - timedelta(days=61),
            closed_at=now - timedelta(days=60),
            expires_at=now - timedelta(days=50),
        )
    )
    request.goals.set([goal])
    f.keep(
        RequestMessage.objects.create(
            request=request, author=person, body=f.s("matching.RequestMessage", "body")
        )
    )
    f.keep(
        StateChange.objects.create(
            request=request,
            actor=person,
            from_status="pending",
            to_status="accepted",
            note=f.s("matching.StateChange", "note"),
        )
    )
    f.keep(
        Reflection.objects.create(
            mentorship=finished, author=person, text=f.s("matching.Reflection", "text")
        )
    )
    f.keep(
        Report.objects.create(
            program=program,
            reporter=person,
            mentorship=finished,
            kind=Report.Kind.OTHER,
            text=f.s("matching.Report", "text"),
            status=Report.Status.IN_REVIEW,
        )
    )
    matching_round = MatchingRound.objects.create(
        program=program,
        name="Spring round",
        method=MatchingRound.Method.STABLE,
        created_by=partner,
    )
    f.keep(
        RoundPreference.objects.create(
            round=matching_round, chooser=as_mentee, chosen=partner_mentor, rank=1
        )
    )
    f.keep(Block.objects.create(person=person, other=third, kind=Block.Kind.MUTE))

    # --- meetings -----------------------------------------------------------------------------
    AG = "meetings.Agreement"
    f.keep(
        Agreement.objects.create(
            mentorship=mentorship,
            version=1,
            proposed_by=person,
            frequency=Frequency.WEEKLY,
            format=MeetingFormat.IN_PERSON,
            channel=f.s(AG, "channel"),
            reply_within=Agreement.ReplyWithin.TWO_DAYS,
            between_meetings=f.s(AG, "between_meetings"),
            meeting_minutes=45,
            ends_on=today + timedelta(days=120),
            other=f.s(AG, "other"),
            confirmed_by=partner,
            confirmed_at=now - timedelta(days=55),
        )
    )
    M = "meetings.Meeting"
    meeting = f.keep(
        Meeting.objects.create(
            mentorship=mentorship,
            starts_at=now - timedelta(days=7),
            ends_at=now - timedelta(days=7) + timedelta(hours=1),
            status=Meeting.Status.HELD,
            proposed_by=person,
            confirmed_at=now - timedelta(days=10),
            cancelled_at=now - timedelta(days=9),
            cancelled_late=True,
            held_at=now - timedelta(days=7),
            format=MeetingFormat.COFFEE,
            place=f.s(M, "place"),
            sequence=3,
            shared_notes=f.s(M, "shared_notes"),
            shared_notes_edited_by=person,
        )
    )
    f.keep(
        AgendaItem.objects.create(
            meeting=meeting, author=person, text=f.s("meetings.AgendaItem", "text")
        )
    )
    f.keep(
        PrivateNote.objects.create(
            meeting=meeting, author=person, text=f.s("meetings.PrivateNote", "text")
        )
    )
    partner_note = PrivateNote.objects.create(meeting=meeting, author=partner, text=PARTNER_NOTE)
    f.keep(
        ActionItem.objects.create(
            mentorship=mentorship,
            meeting=meeting,
            owner=person,
            text=f.s("meetings.ActionItem", "text"),
            due_on=today + timedelta(days=5),
            done_at=now - timedelta(hours=5),
        )
    )
    AD = "meetings.Advice"
    advice = f.keep(
        Advice.objects.create(
            mentorship=mentorship,
            meeting=meeting,
            recorded_by=partner,
            text=f.s(AD, "text"),
            outcome=Advice.Outcome.ADAPTED,
            outcome_reason=f.s(AD, "outcome_reason"),
            result=f.s(AD, "result"),
            reported_at=now - timedelta(days=1),
        )
    )
    f.keep(
        Appreciation.objects.create(
            mentorship=mentorship,
            author=person,
            kind=Appreciation.Kind.WIN,
            text=f.s("meetings.Appreciation", "text"),
            goal=goal,
            advice=advice,
        )
    )
    MF = "meetings.MeetingFeedback"
    f.keep(
        MeetingFeedback.objects.create(
            meeting=meeting, author=person, helped=f.s(MF, "helped"), change=f.s(MF, "change")
        )
    )
    f.keep(CalendarFeed.objects.create(user=person, secret=secrets.token_urlsafe(24)))
    CC = "meetings.CalendarConnection"
    connection = f.keep(
        CalendarConnection.objects.create(
            user=person,
            server_url="https://dav.example.org/",
            username=f.s(CC, "username"),
            password_encrypted=f.s(CC, "password_encrypted"),
            calendar_url="https://dav.example.org/secret/work/",
            calendar_name=f.s(CC, "calendar_name"),
            busy=[[now.isoformat(), (now + timedelta(hours=1)).isoformat()]],
            synced_at=now - timedelta(minutes=30),
            sync_error=f.s(CC, "sync_error"),
            sync_token=f.s(CC, "sync_token"),
            busy_read_at=now - timedelta(minutes=30),
        )
    )
    f.keep(
        CalendarEntry.objects.create(
            connection=connection,
            meeting=meeting,
            href=f"https://dav.example.org/secret/work/{f.s('meetings.CalendarEntry', 'href')}.ics",
            sequence=3,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
        )
    )
    CI = "meetings.CheckIn"
    f.keep(
        CheckIn.objects.create(
            mentorship=mentorship,
            person=person,
            period_key="2025-Q3",
            due_on=today - timedelta(days=3),
            status=CheckIn.Status.ANSWERED,
            satisfaction=4,
            energy=5,
            norms_fit=CheckIn.NormsFit.REVISIT,
            comment=f.s(CI, "comment"),
            comment_visibility=CheckIn.Visibility.ADMINS,
            goal_progress={str(goal.pk): 60},
            answered_at=now - timedelta(days=2),
        )
    )
    f.keep(
        MeetingAnswer.objects.create(
            meeting=meeting, user=person, answer=MeetingAnswer.Answer.TENTATIVE, sequence=3
        )
    )

    # --- conversations ------------------------------------------------------------------------
    conversation = Conversation.objects.create(mentorship=mentorship, last_message_at=now)
    MS = "conversations.Message"
    mine = f.keep(
        Message.objects.create(
            conversation=conversation,
            author=person,
            text=f.s(MS, "text"),
            edited_at=now - timedelta(minutes=20),
        )
    )
    theirs = f.keep(
        Message.objects.create(conversation=conversation, author=partner, text=f.s(MS, "text"))
    )
    f.keep(
        Message.objects.create(
            conversation=conversation, author=person, text="", deleted_at=now - timedelta(minutes=9)
        )
    )
    f.keep(Seen.objects.create(conversation=conversation, user=person, last_seen=theirs.pk))
    attachment = f.keep(
        Attachment.objects.create(
            message=mine,
            file=ContentFile(b"the plan, in a file", name="plan.txt"),
            name=f.s("conversations.Attachment", "name"),
            content_type="text/plain",
            size=19,
        )
    )

    # --- identity -----------------------------------------------------------------------------
    SU = "identity.ScimUser"
    f.keep(
        ScimUser.objects.create(
            organization=organization,
            user=person,
            user_name=f.s(SU, "user_name"),
            external_id=f.s(SU, "external_id"),
            active=True,
            payload={"userName": f.s(SU, "payload")},
            version=2,
        )
    )
    departure = f.keep(
        Departure.objects.create(
            organization=organization,
            user=person,
            via=Departure.Via.ADMIN,
            actor=partner,
            ended_mentorships=1,
            withdrawn_requests=2,
            returned_at=now - timedelta(days=100),
        )
    )
    departure.participations.set([as_mentee])

    # --- privacy ------------------------------------------------------------------------------
    old_export = f.keep(
        DataExport.objects.create(
            user=person,
            requested_at=now - timedelta(days=3),
            ready_at=now - timedelta(days=3),
            expires_at=now + timedelta(days=4),
            file=ContentFile(b"PK an old export", name="old-export.zip"),
            size=16,
        )
    )

    return {
        "values": {label: dict(fields) for label, fields in f.values.items()},
        "made": dict(f.made),
        "partner": partner,
        "third": third,
        "mentorship": mentorship,
        "meeting": meeting,
        "conversation": conversation,
        "session_key": session.session_key,
        "partner_note": partner_note.text,
        "program": program,
        "organization": organization,
        "photo": photo,
        "attachment_file": attachment.file.name,
        "old_export_file": old_export.file.name,
    }
