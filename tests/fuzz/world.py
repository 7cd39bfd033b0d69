"""The fuzz tests' world: two programs in two organizations, each with everything in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from conversations.access import get_thread_for_user
from conversations.models import Attachment, Message
from conversations.services import message_send
from goals.models import Goal, GoalStep
from identity.models import (
    Departure,
    GroupMapping,
    ScimGroup,
    ScimToken,
    ScimUser,
)
from identity.services import (
    group_mapping_create,
    person_leave,
    scim_token_create,
)
from matching.models import (
    Availability,
    ContactWindow,
    MatchingRound,
    MenteeProfile,
    Mentorship,
    MentorshipGroup,
    MentorshipRequest,
    Proposal,
    Report,
)
from matching.rounds.selectors import round_facts
from matching.rounds.services import mentee_preferences_save, round_create, round_run
from matching.services.mentorships import report_file
from matching.services.profiles import goal_share_with_mentors
from matching.services.requests import request_accept, request_create
from matching.services.start import mentorship_start
from meetings.models import (
    ActionItem,
    Advice,
    AgendaItem,
    CheckIn,
    Meeting,
)
from meetings.services.scheduling import circle_meeting_schedule, circle_slots_for, slots_for
from meetings.services.together import (
    agenda_item_add,
    agreement_confirm,
    agreement_propose,
    circle_norms_set,
)
from notifications.models import Notification
from programs.models import Invitation, Organization, Participant, Program, Role, Topic
from programs.services import organization_admin_grant
from tests.goals.factories import GoalFactory, GoalStepFactory
from tests.identity.provisioned import oidc_provider, provision, saml_provider
from tests.matching.factories import MentorProfileFactory
from tests.notifications.factories import NotificationFactory
from tests.programs.factories import (
    InvitationFactory,
    OrganizationFactory,
    ParticipantFactory,
    ProgramFactory,
)


@dataclass
class Side:
    """One program and everything in it, seen from its people."""

    program: Program
    admin: User
    mentor: User  # in the active mentorship, and asked by a pending request
    mentor2: User  # spare capacity: redirect, reassign and swap targets
    mentee: User  # in the active mentorship
    mentee2: User  # has a pending request to ``mentor``
    mentee3: User  # unmatched: in the matching rounds
    applicant: User
    mentor_p: Participant
    mentor2_p: Participant
    mentee_p: Participant
    mentee2_p: Participant
    mentee3_p: Participant
    applicant_p: Participant
    topic: Topic
    goal: Goal  # the mentee's, active, shared with the mentor
    draft_goal: Goal
    step: GoalStep
    request: MentorshipRequest
    mentorship: Mentorship
    meeting: Meeting  # confirmed, upcoming
    proposed_meeting: Meeting  # proposed by the mentee, for the mentor to confirm
    begun_meeting: Meeting  # confirmed, two days ago: to be marked held
    held_meeting: Meeting
    agenda_item: AgendaItem
    action_item: ActionItem
    advice: Advice
    checkin: CheckIn  # the mentee's, due
    report: Report
    invitation: Invitation
    matching_round: MatchingRound  # optimal, run once
    proposal: Proposal
    stable_round: MatchingRound
    notification: Notification  # the mentee's
    circle: MentorshipGroup  # in the side's group program: the mentor leads, the mentees are in it
    circle_meeting: Meeting  # the circle's, upcoming, with the mentee's agenda item
    circle_membership: Mentorship  # the mentee's, in the circle: its conversation's address
    message: Message  # the mentee's, in the pair's conversation (the mentor answered it)
    circle_message: Message  # the mentee's, in the circle's conversation
    attachment: Attachment  # a PDF the mentee sent in the pair's conversation
    # The organization's identity (its organization admin is the side's admin):
    scim_token: ScimToken  # live; the token itself is ``scim_raw``
    scim_raw: str
    scim_user: ScimUser  # a person its identity provider provisioned (no program's)
    scim_group: ScimGroup  # their group, mapped to nothing
    mapping: GroupMapping  # another group, feeding the program with mentees
    leaver: User  # a mentee of the program who left the organization


@dataclass
class World:
    home: Side
    away: Side  # another organization's program: its ids are "other people's objects"


def _person(program: Program, role: str, name: str, **values: object) -> Participant:
    return ParticipantFactory(
        program=program, role=role, user__full_name=name, user__time_zone="Europe/Berlin", **values
    )


def _windows(mentor: Participant) -> None:
    availability = Availability.objects.create(participant=mentor, time_zone="Europe/Berlin")
    ContactWindow.objects.bulk_create(
        ContactWindow(availability=availability, weekday=day, start_time=time(8), end_time=time(18))
        for day in range(5)
    )


def _meeting(mentorship: Mentorship, *, at: datetime, status: str, by: User) -> Meeting:
    starts = at.replace(second=0, microsecond=0)
    return Meeting.objects.create(
        mentorship=mentorship,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        status=status,
        proposed_by=by,
    )


def _say(author: User, mentorship: Mentorship, text: str) -> Message:
    """A message in the conversation of ``mentorship`` (its circle's, for a membership)."""
    return message_send(thread=get_thread_for_user(author, mentorship.pk), author=author, text=text)


def _send_file(author: User, mentorship: Mentorship) -> Attachment:
    """A message with a small PDF (told by its content) in the conversation of ``mentorship``."""
    message = message_send(
        thread=get_thread_for_user(author, mentorship.pk),
        author=author,
        text="The notes, attached.",
        files=[SimpleUploadedFile("notes.pdf", b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")],
    )
    return message.attachments.get()


def _circle(
    label: str, organization: Organization, mentor_p: Participant, mentees: list[Participant]
) -> tuple[MentorshipGroup, Meeting]:
    """A group program of the side's organization where the side's mentor leads a circle of
    ``mentees`` (the same people), with norms and an upcoming meeting with an agenda item."""
    program = ProgramFactory(
        organization=organization,
        name=f"{label} Circles",
        slug=f"{label.lower()}-circles",
        kind=Program.Kind.GROUP,
        circle_size=4,
    )
    leader = ParticipantFactory(program=program, role=Role.MENTOR, user=mentor_p.user)
    MentorProfileFactory(participant=leader, capacity=1)
    _windows(leader)
    for mentee in mentees:
        member = ParticipantFactory(program=program, role=Role.MENTEE, user=mentee.user)
        MenteeProfile.objects.create(participant=member)
        mentorship_start(mentor=leader, mentee=member)
    circle = MentorshipGroup.objects.get(mentor=leader)
    circle_norms_set(
        circle=circle,
        actor=leader.user,
        frequency="monthly",
        format="video",
        channel="meet.example.org/circle",
        meeting_minutes=60,
    )
    # Clear of the pair's meetings (the mentor's busy times), in the middle of the free times.
    free = circle_slots_for(circle=circle, minutes=60)
    meeting = circle_meeting_schedule(
        circle=circle, actor=leader.user, starts_at=free[len(free) // 2], minutes=60
    )
    agenda_item_add(meeting=meeting, author=mentees[0].user, text="How do I say no?")
    return circle, meeting


def _identity(
    label: str, organization: Organization, program: Program, admin: User
) -> tuple[ScimToken, str, ScimUser, ScimGroup, GroupMapping, User]:
    """The organization's identity, as its admin set it up: a SCIM token, a person and a group
    the identity provider provisioned (as it wrote them: it reads them back), a group mapped
    into the program, and a mentee who left."""
    token, raw_token = scim_token_create(organization=organization, actor=admin, name="Entra ID")
    person, group = provision(
        organization,
        email=f"{label.lower()}.provisioned@example.org",
        full_name=f"{label} Provisioned",
        external_id=f"{label}-1",
        group_name=f"{label} Engineering",
    )
    mapping = group_mapping_create(
        organization=organization,
        actor=admin,
        group_name=f"{label} mentees",
        program=program,
        role=Role.MENTEE,
    )
    # Single sign-on: Home's organization through OpenID Connect (at an address where nothing
    # listens, so a sign-in fails at once, as with a provider that is down), Away's through SAML.
    if label == "Home":
        oidc_provider(organization, server_url="http://127.0.0.1:9", domain="home-sso.example")
    else:
        saml_provider(organization, host="idp.away.example", domain="away-sso.example")
    leaver = _person(program, Role.MENTEE, f"{label} Leaver").user
    person_leave(organization=organization, user=leaver, actor=admin, via=Departure.Via.ADMIN)
    return token, raw_token, person, group, mapping, leaver


def build_side(label: str) -> Side:
    """A running program: admin, mentors, mentees, a request, a mentorship with norms,
    meetings, goals, a check-in, a report, an invitation, an application and two rounds; and
    a group program next to it, where the mentor leads a circle of the two first mentees; the
    pair and the circle each with a conversation (the pair's with a file of the mentee's)."""
    organization = OrganizationFactory(name=f"{label} Org", slug=f"{label.lower()}-org")
    program = ProgramFactory(
        organization=organization,
        name=f"{label} Pathways",
        slug=f"{label.lower()}-pathways",
        enrollment_open=True,
        matching_mode=Program.MatchingMode.BOTH,
    )
    topic, second_topic = (
        Topic.objects.create(organization=organization, name=f"{label} {name}")
        for name in ("Leadership", "Public speaking")
    )
    admin = _person(program, Role.ADMIN, f"{label} Admin").user
    # The program's admin also runs the organization's topic list (its pages and topics).
    organization_admin_grant(organization=organization, user=admin, actor=None)
    mentor_p = _person(program, Role.MENTOR, f"{label} Mentor")
    mentor2_p = _person(program, Role.MENTOR, f"{label} Second Mentor")
    for mentor in (mentor_p, mentor2_p):
        MentorProfileFactory(participant=mentor, capacity=3, topics=[topic, second_topic])
        _windows(mentor)
    mentee_p, mentee2_p, mentee3_p = (
        _person(program, Role.MENTEE, f"{label} Mentee {n}") for n in (1, 2, 3)
    )
    for mentee in (mentee_p, mentee2_p, mentee3_p):
        MenteeProfile.objects.create(participant=mentee)
    applicant_p = _person(
        program, Role.MENTEE, f"{label} Applicant", status=Participant.Status.APPLIED
    )

    goal = GoalFactory(owner=mentee_p, status=Goal.Status.ACTIVE, topics=[topic])
    draft_goal = GoalFactory(owner=mentee_p, status=Goal.Status.DRAFT)
    step = GoalStepFactory(goal=goal)
    goal2 = GoalFactory(owner=mentee2_p, status=Goal.Status.ACTIVE, topics=[topic])
    GoalFactory(owner=mentee3_p, status=Goal.Status.ACTIVE, topics=[second_topic])

    first = request_create(
        mentee=mentee_p,
        mentor=mentor_p,
        goals=[goal],
        topic=topic,
        why_this_mentor="You led the team I hope to lead one day.",
    )
    mentorship = request_accept(request=first, actor=mentor_p.user)
    goal_share_with_mentors(goal=goal, owner=mentee_p.user, mentor_ids=[mentor_p.user_id])
    pending = request_create(
        mentee=mentee2_p,
        mentor=mentor_p,
        goals=[goal2],
        topic=topic,
        why_this_mentor="Your talk on feedback changed how I work.",
    )
    norms = {"frequency": "monthly", "format": "video", "channel": "meet.example.org/pair"}
    agreement_propose(mentorship=mentorship, actor=mentee_p.user, **norms)
    agreement_confirm(mentorship=mentorship, actor=mentor_p.user, version=1)
    agreement_propose(mentorship=mentorship, actor=mentee_p.user, **norms, meeting_minutes=45)

    # Inside the mentor's windows, so that the mentor can confirm it.
    free = slots_for(mentorship=mentorship, minutes=30)
    meeting = _meeting(mentorship, at=free[0], status=Meeting.Status.CONFIRMED, by=mentee_p.user)
    proposed = _meeting(mentorship, at=free[-1], status=Meeting.Status.PROPOSED, by=mentee_p.user)
    past = timezone.now() - timedelta(days=2)
    begun = _meeting(mentorship, at=past, status=Meeting.Status.CONFIRMED, by=mentee_p.user)
    held = _meeting(
        mentorship, at=past - timedelta(days=5), status=Meeting.Status.HELD, by=mentee_p.user
    )
    agenda_item = AgendaItem.objects.create(
        meeting=meeting, author=mentee_p.user, text="How do I ask for a raise?"
    )
    action_item = ActionItem.objects.create(
        mentorship=mentorship, meeting=meeting, owner=mentee_p.user, text="Draft the pitch"
    )
    advice = Advice.objects.create(
        mentorship=mentorship,
        meeting=held,
        recorded_by=mentor_p.user,
        text="Ask for the stretch project.",
    )
    checkin = CheckIn.objects.create(
        mentorship=mentorship,
        person=mentee_p.user,
        period_key="2026-Q4",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    CheckIn.objects.create(
        mentorship=mentorship,
        person=mentor_p.user,
        period_key="2026-Q4",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    report = report_file(
        reporter=mentee_p.user,
        kind=Report.Kind.NO_SHOW,
        text="Missed twice.",
        mentorship=mentorship,
    )
    invitation = InvitationFactory(program=program, email=f"{label.lower()}.invitee@example.org")

    matching_round = round_create(
        program=program, actor=admin, name=f"{label} spring round", mentee_ids=[mentee3_p.pk]
    )
    round_run(
        matching_round=matching_round,
        actor=admin,
        facts=round_facts(program=program, mentee_ids=[mentee3_p.pk]),
    )
    stable_round = round_create(
        program=program,
        actor=admin,
        name=f"{label} stable round",
        mentee_ids=[mentee3_p.pk],
        method=MatchingRound.Method.STABLE,
    )
    mentee_preferences_save(
        matching_round=stable_round, mentee=mentee3_p, mentor_ids=[mentor_p.pk, mentor2_p.pk]
    )
    notification = NotificationFactory(recipient=mentee_p.user, title=f"{label}: hello")
    circle, circle_meeting = _circle(label, organization, mentor_p, [mentee_p, mentee2_p])
    # The conversations: the pair's (the mentee writes, the mentor answers) and the circle's.
    message = _say(mentee_p.user, mentorship, "Could we move Tuesday to ten?")
    attachment = _send_file(mentee_p.user, mentorship)
    _say(mentor_p.user, mentorship, "Ten works.")
    circle_membership = Mentorship.objects.get(group=circle, mentee__user=mentee_p.user)
    circle_message = _say(mentee_p.user, circle_membership, "Hello, everyone!")
    _say(
        mentee2_p.user,
        Mentorship.objects.get(group=circle, mentee__user=mentee2_p.user),
        "Hi! See you on Thursday.",
    )
    scim_token, scim_raw, scim_user, scim_group, mapping, leaver = _identity(
        label, organization, program, admin
    )
    return Side(
        program=program,
        admin=admin,
        mentor=mentor_p.user,
        mentor2=mentor2_p.user,
        mentee=mentee_p.user,
        mentee2=mentee2_p.user,
        mentee3=mentee3_p.user,
        applicant=applicant_p.user,
        mentor_p=mentor_p,
        mentor2_p=mentor2_p,
        mentee_p=mentee_p,
        mentee2_p=mentee2_p,
        mentee3_p=mentee3_p,
        applicant_p=applicant_p,
        topic=topic,
        goal=goal,
        draft_goal=draft_goal,
        step=step,
        request=pending,
        mentorship=mentorship,
        meeting=meeting,
        proposed_meeting=proposed,
        begun_meeting=begun,
        held_meeting=held,
        agenda_item=agenda_item,
        action_item=action_item,
        advice=advice,
        checkin=checkin,
        report=report,
        invitation=invitation,
        matching_round=matching_round,
        proposal=Proposal.objects.filter(run__round=matching_round).first(),  # type: ignore[arg-type]
        stable_round=stable_round,
        notification=notification,
        circle=circle,
        circle_meeting=circle_meeting,
        circle_membership=circle_membership,
        message=message,
        circle_message=circle_message,
        attachment=attachment,
        scim_token=scim_token,
        scim_raw=scim_raw,
        scim_user=scim_user,
        scim_group=scim_group,
        mapping=mapping,
        leaver=leaver,
    )


def build_world() -> World:
    return World(home=build_side("Home"), away=build_side("Away"))
