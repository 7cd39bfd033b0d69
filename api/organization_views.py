"""The organization admins' pages for other systems: webhooks (api.webhooks: the list with a
form to add one, each webhook with its deliveries, and the buttons that rotate, disable, enable,
delete, replay) and integrations (api.integrations: added with their scopes, revoked)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from api import integrations, webhooks
from api.forms import IntegrationForm, WebhookForm
from api.models import Integration
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest
from notifications.models import Delivery, Webhook
from programs.access import get_organization_for_admin
from programs.events import EVENTS, owner_key
from programs.models import Organization

# The session key that holds a new secret until the webhook's page shows it, once.
NEW_SECRET = "api_new_webhook_secret"  # noqa: S105 (a key's name, not a secret)
SHOWN = 50  # deliveries on a webhook's page, newest first


def _webhook(organization: Organization, pk: int) -> Webhook:
    found = Webhook.objects.filter(owner_key=owner_key(organization), pk=pk).first()
    if found is None:
        raise Http404("No such webhook.")
    return found


def webhook_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            webhook, secret = webhooks.webhook_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            request.session[NEW_SECRET] = [webhook.pk, secret]
            messages.success(request, _("Webhook added. Copy its signing secret now."))
            return redirect("api:webhook", slug=slug, pk=webhook.pk)
    return render(
        request,
        "api/webhooks.html",
        {
            "organization": organization,
            "section": "Webhooks",
            "webhooks": webhooks.webhooks_of(organization),
            "form": form,
        },
    )


@require_GET
def webhook_detail(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    webhook = _webhook(organization, pk)
    held = request.session.pop(NEW_SECRET, None)
    secret = held[1] if held and held[0] == webhook.pk else ""
    deliveries = Delivery.objects.filter(webhook=webhook).order_by("-created_at", "-pk")[:SHOWN]
    return render(
        request,
        "api/webhook.html",
        {
            "organization": organization,
            "section": "Webhooks",
            "webhook": webhook,
            "secret": secret,
            "deliveries": deliveries,
            "events": [(name, EVENTS[name]) for name in webhook.events if name in EVENTS],
        },
    )


def _act(request: AuthedHttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    webhook = _webhook(organization, pk)
    actor = request.user
    if action == "rotate":
        secret = webhooks.webhook_rotate(organization=organization, webhook=webhook, actor=actor)
        request.session[NEW_SECRET] = [webhook.pk, secret]
        messages.success(request, _("New secret made; the old one signs too for a day."))
    elif action == "delete":
        webhooks.webhook_delete(organization=organization, webhook=webhook, actor=actor)
        messages.success(request, _("Webhook deleted: no more events go there."))
        return redirect("api:webhooks", slug=slug)
    else:
        enabled = action == "enable"
        webhooks.webhook_set_enabled(
            organization=organization, webhook=webhook, actor=actor, enabled=enabled
        )
        messages.success(
            request, _("Enabled.") if enabled else _("Disabled: its waiting events are dropped.")
        )
    return redirect("api:webhook", slug=slug, pk=pk)


@require_POST
def webhook_rotate(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(request, slug, pk, "rotate")


@require_POST
def webhook_enable(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(request, slug, pk, "enable" if request.POST.get("enabled") == "1" else "disable")


@require_POST
def webhook_delete(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _act(request, slug, pk, "delete")


@require_POST
def delivery_replay(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    delivery = (
        Delivery.objects.select_related("webhook")
        .filter(webhook__owner_key=owner_key(organization), pk=pk)
        .first()
    )
    if delivery is None or delivery.webhook is None:
        raise Http404("No such delivery.")
    try:
        webhooks.delivery_replay(organization=organization, delivery=delivery, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sent again, with the same webhook-id."))
    return redirect("api:webhook", slug=slug, pk=delivery.webhook.pk)


# ---------------------------------------------------------------------------
# Integrations (api.integrations): the same organization admins' pages
# ---------------------------------------------------------------------------
NEW_CLIENT = "api_new_integration"  # the session's hold on a new client id and secret


def integration_list(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    form = IntegrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            integration, client_id, secret = integrations.integration_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            request.session[NEW_CLIENT] = [integration.pk, client_id, secret]
            messages.success(request, _("Integration added. Copy its client secret now."))
            return redirect("api:integrations", slug=slug)
    held = request.session.pop(NEW_CLIENT, None) if request.method == "GET" else None
    return render(
        request,
        "api/integrations.html",
        {
            "organization": organization,
            "section": "Integrations",
            "integrations": Integration.objects.filter(organization=organization).select_related(
                "application"
            ),
            "form": form,
            "new": {"pk": held[0], "client_id": held[1], "secret": held[2]} if held else None,
        },
    )


@require_POST
def integration_revoke(request: AuthedHttpRequest, slug: str, pk: int) -> HttpResponse:
    organization = get_organization_for_admin(request.user, slug)
    integration = (
        Integration.objects.select_related("application")
        .filter(organization=organization, pk=pk)
        .first()
    )
    if integration is None:
        raise Http404("No such integration.")
    integrations.integration_revoke(
        organization=organization, integration=integration, actor=request.user
    )
    messages.success(request, _("Revoked: its tokens no longer work."))
    return redirect("api:integrations", slug=slug)
