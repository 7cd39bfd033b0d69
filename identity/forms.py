from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.socialaccount.forms import DisconnectForm as AllauthDisconnectForm
from allauth.socialaccount.models import SocialAccount
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from accounts.models import User
from programs.models import Organization, Program, Role

MAX_EMAIL = 254  # characters in an email address (RFC 5321)


def _sso_required_for(email: str) -> str:
    """The name of the single sign-on that ``email`` must use, or ""."""
    from identity.services import sso_provider_for_email

    provider = sso_provider_for_email(email)
    return provider.name if provider is not None and provider.required else ""


class LoginForm(AllauthLoginForm):
    """A password sign-in, refused for addresses whose organization requires single sign-on;
    except a superuser's (the operators' way in when the provider is down) and the one sign-in
    that proves an existing account is the person's before it is linked (identity.adapter)."""

    def clean(self) -> dict[str, Any]:
        email = str(self.data.get("login", "")).strip()
        if len(email) > MAX_EMAIL:  # no address is this long: allauth's own refusal follows
            return super().clean()  # type: ignore[no-any-return]
        required = _sso_required_for(email)
        session = getattr(self.request, "session", None) or {}
        linking = session.get("identity:linking-email") == email.lower()
        superuser = User.objects.filter(email__iexact=email, is_superuser=True).exists()
        if required and not linking and not superuser:
            raise forms.ValidationError(
                gettext(
                    "Your organization signs you in through %(provider)s: give this address under "
                    "“Use your organization's account” below."
                )
                % {"provider": required}
            )
        return super().clean()  # type: ignore[no-any-return]


class ResetPasswordForm(AllauthResetPasswordForm):
    """No password reset for addresses whose organization requires single sign-on."""

    def clean_email(self) -> str:
        email = super().clean_email()
        required = _sso_required_for(email)
        if required:
            raise forms.ValidationError(
                gettext(
                    "Your organization signs you in through %(provider)s: there is no password "
                    "to reset. On the sign-in page, use “Use your organization's account”."
                )
                % {"provider": required}
            )
        return str(email)


class DisconnectForm(AllauthDisconnectForm):
    """allauth's list of one's linked accounts, each with its person in the one query (the page
    reads every account's person)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.accounts = SocialAccount.objects.filter(user=self.request.user).select_related("user")
        self.fields["account"].queryset = self.accounts  # type: ignore[attr-defined]


class SsoStartForm(forms.Form):
    email = forms.EmailField(label=_("Work email"), max_length=254)


class SsoProviderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Protocol"),
        choices=[("oidc", "OpenID Connect"), ("saml", "SAML 2.0")],
        initial="oidc",
    )
    name = forms.CharField(
        label=_("Sign-in name"),
        max_length=80,
        help_text=_("What the sign-in says, like “Acme Entra ID”."),
    )
    server_url = forms.URLField(
        label=_("Issuer URL"),
        assume_scheme="https",
        max_length=300,
        required=False,
        help_text=_(
            "OpenID Connect: the issuer; Twoway reads its /.well-known/openid-configuration."
        ),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the one stored."),
    )
    saml_metadata = forms.CharField(
        label=_("IdP metadata (XML)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "SAML: paste the identity provider's metadata document, and the three fields "
            "below are read from it. Or fill them in yourself."
        ),
    )
    saml_entity_id = forms.CharField(label=_("IdP entity ID"), max_length=300, required=False)
    saml_sso_url = forms.URLField(
        label=_("IdP sign-on URL"), max_length=300, required=False, assume_scheme="https"
    )
    saml_certificate = forms.CharField(
        label=_("IdP signing certificate"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("SAML: the certificate its assertions are signed with (PEM or base64)."),
    )
    domains = forms.CharField(
        label=_("Domains"),
        max_length=500,
        help_text=_("Email domains that sign in here, separated by commas."),
    )
    required = forms.BooleanField(
        required=False,
        label=_("Require single sign-on"),
        help_text=_("People of these domains can no longer sign in or reset with a password."),
    )
    department_claim = forms.CharField(
        label=_("Department claim"), max_length=60, required=False, initial="department"
    )
    job_title_claim = forms.CharField(
        label=_("Job title claim"), max_length=60, required=False, initial="job_title"
    )
    time_zone_claim = forms.CharField(
        label=_("Time zone claim"), max_length=60, required=False, initial="zoneinfo"
    )
    groups_claim = forms.CharField(
        label=_("Groups claim"), max_length=60, required=False, initial="groups"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        metadata = data.pop("saml_metadata", "").strip()
        if not metadata or data.get("kind") != "saml":
            return data
        try:
            idp = OneLogin_Saml2_IdPMetadataParser.parse(metadata).get("idp", {})
        except Exception:  # noqa: BLE001 (any XML the parser refuses: a DTD, no XML at all)
            idp = {}
        certificates = idp.get("x509certMulti", {}).get("signing") or [idp.get("x509cert", "")]
        found = {
            "saml_entity_id": idp.get("entityId", ""),
            "saml_sso_url": idp.get("singleSignOnService", {}).get("url", ""),
            "saml_certificate": certificates[0],
        }
        if not all(found.values()):
            self.add_error(
                "saml_metadata",
                gettext(
                    "This is not an identity provider's SAML metadata with an entity ID, a "
                    "sign-on URL (HTTP-Redirect) and a signing certificate."
                ),
            )
            return data
        return {**data, **found}


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("Where it goes, say “Entra ID” or “Okta”: to tell tokens apart."),
    )


class GroupMappingForm(forms.Form):
    group_name = forms.CharField(
        max_length=200,
        label=_("Group"),
        help_text=_("Its name as the identity provider sends it."),
    )
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Program"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(Role.MENTEE, _("Mentees")), (Role.MENTOR, _("Mentors"))]
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["program"].queryset = Program.objects.filter(  # type: ignore[attr-defined]
            organization=organization
        ).order_by("name")


class PersonSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label=_("Find someone"))
