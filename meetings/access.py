"""Who may see which meeting: the two people in its mentorship, or a circle's mentor and its
members now. Nobody else, admins included, gets past 404: meetings carry agendas and notes that
belong to the people in them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from matching.access import mentorships_visible_to
from matching.models import Mentorship, MentorshipGroup
from meetings.models import ActionItem, Advice, AgendaItem, Meeting


def meetings_of(user_ids: list[int]) -> Q:
    """Meetings these people take part in: their pairs' meetings, and the meetings of the circles
    they lead or belong to now (one row each: the membership is an ``Exists``)."""
    member = Mentorship.objects.filter(
        group=OuterRef("group"), mentee__user_id__in=user_ids, status__in=Mentorship.LIVE_STATUSES
    )
    return (
        Q(mentorship__mentor__user_id__in=user_ids)
        | Q(mentorship__mentee__user_id__in=user_ids)
        | Q(group__mentor__user_id__in=user_ids)
        | Q(Exists(member))
    )


def people_of(meeting: Meeting) -> list[User]:
    """Everyone the meeting is for: the pair (mentee first), or the circle (mentor first)."""
    if meeting.mentorship is not None:
        return [meeting.mentorship.mentee.user, meeting.mentorship.mentor.user]
    assert meeting.group is not None
    return meeting.group.people()


# What ``people_of`` and ``Meeting.with_whom`` read, fetched with the meeting.
WITH_PEOPLE = ("mentorship__mentor__user", "mentorship__mentee__user", "group__mentor__user")


def meeting_with_people(pk: int) -> Meeting | None:
    """The meeting with its people at hand (for the tasks that tell them), or None if gone."""
    return Meeting.objects.select_related(*WITH_PEOPLE).filter(pk=pk).first()


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(meetings_of([user.pk]))


def circles_visible_to(user: User) -> QuerySet[MentorshipGroup]:
    """The circles the person leads or belongs to now."""
    member = Mentorship.objects.filter(
        group=OuterRef("pk"), mentee__user=user, status__in=Mentorship.LIVE_STATUSES
    )
    return MentorshipGroup.objects.filter(Q(mentor__user=user) | Q(Exists(member)))


def get_circle_for_user(user: User, pk: int) -> MentorshipGroup:
    """A circle the person leads or belongs to now; 404 for anybody else (admins included)."""
    circle = (
        circles_visible_to(user)
        .select_related("mentor__user", "program", "mentor__availability", "mentor__mentor_profile")
        .filter(pk=pk)
        .first()
    )
    if circle is None:
        raise Http404("No such circle.")
    return circle


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    """The meeting if ``user`` is its mentor or mentee; 404 otherwise."""
    meeting = (
        meetings_visible_to(user)
        .select_related(
            "mentorship__mentor__user",
            "mentorship__mentee__user",
            "mentorship__program",
            "group__mentor__user",
            "group__program",
            "proposed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def get_mentorship_for_scheduling(user: User, pk: int) -> Mentorship:
    """One of the user's own mentorships, with what scheduling reads; 404 for anybody else's."""
    mentorship = (
        mentorships_visible_to(user)
        .select_related(
            "mentor__user",
            "mentee__user",
            "program",
            "mentor__availability",
            "mentor__mentor_profile",
        )
        .prefetch_related("mentor__availability__windows")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    return mentorship


def get_agenda_item_for_user(user: User, pk: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(meeting__in=meetings_visible_to(user))
        .select_related("meeting__mentorship__mentor__user", "meeting__mentorship__mentee__user")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such agenda item.")
    return item


def get_action_item_for_user(user: User, pk: int) -> ActionItem:
    item = (
        ActionItem.objects.filter(mentorship__in=mentorships_visible_to(user))
        .select_related("mentorship__mentor__user", "mentorship__mentee__user", "meeting")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such action item.")
    return item


def get_advice_rw_for_user(user: User, pk: int) -> Advice:
    """Advice of one's mentorship; 403 unless the person is its mentee, who reports back."""
    advice = (
        Advice.objects.filter(mentorship__in=mentorships_visible_to(user))
        .select_related("mentorship__mentor__user", "mentorship__mentee__user", "meeting")
        .filter(pk=pk)
        .first()
    )
    if advice is None:
        raise Http404("No such advice.")
    if advice.mentorship.mentee.user_id != user.pk:
        raise PermissionDenied(_("Only the mentee reports back on advice."))
    return advice
