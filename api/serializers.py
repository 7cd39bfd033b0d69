"""What each resource says: plain facts, the same for every reader it is shown to. Never the
text people wrote to each other (request messages, notes, agendas)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from goals.models import Goal
from matching.models import Mentorship, MentorshipRequest
from meetings.models import Meeting
from programs.models import AuditEntry, Invitation, Participant, Program, Role


class ProgramSerializer(serializers.ModelSerializer[Program]):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Program
        fields = [
            "id",
            "slug",
            "name",
            "organization",
            "kind",
            "starts_on",
            "ends_on",
            "enrollment_open",
            "created_at",
            "updated_at",
        ]


class ParticipantSerializer(serializers.ModelSerializer[Participant]):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    department = serializers.CharField(source="user.department", read_only=True)
    job_title = serializers.CharField(source="user.job_title", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "program",
            "name",
            "email",
            "role",
            "status",
            "department",
            "job_title",
            "joined_at",
            "created_at",
            "updated_at",
        ]


class PersonSerializer(serializers.Serializer[Participant]):
    """A participant as named inside another resource."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="user.full_name", read_only=True)


class PairFields(serializers.Serializer[Any]):
    """The program and the two people, as mentorships and requests name them."""

    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mentor = PersonSerializer(read_only=True)
    mentee = PersonSerializer(read_only=True)


class MentorshipSerializer(PairFields, serializers.ModelSerializer[Mentorship]):
    circle = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "mentor",
            "mentee",
            "status",
            "advisor_role",
            "single_session",
            "circle",
            "started_at",
            "ends_on",
            "closed_at",
            "closing_reason",
            "created_at",
            "updated_at",
        ]


class RequestSerializer(PairFields, serializers.ModelSerializer[MentorshipRequest]):
    mentorship = serializers.IntegerField(source="mentorship_id", read_only=True, allow_null=True)

    class Meta:
        model = MentorshipRequest
        fields = [
            "id",
            "program",
            "mentor",
            "mentee",
            "status",
            "waiting_on",
            "decline_reason",
            "mentorship",
            "created_at",
            "answered_at",
            "closed_at",
            "expires_at",
            "updated_at",
        ]


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    mentorship = serializers.IntegerField(source="mentorship_id", read_only=True, allow_null=True)
    circle = serializers.IntegerField(source="group_id", read_only=True, allow_null=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "mentorship",
            "circle",
            "starts_at",
            "ends_at",
            "status",
            "format",
            "confirmed_at",
            "cancelled_at",
            "cancelled_late",
            "held_at",
            "created_at",
            "updated_at",
        ]


class GoalSerializer(serializers.ModelSerializer[Goal]):
    owner = PersonSerializer(read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "owner",
            "title",
            "horizon",
            "status",
            "progress",
            "target_date",
            "achieved_at",
            "created_at",
            "updated_at",
        ]


class AuditEntrySerializer(serializers.ModelSerializer[AuditEntry]):
    # A program's entry names its program; an organization-wide one, its organization.
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    actor = serializers.CharField(source="actor.full_name", read_only=True, allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "program",
            "organization",
            "actor",
            "action",
            "subject",
            "detail",
            "created_at",
        ]


class CheckinGroupSerializer(serializers.Serializer[Any]):
    """One period's check-in figures: none beside a name, and none at all for a group in which
    fewer people answered than the privacy threshold (``withheld`` says why)."""

    period = serializers.CharField(source="group")
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    skipped = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    energy = serializers.FloatField(allow_null=True)
    revisit = serializers.IntegerField(allow_null=True)
    withheld = serializers.CharField(allow_null=True)


class CheckinFiguresSerializer(serializers.Serializer[Any]):
    program = serializers.CharField()
    overall = CheckinGroupSerializer()
    periods = CheckinGroupSerializer(many=True)


class GoalFiguresSerializer(serializers.Serializer[Any]):
    """What a program's admins see of its active mentees' goals: counts and progress, never
    the goals themselves."""

    program = serializers.CharField()
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    draft = serializers.IntegerField()
    achieved = serializers.IntegerField()
    dropped = serializers.IntegerField()
    average_progress = serializers.FloatField(allow_null=True)
    mentees = serializers.IntegerField()
    mentees_without_goals = serializers.IntegerField()


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "program",
            "email",
            "full_name",
            "role",
            "status",
            "expires_at",
            "accepted_at",
            "created_at",
            "updated_at",
        ]


class InvitationCreateSerializer(serializers.Serializer[Any]):
    """Who to invite, to which program (its slug: one the token's person runs), as what."""

    program = serializers.SlugField(max_length=80)
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=Role.choices)


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details (for the schema: errors are built in api.problems)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)
