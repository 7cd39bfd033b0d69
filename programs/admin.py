from __future__ import annotations

from django.contrib import admin

from programs.models import AuditEntry, Invitation, Organization, Participant, Program


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


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
    list_display = ["created_at", "program", "actor", "action", "subject"]
    list_filter = ["action", "program"]
    readonly_fields = ["program", "actor", "action", "subject", "detail", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
