"""Writes to programs: create and run cohorts, invite, approve, withdraw."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from mentorship.errors import DomainError
from mentorship.validators import (
    EMAIL_TOO_LONG,
    single_line,
    validate_email_address,
    validate_single_line,
)
from notifications.models import Notification
from notifications.services import notify, notify_many
from programs.access import (
    GRANT_PERMISSION,
    REVOKE_PERMISSION,
    program_admin_participations,
    require_operator,
    require_organization_admin,
    require_program_admin,
    user_can_accept_invitation,
)
from programs.csv_import import csv_people_read
from programs.events import emit
from programs.models import (
    PROGRAM_SETTINGS_FIELDS,
    Announcement,
    AuditEntry,
    Invitation,
    Organization,
    OrganizationAdmin,
    Participant,
    Program,
    Role,
    Topic,
    role_word,
)


def _jsonable(value: Any) -> Any:
    """Dates and other values as the audit log's JSON can hold them."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def audit_record(
    *,
    program: Program | None = None,
    organization: Organization | None = None,
    actor: User | None,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write down an admin's change to someone else's data: who, when, what, before and after.

    A program's change names the ``program``; a change to what all of an organization's programs
    share names the ``organization`` instead, and lands in the log every one of those programs'
    admins reads (and the organization admins' own).
    """
    if before is not None:
        detail["before"] = before
    if after is not None:
        detail["after"] = after
    return AuditEntry.objects.create(
        program=program,
        organization=organization,
        actor=actor,
        action=action,
        subject=subject[:200],
        detail=_jsonable(detail),
    )


def _active_admins(program: Program) -> list[User]:
    return list(
        User.objects.filter(
            participations__in=program_admin_participations().filter(program=program)
        )
    )


# ---------------------------------------------------------------------------
# Programs
# ---------------------------------------------------------------------------
def _program_validate(program: Program) -> None:
    """The model's own rules (dates in order, numbers in range) as a readable refusal."""
    try:
        program.full_clean()
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise DomainError(
            " ".join(messages), field=None if field_name == "__all__" else field_name
        ) from exc


@transaction.atomic
def program_create(
    *, organization: Organization, created_by: User, slug: str, **values: Any
) -> Program:
    """Create a program; its creator becomes its first admin."""
    unknown = set(values) - set(PROGRAM_SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"program_create() got unknown fields {sorted(unknown)}")
    program = Program(organization=organization, created_by=created_by, slug=slug, **values)
    _program_validate(program)
    program.save()
    Participant.objects.create(
        user=created_by,
        program=program,
        role=Role.ADMIN,
        status=Participant.Status.ACTIVE,
        joined_at=timezone.now(),
    )
    audit_record(program=program, actor=created_by, action="program.create", subject=program.name)
    return program


@transaction.atomic
def program_update(*, program: Program, actor: User, **values: Any) -> Program:
    """Change a program's rules."""
    unknown = set(values) - set(PROGRAM_SETTINGS_FIELDS)
    if unknown:
        raise TypeError(f"program_update() got unknown fields {sorted(unknown)}")
    changed = {k: v for k, v in values.items() if getattr(program, k) != v}
    before = {key: getattr(program, key) for key in sorted(changed)}
    for key, value in changed.items():
        setattr(program, key, value)
    _program_validate(program)
    program.save()
    if changed:
        audit_record(
            program=program,
            actor=actor,
            action="program.update",
            subject=program.name,
            fields=sorted(changed),
            before=before,
            after={key: changed[key] for key in sorted(changed)},
        )
    return program


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------
def _normalise_email(email: str) -> str:
    email = email.strip().lower()
    try:
        validate_email_address(email)
    except ValidationError as exc:
        if exc.code == "max_length":
            raise DomainError(EMAIL_TOO_LONG, field="email") from exc
        raise DomainError(
            _("%(value)s is not an email address.") % {"value": email}
            if email
            else _("An empty value is not an email address."),
            field="email",
        ) from exc
    return email


def _invitation_refusal(*, program: Program, email: str, role: str) -> str | None:
    """Why this person cannot be invited in this role now, or None."""
    if Participant.objects.filter(
        program=program,
        role=role,
        user__email=email,
        status__in=[Participant.Status.ACTIVE, Participant.Status.INVITED],
    ).exists():
        return _("%(email)s is already a %(role)s in %(program)s.") % {
            "email": email,
            "role": role_word(role),
            "program": program.name,
        }
    if Invitation.objects.filter(
        program=program, email=email, role=role, status=Invitation.Status.PENDING
    ).exists():
        return _(
            "%(email)s already has a pending invitation as %(role)s; "
            "use “Send again” in the pending invitations to renew it."
        ) % {"email": email, "role": role_word(role)}
    return None


def _send_invitation_on_commit(invitation: Invitation) -> None:
    from mentorship.celery import enqueue_on_commit
    from programs.tasks import send_invitation_email

    enqueue_on_commit(send_invitation_email, invitation.pk)


def _tell_existing_user(invitation: Invitation) -> None:
    from programs.tokens import invitation_token

    user = User.objects.filter(email=invitation.email).first()
    if user is None:
        return
    notify(
        recipient=user,
        kind=Notification.Kind.INVITATION,
        title=format_lazy(
            gettext_lazy("You are invited to {program} as {role}"),
            program=invitation.program.name,
            role=role_word(invitation.role),
        ),
        body=gettext_lazy("Accept the invitation to join the program."),
        link=reverse("programs:invitation", kwargs={"token": invitation_token(invitation)}),
    )


@transaction.atomic
def invitation_create(
    *, program: Program, invited_by: User, email: str, role: str, full_name: str = ""
) -> Invitation:
    """Invite one person by email; they get a link, and a notification if they have an account."""
    email = _normalise_email(email)
    if role not in Role.values:
        raise DomainError(
            _("%(role)s is not a role; use admin, mentor or mentee.") % {"role": role}, field="role"
        )
    refusal = _invitation_refusal(program=program, email=email, role=role)
    if refusal:
        raise DomainError(refusal, field="email")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                program=program,
                email=email,
                full_name=single_line(full_name)[:150],  # a CSV cell may hold a line break
                role=role,
                nonce=secrets.token_hex(16),
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
                invited_by=invited_by,
            )
    except IntegrityError as exc:
        # Two admins inviting the same person at once: the partial unique index decides.
        raise DomainError(
            _("%(email)s already has a pending invitation as %(role)s.")
            % {"email": email, "role": role_word(role)},
            field="email",
        ) from exc
    audit_record(
        program=program, actor=invited_by, action="invitation.create", subject=email, role=role
    )
    _tell_existing_user(invitation)
    _send_invitation_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send a fresh link with a fresh expiry; earlier links stop working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise DomainError(
            _("This invitation is %(status)s; only pending ones can be sent again.")
            % {"status": invitation.get_status_display().lower()}
        )
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)
    invitation.save(update_fields=["nonce", "expires_at", "updated_at"])
    audit_record(
        program=invitation.program,
        actor=actor,
        action="invitation.resend",
        subject=invitation.email,
    )
    _send_invitation_on_commit(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise DomainError(
            _("This invitation is %(status)s already.")
            % {"status": invitation.get_status_display().lower()}
        )
    invitation.status = Invitation.Status.REVOKED
    invitation.nonce = secrets.token_hex(16)
    invitation.save(update_fields=["status", "nonce", "updated_at"])
    audit_record(
        program=invitation.program,
        actor=actor,
        action="invitation.revoke",
        subject=invitation.email,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Participant:
    """Turn an invitation into an active participant, once."""
    # 1. Lock the row: two tabs accepting at once must not both succeed.
    invitation = (
        Invitation.objects.select_for_update().select_related("program").get(pk=invitation.pk)
    )
    # 2. Check it can still be used, by this person.
    if invitation.status == Invitation.Status.ACCEPTED:
        raise DomainError(_("This invitation has been used already."))
    if invitation.status == Invitation.Status.REVOKED:
        raise DomainError(_("This invitation was withdrawn by the program's admins."))
    if invitation.is_expired:
        raise DomainError(
            _("This invitation has expired; ask the program's admins to send it again.")
        )
    if not user_can_accept_invitation(user=user, invitation=invitation):
        raise DomainError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, "
                "or add and verify it under your email settings."
            )
            % {"email": invitation.email}
        )
    # 3. Make or reactivate the participant.
    participant, _was_active = _participant_get_or_activate(
        program=invitation.program, user=user, role=invitation.role
    )
    # 4. Use up the invitation and tell the admins.
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at", "updated_at"])
    program = invitation.program
    notify_many(
        recipients=[admin for admin in _active_admins(program) if admin.pk != user.pk],
        kind=Notification.Kind.PARTICIPATION,
        title=format_lazy(
            gettext_lazy("{name} joined {program} as {role}"),
            name=user.full_name or user.email,
            program=program.name,
            role=participant.role_word,
        ),
        link=reverse("programs:manage", kwargs={"slug": program.slug}),
    )
    return participant


# ---------------------------------------------------------------------------
# CSV import
# ---------------------------------------------------------------------------
@dataclass
class CsvImportResult:
    invited: list[Invitation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def invitations_import_csv(
    *, program: Program, invited_by: User, upload: IO[bytes]
) -> CsvImportResult:
    """Invite everyone in a CSV of name, email, role: all of it, or none of it."""
    rows = csv_people_read(upload)
    result = CsvImportResult()
    with transaction.atomic():
        for line, name, email, role in rows:
            refusal = _invitation_refusal(program=program, email=email, role=role)
            if refusal:
                result.skipped.append(
                    _("line %(line)s: %(problem)s") % {"line": line, "problem": refusal}
                )
                continue
            result.invited.append(
                invitation_create(
                    program=program, invited_by=invited_by, email=email, role=role, full_name=name
                )
            )
        audit_record(
            program=program,
            actor=invited_by,
            action="invitation.import",
            subject=f"{len(result.invited)} invited",
            skipped=len(result.skipped),
        )
    return result


# ---------------------------------------------------------------------------
# Applications and participants
# ---------------------------------------------------------------------------
@transaction.atomic
def participant_apply(*, program: Program, user: User, role: str) -> Participant:
    """Ask to join an open program as mentor or mentee; its admins approve or decline."""
    if not program.enrollment_open:
        raise DomainError(
            _("%(program)s is not open for applications; ask its admins for an invitation.")
            % {"program": program.name}
        )
    if role not in (Role.MENTOR, Role.MENTEE):
        raise DomainError(_("Apply as a mentor or as a mentee."), field="role")
    participant = (
        Participant.objects.select_for_update()
        .filter(user=user, program=program, role=role)
        .first()
    )
    if participant is not None:
        if participant.status == Participant.Status.ACTIVE:
            raise DomainError(
                _("You are already a %(role)s in %(program)s.")
                % {"role": participant.role_word, "program": program.name}
            )
        if participant.status == Participant.Status.APPLIED:
            raise DomainError(_("Your application is waiting for the program's admins."))
        participant.status = Participant.Status.APPLIED
        participant.withdrawn_at = None
        participant.save(update_fields=["status", "withdrawn_at", "updated_at"])
    else:
        participant = Participant.objects.create(
            user=user, program=program, role=role, status=Participant.Status.APPLIED
        )
    notify_many(
        recipients=_active_admins(program),
        kind=Notification.Kind.APPLICATION,
        title=format_lazy(
            gettext_lazy("{name} applied to {program} as {role}"),
            name=user.full_name or user.email,
            program=program.name,
            role=participant.role_word,
        ),
        link=reverse("programs:manage", kwargs={"slug": program.slug}) + "?status=applied",
    )
    return participant


@transaction.atomic
def participant_add(*, program: Program, user: User, role: str, actor: User) -> Participant:
    """An admin puts a person with an account straight into the program in a role."""
    if role not in Role.values:
        raise DomainError(
            _("%(role)s is not a role; use admin, mentor or mentee.") % {"role": role}, field="role"
        )
    participant, was_active = _participant_get_or_activate(program=program, user=user, role=role)
    if was_active:
        raise DomainError(
            _("%(email)s is already a %(role)s here.")
            % {"email": user.email, "role": participant.role_word}
        )
    audit_record(
        program=program, actor=actor, action="participant.add", subject=user.email, role=role
    )
    return participant


@transaction.atomic
def participant_ensure(
    *, program: Program, user: User, role: str, actor: User | None, why: str
) -> Participant:
    """Make the person take part in the program in ``role`` unless they already do (the
    organization's identity provider put them in a group mapped to it); logged when it changes
    anything, with ``why``."""
    participant, was_active = _participant_get_or_activate(program=program, user=user, role=role)
    if not was_active:
        audit_record(
            program=program,
            actor=actor,
            action="participant.add",
            subject=user.email,
            role=role,
            reason=why,
        )
    return participant


def participants_reactivate(*, participants: list[Participant]) -> None:
    """Give back participations a departure withdrew (the person came back)."""
    for participant in participants:
        if participant.status == Participant.Status.WITHDRAWN:
            _participant_activate(participant)


def _participant_activate(participant: Participant) -> None:
    """Make a (locked) participant row active as of now."""
    participant.status = Participant.Status.ACTIVE
    participant.joined_at = timezone.now()
    participant.withdrawn_at = None
    participant.save(update_fields=["status", "joined_at", "withdrawn_at", "updated_at"])


def _participant_get_or_activate(
    *, program: Program, user: User, role: str
) -> tuple[Participant, bool]:
    """The person's row in this role, made active; True when it was active already.

    In a peer program everyone both mentors and is mentored, so joining in either of
    those roles activates the other one too.
    """
    participant, created = Participant.objects.select_for_update().get_or_create(
        user=user,
        program=program,
        role=role,
        defaults={"status": Participant.Status.ACTIVE, "joined_at": timezone.now()},
    )
    was_active = not created and participant.status == Participant.Status.ACTIVE
    if not created and not was_active:
        _participant_activate(participant)
    if not was_active:
        emit(program, "participant.joined", participant=participant.pk, role=role)
    if program.kind == Program.Kind.PEER and role in (Role.MENTOR, Role.MENTEE):
        twin_role = Role.MENTEE if role == Role.MENTOR else Role.MENTOR
        twin, twin_created = Participant.objects.select_for_update().get_or_create(
            user=user,
            program=program,
            role=twin_role,
            defaults={"status": Participant.Status.ACTIVE, "joined_at": timezone.now()},
        )
        if not twin_created and twin.status != Participant.Status.ACTIVE:
            _participant_activate(twin)
    return participant, was_active


def _lock_participant(participant: Participant) -> Participant:
    return (
        Participant.objects.select_for_update()
        .select_related("user", "program")
        .get(pk=participant.pk)
    )


def _application_lock(participant: Participant, verb: str) -> Participant:
    """Lock an application row; refuse if it is not (or no longer) an application. ``verb``:
    "approved" or "declined"."""
    participant = _lock_participant(participant)
    if participant.status != Participant.Status.APPLIED:
        status = participant.get_status_display().lower()
        if verb == "approved":
            message = _("Only applications can be approved; this one is %(status)s.")
        else:
            message = _("Only applications can be declined; this one is %(status)s.")
        raise DomainError(message % {"status": status})
    return participant


@transaction.atomic
def participant_approve(*, participant: Participant, actor: User) -> Participant:
    """Accept an application: the person becomes an active participant."""
    participant = _application_lock(participant, "approved")
    participant, _was_active = _participant_get_or_activate(
        program=participant.program, user=participant.user, role=participant.role
    )
    program = participant.program
    audit_record(
        program=program,
        actor=actor,
        action="participant.approve",
        subject=participant.user.email,
        role=participant.role,
    )
    notify(
        recipient=participant.user,
        kind=Notification.Kind.APPROVAL,
        title=format_lazy(
            gettext_lazy("Welcome to {program}: you are in as {role}"),
            program=program.name,
            role=participant.role_word,
        ),
        link=program.get_absolute_url(),
    )
    return participant


@transaction.atomic
def participant_decline(*, participant: Participant, actor: User, reason: str = "") -> Participant:
    """Turn an application down, telling the person."""
    participant = _application_lock(participant, "declined")
    participant.status = Participant.Status.DECLINED
    participant.save(update_fields=["status", "updated_at"])
    program = participant.program
    audit_record(
        program=program,
        actor=actor,
        action="participant.decline",
        subject=participant.user.email,
        role=participant.role,
    )
    notify(
        recipient=participant.user,
        kind=Notification.Kind.APPROVAL,
        title=format_lazy(
            gettext_lazy("Your application to {program} was not accepted"), program=program.name
        ),
        body=reason.strip(),
        link=reverse("programs:list"),
    )
    return participant


@transaction.atomic
def participant_withdraw(*, participant: Participant, actor: User) -> Participant:
    """Take a person out of a program in one role; their history stays."""
    participant = _lock_participant(participant)
    if participant.status == Participant.Status.WITHDRAWN:
        raise DomainError(_("This person has been withdrawn already."))
    if participant.status != Participant.Status.ACTIVE:
        raise DomainError(
            _("Only active participants can be withdrawn; this one is %(status)s.")
            % {"status": participant.get_status_display().lower()}
        )
    program = participant.program
    if participant.role == Role.ADMIN:
        other_admins = (
            program_admin_participations()
            .select_for_update()
            .filter(program=program)
            .exclude(pk=participant.pk)
        )
        if not other_admins.exists():
            raise DomainError(
                _("A program needs at least one admin: make someone else admin first.")
            )
    participant.status = Participant.Status.WITHDRAWN
    participant.withdrawn_at = timezone.now()
    participant.save(update_fields=["status", "withdrawn_at", "updated_at"])
    emit(program, "participant.left", participant=participant.pk, role=participant.role)
    audit_record(
        program=program,
        actor=actor,
        action="participant.withdraw",
        subject=participant.user.email,
        role=participant.role,
    )
    if participant.user_id != actor.pk:
        notify(
            recipient=participant.user,
            kind=Notification.Kind.PARTICIPATION,
            title=format_lazy(
                gettext_lazy("You are no longer a {role} in {program}"),
                role=participant.role_word,
                program=program.name,
            ),
            link=reverse("programs:list"),
        )
    return participant


# ---------------------------------------------------------------------------
# Organization admins: operators grant the role; they own the organization's shared lists
# ---------------------------------------------------------------------------
@transaction.atomic
def organization_admin_grant(
    *, organization: Organization, user: User, actor: User | None
) -> OrganizationAdmin:
    """Make a person an admin of an organization: told in the app, and logged where every
    program of the organization sees it."""
    require_operator(actor, GRANT_PERMISSION)
    if not user.is_active:
        raise DomainError(_("%(user)s has no active account.") % {"user": user}, field="user")
    if OrganizationAdmin.objects.filter(organization=organization, user=user).exists():
        raise DomainError(
            _("%(user)s is an admin of %(organization)s already.")
            % {"user": user, "organization": organization.name},
            field="user",
        )
    try:
        with transaction.atomic():
            role = OrganizationAdmin.objects.create(
                organization=organization, user=user, granted_by=actor
            )
    except IntegrityError as exc:  # granted at the same moment by another request
        raise DomainError(
            _("%(user)s is an admin of %(organization)s already.")
            % {"user": user, "organization": organization.name},
            field="user",
        ) from exc
    audit_record(
        organization=organization,
        actor=actor,
        action="organization_admin.grant",
        subject=user.get_full_name(),
    )
    notify(
        recipient=user,
        kind=Notification.Kind.PARTICIPATION,
        title=format_lazy(
            gettext_lazy("You are now an organization admin of {organization}"),
            organization=organization.name,
        ),
        body=gettext_lazy("You manage the topics all of its programs share."),
        link=organization.get_absolute_url(),
    )
    return role


@transaction.atomic
def organization_admin_revoke(*, role: OrganizationAdmin, actor: User | None) -> None:
    """Take the role back; logged where every program of the organization sees it."""
    require_operator(actor, REVOKE_PERMISSION)
    organization, user = role.organization, role.user
    role.delete()
    audit_record(
        organization=organization,
        actor=actor,
        action="organization_admin.revoke",
        subject=user.get_full_name(),
    )
    notify(
        recipient=user,
        kind=Notification.Kind.PARTICIPATION,
        title=format_lazy(
            gettext_lazy("You are no longer an organization admin of {organization}"),
            organization=organization.name,
        ),
    )


# ---------------------------------------------------------------------------
# Topics: the organization's list, owned by its organization admins
# ---------------------------------------------------------------------------
def _topic_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("A topic needs a name."), field="name")
    try:
        validate_single_line(name)
    except ValidationError as exc:
        raise DomainError(
            _("A topic name cannot contain control characters."), field="name"
        ) from exc
    if len(name) > 80:
        raise DomainError(_("A topic name has at most 80 characters."), field="name")
    return name


def _topic_of(organization: Organization, topic: Topic) -> None:
    if topic.organization_id != organization.pk:
        raise DomainError(
            _("That topic is not on the list of %(organization)s.")
            % {"organization": organization.name}
        )


@transaction.atomic
def topic_create(*, organization: Organization, actor: User, name: str) -> Topic:
    """Add a topic to the organization's list (shared by all its programs)."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("add topics"))
    name = _topic_name(name)
    if Topic.objects.filter(organization=organization, name__iexact=name).exists():
        raise DomainError(_("“%(name)s” is on the list already.") % {"name": name}, field="name")
    topic = Topic.objects.create(organization=organization, name=name)
    audit_record(organization=organization, actor=actor, action="topic.create", subject=name)
    return topic


@transaction.atomic
def topic_rename(*, organization: Organization, topic: Topic, actor: User, name: str) -> Topic:
    """Rename a topic; everything tagged with it, in every program, follows."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("rename topics"))
    _topic_of(organization, topic)
    name = _topic_name(name)
    if (
        Topic.objects.filter(organization=organization, name__iexact=name)
        .exclude(pk=topic.pk)
        .exists()
    ):
        raise DomainError(_("“%(name)s” is on the list already.") % {"name": name}, field="name")
    old = topic.name
    topic.name = name
    topic.save(update_fields=["name", "updated_at"])
    audit_record(
        organization=organization,
        actor=actor,
        action="topic.rename",
        subject=name,
        before={"name": old},
        after={"name": name},
    )
    return topic


@transaction.atomic
def topic_delete(*, organization: Organization, topic: Topic, actor: User) -> None:
    """Take a topic off the list; goals and profiles in every program lose that tag."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("remove topics"))
    _topic_of(organization, topic)
    audit_record(organization=organization, actor=actor, action="topic.delete", subject=topic.name)
    topic.delete()


# ---------------------------------------------------------------------------
# Admin actions: announcements and enrollment
# ---------------------------------------------------------------------------
@transaction.atomic
def announcement_send(
    *, program: Program, actor: User, audience: str, title: str, body: str
) -> Announcement:
    """Tell everyone in a program, or its mentors or mentees: in-app now, by email from a task."""
    from programs.selectors import announcement_recipients

    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_program_admin(program=program, actor=actor, doing=_("send announcements"))
    if audience not in Announcement.Audience.values:
        raise DomainError(_("Choose who the announcement is for."), field="audience")
    title = " ".join(title.split())
    if not title:
        raise DomainError(_("An announcement needs a title."), field="title")
    if len(title) > 150:
        raise DomainError(_("A title has at most 150 characters."), field="title")
    body = body.strip()
    if not body:
        raise DomainError(_("Write what you want to tell them."), field="body")
    recipients = list(
        announcement_recipients(program=program, audience=audience, author_id=actor.pk)
    )
    if not recipients:
        raise DomainError(
            _("Nobody is active in %(program)s as %(audience)s yet.")
            % {
                "program": program.name,
                "audience": Announcement.Audience(audience).label.lower(),
            },
            field="audience",
        )
    announcement = Announcement.objects.create(
        program=program,
        author=actor,
        audience=audience,
        title=title,
        body=body,
        recipient_count=len(recipients),
    )
    notify_many(
        recipients=recipients,
        kind=Notification.Kind.GENERAL,
        title=f"{program.name}: {title}",
        body=body,
        link=program.get_absolute_url(),
    )
    audit_record(
        program=program,
        actor=actor,
        action="announcement.send",
        subject=title,
        after={
            "audience": announcement.get_audience_display(),
            "recipients": len(recipients),
        },
    )
    from mentorship.celery import enqueue_on_commit
    from programs.tasks import send_announcement_emails

    enqueue_on_commit(send_announcement_emails, announcement.pk)
    return announcement


@transaction.atomic
def program_enrollment_set(
    *, program: Program, actor: User, enrollment_open: bool, ends_on: date | None
) -> Program:
    """Open or close enrollment, and move the program's end date (extend it, or set one)."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_program_admin(program=program, actor=actor, doing=_("change enrollment"))
    program = Program.objects.select_for_update().get(pk=program.pk)
    today = timezone.localdate()
    if ends_on != program.ends_on:
        if ends_on is not None and ends_on < today:
            raise DomainError(
                _("The end date cannot be in the past; to end the program now, close it."),
                field="ends_on",
            )
        if ends_on is not None and ends_on < program.starts_on:
            raise DomainError(
                _("The program starts on %(date)s; it cannot end before.")
                % {"date": date_format(program.starts_on, "d M Y")},
                field="ends_on",
            )
    if enrollment_open and ends_on is not None and ends_on < today:
        raise DomainError(
            _("%(program)s ended on %(date)s: extend it before opening enrollment.")
            % {"program": program.name, "date": date_format(ends_on, "d M Y")},
            field="enrollment_open",
        )
    before = {"enrollment open": program.enrollment_open, "ends on": program.ends_on}
    after = {"enrollment open": enrollment_open, "ends on": ends_on}
    if before == after:
        return program
    program.enrollment_open = enrollment_open
    program.ends_on = ends_on
    _program_validate(program)
    program.save(update_fields=["enrollment_open", "ends_on", "updated_at"])
    audit_record(
        program=program,
        actor=actor,
        action="program.enrollment",
        subject=program.name,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return program
