"""Closing a program: linked from the programs' enrollment page, handled here where the final
check-ins live. Its page says how many mentorships end and how many people are told first."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from meetings.services.closing import program_close, program_close_reach
from mentorship.http import AuthedHttpRequest, run_form
from programs.access import get_program_for_admin
from programs.forms import ProgramCloseForm


@require_http_methods(["GET", "POST"])
def program_close_view(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = ProgramCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (
        response := run_form(
            request,
            form,
            lambda _data: program_close(program=program, actor=request.user),
            done=lambda closed: (
                _(
                    "%(program)s is closed: %(mentorships)s ended, %(checkins)s final check-ins "
                    "asked, %(requests)s expired."
                )
                % {
                    "program": program.name,
                    "mentorships": ngettext(
                        "%(count)s mentorship", "%(count)s mentorships", closed.ended
                    )
                    % {"count": closed.ended},
                    "checkins": closed.final_checkins,
                    "requests": ngettext(
                        "%(count)s pending request",
                        "%(count)s pending requests",
                        closed.requests_expired,
                    )
                    % {"count": closed.requests_expired},
                }
            ),
            then=reverse("programs:enrollment", kwargs={"slug": program.slug}),
        )
    ):
        return response
    return render(
        request,
        "meetings/program_close.html",
        {"program": program, "form": form, **program_close_reach(program=program)},
    )


urlpatterns = [
    path("programs/<slug:slug>/manage/close/", program_close_view, name="program_close"),
]
