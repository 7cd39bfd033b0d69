"""Reads that gather a person's path through their programs: the next step on Home."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from goals.models import Goal
from matching.models import Mentorship, MentorshipRequest
from meetings.models import Agreement, Meeting
from programs.models import Participant, Program, Role


@dataclass(frozen=True)
class NextStep:
    """One step of the path, in one program: what to do, why, and where."""

    program: Program
    title: str
    text: str
    link: str = ""
    link_label: str = ""


def next_steps_for(*, user: User) -> list[NextStep]:
    """The next step of the path in each program the person is active in: set a goal → find a
    mentor (or wait for the program's round when admins match) → agree norms → first meeting.
    A program where the path is walked adds nothing. Six queries whatever the numbers."""
    participations = list(
        Participant.objects.filter(user=user, status=Participant.Status.ACTIVE)
        .select_related("program")
        .annotate(
            active_goals=Count("goals", filter=Q(goals__status=Goal.Status.ACTIVE), distinct=True),
            draft_goals=Count("goals", filter=Q(goals__status=Goal.Status.DRAFT), distinct=True),
        )
        .order_by("program__name", "role")
    )
    ids = [p.pk for p in participations]
    live = list(
        Mentorship.objects.filter(
            Q(mentee_id__in=ids) | Q(mentor_id__in=ids), status__in=Mentorship.LIVE_STATUSES
        )
        .select_related("mentee__user", "mentor__user")
        .order_by("started_at", "pk")
    )
    live_ids = [m.pk for m in live]
    circle_ids = {m.group_id for m in live if m.group_id is not None}
    # Norms and meetings belong to a pair's mentorship or to a circle: "circle-7" keys the latter.
    owners = Q(mentorship_id__in=live_ids) | Q(group_id__in=circle_ids)
    agreed = _owner_keys(Agreement.objects.filter(owners, confirmed_at__isnull=False))
    met = _owner_keys(Meeting.objects.filter(owners).exclude(status=Meeting.Status.CANCELLED))
    pending = {
        r.mentee_id: r
        for r in MentorshipRequest.objects.filter(
            mentee_id__in=ids, status=MentorshipRequest.Status.PENDING
        )
        .select_related("mentor__user")
        .order_by("-created_at")
    }
    steps: list[NextStep] = []
    for participant in participations:
        mine = [m for m in live if participant.pk in (m.mentee_id, m.mentor_id)]
        if participant.role == Role.MENTEE and not mine:
            steps.append(_before_a_mentor(participant, pending.get(participant.pk)))
            continue
        for mentorship in mine:
            step = _with_a_partner(participant, mentorship, agreed=agreed, met=met)
            if step is not None:
                steps.append(step)
                break
    return steps


def _owner_keys(rows: QuerySet[Any]) -> set[int | str]:
    return {
        mentorship_id or f"circle-{group_id}"
        for mentorship_id, group_id in rows.values_list("mentorship_id", "group_id").distinct()
    }


def _before_a_mentor(participant: Participant, request: MentorshipRequest | None) -> NextStep:
    program = participant.program
    drafts = participant.draft_goals  # type: ignore[attr-defined]
    if not participant.active_goals and drafts:  # type: ignore[attr-defined]
        return NextStep(
            program,
            _("Make a goal active"),
            ngettext(
                "You have %(count)s draft goal: open the one that matters most and make it "
                "active. Mentors see active goals, and requests cite them.",
                "You have %(count)s draft goals: open the one that matters most and make it "
                "active. Mentors see active goals, and requests cite them.",
                drafts,
            )
            % {"count": drafts},
            reverse("goals:list"),
            _("Your goals"),
        )
    if not participant.active_goals:  # type: ignore[attr-defined]
        return NextStep(
            program,
            _("Set a goal"),
            _("Write down what you want from this program: mentors see it when you ask them."),
            reverse("goals:start"),
            _("Set a goal"),
        )
    if request is not None:
        mentor = request.mentor.user.get_full_name()
        return NextStep(
            program,
            _("Waiting for %(name)s") % {"name": mentor},
            _(
                "Your request is with %(name)s; they are asked to answer by %(day)s. Nothing "
                "to do until then."
            )
            % {"name": mentor, "day": date_format(timezone.localtime(request.expires_at), "j F")},
            reverse("matching:request", kwargs={"pk": request.pk}),
            _("Your request"),
        )
    if program.matching_mode == Program.MatchingMode.ADMIN_ASSIGNS:
        return NextStep(
            program,
            _("Wait for the program's matching round"),
            _(
                "%(program)s's admins match people in rounds; you will be told who and why. "
                "Meanwhile, keep your goals up to date: the match is made from them."
            )
            % {"program": program.name},
            reverse("goals:list"),
            _("Your goals"),
        )
    words = program.find_words
    return NextStep(
        program,
        words,
        _(
            "Your goals are set. Look through who has room and ask one person for a small "
            "first step."
        ),
        reverse("matching:directory", kwargs={"slug": program.slug}),
        words,
    )


def _with_a_partner(
    participant: Participant,
    mentorship: Mentorship,
    *,
    agreed: set[int | str],
    met: set[int | str],
) -> NextStep | None:
    program = participant.program
    if mentorship.group_id is not None:
        return _in_a_circle(participant, mentorship, agreed=agreed, met=met)
    other = mentorship.mentor if participant.pk == mentorship.mentee_id else mentorship.mentee
    name = other.user.get_full_name()
    if not mentorship.single_session and mentorship.pk not in agreed:
        return NextStep(
            program,
            _("Agree how you will work with %(name)s") % {"name": name},
            _("How often you meet, where, and how quickly you answer: settled once, together."),
            reverse("meetings:agreement", kwargs={"pk": mentorship.pk}),
            _("Agree norms"),
        )
    if mentorship.pk not in met:
        return NextStep(
            program,
            _("Plan your first meeting with %(name)s") % {"name": name},
            _(
                "Pick a time inside the mentor's contact windows; both of you get it in your "
                "calendar."
            ),
            reverse("meetings:meeting_propose", kwargs={"pk": mentorship.pk}),
            _("Propose a time"),
        )
    return None


def _in_a_circle(
    participant: Participant,
    mentorship: Mentorship,
    *,
    agreed: set[int | str],
    met: set[int | str],
) -> NextStep | None:
    """A circle's next step: its mentor sets the norms, then the first meeting; a member waits
    for them, with the circle a click away."""
    program, key = participant.program, f"circle-{mentorship.group_id}"
    circle_url = reverse("meetings:circle", kwargs={"pk": mentorship.group_id})
    leads = participant.pk == mentorship.mentor_id
    mentor = mentorship.mentor.user.get_full_name()
    if key not in agreed:
        if leads:
            return NextStep(
                program,
                _("Set your circle's norms"),
                _("How often the circle meets, where and for how long: every member sees them."),
                circle_url,
                _("Set the norms"),
            )
        return NextStep(
            program,
            _("Meet your circle"),
            _("%(name)s sets the circle's norms and its first meeting; you are told when they do.")
            % {"name": mentor},
            circle_url,
            _("Your circle"),
        )
    if key not in met:
        if leads:
            return NextStep(
                program,
                _("Set your circle's first meeting"),
                _(
                    "Pick a time in your contact windows: every member is told and gets it in "
                    "their calendar."
                ),
                reverse("meetings:circle_meeting_new", kwargs={"pk": mentorship.group_id}),
                _("Set a meeting"),
            )
        return NextStep(
            program,
            _("Wait for the circle's first meeting"),
            _("%(name)s sets it; meanwhile read the circle's norms.") % {"name": mentor},
            circle_url,
            _("Your circle"),
        )
    return None
