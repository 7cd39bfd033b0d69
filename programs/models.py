from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStampedModel
from mentorship.validators import validate_single_line

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Organization(TimeStampedModel):
    """A company or institution that runs mentorship programs; operators create them."""

    name = models.CharField(max_length=150, validators=[validate_single_line])
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", kwargs={"slug": self.slug})


class OrganizationAdmin(TimeStampedModel):
    """A person who runs an organization's shared lists (its topics) for all its programs.

    Operators grant the role in Django's admin; it gives no rights inside any program (a
    program's people and data stay with that program's admins).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="admins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organization_admin_roles"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["organization", "user__full_name", "pk"]
        verbose_name = _("organization admin")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="organization_admin_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · admin of {self.organization}"


# What a program's admins may change after creating it (the slug and organization stay).
PROGRAM_SETTINGS_FIELDS = (
    "name",
    "description",
    "kind",
    "starts_on",
    "ends_on",
    "enrollment_open",
    "matching_mode",
    "other_department_only",
    "checkin_cadence_months",
    "request_expiry_days",
    "max_pending_requests_per_mentee",
    "max_mentors_per_mentee",
    "circle_size",
    "relationship_length_months",
    "stalled_after_days",
    "auto_close_after_days",
)


class Program(TimeStampedModel):
    """A cohort and its rules."""

    class Kind(models.TextChoices):
        ONE_ON_ONE = "one_on_one", _("One-on-one")
        PEER = "peer", _("Peer")
        REVERSE = "reverse", _("Reverse")
        GROUP = "group", _("Group")
        FLASH = "flash", _("Flash (one focused session)")

    class MatchingMode(models.TextChoices):
        MENTEE_CHOOSES = "mentee_chooses", _("Mentees choose and request mentors")
        ADMIN_ASSIGNS = "admin_assigns", _("Program admins match people in matching rounds")
        BOTH = "both", _("Both: mentees request, and admins match in rounds")

        @property
        def mentees_request(self) -> bool:
            return self in (Program.MatchingMode.MENTEE_CHOOSES, Program.MatchingMode.BOTH)

        @property
        def admins_match(self) -> bool:
            return self in (Program.MatchingMode.ADMIN_ASSIGNS, Program.MatchingMode.BOTH)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=150, validators=[validate_single_line])
    slug = models.SlugField(
        max_length=60, unique=True, help_text=_("Used in the program's address: /programs/<slug>/.")
    )
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_ON_ONE)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    enrollment_open = models.BooleanField(
        default=False, help_text=_("Open: people of the organization may apply to join.")
    )
    matching_mode = models.CharField(
        max_length=20, choices=MatchingMode.choices, default=MatchingMode.MENTEE_CHOOSES
    )
    other_department_only = models.BooleanField(
        default=False,
        help_text=_("Matching rounds pair mentees only with mentors from another department."),
    )
    checkin_cadence_months = models.PositiveSmallIntegerField(
        _("check-in every (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("requests expire after (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    max_pending_requests_per_mentee = models.PositiveSmallIntegerField(
        _("pending requests per mentee (at most)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    max_mentors_per_mentee = models.PositiveSmallIntegerField(
        _("mentors per mentee (board of advisors, at most)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    circle_size = models.PositiveSmallIntegerField(
        _("mentees per circle (group programs)"),
        default=6,
        db_default=6,  # rows written by code that predates the field (older migrations) get it
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text=_(
            "In a group program a mentor's capacity counts circles; each holds this many mentees."
        ),
    )
    relationship_length_months = models.PositiveSmallIntegerField(
        _("relationship length (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    # The inactivity rule (meetings.inactivity): quiet this long → stalled, and its people nudged;
    # then, if set, this many more days with no answer → closed as "inactive".
    stalled_after_days = models.PositiveSmallIntegerField(
        _("stalled after (days without activity)"),
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_(
            "A mentorship with no meeting held and no other activity for this long is flagged "
            "stalled, and both people are nudged."
        ),
    )
    auto_close_after_days = models.PositiveSmallIntegerField(
        _("close stalled mentorships after (more days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "Empty: never close automatically. Otherwise a stalled mentorship with still no "
            "activity this many days after the nudge is closed as inactive."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(checkin_cadence_months__gte=1) & Q(checkin_cadence_months__lte=12),
                name="program_checkin_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(stalled_after_days__gte=1),
                name="program_stalled_after_positive",
            ),
            models.CheckConstraint(
                condition=Q(auto_close_after_days__isnull=True) | Q(auto_close_after_days__gte=1),
                name="program_auto_close_after_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", kwargs={"slug": self.slug})

    @property
    def mentees_request(self) -> bool:
        """Mentees find and ask mentors themselves (not only through admins' rounds)."""
        return Program.MatchingMode(self.matching_mode).mentees_request

    @property
    def partner_word(self) -> str:
        """Who one finds in this kind of program: a "peer", or a "mentor"."""
        return "peer" if self.kind == Program.Kind.PEER else "mentor"

    @property
    def find_words(self) -> str:
        """What finding someone is called in this kind of program."""
        return (
            gettext("Find a peer") if self.kind == Program.Kind.PEER else gettext("Find a mentor")
        )

    @property
    def in_circles(self) -> bool:
        """Group programs: one mentor leads circles of several mentees who meet together."""
        return self.kind == Program.Kind.GROUP

    def seats(self, capacity: int) -> int:
        """How many mentees a mentor's capacity holds: in a group program it counts circles."""
        return capacity * self.circle_size if self.in_circles else capacity

    def capacity_words(self, capacity: int) -> str:
        """A capacity in this program's unit: "3 mentees", or "1 circle of 6"."""
        if self.in_circles:
            return ngettext(
                "%(capacity)s circle of %(size)s", "%(capacity)s circles of %(size)s", capacity
            ) % {"capacity": capacity, "size": self.circle_size}
        return ngettext("%(capacity)s mentee", "%(capacity)s mentees", capacity) % {
            "capacity": capacity
        }


class Role(models.TextChoices):
    ADMIN = "admin", _("Program admin")
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


# A role's name inside a sentence ("invites you as mentee"): lower case in English, while German
# keeps its nouns' capitals. Lazy: text sent to someone is made in their language.
ROLE_WORDS = {
    Role.ADMIN: pgettext_lazy("role inside a sentence", "program admin"),
    Role.MENTOR: pgettext_lazy("role inside a sentence", "mentor"),
    Role.MENTEE: pgettext_lazy("role inside a sentence", "mentee"),
}


def role_word(role: str) -> StrOrPromise:
    """A role's name as a sentence uses it (lazy text), or the code of an unknown role."""
    return ROLE_WORDS[Role(role)] if role in Role.values else role


class Participant(TimeStampedModel):
    """A person's role and status in one program; one row per person, program and role."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Application declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    joined_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program", "role"], name="participant_unique_role"
            ),
        ]
        indexes = [
            # The manage page's participant list and role counts.
            models.Index(fields=["program", "role", "status"], name="participant_program_role"),
            # "My programs" and every access check.
            models.Index(fields=["user", "status"], name="participant_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.program}"

    @property
    def role_word(self) -> StrOrPromise:
        """The role as a sentence names it: "mentee" (``get_role_display``: "Mentee")."""
        return role_word(self.role)


class Invitation(TimeStampedModel):
    """An emailed, single-use, expiring invitation to join a program in a role."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Part of the signed token: changing it (on resend or revoke) voids every earlier link.
    nonce = models.CharField(max_length=32)
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "email", "role"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_role",
            ),
        ]
        indexes = [
            # "Invitations for you" on the home page, by the person's email.
            models.Index(
                fields=["email"], condition=Q(status="pending"), name="invitation_pending_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} in {self.program}"

    @property
    def role_word(self) -> StrOrPromise:
        """The role as a sentence names it: "mentee" (``get_role_display``: "Mentee")."""
        return role_word(self.role)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == self.Status.PENDING and not self.is_expired


# What each audited action did, as the audit log says it (an unknown code is read out as words).
AUDIT_WORDS = {
    "announcement.send": _("Sent an announcement"),
    "group_mapping.create": _("Let a group of the identity provider feed a program"),
    "group_mapping.delete": _("Stopped a group of the identity provider feeding a program"),
    "invitation.create": _("Invited someone"),
    "invitation.import": _("Invited people from a CSV file"),
    "invitation.resend": _("Sent an invitation again"),
    "invitation.revoke": _("Withdrew an invitation"),
    "matching_round_created": _("Started a matching round"),
    "matching_round_discarded": _("Discarded a matching round"),
    "matching_round_published": _("Published a matching round"),
    "matching_swap": _("Moved a mentee to another mentor in a round"),
    "mentor.requests_pause": _("Paused a mentor's new requests"),
    "mentor.requests_resume": _("Let a mentor's requests in again"),
    "mentorship.end": _("Ended a mentorship"),
    "mentorship.pause": _("Paused a mentorship"),
    "mentorship.reassign": _("Gave a mentee a new mentor"),
    "mentorship.resume": _("Resumed a mentorship"),
    "organization_admin.grant": _("Made someone an organization admin"),
    "organization_admin.revoke": _("Removed an organization admin"),
    "participant.add": _("Added someone to the program"),
    "participant.approve": _("Approved an application"),
    "participant.decline": _("Declined an application"),
    "participant.withdraw": _("Took someone out of the program"),
    "person.delete": _("Deleted someone's personal data"),
    "person.leave": _("Recorded that someone left the organization"),
    "person.return": _("Recorded that someone came back to the organization"),
    "program.close": _("Closed the program"),
    "program.create": _("Created the program"),
    "program.enrollment": _("Changed enrollment or the end date"),
    "program.update": _("Changed the program's settings"),
    "report.status": _("Changed a report's status"),
    "retention.set": _("Changed the data retention rule"),
    "report.warn": _("Warned someone after a report"),
    "scim_token.create": _("Made a SCIM token for the identity provider"),
    "sso.save": _("Changed the organization's single sign-on"),
    "scim_token.revoke": _("Revoked a SCIM token"),
    "topic.create": _("Added a topic"),
    "topic.delete": _("Removed a topic"),
    "topic.rename": _("Renamed a topic"),
}


class AuditEntry(models.Model):
    """An admin action that changed someone else's data.

    A program's entry has ``program`` set; an organization-wide change (its topics, its
    admins) has ``organization`` set instead, and every program of that organization shows it.
    """

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="audit_entries", null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="audit_entries",
        null=True,
        blank=True,
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    subject = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["program", "-created_at"], name="audit_program_created"),
            models.Index(
                fields=["organization", "-created_at"],
                condition=Q(program__isnull=True),
                name="audit_organization_created",
            ),
        ]
        constraints = [
            # One scope: a program's log, or its organization's (never both, never neither).
            models.CheckConstraint(
                condition=Q(program__isnull=False, organization__isnull=True)
                | Q(program__isnull=True, organization__isnull=False),
                name="audit_entry_one_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject}"

    @property
    def sentence(self) -> str:
        """The action in words ("Published a matching round"), never its code."""
        words = AUDIT_WORDS.get(self.action)
        if words is None:
            spaced = self.action.replace(".", " ").replace("_", " ").strip()
            return spaced[:1].upper() + spaced[1:]
        return str(words)

    @property
    def is_organization_wide(self) -> bool:
        return self.program_id is None

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(what, before, after) for entries that recorded before or after, by name (PostgreSQL's
        jsonb keeps no key order, so the order the service wrote them in is gone)."""
        before = self.detail.get("before") if isinstance(self.detail, dict) else None
        after = self.detail.get("after") if isinstance(self.detail, dict) else None
        if not isinstance(before, dict) and not isinstance(after, dict):
            return []
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        return [(key, before.get(key), after.get(key)) for key in sorted({*before, *after})]


class Announcement(TimeStampedModel):
    """A message from a program's admins to everyone in it, or to its mentors or mentees."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone in the program")
        MENTORS = "mentors", _("Mentors")
        MENTEES = "mentees", _("Mentees")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    audience = models.CharField(max_length=10, choices=Audience.choices)
    title = models.CharField(max_length=150, validators=[validate_single_line])
    body = models.TextField()
    recipient_count = models.PositiveIntegerField(default=0)
    # The email task's progress: recipients are emailed in user-id order, and a retried task
    # resumes after the last one sent instead of starting over.
    emailed_through = models.PositiveBigIntegerField(default=0)
    emailed_count = models.PositiveIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The announcements page: a program's past announcements, newest first.
            models.Index(fields=["program", "-created_at"], name="announcement_program_created"),
        ]

    def __str__(self) -> str:
        return self.title


class Topic(TimeStampedModel):
    """A skill or subject on an organization's list, such as "public speaking": goals and mentor
    profiles are tagged with them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=80, validators=[validate_single_line])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="topic_unique_name_per_organization"
            ),
        ]

    def __str__(self) -> str:
        return self.name
