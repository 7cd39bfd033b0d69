"""Writes of an organization's identity: SCIM tokens, the people and groups its identity
provider provisions, group mappings, and the leaver path (someone leaves the organization, or
comes back), which SCIM and the organization admins' page share."""

from __future__ import annotations

import base64
import binascii
import uuid
import zoneinfo
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from cryptography import x509
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from identity.models import (
    Departure,
    GroupMapping,
    ScimGroup,
    ScimToken,
    ScimUser,
    SsoProvider,
    new_token,
    token_digest,
)
from matching.directory.cache import forget as forget_rankings
from matching.services.leavers import close_for_leaver
from mentorship import crypto
from mentorship.errors import DomainError
from notifications.models import Notification
from notifications.services import notify_many
from programs.access import program_admin_participations, require_organization_admin
from programs.events import emit
from programs.models import Invitation, Organization, OrganizationAdmin, Participant, Program, Role
from programs.services import audit_record, participant_ensure, participants_reactivate
from programs.standing import standing_changed


class AlreadyProvisioned(DomainError):
    """The provider sent, as new, someone it has provisioned already."""


# How often a token's "last used" is written (each SCIM call would otherwise write a row).
LAST_USED_EVERY = 60


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------
@transaction.atomic
def scim_token_create(
    *, organization: Organization, actor: User, name: str
) -> tuple[ScimToken, str]:
    """A new token for the organization's identity provider; the token itself is returned once
    and only its digest is kept."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("make a SCIM token"))
    name = name.strip()
    if not name:
        raise DomainError(_("Name the token after where it goes (say, “Entra ID”)."), field="name")
    raw = new_token()
    token = ScimToken.objects.create(
        organization=organization,
        name=name,
        digest=token_digest(raw),
        hint=raw.removeprefix("twscim_")[:6],
        created_by=actor,
    )
    audit_record(organization=organization, actor=actor, action="scim_token.create", subject=name)
    return token, raw


@transaction.atomic
def scim_token_revoke(*, organization: Organization, token: ScimToken, actor: User) -> ScimToken:
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("revoke a token"))
    token = ScimToken.objects.select_for_update().get(pk=token.pk, organization=organization)
    if token.revoked_at is not None:
        raise DomainError(_("“%(name)s” was revoked already.") % {"name": token.name})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        organization=organization, actor=actor, action="scim_token.revoke", subject=token.name
    )
    return token


def scim_token_authenticate(raw: str) -> ScimToken | None:
    """The live token this is, or None."""
    if not raw.startswith("twscim_") or len(raw) > 100:
        return None
    token = (
        ScimToken.objects.select_related("organization")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# ---------------------------------------------------------------------------
# People and groups, as the identity provider sends them
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonFacts:
    """What Twoway takes from the identity provider's record of a person."""

    email: str
    full_name: str
    department: str
    job_title: str
    time_zone: str
    external_id: str
    active: bool


def _account_for(facts: PersonFacts) -> User | None:
    """The person's account: the one with this email, or a new one (verified: the provider
    vouches for its own people's addresses; they sign in through it or set a password)."""
    if not facts.email:
        return None
    user = User.objects.filter(email__iexact=facts.email).first()
    if user is None:
        user = User.objects.create_user(email=facts.email, password=None)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _apply(user: User | None, facts: PersonFacts) -> None:
    if user is None:
        return
    changed = {
        "full_name": facts.full_name[:150],
        "department": facts.department[:100],
        "job_title": facts.job_title[:100],
    }
    if facts.time_zone:
        changed["time_zone"] = facts.time_zone
    changed = {k: v for k, v in changed.items() if v and getattr(user, k) != v}
    for field, value in changed.items():
        setattr(user, field, value)
    if changed:
        user.save(update_fields=list(changed))


@transaction.atomic
def scim_user_create(*, organization: Organization, user_name: str, facts: PersonFacts) -> ScimUser:
    user = _account_for(facts)
    if user is not None and ScimUser.objects.filter(organization=organization, user=user).exists():
        raise AlreadyProvisioned(f"{facts.email} is provisioned already.")
    row = ScimUser.objects.create(
        organization=organization,
        user=user,
        user_name=user_name,
        external_id=facts.external_id,
        active=True,
    )
    _apply(user, facts)
    if not facts.active:
        _scim_set_active(row, active=False)
    return row


@transaction.atomic
def scim_user_update(*, row: ScimUser, user_name: str, facts: PersonFacts) -> ScimUser:
    if row.user is None:
        row.user = _account_for(facts)
    elif (
        facts.email
        and facts.email.lower() != row.user.email.lower()
        and not User.objects.filter(email__iexact=facts.email).exclude(pk=row.user.pk).exists()
    ):
        row.user.email = facts.email
        row.user.save(update_fields=["email"])
        EmailAddress.objects.filter(user=row.user, primary=True).update(email=facts.email)
    row.user_name = user_name
    row.external_id = facts.external_id
    row.save(update_fields=["user", "user_name", "external_id", "updated_at"])
    _apply(row.user, facts)
    if facts.active != row.active:
        _scim_set_active(row, active=facts.active)
    return row


@transaction.atomic
def scim_user_delete(*, row: ScimUser) -> None:
    """The provider forgets the person: they leave the organization; their account and its
    history stay (inactive), and a later provisioning links it again."""
    if row.active:
        _scim_set_active(row, active=False)
    row.delete()


def _scim_set_active(row: ScimUser, *, active: bool) -> None:
    row.active = active
    row.save(update_fields=["active", "updated_at"])
    if row.user is None:
        return
    if active and _departure_in_force(row.organization, row.user) is not None:
        person_return(
            organization=row.organization, user=row.user, actor=None, via=Departure.Via.SCIM
        )
    elif not active and _departure_in_force(row.organization, row.user) is None:
        person_leave(
            organization=row.organization, user=row.user, actor=None, via=Departure.Via.SCIM
        )


@transaction.atomic
def scim_group_create(
    *, organization: Organization, display_name: str, external_id: str, member_ids: list[str]
) -> ScimGroup:
    group = ScimGroup.objects.create(
        organization=organization, display_name=display_name, external_id=external_id
    )
    _set_members(group, member_ids)
    return group


@transaction.atomic
def scim_group_update(
    *, row: ScimGroup, display_name: str, external_id: str, member_ids: list[str]
) -> ScimGroup:
    row.display_name = display_name
    row.external_id = external_id
    row.save(update_fields=["display_name", "external_id", "updated_at"])
    _set_members(row, member_ids)
    return row


def _set_members(group: ScimGroup, member_ids: list[str]) -> None:
    ids = []
    for value in member_ids:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue  # not one of our ids: no such member
    group.members.set(ScimUser.objects.filter(organization=group.organization_id, scim_id__in=ids))
    group_mappings_apply(group=group)


def group_mappings_apply(*, group: ScimGroup) -> int:
    """Every active, linked member of the group takes part in the programs its name is mapped
    to; the number of participations this added."""
    mappings = list(
        GroupMapping.objects.filter(
            organization_id=group.organization_id, group_name=group.display_name
        ).select_related("program")
    )
    added = 0
    for member in group.members.filter(active=True, user__isnull=False).select_related("user"):
        assert member.user is not None
        for mapping in mappings:
            before = Participant.objects.filter(
                user=member.user,
                program=mapping.program,
                role=mapping.role,
                status=Participant.Status.ACTIVE,
            ).exists()
            participant_ensure(
                program=mapping.program,
                user=member.user,
                role=mapping.role,
                actor=None,
                why=f"In the group “{group.display_name}” of the identity provider.",
            )
            added += not before
    return added


@transaction.atomic
def group_mapping_create(
    *, organization: Organization, actor: User, group_name: str, program: Program, role: str
) -> GroupMapping:
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("map a group"))
    group_name = group_name.strip()
    if not group_name:
        raise DomainError(
            _("Give the group's name as the identity provider sends it."), field="group_name"
        )
    if program.organization_id != organization.pk:
        raise DomainError(_("Pick one of this organization's programs."), field="program")
    if role not in (Role.MENTEE, Role.MENTOR):
        raise DomainError(_("Members join as mentees or as mentors."), field="role")
    mapping, created = GroupMapping.objects.get_or_create(
        organization=organization, group_name=group_name, program=program, role=role
    )
    if not created:
        raise DomainError(
            _("This group already feeds that program in that role."), field="group_name"
        )
    audit_record(
        organization=organization,
        actor=actor,
        action="group_mapping.create",
        subject=group_name,
        feeds=program.name,
        role=role,
    )
    for group in ScimGroup.objects.filter(organization=organization, display_name=group_name):
        group_mappings_apply(group=group)
    return mapping


@transaction.atomic
def group_mapping_delete(*, organization: Organization, mapping: GroupMapping, actor: User) -> None:
    """New members no longer join; those who joined stay (an admin withdraws them by hand)."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("remove a mapping"))
    audit_record(
        organization=organization,
        actor=actor,
        action="group_mapping.delete",
        subject=mapping.group_name,
        feeds=mapping.program.name,
        role=mapping.role,
    )
    mapping.delete()


# ---------------------------------------------------------------------------
# The leaver path
# ---------------------------------------------------------------------------
def _departure_in_force(organization: Organization, user: User) -> Departure | None:
    return Departure.objects.filter(
        organization=organization, user=user, returned_at__isnull=True
    ).first()


def _name(user: User) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def person_leave(
    *, organization: Organization, user: User, actor: User | None, via: str
) -> Departure:
    """Someone left the organization, all in one transaction: their open requests withdrawn,
    their live mentorships ended ("left the organization", each partner told why), their
    participations and organization roles in it ended, its pending invitations to them revoked,
    the program admins told; and, unless they take part in another organization's programs,
    their account can no longer sign in, which ends every session at its next request."""
    if actor is not None:
        require_organization_admin(
            organization=organization,
            actor=actor,
            # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
            doing=_("record that someone left"),
        )
        if actor.pk == user.pk:
            raise DomainError(_("You cannot record your own leaving; ask another admin."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if _departure_in_force(organization, user) is not None:
        raise DomainError(_("%(name)s has left the organization already.") % {"name": _name(user)})
    participants = list(
        Participant.objects.select_for_update(of=("self",))
        .filter(user=user, program__organization=organization)
        .exclude(status__in=[Participant.Status.WITHDRAWN, Participant.Status.DECLINED])
        .select_related("program")
    )
    closed = close_for_leaver(participants=participants, actor=actor)
    now = timezone.now()
    Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
        status=Participant.Status.WITHDRAWN, withdrawn_at=now, updated_at=now
    )
    standing_changed([user.pk])  # an update sends no signal
    forget_rankings(p.program_id for p in participants)  # nor the directory's rankings
    for participant in participants:
        emit(
            participant.program,
            "participant.left",
            participant=participant.pk,
            role=participant.role,
        )
    Invitation.objects.filter(
        program__organization=organization,
        email__iexact=user.email,
        status=Invitation.Status.PENDING,
    ).update(status=Invitation.Status.REVOKED, updated_at=now)
    OrganizationAdmin.objects.filter(organization=organization, user=user).delete()
    elsewhere = (
        Participant.objects.filter(user=user, status=Participant.Status.ACTIVE)
        .exclude(program__organization=organization)
        .exists()
        or OrganizationAdmin.objects.filter(user=user).exists()
    )
    # Operators' accounts (staff) are the operators' to close, in /admin/.
    if not elsewhere and not user.is_staff and user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    departure = Departure.objects.create(
        organization=organization,
        user=user,
        via=via,
        actor=actor,
        ended_mentorships=len(closed.mentorships),
        withdrawn_requests=len(closed.requests),
    )
    departure.participations.set(participants)
    ScimUser.objects.filter(organization=organization, user=user).update(active=False)
    programs = {p.program for p in participants}
    admins = User.objects.filter(
        pk__in=program_admin_participations().filter(program__in=programs).values("user_id")
    ).exclude(pk=user.pk)
    notify_many(
        recipients=admins,
        kind=Notification.Kind.PARTICIPATION,
        title=format_lazy(
            gettext_lazy("{name} has left {organization}"),
            name=_name(user),
            organization=organization.name,
        ),
        body=format_lazy(
            gettext_lazy(
                "{mentorships} mentorship(s) ended and {requests} request(s) were withdrawn; "
                "the people in them were told."
            ),
            mentorships=len(closed.mentorships),
            requests=len(closed.requests),
        ),
        link=reverse("programs:list"),
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="person.leave",
        subject=user.email,
        via=Departure.Via(via).label,
        mentorships=len(closed.mentorships),
        requests=len(closed.requests),
        programs=sorted(p.name for p in programs),
    )
    return departure


@transaction.atomic
def person_return(
    *, organization: Organization, user: User, actor: User | None, via: str
) -> Departure:
    """Someone who left is back: they can sign in again and take part in the programs their
    leaving took them out of; the mentorships that ended stay ended."""
    if actor is not None:
        require_organization_admin(
            organization=organization,
            actor=actor,
            # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
            doing=_("record that someone is back"),
        )
    user = User.objects.select_for_update().get(pk=user.pk)
    departure = _departure_in_force(organization, user)
    if departure is None:
        raise DomainError(_("%(name)s has not left the organization.") % {"name": _name(user)})
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    participants_reactivate(
        participants=list(departure.participations.select_for_update().select_related("program"))
    )
    departure.returned_at = timezone.now()
    departure.save(update_fields=["returned_at", "updated_at"])
    ScimUser.objects.filter(organization=organization, user=user).update(active=True)
    audit_record(
        organization=organization,
        actor=actor,
        action="person.return",
        subject=user.email,
        via=Departure.Via(via).label,
    )
    return departure


# ---------------------------------------------------------------------------
# Single sign-on
# ---------------------------------------------------------------------------
def sso_sign_in_apply(*, provider: SsoProvider, user: User, claims: dict[str, object]) -> None:
    """What a sign-in through the organization's provider tells Twoway: the person's
    department, job title and time zone (where the claims carry them) and the groups that feed
    programs."""

    def claim(name: str) -> str:
        value = claims.get(name) if name else None
        return value.strip() if isinstance(value, str) else ""

    zone = claim(provider.time_zone_claim)
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = ""
    _apply(
        user,
        PersonFacts(
            email=user.email,
            full_name=claim("name"),
            department=claim(provider.department_claim),
            job_title=claim(provider.job_title_claim),
            time_zone=zone,
            external_id="",
            active=True,
        ),
    )
    groups = claims.get(provider.groups_claim) if provider.groups_claim else None
    if isinstance(groups, str):
        groups = [groups]
    names = [g for g in groups if isinstance(g, str)] if isinstance(groups, list) else []
    for mapping in GroupMapping.objects.filter(
        organization_id=provider.organization_id, group_name__in=names
    ).select_related("program"):
        participant_ensure(
            program=mapping.program,
            user=user,
            role=mapping.role,
            actor=None,
            why=f"Signed in through {provider.name} as a member of “{mapping.group_name}”.",
        )


MAX_DOMAIN = 253  # characters in a DNS name


def sso_provider_for_email(email: str) -> SsoProvider | None:
    """The single sign-on that the email's domain goes through, if any."""
    domain = email.strip().lower().rpartition("@")[2]
    if not domain or len(domain) > MAX_DOMAIN:  # no such domain (and SQLite's LIKE refuses it)
        return None
    for provider in SsoProvider.objects.select_related("organization").filter(
        domains__icontains=domain
    ):
        if domain in provider.domain_list():
            return provider
    return None


@transaction.atomic
def sso_provider_save(
    *,
    organization: Organization,
    actor: User,
    name: str,
    domains: str,
    required: bool,
    kind: str = SsoProvider.Kind.OIDC,
    server_url: str = "",
    client_id: str = "",
    secret: str = "",
    saml_entity_id: str = "",
    saml_sso_url: str = "",
    saml_certificate: str = "",
    department_claim: str = "department",
    job_title_claim: str = "job_title",
    time_zone_claim: str = "zoneinfo",
    groups_claim: str = "groups",
) -> SsoProvider:
    """Set the organization's single sign-on; an empty ``secret`` keeps the one stored."""
    # Translators: ends "Only the admins of … can …": a verb phrase in the infinitive.
    require_organization_admin(organization=organization, actor=actor, doing=_("set up sign-on"))
    wanted = [d.strip().lower() for d in domains.split(",") if d.strip()]
    if not wanted or any("." not in d or "@" in d or " " in d for d in wanted):
        raise DomainError(
            _("List the email domains, like “acme.com, acme.co.uk”."), field="domains"
        )
    for other in SsoProvider.objects.exclude(organization=organization):
        taken = set(wanted) & set(other.domain_list())
        if taken:
            raise DomainError(
                _("%(domains)s signs in through another organization already.")
                % {"domains": ", ".join(sorted(taken))},
                field="domains",
            )
    provider = SsoProvider.objects.filter(organization=organization).first()
    before = None if provider is None else _sso_summary(provider)
    provider = provider or SsoProvider(organization=organization)
    if kind == SsoProvider.Kind.SAML:
        if not saml_entity_id.strip():
            raise DomainError(
                _("Paste the provider's entity ID from its SAML metadata."), field="saml_entity_id"
            )
        if not saml_sso_url.strip():
            raise DomainError(
                _("Paste its sign-on URL from its SAML metadata."), field="saml_sso_url"
            )
        provider.saml_certificate = _certificate(saml_certificate)
        provider.saml_entity_id = saml_entity_id.strip()
        provider.saml_sso_url = saml_sso_url.strip()
    elif kind == SsoProvider.Kind.OIDC:
        if not server_url.strip():
            raise DomainError(_("Paste the provider's issuer URL."), field="server_url")
        if not client_id.strip():
            raise DomainError(_("Paste the client ID the provider gave you."), field="client_id")
        if not secret and not provider.secret_encrypted:
            raise DomainError(_("Paste the client secret the provider gave you."), field="secret")
        provider.server_url = server_url.strip().rstrip("/")
        provider.client_id = client_id.strip()
        if secret:
            provider.secret_encrypted = crypto.encrypt(secret.strip())
    else:
        raise DomainError(_("Pick OpenID Connect or SAML 2.0."), field="kind")
    provider.kind = kind
    provider.name = name.strip()
    provider.domains = ", ".join(wanted)
    provider.required = required
    provider.department_claim = department_claim.strip()
    provider.job_title_claim = job_title_claim.strip()
    provider.time_zone_claim = time_zone_claim.strip()
    provider.groups_claim = groups_claim.strip()
    provider.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="sso.save",
        subject=provider.name,
        before=before,
        after=_sso_summary(provider) | ({"client secret": "changed"} if secret else {}),
    )
    return provider


def _certificate(text: str) -> str:
    """The IdP's certificate as python3-saml takes it (base64 DER, one line), or a refusal."""
    body = "".join(
        line.strip() for line in text.strip().splitlines() if line.strip() and "-----" not in line
    )
    try:
        x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except (ValueError, binascii.Error):
        raise DomainError(
            _("That is not a certificate: paste the provider's signing certificate (PEM)."),
            field="saml_certificate",
        ) from None
    return body


def _sso_summary(provider: SsoProvider) -> dict[str, object]:
    """What the audit log shows of a configuration (never the secret)."""
    return {
        "protocol": provider.get_kind_display(),
        "issuer": provider.server_url or provider.saml_entity_id,
        "client id": provider.client_id,
        "domains": provider.domains,
        "required": provider.required,
        "claims": ", ".join(
            c
            for c in (
                provider.department_claim,
                provider.job_title_claim,
                provider.time_zone_claim,
                provider.groups_claim,
            )
            if c
        ),
    }
