from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from accounts.models import User
from goals.access import get_goal_rw_for_user
from matching.forms import GoalSharingForm
from matching.selectors import mentor_users_of
from matching.services.profiles import goal_share_with_mentors
from mentorship.http import AuthedHttpRequest, run_form


def goal_sharing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Share a goal with some or all of one's mentors, or take it back."""
    goal = get_goal_rw_for_user(request.user, pk)
    mentors = mentor_users_of(mentee=goal.owner)
    current = [str(pk) for pk in goal.shares.values_list("mentor_id", flat=True)]
    form = GoalSharingForm(request.POST or None, mentors=mentors, initial={"mentors": current})

    def share(data: dict[str, Any]) -> list[User]:
        ids = [int(pk) for pk in data["mentors"]]
        if request.POST.get("all"):
            ids = [m.pk for m in mentors]
        return goal_share_with_mentors(goal=goal, owner=request.user, mentor_ids=ids)

    if response := run_form(
        request,
        form,
        share,
        done=lambda shared: (
            gettext("“%(title)s” is shared with %(names)s.")
            % {"title": goal.title, "names": ", ".join(m.get_full_name() for m in shared)}
            if shared
            else gettext("“%(title)s” is private again.") % {"title": goal.title}
        ),
        then=goal,
    ):
        return response
    return render(
        request, "matching/goal_sharing.html", {"goal": goal, "form": form, "mentors": mentors}
    )
