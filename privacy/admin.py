"""Operators delete anyone's personal data from /admin/ (an action on the people list)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from mentorship.errors import DomainError
from privacy.models import DataExport, RetentionPolicy
from privacy.services import VIA_OPERATOR, account_delete


@admin.action(
    description=gettext_lazy("Delete the personal data of the selected people"),
    permissions=["delete"],
)
def delete_personal_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> None:
    done = 0
    for person in queryset.filter(deleted_at__isnull=True):
        try:
            account_delete(user=person, actor=request.user, via=VIA_OPERATOR)  # type: ignore[arg-type]
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)
        else:
            done += 1
    modeladmin.message_user(
        request,
        ngettext(
            "Personal data deleted for %(count)d person.",
            "Personal data deleted for %(count)d people.",
            done,
        )
        % {"count": done},
        messages.SUCCESS,
    )


user_admin = admin.site.get_model_admin(User)
user_admin.actions = [*(user_admin.actions or []), delete_personal_data]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "months", "updated_at"]
    readonly_fields = ["updated_at", "updated_by"]


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    """Operators see that exports were asked for and when; never the files."""

    list_display = ["user", "requested_at", "ready_at", "expires_at", "size"]
    readonly_fields = ["user", "requested_at", "ready_at", "expires_at", "size"]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
