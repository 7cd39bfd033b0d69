"""Request types for views: behind LoginRequiredMiddleware, `request.user` is a real User."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_htmx.middleware import HtmxDetails

from accounts.models import User
from mentorship.errors import DomainError, form_add_domain_error

R = TypeVar("R")


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


def run_form(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[dict[str, Any]], R],
    *,
    done: str | Callable[[R], str],
    then: Any | Callable[[R], Any],
) -> HttpResponse | None:
    """The form pages' one shape: a valid POST runs the service → message → redirect.

    ``action`` gets the form's cleaned data; ``done`` (the message) and ``then`` (what
    ``redirect`` takes: a URL or an object with ``get_absolute_url``) may be worked out from
    its result. None means "render the page again": a GET, an invalid form, or the service's
    refusal, which now stands next to the field it names.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action(form.cleaned_data)
    except DomainError as exc:
        form_add_domain_error(form, exc)
        return None
    messages.success(request, done(result) if callable(done) else done)
    return redirect(then(result) if callable(then) else then)
