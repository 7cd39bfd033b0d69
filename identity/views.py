"""The SCIM endpoint (``/scim/v2/``, its bearer token names the organization), and the
organization admins' identity page: SCIM tokens, group mappings, and people who left."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.openid_connect import views as openid_connect_views
from allauth.socialaccount.providers.saml import views as saml_views
from allauth.socialaccount.providers.saml.utils import get_app_or_404 as get_saml_app
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from lxml import etree

from accounts.models import User
from identity import selectors, services
from identity.forms import (
    GroupMappingForm,
    PersonSearchForm,
    ScimTokenForm,
    SsoProviderForm,
    SsoStartForm,
)
from identity.models import Departure, GroupMapping, ScimToken, SsoProvider, token_digest
from mentorship.errors import DomainError, form_add_domain_error
from mentorship.http import AuthedHttpRequest
from programs.access import get_organization_for_admin
from programs.models import Organization

NEW_TOKEN = "identity:new-scim-token"  # noqa: S105 (a session key, not a secret)
logger = logging.getLogger(__name__)


def _rate_limited(request: HttpRequest) -> bool:
    """At most ``SCIM_RATE_PER_MINUTE`` calls a minute per token (or per address without one)."""
    given = request.headers.get("Authorization", "").partition(" ")[2].strip()
    who = token_digest(given) if given else request.META.get("REMOTE_ADDR", "")
    key = f"scim-rate:{who}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:
        return False
    return count > settings.SCIM_RATE_PER_MINUTE


@csrf_exempt  # a bearer token authenticates, never a cookie
@login_not_required
def scim_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    if _rate_limited(request):
        response = JsonResponse(
            {
                "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
                "status": "429",
                "detail": "Too many requests; try again in a minute.",
            },
            status=429,
            content_type="application/scim+json",
        )
        response["Retry-After"] = "60"
        return response
    base_url = request.build_absolute_uri(reverse("identity:scim_root")).rstrip("/")
    # The SCIM library (pydantic models that read their own source at import) takes seconds to
    # import: every process would pay it at its first request, for an endpoint only the
    # organization's provisioning service calls. It is imported with the first SCIM request.
    from identity import scim

    return scim.serve(request, path, base_url)


@login_not_required
@require_safe
def sso_start(request: HttpRequest) -> HttpResponse:
    """Email first: an address whose domain signs in through its organization's provider goes
    there (allauth's OpenID Connect login for that provider); any other back to the password."""
    form = SsoStartForm(request.GET)
    provider = (
        services.sso_provider_for_email(form.data.get("email", "")) if form.is_valid() else None
    )
    if provider is None:
        messages.info(
            request, _("That address has no organization sign-in here: use your password.")
        )
        return redirect("account_login")
    next_url = request.GET.get("next", "")
    query = {"process": "login"}
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        query["next"] = next_url
    if provider.kind == SsoProvider.Kind.SAML:
        url = reverse("identity:saml_login", kwargs={"organization_slug": provider.provider_id})
        return redirect(f"{url}?{urlencode(query)}")
    url = reverse("identity:oidc_login", kwargs={"provider_id": provider.provider_id})
    return redirect(f"{url}?{urlencode(query)}")


def _forms_may_go_to(response: HttpResponse, provider_url: str) -> HttpResponse:
    """allauth's "sign in via …" page posts to allauth, which answers with a redirect to the
    provider: the page's Content-Security-Policy lets forms go to that provider's origin (and
    to no other)."""
    parts = urlsplit(provider_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {origin}"
    )
    return response


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """allauth's OpenID Connect sign-in for one organization's provider."""
    try:
        response: HttpResponse = openid_connect_views.login(request, provider_id=provider_id)
    except requests.RequestException:
        # Its discovery document (/.well-known/openid-configuration) could not be read.
        logger.warning("OpenID provider of %s unreachable", provider_id, exc_info=True)
        messages.error(
            request,
            _(
                "Your organization's sign-in service could not be reached. Try again in a few "
                "minutes; if it keeps happening, tell your IT team."
            ),
        )
        return redirect("account_login")
    provider = SsoProvider.objects.filter(
        organization__slug=provider_id, kind=SsoProvider.Kind.OIDC
    ).first()
    return _forms_may_go_to(response, provider.server_url) if provider else response


@login_not_required
def saml_login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's SAML sign-in for one organization's provider."""
    response: HttpResponse = saml_views.login(request, organization_slug=organization_slug)
    provider = SsoProvider.objects.filter(
        organization__slug=organization_slug, kind=SsoProvider.Kind.SAML
    ).first()
    return _forms_may_go_to(response, provider.saml_sso_url) if provider else response


@login_not_required
def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """allauth's end of a SAML sign-in, where the identity provider's response is read. A
    response that python3-saml refuses to parse (a DTD, entities: an XML attack) or that is no
    XML at all is a failed sign-in, as allauth answers other bad responses, not a server error."""
    try:
        response: HttpResponse = saml_views.finish_acs(request, organization_slug=organization_slug)
    except (ValueError, etree.XMLSyntaxError):  # DTDForbidden, EntitiesForbidden are ValueErrors
        logger.warning("Unreadable SAML response for %s", organization_slug, exc_info=True)
        provider = get_saml_app(request, organization_slug).get_provider(request)
        return render_authentication_error(request, provider)
    return response


def identity_page(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    """One page for what the organization's identity provider does here."""
    organization = get_organization_for_admin(request.user, slug)
    token_form = ScimTokenForm(prefix="token")
    mapping_form = GroupMappingForm(prefix="mapping", organization=organization)
    sso = SsoProvider.objects.filter(organization=organization).first()
    sso_form = SsoProviderForm(prefix="sso", initial=_sso_initial(sso))
    search = PersonSearchForm(request.GET or None)
    new_token = request.session.pop(NEW_TOKEN, "") if request.method == "GET" else ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "token":
                token_form = ScimTokenForm(request.POST, prefix="token")
                if token_form.is_valid():
                    _made, raw = services.scim_token_create(
                        organization=organization,
                        actor=request.user,
                        name=token_form.cleaned_data["name"],
                    )
                    # Shown on the next page only (a reload then makes no second token).
                    request.session[NEW_TOKEN] = raw
                    return redirect("identity:page", slug=slug)
            elif action == "sso":
                sso_form = SsoProviderForm(request.POST, prefix="sso")
                if sso_form.is_valid():
                    services.sso_provider_save(
                        organization=organization, actor=request.user, **sso_form.cleaned_data
                    )
                    messages.success(request, _("Single sign-on is saved."))
                    return redirect("identity:page", slug=slug)
            elif action == "mapping":
                mapping_form = GroupMappingForm(
                    request.POST, prefix="mapping", organization=organization
                )
                if mapping_form.is_valid():
                    services.group_mapping_create(
                        organization=organization, actor=request.user, **mapping_form.cleaned_data
                    )
                    messages.success(request, _("Members of that group now join the program."))
                    return redirect("identity:page", slug=slug)
            elif action == "revoke":
                token = _token(organization, request.POST.get("token"))
                services.scim_token_revoke(
                    organization=organization, token=token, actor=request.user
                )
                messages.success(request, _("“%(name)s” no longer works.") % {"name": token.name})
                return redirect("identity:page", slug=slug)
            elif action == "unmap":
                mapping = _mapping(organization, request.POST.get("mapping"))
                services.group_mapping_delete(
                    organization=organization, mapping=mapping, actor=request.user
                )
                messages.success(request, _("The group no longer feeds that program."))
                return redirect("identity:page", slug=slug)
            elif action in ("leave", "return"):
                person = _person(organization, request.POST.get("person"))
                if action == "leave":
                    departure = services.person_leave(
                        organization=organization,
                        user=person,
                        actor=request.user,
                        via=Departure.Via.ADMIN,
                    )
                    messages.success(
                        request,
                        _(
                            "%(name)s has left: %(mentorships)s mentorship(s) ended, "
                            "%(requests)s request(s) withdrawn."
                        )
                        % {
                            "name": person.get_full_name() or person.email,
                            "mentorships": departure.ended_mentorships,
                            "requests": departure.withdrawn_requests,
                        },
                    )
                else:
                    services.person_return(
                        organization=organization,
                        user=person,
                        actor=request.user,
                        via=Departure.Via.ADMIN,
                    )
                    messages.success(
                        request,
                        _("%(name)s is back.") % {"name": person.get_full_name() or person.email},
                    )
                return redirect("identity:page", slug=slug)
            else:
                raise Http404("No such action.")
        except DomainError as exc:
            form = {"token": token_form, "mapping": mapping_form, "sso": sso_form}.get(action)
            if form is not None:
                form_add_domain_error(form, exc)
            else:
                messages.error(request, exc.message)
                return redirect("identity:page", slug=slug)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    return render(
        request,
        "organizations/identity.html",
        {
            "organization": organization,
            "scim_url": request.build_absolute_uri(reverse("identity:scim_root")),
            "sso": sso,
            "sso_form": sso_form,
            "redirect_uri": request.build_absolute_uri(
                reverse("openid_connect_callback", kwargs={"provider_id": organization.slug})
            ),
            "saml_acs_url": request.build_absolute_uri(
                reverse("saml_acs", kwargs={"organization_slug": organization.slug})
            ),
            "saml_sp_entity_id": request.build_absolute_uri(
                reverse("saml_metadata", kwargs={"organization_slug": organization.slug})
            ),
            "tokens": selectors.tokens_of(organization=organization),
            "new_token": new_token,
            "token_form": token_form,
            "mappings": selectors.mappings_of(organization=organization),
            "mapping_form": mapping_form,
            "search": search,
            "query": query,
            "people": selectors.people_of_organization(organization=organization, query=query),
            "departures": selectors.departures_of(organization=organization),
        },
    )


def _sso_initial(sso: SsoProvider | None) -> dict[str, object]:
    if sso is None:
        return {}
    fields = ["kind", "name", "server_url", "client_id", "domains", "required"]
    fields += ["saml_entity_id", "saml_sso_url", "saml_certificate"]
    claims = ("department_claim", "job_title_claim", "time_zone_claim", "groups_claim")
    return {name: getattr(sso, name) for name in (*fields, *claims)}


def _pk(raw: str | None) -> int:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 19 else 0


def _token(organization: Organization, raw: str | None) -> ScimToken:
    token = ScimToken.objects.filter(organization=organization, pk=_pk(raw)).first()
    if token is None:
        raise Http404("No such token here.")
    return token


def _mapping(organization: Organization, raw: str | None) -> GroupMapping:
    mapping = GroupMapping.objects.filter(organization=organization, pk=_pk(raw)).first()
    if mapping is None:
        raise Http404("No such mapping here.")
    return mapping


def _person(organization: Organization, raw: str | None) -> User:
    """Someone who takes part in (or left) this organization's programs; 404 for anyone else."""
    pk = _pk(raw)
    person = (
        User.objects.filter(pk=pk, participations__program__organization=organization).first()
        or User.objects.filter(pk=pk, departures__organization=organization).first()
    )
    if person is None:
        raise Http404("No such person here.")
    return person
