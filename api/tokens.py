"""The person's API tokens page: make one (its key shown once), see when each was last used,
revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import services
from api.forms import TokenForm
from api.models import AccessToken
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest

NEW_KEY = "api_new_key"  # the session's hold on a new key until the page shows it, once


def token_list(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            # Shown by the page the browser is sent to, and then never again: a reload of it
            # neither shows the key again nor makes another token.
            request.session[NEW_KEY] = key
            messages.success(
                request, _("Token “%(name)s” made. Copy its key now.") % {"name": token.name}
            )
            return redirect("api:tokens")
    key = request.session.pop(NEW_KEY, "") if request.method == "GET" else ""
    tokens = AccessToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(request, "api/tokens.html", {"form": form, "key": key, "tokens": tokens})


@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not services.token_revoke(user=request.user, pk=pk):
        raise Http404("No such token of yours.")
    messages.success(request, _("Revoked: that key no longer works."))
    return redirect("api:tokens")
