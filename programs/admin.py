from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.errors import DomainError
from programs import services
from programs.models import (
    AuditEntry,
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
)

# The organization admin role is granted and taken back here, by operators, through the
# services: each change is audited where every program of the organization sees it, and the
# person is told. Changing a grant in place (moving it to another person) is not offered:
# take it back and grant it anew, so the log says both.


class OrganizationAdminForm(ModelForm):
    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        organization, user = data.get("organization"), data.get("user")
        if self.instance.pk is not None or user is None:
            return data
        if not user.is_active:
            raise ValidationError(_("%(user)s has no active account.") % {"user": user})
        if (
            organization is not None
            and organization.pk is not None
            and OrganizationAdmin.objects.filter(organization=organization, user=user).exists()
        ):
            raise ValidationError(
                _("%(user)s is an admin of %(organization)s already.")
                % {"user": user, "organization": organization}
            )
        return data


class OrganizationAdminInline(admin.TabularInline):
    model = OrganizationAdmin
    form = OrganizationAdminForm
    fk_name = "organization"
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "granted_by", "created_at"]
    readonly_fields = ["granted_by", "created_at"]
    verbose_name = gettext_lazy("organization admin")
    verbose_name_plural = gettext_lazy(
        "organization admins (manage the topics all its programs share)"
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Existing rows are shown read-only; a grant is added or deleted, never edited.
        return False


def _grant(request: HttpRequest, role: OrganizationAdmin) -> bool:
    try:
        services.organization_admin_grant(
            organization=role.organization,
            user=role.user,
            actor=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


def _revoke(request: HttpRequest, role: OrganizationAdmin) -> None:
    try:
        services.organization_admin_revoke(role=role, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)


@admin.register(Organization)
class OrganizationModelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [OrganizationAdminInline]

    def save_formset(
        self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model is not OrganizationAdmin:
            super().save_formset(request, form, formset, change)
            return
        roles = formset.save(commit=False)
        for role in formset.deleted_objects:
            _revoke(request, role)
        for role in roles:
            if role.pk is None:
                _grant(request, role)


@admin.register(OrganizationAdmin)
class OrganizationAdminModelAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["user", "organization", "granted_by", "created_at"]
    list_filter = ["organization"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "organization", "granted_by"]
    readonly_fields = ["granted_by", "created_at"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a grant is added or deleted, never edited

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _grant(request, obj)
        # The admin's "added" message and log entry need the saved row.
        saved = OrganizationAdmin.objects.filter(
            organization=obj.organization, user=obj.user
        ).first()
        if saved is not None:
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _revoke(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for role in queryset.select_related("organization", "user"):
            _revoke(request, role)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "kind", "starts_on", "ends_on", "enrollment_open"]
    list_filter = ["kind", "enrollment_open", "organization"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    raw_id_fields = ["created_by"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "joined_at"]
    list_filter = ["role", "status", "program"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]
    list_select_related = ["user", "program"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "role", "status", "expires_at"]
    list_filter = ["status", "role", "program"]
    search_fields = ["email"]
    exclude = ["nonce"]
    raw_id_fields = ["invited_by", "accepted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "program", "organization", "actor", "action", "subject"]
    list_filter = ["action", "organization", "program"]
    readonly_fields = [
        "program",
        "organization",
        "actor",
        "action",
        "subject",
        "detail",
        "created_at",
    ]
    list_select_related = ["program", "organization", "actor"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
