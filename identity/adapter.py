"""allauth's social accounts, fed from the organizations' own single sign-on settings
(``SsoProvider``, secret decrypted here) instead of allauth's table; first sign-in makes the
account just in time, for the provider's own email domains only, and an existing account is
linked once, by its owner, signed in."""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.models import User
from identity import services
from identity.models import SsoProvider
from mentorship import crypto

OIDC = "openid_connect"
SAML = "saml"
# Where SAML providers put what Twoway reads: the usual names, OIDs and Microsoft's claim URIs.
SAML_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "email",
        "mail",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    ],
    "first_name": [
        "givenName",
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    ],
    "last_name": [
        "sn",
        "surname",
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    ],
}
LINKING = "identity:linking-email"


def social_app(provider: SsoProvider) -> SocialApp:
    """The allauth app of an organization's provider (never saved: allauth's table would keep
    the secret in plain text). Hidden: allauth would otherwise list every organization's button
    on the sign-in page."""
    slug = provider.provider_id
    if provider.kind == SsoProvider.Kind.SAML:
        return SocialApp(
            provider=SAML,
            provider_id=slug,
            name=provider.name,
            client_id=slug,  # allauth's SAML URLs name the app by it
            settings={
                "idp": {
                    "entity_id": provider.saml_entity_id,
                    "sso_url": provider.saml_sso_url,
                    "x509cert": provider.saml_certificate,
                },
                "attribute_mapping": SAML_ATTRIBUTES,
                "advanced": {
                    "strict": True,
                    "want_assertion_signed": True,
                    "reject_idp_initiated_sso": True,
                    "allow_single_label_domains": True,
                },
                "hidden": True,
            },
        )
    return SocialApp(
        provider=OIDC,
        provider_id=slug,
        name=provider.name,
        client_id=provider.client_id,
        secret=crypto.decrypt(provider.secret_encrypted),
        settings={"server_url": provider.server_url, "hidden": True},
    )


def _provider_of(sociallogin: SocialLogin) -> SsoProvider | None:
    app = sociallogin.provider.app if sociallogin.provider else None
    slug = getattr(app, "provider_id", "")
    return (
        SsoProvider.objects.select_related("organization").filter(organization__slug=slug).first()
    )


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    """The provider's claims (OpenID Connect) or attributes (SAML: lists of values; a single
    value is read as itself)."""
    data = sociallogin.account.extra_data or {}
    if getattr(sociallogin.provider, "id", "") == SAML:
        return {k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in data.items()}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


APPS_KEPT = "_identity_sso_apps"  # on the request: the apps it was given, by provider and client


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        """``provider`` is allauth's provider ("openid_connect", "saml") or, from allauth's
        OpenID Connect views, the organization's slug. Kept for the request: allauth asks
        again for every linked account a page lists."""
        kept: dict[tuple[str | None, str | None], list[SocialApp]] = (
            request.__dict__.setdefault(APPS_KEPT, {}) if request is not None else {}
        )
        if (provider, client_id) not in kept:
            kept[provider, client_id] = self._apps(provider, client_id)
        return kept[provider, client_id]

    @staticmethod
    def _apps(provider: str | None, client_id: str | None) -> list[SocialApp]:
        rows = SsoProvider.objects.select_related("organization")
        if provider == OIDC:
            rows = rows.filter(kind=SsoProvider.Kind.OIDC)
        elif provider == SAML:
            rows = rows.filter(kind=SsoProvider.Kind.SAML)
        elif provider is not None:
            rows = rows.filter(organization__slug=provider)
        apps = [social_app(row) for row in rows]
        return [app for app in apps if client_id is None or app.client_id == client_id]

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return _provider_of(sociallogin) is not None

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = _provider_of(sociallogin)
        email = (sociallogin.user.email or "").lower()
        if provider is None or email.rpartition("@")[2] not in provider.domain_list():
            messages.error(
                request,
                _("That sign-in is not for this organization's email addresses. Ask its admins."),
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                # Linked once, by its owner: signed in to that very account (with its password).
                if request.user.is_authenticated and request.user.pk == user.pk:
                    sociallogin.connect(request, user)
                    request.session.pop(LINKING, None)
                else:
                    # One password sign-in is let through for this address, to prove it is
                    # theirs (identity.forms.LoginForm), even where the organization requires SSO.
                    request.session[LINKING] = email
                    messages.info(
                        request,
                        _(
                            "There is a Twoway account for %(email)s already. Sign in to it with "
                            "its password once: you then go on to your organization's sign-in, "
                            "and the two are linked for good."
                        )
                        % {"email": email},
                    )
                    then = f"{reverse('identity:sso_start')}?{urlencode({'email': email})}"
                    login = reverse("account_login")
                    raise ImmediateHttpResponse(redirect(f"{login}?{urlencode({'next': then})}"))
        if user is not None and user.pk:
            if not user.is_active:
                raise ImmediateHttpResponse(redirect("account_inactive"))
            services.sso_sign_in_apply(provider=provider, user=user, claims=_claims(sociallogin))

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> Any:
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        user.full_name = (name or "").strip()[:150]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        provider = _provider_of(sociallogin)
        if provider is not None:
            services.sso_sign_in_apply(provider=provider, user=user, claims=_claims(sociallogin))
        return user
