"""What the proof tests share: every URL pattern of the project, and a world of three programs
built once per module through the services, with the people each role of the matrix stands for.

Programs: ``alpha`` (the one every URL points into) and ``beta`` in the same organization, and
``gamma`` in another. The admins of ``beta`` and ``gamma`` are also their organizations'
organization admins (alpha's admin is not: a program admin only). Each has an admin, mentors
and mentees, a mentorship with a confirmed agreement and a conversation (the owner's message,
the owner's file, the mentor's answer; the mentor has muted the owner), meetings with agenda and
notes, goals, check-ins, a report, requests, two matching rounds, an announcement, a calendar
feed and invitations. Texts nobody else may read carry a marker (``mk-<program>-<what>-x``) with
the people allowed to read it, so a page (or a file's download) can be scanned for what it must
not show.

Identity (``build_identity``): alpha's organization has a SCIM token of beta's admin (its
organization admin) and a revoked one, a person and a group its identity provider provisioned,
a group mapping into alpha, and a mentee of alpha who left the organization; gamma's has a token
and a mapping of its own.

Circles: next to ``alpha`` runs ``alpha-circles``, a group program of the same organization with
the same admin (``build_circle``). In it alpha's mentor leads a circle whose members are alpha's
owner and a third person who is no role of the matrix; so for a circle the matrix's ``owner`` is
a member, ``party`` its mentor, and ``admin`` an admin of the circle's own program. The circle
has norms, an upcoming meeting (scheduled by its mentor, with the owner's agenda item), a held
one with notes and one begun but not yet marked held, and a conversation where the owner (a
message and a file), the mentor and then the third member wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.services import user_photo_set
from api.integrations import integration_create
from api.scopes import Scope
from api.services import token_create
from api.webhooks import webhook_create
from conversations.access import get_thread_for_user
from conversations.models import Attachment, Message
from conversations.services import message_send, person_mute
from goals.services import goal_create, goal_progress_add, goal_step_add
from identity.models import Departure
from identity.services import (
    group_mapping_create,
    person_leave,
    scim_token_create,
    scim_token_revoke,
)
from matching.models import MatchingRound, Mentorship, MentorshipGroup, MentorshipRequest
from matching.rounds.scoring import clean_weights as round_weights
from matching.rounds.scoring import swap_candidates
from matching.rounds.selectors import round_facts
from matching.rounds.services import mentee_preferences_save, round_create, round_run
from matching.services.mentorships import report_file
from matching.services.profiles import (
    availability_set,
    goal_share_with_mentors,
    mentee_profile_update,
    mentor_profile_update,
)
from matching.services.requests import request_create
from matching.services.start import mentorship_start
from matching.windows import Window
from meetings.calendar import calendar_feed_regenerate
from meetings.models import CalendarConnection, CheckIn, Meeting
from meetings.services.checkins import checkin_answer
from meetings.services.scheduling import (
    circle_meeting_schedule,
    circle_slots_for,
    meeting_confirm,
    meeting_propose,
    slots_for,
)
from meetings.services.together import (
    action_item_add,
    advice_add,
    agenda_item_add,
    agreement_confirm,
    agreement_propose,
    appreciation_send,
    circle_norms_set,
    feedback_leave,
    private_note_save,
    shared_notes_save,
)
from mentorship.crypto import encrypt
from notifications.models import WEBHOOK, Delivery, Notification, Reminder
from notifications.reminders import unsubscribe_token
from notifications.services import notify
from programs.models import Invitation, Organization, Participant, Program, Role
from programs.services import (
    announcement_send,
    invitation_create,
    invitation_revoke,
    organization_admin_grant,
    participant_add,
    participant_apply,
    program_create,
    topic_create,
)
from programs.tokens import invitation_token
from tests.accounts.factories import UserFactory
from tests.helpers import Route, all_routes
from tests.identity.provisioned import oidc_provider, provision, saml_provider
from tests.writes import tables

# ---------------------------------------------------------------------------
# URL patterns
# ---------------------------------------------------------------------------

# Our apps' tables and allauth's: what a refused request must leave exactly as it was.
WATCHED_APPS = {
    "accounts",
    "programs",
    "goals",
    "matching",
    "meetings",
    "conversations",
    "identity",
    "notifications",
    "reports",
    "api",
    "privacy",
    "account",
    "mfa",
    "socialaccount",
}


def is_django_admin(route: Route) -> bool:
    return route.route.startswith("admin/")


def app_routes() -> list[Route]:
    """The patterns the matrix covers: all but Django's admin site (is_staff only; see the
    matrix's own test of it)."""
    return [r for r in all_routes() if not is_django_admin(r)]


# ---------------------------------------------------------------------------
# Database helpers
# ---------------------------------------------------------------------------


def watched_tables() -> dict[str, Any]:
    """Every table of our apps and allauth's, for ``tests.writes.watch_writes``."""
    return tables(app_labels=WATCHED_APPS)


# ---------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------

PEOPLE = (
    "admin",
    "owner",  # a mentee: of the mentorship, the request, the goals, the check-in
    "mentor",  # the owner's mentor
    "asked",  # the mentor the owner's pending request waits on
    "mentee2",  # another mentee of the program, with her own request to mentor2
    "mentor2",  # another mentor of the program
    "waiting",  # a mentee without a mentor, in both matching rounds
    "waiting2",
    "applicant",  # applied to join as a mentee, not yet approved
)


@dataclass
class Built:
    """One program's people, objects, and the markers of what only some may read."""

    tag: str
    program: Program
    people: dict[str, User] = field(default_factory=dict)
    part: dict[str, Participant] = field(default_factory=dict)
    obj: dict[str, Any] = field(default_factory=dict)
    markers: dict[str, set[int]] = field(default_factory=dict)

    def mark(self, what: str, *allowed: str) -> str:
        text = f"mk-{self.tag}-{what}-x"
        self.markers[text] = {self.people[key].pk for key in allowed}
        return text


@dataclass
class World:
    alpha: Built
    beta: Built
    gamma: Built
    markers: dict[str, set[int]]

    def forbidden_for(self, user: User | None) -> list[str]:
        pk = user.pk if user is not None else None
        return [text for text, allowed in self.markers.items() if pk not in allowed]


def _say(author: User, mentorship: Mentorship, text: str) -> Message:
    """A message in the conversation of ``mentorship`` (its circle's, for a membership),
    written by ``author`` through the page's service."""
    thread = get_thread_for_user(author, mentorship.pk)
    return message_send(thread=thread, author=author, text=text)


def _send_file(author: User, mentorship: Mentorship, marker: str) -> Attachment:
    """A message of ``author``'s with a PDF whose content carries ``marker``: its download is
    scanned like a page."""
    pdf = f"%PDF-1.7\n% {marker}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".encode()
    thread = get_thread_for_user(author, mentorship.pk)
    message = message_send(
        thread=thread,
        author=author,
        text="The notes, attached.",
        files=[SimpleUploadedFile("notes.pdf", pdf, content_type="application/pdf")],
    )
    return message.attachments.get()


def _windows() -> list[Window]:
    return [Window(day, time(7, 0), time(21, 0)) for day in range(7)]


def build_program(tag: str, organization: Organization, *, topics_by: User | None = None) -> Built:
    """One program with every kind of object, written through the services. Its topics are
    added by ``topics_by``, the organization's admin; without one, the program's own admin
    is made the organization admin first."""
    now = timezone.now()
    today = timezone.localdate()
    people = {
        key: UserFactory(
            email=f"{key}.{tag}@example.org",
            full_name=f"{key.capitalize()} {tag.capitalize()}son",
            time_zone="Europe/Berlin",
        )
        for key in PEOPLE
    }
    program = program_create(
        organization=organization,
        created_by=people["admin"],
        slug=tag,
        name=f"Program {tag.capitalize()}",
        description="A proof program.",
        kind=Program.Kind.ONE_ON_ONE,
        matching_mode=Program.MatchingMode.BOTH,
        starts_on=today - timedelta(days=60),
        # Open: people of the organization may see the program's page and apply.
        enrollment_open=True,
        checkin_cadence_months=1,
    )
    built = Built(tag=tag, program=program, people=people)
    admin = people["admin"]
    roles = {
        "mentor": Role.MENTOR,
        "asked": Role.MENTOR,
        "mentor2": Role.MENTOR,
        "owner": Role.MENTEE,
        "mentee2": Role.MENTEE,
        "waiting": Role.MENTEE,
        "waiting2": Role.MENTEE,
    }
    part = built.part
    part["admin"] = Participant.objects.get(program=program, user=admin, role=Role.ADMIN)
    for key, role in roles.items():
        part[key] = participant_add(program=program, user=people[key], role=role, actor=admin)
    part["applicant"] = participant_apply(
        program=program, user=people["applicant"], role=Role.MENTEE
    )
    everyone = [k for k in PEOPLE if k != "applicant"]

    if topics_by is None:
        topics_by = organization_admin_grant(organization=organization, user=admin, actor=None).user
    topics = [
        topic_create(organization=organization, actor=topics_by, name=f"{tag} topic {n}")
        for n in range(3)
    ]
    for key in ("mentor", "asked", "mentor2"):
        mentor_profile_update(
            participant=part[key],
            topics=topics,
            headline=f"Mentor in {tag}",
            bio="Happy to help.",
            capacity=3,
            accepting_requests=True,
        )
        availability_set(
            participant=part[key],
            time_zone="Europe/Berlin",
            minimum_notice_hours=1,
            cancellation_notice_hours=1,
            windows=_windows(),
        )
    for key in ("owner", "mentee2", "waiting", "waiting2"):
        mentee_profile_update(participant=part[key], hours_per_month=4)

    # Goals: shared with the mentor, private, cited in a request; the others' own.
    goal = built.obj
    goal["goal_shared"] = goal_create(
        owner=part["owner"], title=built.mark("goal-shared", "owner", "mentor"), topics=topics[:1]
    )
    goal_step_add(goal=goal["goal_shared"], title="A first step")
    goal_progress_add(goal=goal["goal_shared"], author=people["owner"], note="Begun", progress=20)
    goal["step"] = goal["goal_shared"].steps.get()
    goal["goal_private"] = goal_create(
        owner=part["owner"], title=built.mark("goal-private", "owner"), topics=topics[1:2]
    )
    goal["goal_request"] = goal_create(
        owner=part["owner"], title=built.mark("goal-request", "owner", "asked")
    )
    goal["goal_b_private"] = goal_create(
        owner=part["mentee2"], title=built.mark("goal-b-private", "mentee2")
    )
    goal["goal_b_request"] = goal_create(
        owner=part["mentee2"], title=built.mark("goal-b-request", "mentee2", "mentor2")
    )
    for key in ("waiting", "waiting2"):
        goal_create(owner=part[key], title=f"Goal of {key} in {tag}")

    # The owner's mentorship, its norms and what they wrote together.
    mentorship = mentorship_start(mentor=part["mentor"], mentee=part["owner"])
    built.obj["mentorship"] = mentorship
    goal_share_with_mentors(
        goal=goal["goal_shared"], owner=people["owner"], mentor_ids=[people["mentor"].pk]
    )
    agreement_propose(
        mentorship=mentorship,
        actor=people["owner"],
        frequency="monthly",
        format="video",
        channel="Video call",
        meeting_minutes=30,
    )
    agreement_confirm(mentorship=mentorship, actor=people["mentor"], version=1)

    start = (now - timedelta(days=10)).replace(hour=10, minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        mentorship=mentorship,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        status=Meeting.Status.HELD,
        proposed_by=people["owner"],
        confirmed_at=start - timedelta(days=2),
        held_at=start + timedelta(minutes=30),
    )
    built.obj["meeting_held"] = held
    shared_notes_save(
        meeting=held, author=people["owner"], text=built.mark("shared-notes", "owner", "mentor")
    )
    private_note_save(
        meeting=held, author=people["owner"], text=built.mark("private-note-owner", "owner")
    )
    private_note_save(
        meeting=held, author=people["mentor"], text=built.mark("private-note-mentor", "mentor")
    )
    built.obj["action_item"] = action_item_add(
        mentorship=mentorship,
        actor=people["owner"],
        owner=people["owner"],
        text=built.mark("action-item", "owner", "mentor"),
        due_on=today + timedelta(days=5),
        meeting=held,
    )
    built.obj["advice"] = advice_add(
        mentorship=mentorship,
        actor=people["mentor"],
        text=built.mark("advice", "owner", "mentor"),
        meeting=held,
    )
    appreciation_send(
        mentorship=mentorship,
        author=people["owner"],
        kind="thanks",
        text=built.mark("appreciation", "owner", "mentor"),
    )
    feedback_leave(
        meeting=held, author=people["mentor"], helped=built.mark("feedback", "owner", "mentor")
    )
    slots = slots_for(mentorship=mentorship, minutes=30, now=now)
    upcoming = meeting_propose(
        mentorship=mentorship, actor=people["owner"], starts_at=slots[2], minutes=30
    )
    meeting_confirm(meeting=upcoming, actor=people["mentor"])
    built.obj["meeting"] = upcoming
    built.obj["agenda_item"] = agenda_item_add(
        meeting=upcoming, author=people["owner"], text=built.mark("agenda", "owner", "mentor")
    )
    built.obj["meeting_proposed"] = meeting_propose(
        mentorship=mentorship, actor=people["owner"], starts_at=slots[40], minutes=30
    )
    # Their conversation: the owner writes, then sends a file, the mentor answers last (so the
    # owner has a reply to mark read, and the mentor has read all of it); and the mentor has
    # muted the owner.
    built.obj["message"] = _say(
        people["owner"], mentorship, built.mark("message-owner", "owner", "mentor")
    )
    built.obj["attachment"] = _send_file(
        people["owner"], mentorship, built.mark("attachment", "owner", "mentor")
    )
    built.obj["message_reply"] = _say(
        people["mentor"], mentorship, built.mark("message-mentor", "owner", "mentor")
    )
    person_mute(thread=get_thread_for_user(people["mentor"], mentorship.pk), actor=people["mentor"])
    # Free times for the proposing and rescheduling forms.
    built.obj["free_slots"] = [slots[12].isoformat(), slots[25].isoformat()]

    # Check-ins: the owner's due one; last period's answers, one comment for admins only.
    last = CheckIn.objects.create(
        mentorship=mentorship,
        person=people["mentor"],
        period_key="proof-1",
        due_on=today - timedelta(days=20),
    )
    checkin_answer(
        checkin=last,
        person=people["mentor"],
        satisfaction=4,
        energy=4,
        norms_fit="yes",
        comment=built.mark("checkin-for-admins", "mentor", "admin"),
        comment_visibility=CheckIn.Visibility.ADMINS,
    )
    mine = CheckIn.objects.create(
        mentorship=mentorship,
        person=people["owner"],
        period_key="proof-1",
        due_on=today - timedelta(days=20),
    )
    checkin_answer(
        checkin=mine,
        person=people["owner"],
        satisfaction=5,
        energy=5,
        norms_fit="yes",
        comment=built.mark("checkin-shared", "owner", "mentor"),
        comment_visibility=CheckIn.Visibility.SHARED,
    )
    built.obj["checkin"] = CheckIn.objects.create(
        mentorship=mentorship,
        person=people["owner"],
        period_key="proof-2",
        due_on=today,
    )
    built.obj["report"] = report_file(
        reporter=people["owner"],
        mentorship=mentorship,
        kind="other",
        text=built.mark("report", "owner", "admin"),
    )

    # Pending requests: the owner's to `asked`, mentee2's to mentor2.
    built.obj["request"] = request_create(
        mentee=part["owner"],
        mentor=part["asked"],
        goals=[goal["goal_request"]],
        topic=topics[0],
        why_this_mentor=built.mark("why-request", "owner", "asked"),
    )
    built.obj["request_b"] = request_create(
        mentee=part["mentee2"],
        mentor=part["mentor2"],
        goals=[goal["goal_b_request"]],
        topic=topics[1],
        why_this_mentor=built.mark("why-request-b", "mentee2", "mentor2"),
    )

    # Matching rounds for the two mentees without a mentor: one run optimal, one stable.
    waiting = [part["waiting"].pk, part["waiting2"].pk]
    optimal = round_create(
        program=program, actor=admin, name=f"Optimal {tag}", mentee_ids=waiting, min_score=-50
    )
    round_run(
        matching_round=optimal,
        actor=admin,
        facts=round_facts(program=program, mentee_ids=waiting),
    )
    built.obj["round"] = optimal
    built.obj["proposal"] = optimal.runs.get().proposals.order_by("pk").first()
    stable = round_create(
        program=program,
        actor=admin,
        name=f"Stable {tag}",
        mentee_ids=waiting,
        method=MatchingRound.Method.STABLE,
        min_score=-50,
    )
    facts = round_facts(program=program, mentee_ids=[part["waiting"].pk])
    choices = [
        c.mentor_id
        for c in swap_candidates(
            facts=facts,
            proposals=[],
            mentee_id=part["waiting"].pk,
            weights=round_weights(stable.weights),
            blocked=frozenset(),
        )
        if not c.refused
    ]
    mentee_preferences_save(matching_round=stable, mentee=part["waiting"], mentor_ids=choices[:2])
    built.obj["stable_choices"] = choices
    built.obj["topics"] = topics
    built.obj["round_stable"] = stable

    announcement_send(
        program=program,
        actor=admin,
        audience="everyone",
        title="News",
        body=built.mark("announcement", *everyone),
    )
    old = calendar_feed_regenerate(user=people["owner"]).secret
    built.obj["feed_revoked"] = old
    built.obj["feed"] = calendar_feed_regenerate(user=people["owner"]).secret
    built.obj["api_token"], _ = token_create(
        user=people["owner"], name=f"Script {tag}", scopes=list(Scope.values)
    )
    invitation = invitation_create(
        program=program, invited_by=admin, email=f"invitee.{tag}@example.org", role=Role.MENTEE
    )
    built.obj["invitation"] = invitation
    built.obj["invitation_token"] = invitation_token(invitation)
    revoked = invitation_create(
        program=program, invited_by=admin, email=f"gone.{tag}@example.org", role=Role.MENTOR
    )
    revoked_token = invitation_token(revoked)
    invitation_revoke(invitation=revoked, actor=admin)
    built.obj["invitation_revoked_token"] = revoked_token
    built.obj["notification"] = notify(
        recipient=people["owner"],
        kind=Notification.Kind.GENERAL,
        title=built.mark("notification", "owner"),
        link="/home/",
    )
    built.obj["unsubscribe"] = unsubscribe_token(people["owner"], Reminder.MEETING)
    # Everyone in the program may see the owner's name; nobody outside it.
    built.markers[people["owner"].full_name] = {people[k].pk for k in PEOPLE}
    return built


def _clear_of(start: datetime, minutes: int, taken: list[tuple[datetime, datetime]]) -> bool:
    end = start + timedelta(minutes=minutes)
    return all(end <= begins or start >= ends for begins, ends in taken)


def build_circle(built: Built, organization: Organization) -> None:
    """``<tag>-circles``: a group program run by ``built``'s admin, where its mentor leads a
    circle of its owner and one more mentee (no role of the matrix), with the circle's norms,
    an upcoming meeting with the owner's agenda item, a held one with notes, and one begun but
    not marked held. The circle's times stay clear of the pair's free times the matrix posts."""
    now = timezone.now()
    today = timezone.localdate()
    people = built.people
    admin, mentor, owner = people["admin"], people["mentor"], people["owner"]
    member = UserFactory(
        email=f"member.{built.tag}-circles@example.org",
        full_name=f"Member {built.tag.capitalize()}circleson",
        time_zone="Europe/Berlin",
    )
    program = program_create(
        organization=organization,
        created_by=admin,
        slug=f"{built.tag}-circles",
        name=f"Program {built.tag.capitalize()} Circles",
        description="The proof program's circles.",
        kind=Program.Kind.GROUP,
        starts_on=today - timedelta(days=30),
        circle_size=4,
    )
    leader = participant_add(program=program, user=mentor, role=Role.MENTOR, actor=admin)
    mentor_profile_update(
        participant=leader,
        topics=built.obj["topics"][:1],
        headline=f"Circle mentor in {built.tag}",
        bio="Circles welcome.",
        capacity=1,  # one circle
        accepting_requests=True,
    )
    availability_set(
        participant=leader,
        time_zone="Europe/Berlin",
        minimum_notice_hours=1,
        cancellation_notice_hours=1,
        windows=_windows(),
    )
    for person in (owner, member):
        mentee = participant_add(program=program, user=person, role=Role.MENTEE, actor=admin)
        mentee_profile_update(participant=mentee, hours_per_month=4)
        mentorship_start(mentor=leader, mentee=mentee)
    circle = MentorshipGroup.objects.get(mentor=leader)
    assert {person.pk for person in circle.people()} == {mentor.pk, owner.pk, member.pk}
    circle_norms_set(
        circle=circle,
        actor=mentor,
        frequency="biweekly",
        format="video",
        channel="https://meet.example.org/circle",
        meeting_minutes=60,
        other=built.mark("circle-norms", "owner", "mentor"),
    )

    # Free hours of the circle's mentor, clear of the pair's free times the matrix posts.
    taken = [
        (start, start + timedelta(minutes=30))
        for start in map(datetime.fromisoformat, built.obj["free_slots"])
    ]
    free: list[datetime] = []
    for start in circle_slots_for(circle=circle, minutes=60, now=now)[10:]:
        if _clear_of(start, 60, taken):
            free.append(start)
            taken.append((start, start + timedelta(minutes=60)))
        if len(free) == 3:
            break
    upcoming = circle_meeting_schedule(circle=circle, actor=mentor, starts_at=free[0], minutes=60)
    built.obj["circle_agenda_item"] = agenda_item_add(
        meeting=upcoming, author=owner, text=built.mark("circle-agenda", "owner", "mentor")
    )
    # For the scheduling and rescheduling forms.
    built.obj["circle_free_slots"] = [free[1].isoformat(), free[2].isoformat()]

    # History is written directly: scheduling refuses times in the past.
    start = (now - timedelta(days=14)).replace(hour=11, minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        group=circle,
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        status=Meeting.Status.HELD,
        proposed_by=mentor,
        confirmed_at=start - timedelta(days=3),
        held_at=start + timedelta(minutes=60),
    )
    shared_notes_save(
        meeting=held, author=mentor, text=built.mark("circle-shared-notes", "owner", "mentor")
    )
    private_note_save(
        meeting=held, author=owner, text=built.mark("circle-private-note-owner", "owner")
    )
    private_note_save(
        meeting=held, author=mentor, text=built.mark("circle-private-note-mentor", "mentor")
    )
    begun = (now - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    built.obj["circle_meeting_begun"] = Meeting.objects.create(
        group=circle,
        starts_at=begun,
        ends_at=begun + timedelta(minutes=60),
        status=Meeting.Status.CONFIRMED,
        proposed_by=mentor,
        confirmed_at=begun - timedelta(days=3),
    )
    # The circle's conversation, opened from the owner's membership: the owner, the mentor,
    # and the third member last (so the owner and the mentor each have a message to mark read).
    membership = Mentorship.objects.get(group=circle, mentee__user=owner)
    built.obj["circle_message"] = _say(
        owner, membership, built.mark("circle-message-owner", "owner", "mentor")
    )
    built.obj["circle_attachment"] = _send_file(
        owner, membership, built.mark("circle-attachment", "owner", "mentor")
    )
    _say(mentor, membership, built.mark("circle-message-mentor", "owner", "mentor"))
    built.obj["circle_message_last"] = _say(
        member,
        Mentorship.objects.get(group=circle, mentee__user=member),
        built.mark("circle-message-member", "owner", "mentor"),
    )
    # The third member's name: the circle's people know it; so does the admin who runs its program (its
    # participant pages and the API's participant and mentorship lists show it).
    built.markers[member.full_name] = {owner.pk, mentor.pk, member.pk, admin.pk}
    built.obj.update(
        circles_program=program,
        circle=circle,
        circle_member=member,
        circle_membership=membership,
        circle_meeting=upcoming,
        circle_meeting_held=held,
    )


def build_identity(built: Built, organization: Organization, admin: User) -> None:
    """``organization``'s identity, set up by its organization admin ``admin``: a live SCIM
    token (``scim_token``, the token itself in ``scim_raw``) and a revoked one, a person and a
    group its identity provider provisioned (the group is mapped to nothing, so provisioning
    changed no program), a mapping of another group into ``built``'s program, and a mentee of
    it who left the organization (``leaver``)."""
    built.obj["scim_token"], built.obj["scim_raw"] = scim_token_create(
        organization=organization, actor=admin, name=f"Entra ID {built.tag}"
    )
    revoked, built.obj["scim_raw_revoked"] = scim_token_create(
        organization=organization, actor=admin, name=f"Old Okta {built.tag}"
    )
    built.obj["scim_token_revoked"] = scim_token_revoke(
        organization=organization, token=revoked, actor=admin
    )
    built.obj["scim_user"], built.obj["scim_group"] = provision(
        organization,
        email=f"provisioned.{built.tag}@example.org",
        full_name=f"Provisioned {built.tag.capitalize()}son",
        external_id=f"ext-{built.tag}",
        group_name=f"Engineering {built.tag}",
        department="Engineering",
        job_title="Engineer",
        time_zone="Europe/Berlin",
    )
    built.obj["mapping"] = group_mapping_create(
        organization=organization,
        actor=admin,
        group_name=f"Mentees of {built.tag}",
        program=built.program,
        role=Role.MENTEE,
    )
    leaver = UserFactory(
        email=f"leaver.{built.tag}@example.org",
        full_name=f"Leaver {built.tag.capitalize()}son",
        time_zone="Europe/Berlin",
    )
    participant_add(
        program=built.program, user=leaver, role=Role.MENTEE, actor=built.people["admin"]
    )
    built.obj["departure"] = person_leave(
        organization=organization, user=leaver, actor=admin, via=Departure.Via.ADMIN
    )
    built.obj["leaver"] = leaver


SSO_DOMAIN = "proof-sso.example"


def build_sso(home: Organization, far: Organization) -> None:
    """Single sign-on: ``home`` (alpha's and beta's organization) signs in through an OpenID
    Connect provider for the addresses of ``SSO_DOMAIN``, ``far`` (gamma's) through SAML 2.0."""
    oidc_provider(home, server_url="https://op.proof.example", domain=SSO_DOMAIN)
    saml_provider(far, host="idp.far.example", domain="far-sso.example")


def build_world() -> World:
    home = Organization.objects.create(name="Proof Org", slug="proof-org")
    far = Organization.objects.create(name="Far Org", slug="far-org")
    # beta first: its admin is the organization admin who adds alpha's topics too.
    beta = build_program("beta", home)
    alpha = build_program("alpha", home, topics_by=beta.people["admin"])
    build_circle(alpha, home)
    gamma = build_program("gamma", far)
    # Last, so that the leavers change nothing the other objects were built from.
    build_identity(alpha, home, beta.people["admin"])
    build_identity(gamma, far, gamma.people["admin"])
    build_sso(home, far)
    # alpha's owner connected their own calendar (where nothing answers: reading it fails).
    CalendarConnection.objects.create(
        user=alpha.people["owner"],
        server_url="http://127.0.0.1:9/",
        username="owner",
        password_encrypted=encrypt("an-app-password"),
        calendar_url="http://127.0.0.1:9/owner/work/",
        calendar_name="Work",
    )
    # alpha's organization tells a webhook of new requests; one event went out.
    webhook, _ = webhook_create(
        organization=home,
        actor=beta.people["admin"],
        url="http://127.0.0.1:9/hooks",
        events=["request.sent"],
    )
    alpha.obj["webhook"] = webhook
    alpha.obj["integration"], _, _ = integration_create(
        organization=home, actor=beta.people["admin"], name="Workday", scopes=["audit:read"]
    )
    alpha.obj["webhook_delivery"] = Delivery.objects.create(
        webhook=webhook,
        kind=WEBHOOK,
        subject_key="msg_proof",
        period_key="once",
        title="request.sent",
        body='{"type":"request.sent"}',
        due_at=timezone.now(),
        state=Delivery.State.SENT,
        response_status=200,
    )
    markers: dict[str, set[int]] = {}
    for built in (alpha, beta, gamma):
        markers.update(built.markers)
    # Sanity: the world is what the matrix assumes.
    assert alpha.obj["request"].status == MentorshipRequest.Status.PENDING
    assert alpha.obj["mentorship"].status == Mentorship.Status.ACTIVE
    assert alpha.obj["proposal"] is not None
    assert alpha.obj["circle"].live_members().count() == 2
    assert Invitation.objects.filter(program=alpha.program, status="pending").count() == 1
    # alpha's owner has a profile photo (shown to alpha's people only).
    user_photo_set(user=alpha.people["owner"], data=_tiny_photo())
    return World(alpha=alpha, beta=beta, gamma=gamma, markers=markers)


def _tiny_photo() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()
