from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from goals.access import get_goal_rw_for_user
from matching.forms import GoalSharingForm
from matching.selectors import mentor_users_of
from matching.services import goal_share_with_mentors
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest


def goal_sharing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Share a goal with some or all of one's mentors, or take it back."""
    goal = get_goal_rw_for_user(request.user, pk)
    mentors = mentor_users_of(mentee=goal.owner)
    current = [str(pk) for pk in goal.shares.values_list("mentor_id", flat=True)]
    form = GoalSharingForm(request.POST or None, mentors=mentors, initial={"mentors": current})
    if request.method == "POST" and form.is_valid():
        ids = [int(pk) for pk in form.cleaned_data["mentors"]]
        if request.POST.get("all"):
            ids = [m.pk for m in mentors]
        try:
            shared = goal_share_with_mentors(goal=goal, owner=request.user, mentor_ids=ids)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            if shared:
                names = ", ".join(m.get_full_name() for m in shared)
                messages.success(request, f"“{goal.title}” is shared with {names}.")
            else:
                messages.success(request, f"“{goal.title}” is private again.")
            return redirect(goal)
    return render(
        request, "matching/goal_sharing.html", {"goal": goal, "form": form, "mentors": mentors}
    )
