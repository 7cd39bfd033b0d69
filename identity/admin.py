"""Operators' view of organizations' identity settings in /admin/: single sign-on can be set up
here too (the secret is typed in plain and stored encrypted, as on the organization's page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from identity.models import Departure, ScimToken, SsoProvider
from mentorship import crypto
from programs.services import audit_record


class SsoProviderAdminForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the one stored."),
    )

    class Meta:
        model = SsoProvider
        fields = [
            "organization",
            "kind",
            "name",
            "server_url",
            "client_id",
            "domains",
            "required",
            "department_claim",
            "job_title_claim",
            "time_zone_claim",
            "groups_claim",
        ]


@admin.register(SsoProvider)
class SsoProviderAdmin(admin.ModelAdmin):
    form = SsoProviderAdminForm
    list_display = ["organization", "name", "domains", "required"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        secret = form.cleaned_data.get("secret", "")
        if secret:
            obj.secret_encrypted = crypto.encrypt(secret)
        super().save_model(request, obj, form, change)
        audit_record(
            organization=obj.organization,
            actor=request.user,  # type: ignore[arg-type]
            action="sso.save",
            subject=obj.name,
            after={"domains": obj.domains, "required": obj.required, "in": "/admin/"}
            | ({"client secret": "changed"} if secret else {}),
        )


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    list_display = ["organization", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["organization", "name", "digest", "hint", "created_by", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made on the organization's page, where the token is shown once


@admin.register(Departure)
class DepartureAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "via", "created_at", "returned_at"]
    readonly_fields = [f.name for f in Departure._meta.fields] + ["participations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
