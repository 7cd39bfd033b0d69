"""Closing a program: a button on the programs' enrollment page, handled here where the final
check-ins live."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from meetings.services.closing import program_close
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest
from programs.access import get_program_for_admin
from programs.forms import ProgramCloseForm
from programs.views import enrollment_context


@require_POST
def program_close_view(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(request.user, slug)
    form = ProgramCloseForm(request.POST)
    if form.is_valid():
        try:
            closed = program_close(program=program, actor=request.user)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"{program.name} is closed: {closed.ended} mentorship{'' if closed.ended == 1 else 's'} "
                f"ended, {closed.final_checkins} final check-ins asked, "
                f"{closed.requests_expired} pending request{'' if closed.requests_expired == 1 else 's'} expired.",
            )
            return redirect("programs:enrollment", slug=program.slug)
    return render(request, "programs/enrollment.html", enrollment_context(program, close_form=form))


urlpatterns = [
    path("programs/<slug:slug>/manage/close/", program_close_view, name="program_close"),
]
