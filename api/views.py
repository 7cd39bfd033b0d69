"""The API's routes (``/api/v1/``): read-only resources, each behind a scope, with the same
access rules as the site's pages (api.access), cursor pages in a stable order, filters by state,
date and ``updated_since``, ETags on single objects, a rate limit per token, and errors as
problem details."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC
from typing import Any, ClassVar

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import QuerySet, TextChoices
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from oauth2_provider.models import AccessToken as OAuthToken
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api import access
from api.authentication import IntegrationAuthentication, TokenAuthentication
from api.pagination import IdCursorPagination
from api.permissions import HasScope
from api.problems import PROBLEM
from api.scopes import Scope
from api.serializers import (
    AuditEntrySerializer,
    CheckinFiguresSerializer,
    GoalFiguresSerializer,
    GoalSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    MeetingSerializer,
    MentorshipSerializer,
    ParticipantSerializer,
    ProblemSerializer,
    ProgramSerializer,
    RequestSerializer,
)
from goals.models import Goal
from goals.selectors import goal_figures_for_program
from matching.models import Mentorship, MentorshipRequest
from meetings.checkin_privacy import answers_by_period, answers_overall
from meetings.models import CheckIn, Meeting
from mentorship.errors import DomainError
from programs.access import programs_administered_by
from programs.models import Invitation, Participant
from programs.services import invitation_create, invitation_resend, invitation_revoke

# RFC 3339, as the schema's formats say (Python also reads "20260101" and a date alone).
DATE = RegexValidator(r"^\d{4}-\d{2}-\d{2}$", "Give a date as YYYY-MM-DD.")
INSTANT = RegexValidator(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
    "Give an instant as in RFC 3339: 2026-12-01T09:00:00Z.",
)


class ListFilters(serializers.Serializer[Any]):
    updated_since = serializers.DateTimeField(required=False)
    state = serializers.CharField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def to_internal_value(self, data: Any) -> Any:
        errors: dict[str, list[str]] = {}
        for name, validator in (
            ("updated_since", INSTANT),
            ("date_from", DATE),
            ("date_to", DATE),
        ):
            if name in data:
                try:
                    validator(data[name])
                except DjangoValidationError as exc:
                    errors[name] = list(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ResourceBase(viewsets.GenericViewSet):  # type: ignore[type-arg]
    """A resource's objects, as a token of ``scope`` reads them (``Resource``: and its list)."""

    authentication_classes = [TokenAuthentication, IntegrationAuthentication]
    permission_classes = [HasScope]  # a token of either kind, with the route's scope
    pagination_class = IdCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"
    scope: ClassVar[str]
    states: ClassVar[type[TextChoices] | None] = None  # what ``state`` filters on, if any
    date_field: ClassVar[str]  # what date_from and date_to filter on
    updated_field: ClassVar[str] = "updated_at"  # what updated_since filters on
    related: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def as_view(cls, *args: Any, **kwargs: Any) -> Any:
        # A token, not a session, signs the caller in: the site's login redirect is not for it.
        return login_not_required(super().as_view(*args, **kwargs))

    def get_throttles(self) -> list[Any]:
        from api.throttling import TokenRateThrottle

        return [TokenRateThrottle()]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        timezone.activate(UTC)  # dates in filters and answers are UTC's, whoever asks
        super().initial(request, *args, **kwargs)

    def refuse_unknown_parameters(self) -> None:
        """A parameter the route does not take is refused, so a misspelt filter is not
        silently ignored (it would read everything)."""
        known = set(self.known_parameters())
        unknown = sorted(set(self.request.query_params) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "none"
            raise serializers.ValidationError(
                {
                    name or "(blank)": [f"Not a parameter of this route (it takes: {takes})."]
                    for name in unknown
                }
            )

    def known_parameters(self) -> list[str]:
        if self.action != "list":
            return []
        return [
            "cursor",
            "page_size",
            "updated_since",
            "date_from",
            "date_to",
            *(["state"] if self.states is not None else []),
        ]

    rows: ClassVar[Any]  # the person's rows: one of api.access's functions

    def get_queryset(self) -> QuerySet[Any]:
        self.refuse_unknown_parameters()
        rows = self.rows(reader_of(self.request)).select_related(*self.related)
        if self.action != "list":
            return rows
        # A plain dict, not the QueryDict: DRF reads a blank form field as "not given".
        filters = ListFilters(data=dict(self.request.query_params.items()))
        filters.is_valid(raise_exception=True)
        given = filters.validated_data
        if "state" in given:
            if self.states is None:
                raise serializers.ValidationError({"state": ["There is no state to filter on."]})
            if given["state"] not in self.states.values:
                raise serializers.ValidationError(
                    {"state": [f"One of: {', '.join(self.states.values)}."]}
                )
            rows = rows.filter(status=given["state"])
        if "updated_since" in given:
            rows = rows.filter(**{f"{self.updated_field}__gte": given["updated_since"]})
        if "date_from" in given:
            rows = rows.filter(**{f"{self.date_field}__date__gte": given["date_from"]})
        if "date_to" in given:
            rows = rows.filter(**{f"{self.date_field}__date__lte": given["date_to"]})
        return rows

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.with_etag(request, self.get_serializer(self.get_object()).data)

    def with_etag(self, request: Request, data: Any) -> Response:
        """The answer with its ETag, or 304 when the caller holds it already."""
        digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode())
        etag = f'"{digest.hexdigest()[:32]}"'
        asked = request.headers.get("If-None-Match", "")
        if etag in [tag.strip() for tag in asked.split(",")] or asked.strip() == "*":
            return Response(status=304, headers={"ETag": etag})
        return Response(data, headers={"ETag": etag})


def person_of(request: Request) -> User:
    """The person whose token signed the request in."""
    user = request.user
    assert isinstance(user, User)
    return user


def reader_of(request: Request) -> access.Reader:
    """The person of a personal token; the organization of an integration's access token."""
    if isinstance(request.auth, OAuthToken):
        return request.auth.application.integration.organization
    return person_of(request)


class Resource(mixins.ListModelMixin, ResourceBase):
    """A resource's list and its objects."""


def _problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


ERRORS = {
    (401, PROBLEM): _problem("No token, or not a valid one."),
    (403, PROBLEM): _problem("The token lacks this route's scope."),
    (429, PROBLEM): _problem("Too many requests for this token: retry after Retry-After."),
}


def documented(cls: type[ResourceBase]) -> type[ResourceBase]:
    """The list's filters and every route's answers, in the schema."""
    name = cls.date_field.replace("_", " ")
    params = [
        OpenApiParameter(
            "updated_since",
            OpenApiTypes.DATETIME,
            description="Only what changed at or after this instant (incremental sync).",
        ),
        *(
            [OpenApiParameter("state", OpenApiTypes.STR, enum=list(cls.states.values))]
            if cls.states is not None
            else []
        ),
        OpenApiParameter("date_from", OpenApiTypes.DATE, description=f"{name} on or after (UTC)"),
        OpenApiParameter("date_to", OpenApiTypes.DATE, description=f"{name} on or before (UTC)"),
    ]
    serializer = cls.serializer_class
    one = extend_schema(
        responses={
            200: serializer,
            304: OpenApiResponse(description="Not modified since the ETag sent."),
            (400, PROBLEM): _problem("It takes no parameters."),
            (404, PROBLEM): _problem("No such object that this token may read."),
            **ERRORS,
        },
    )
    if not hasattr(cls, "list"):
        return extend_schema_view(retrieve=one)(cls)  # type: ignore[no-any-return]
    return extend_schema_view(  # type: ignore[no-any-return]
        list=extend_schema(
            parameters=params,
            responses={
                200: serializer(many=True),
                (400, PROBLEM): _problem("A filter or the page size is not valid."),
                (404, PROBLEM): _problem("The cursor is not one this list gave."),
                **ERRORS,
            },
        ),
        retrieve=one,
    )(cls)


@documented
class Programs(Resource):
    """Programs the person takes part in or may join, and those they run."""

    scope = Scope.PROGRAMS
    serializer_class = ProgramSerializer
    date_field = "created_at"
    related = ("organization",)

    rows = staticmethod(access.api_programs)


@documented
class Participants(Resource):
    """The person's own participations, and everyone's in the programs they run."""

    scope = Scope.PARTICIPANTS
    serializer_class = ParticipantSerializer
    states = Participant.Status
    date_field = "created_at"
    related = ("program", "user")

    rows = staticmethod(access.api_participants)


@documented
class Mentorships(Resource):
    """The person's mentorships, and all of the programs they run."""

    scope = Scope.MENTORSHIPS
    serializer_class = MentorshipSerializer
    states = Mentorship.Status
    date_field = "started_at"
    related = ("program", "mentor__user", "mentee__user")

    rows = staticmethod(access.api_mentorships)


@documented
class Requests(Resource):
    """Requests the person sent or received, and all of the programs they run (never their
    text)."""

    scope = Scope.REQUESTS
    serializer_class = RequestSerializer
    states = MentorshipRequest.Status
    date_field = "created_at"
    related = ("program", "mentor__user", "mentee__user")

    rows = staticmethod(access.api_requests)


@documented
class Meetings(Resource):
    """The person's meetings (never their notes or agendas)."""

    scope = Scope.MEETINGS
    serializer_class = MeetingSerializer
    states = Meeting.Status
    date_field = "starts_at"

    rows = staticmethod(access.api_meetings)


@documented
class Goals(Resource):
    """The person's goals, and those shared with them as a mentor."""

    scope = Scope.GOALS
    serializer_class = GoalSerializer
    states = Goal.Status
    date_field = "created_at"
    related = ("owner__user",)

    rows = staticmethod(access.api_goals)


class Refused(exceptions.APIException):
    """A write the program's rules refuse: 409, with the field it concerns."""

    status_code = 409
    default_detail = "The program's rules refuse it."


WRITE_ERRORS = {
    (400, PROBLEM): _problem("The request is not valid."),
    (404, PROBLEM): _problem("No such program or invitation that this token may change."),
    (409, PROBLEM): _problem("The program's rules refuse it (invited already, not pending)."),
    (415, PROBLEM): _problem("Send JSON."),
    **ERRORS,
}


@documented
class Invitations(Resource):
    """Invitations to the programs the person runs: made, sent again, revoked, as on the
    program's page (its rules: an address invited or in the program already is refused)."""

    scope = Scope.INVITATIONS
    serializer_class = InvitationSerializer
    states = Invitation.Status
    date_field = "created_at"
    related = ("program",)

    rows = staticmethod(access.api_invitations)

    def _run(self, write: Callable[[], Invitation], status: int = 200) -> Response:
        try:
            invitation = write()
        except DomainError as exc:
            raise Refused({exc.field: [exc.message]} if exc.field else exc.message) from None
        return Response(InvitationSerializer(invitation).data, status=status)

    @extend_schema(
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **WRITE_ERRORS},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.refuse_unknown_parameters()
        asked = InvitationCreateSerializer(data=request.data)
        asked.is_valid(raise_exception=True)
        user = person_of(request)
        data = asked.validated_data
        program = programs_administered_by(user).filter(slug=data["program"]).first()
        if program is None:
            raise NotFound("No program of that slug that you run.")
        return self._run(
            lambda: invitation_create(
                program=program,
                invited_by=user,
                email=data["email"],
                role=data["role"],
                full_name=data.get("full_name", ""),
            ),
            status=201,
        )

    @extend_schema(request=None, responses={200: InvitationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def resend(self, request: Request, pk: str) -> Response:
        invitation = self.get_object()
        return self._run(lambda: invitation_resend(invitation=invitation, actor=person_of(request)))

    @extend_schema(request=None, responses={200: InvitationSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        invitation = self.get_object()
        return self._run(lambda: invitation_revoke(invitation=invitation, actor=person_of(request)))


@documented
class Audit(Resource):
    """The audit logs the person reads on the site: of the programs and organizations they
    run. Entries never change: ``updated_since`` reads those made since."""

    scope = Scope.AUDIT
    serializer_class = AuditEntrySerializer
    date_field = "created_at"
    updated_field = "created_at"
    related = ("program", "organization", "actor")

    rows = staticmethod(access.api_audit)


@documented
class CheckinFigures(ResourceBase):
    """A program's check-in figures (its id; programs the person runs), overall and per period,
    by the site's one privacy rule: never beside a name, and withheld for a group in which
    fewer people answered than the threshold."""

    scope = Scope.CHECKINS
    serializer_class = CheckinFiguresSerializer
    date_field = "created_at"

    rows = staticmethod(access.api_programs_run)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        checkins = CheckIn.objects.filter(mentorship__program=program)
        figures = {
            "program": program.slug,
            "overall": answers_overall(checkins=checkins),
            "periods": answers_by_period(checkins=checkins),
        }
        return self.with_etag(request, self.get_serializer(figures).data)


@documented
class GoalFigures(ResourceBase):
    """A program's goal figures (its id; programs the person runs): counts and progress, as
    its admins' page shows them, never a goal."""

    scope = Scope.GOALS
    serializer_class = GoalFiguresSerializer
    date_field = "created_at"

    rows = staticmethod(access.api_programs_run)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        program = self.get_object()
        figures = {"program": program.slug, **goal_figures_for_program(program=program)}
        return self.with_etag(request, self.get_serializer(figures).data)


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other address under /api/: a problem, not the site's page."""
    return JsonResponse(
        {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "No such route."},
        status=404,
        content_type=PROBLEM,
    )
