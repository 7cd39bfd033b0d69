"""Request types for views: behind LoginRequiredMiddleware, `request.user` is a real User."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from mentorship.errors import DomainError


class AuthedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


def run_action(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str,
    back: str,
    form: forms.Form | None = None,
) -> tuple[HttpResponse, object | None]:
    """The small POST views' one shape: form → service → message → redirect to ``back``.

    A form error or a service's refusal becomes an error message on the page the person came
    from; the service's result is returned beside the response for views that redirect elsewhere.
    """
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(back), None
    try:
        result = action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back), None
    messages.success(request, done)
    return redirect(back), result
