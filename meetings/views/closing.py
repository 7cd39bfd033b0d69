"""Closing a program: a button on the programs' enrollment page, handled here where the final
check-ins live."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from meetings.services.closing import program_close
from mentorship.http import AuthedHttpRequest, run_form
from programs.access import get_program_for_admin
from programs.forms import ProgramCloseForm
from programs.views import enrollment_context


@require_POST
def program_close_view(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = ProgramCloseForm(request.POST)
    if response := run_form(
        request,
        form,
        lambda _: program_close(program=program, actor=request.user),
        done=lambda closed: (
            f"{program.name} is closed: {closed.ended} mentorship{'' if closed.ended == 1 else 's'} "
            f"ended, {closed.final_checkins} final check-ins asked, "
            f"{closed.requests_expired} pending request{'' if closed.requests_expired == 1 else 's'} expired."
        ),
        then=reverse("programs:enrollment", kwargs={"slug": program.slug}),
    ):
        return response
    return render(request, "programs/enrollment.html", enrollment_context(program, close_form=form))


urlpatterns = [
    path("programs/<slug:slug>/manage/close/", program_close_view, name="program_close"),
]
