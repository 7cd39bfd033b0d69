"""SCIM 2.0 provisioning (RFC 7643, 7644) of one organization, served by python-scim's
scim2-server over our tables: the protocol (routing, validation, PATCH, filters, ETags, errors)
is the library's; this module is where its resources are kept (``OrganizationStorage``) and how a
Django request reaches it (``serve``).

What Twoway keeps of a resource: the identity provider's whole representation (``payload``), so
that it reads back what it wrote, and from it what Twoway uses: the account's email, name,
department, job title and time zone, whether the person is active (the leaver path), and a
group's members (programs the group is mapped to)."""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC
from http import HTTPStatus
from typing import Any, Union, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    External,
    Filter,
    Group,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    NotFoundException,
    Patch,
    PreconditionFailedException,
    Reference,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimFilter,
    ScimProvider,
    SearchRequest,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    UniquenessException,
    User,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import parametrize

from identity import services
from identity.models import ScimGroup, ScimToken, ScimUser
from mentorship.errors import DomainError
from programs.models import Organization

MAX_RESULTS = 200
MAX_BODY = 256 * 1024

BEARER = AuthenticationScheme(
    type=AuthenticationScheme.Type.oauthbearertoken,
    name="Bearer token",
    description="The organization's SCIM token, made by its organization admins in Twoway",
    spec_uri=Reference[External]("https://datatracker.ietf.org/doc/html/rfc6750"),
    primary=True,
)

# Bulk and password changes are not offered: identity providers provision one resource at a
# time, and Twoway's accounts sign in through the provider or with a password their owner sets.
CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=True),
    etag=ETag(supported=True),
    authentication_schemes=[BEARER],
)

USER_TYPE = ResourceType.from_resource(User[EnterpriseUser])
GROUP_TYPE = ResourceType.from_resource(Group)
PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group], resource_types=[USER_TYPE, GROUP_TYPE], config=CONFIG
)
UserModel = User[EnterpriseUser]


def _version(row: ScimUser | ScimGroup) -> str:
    return f'W/"{row.version}"'


def _check_version(row: ScimUser | ScimGroup, expected: str | None) -> None:
    if expected is not None and expected != _version(row):
        raise PreconditionFailedException


def _resource(row: ScimUser | ScimGroup) -> Resource[Any]:
    """The resource as the identity provider last wrote it, with our id and meta."""
    model = UserModel if isinstance(row, ScimUser) else Group
    resource = model.model_validate(row.payload)
    resource.id = str(row.scim_id)
    resource.meta = Meta(
        resource_type="User" if isinstance(row, ScimUser) else "Group",
        created=row.created_at.astimezone(UTC),
        last_modified=row.updated_at.astimezone(UTC),
        version=_version(row),
    )
    return resource


def _payload(resource: Resource[Any]) -> dict[str, Any]:
    data = resource.model_dump(mode="json", exclude={"id", "meta"}, exclude_none=True)
    return json.loads(json.dumps(data))


def _equality(scim_filter: ScimFilter[Any] | None) -> tuple[str, str] | None:
    """``userName eq "x"`` or ``externalId eq "x"`` (what identity providers ask before they
    create someone): answered by an index, not by reading every resource."""
    if scim_filter is None:
        return None
    node = scim_filter.ast
    if not isinstance(node, Comparison) or node.op != CompareOperator.eq:
        return None
    name = str(node.attr_path).rsplit(":", 1)[-1].lower()
    if name in ("username", "externalid", "displayname") and isinstance(node.value, str):
        return name, node.value
    return None


class OrganizationStorage(ScimStorage):
    """The users and groups one organization's identity provider provisioned."""

    supports_cursors = False

    def __init__(self, organization: Organization):
        self.organization = organization

    def operation(self) -> Any:
        return transaction.atomic()

    @staticmethod
    def _refused(exc: DomainError) -> Exception:
        if isinstance(exc, services.AlreadyProvisioned):
            return UniquenessException(detail=exc.message)
        return InvalidValueException(detail=exc.message)

    # -- reading ---------------------------------------------------------
    def _users(self) -> QuerySet[ScimUser]:
        return ScimUser.objects.filter(organization=self.organization)

    def _groups(self) -> QuerySet[ScimGroup]:
        return ScimGroup.objects.filter(organization=self.organization)

    def _row(self, resource_type: ResourceType, resource_id: str) -> ScimUser | ScimGroup:
        rows = self._users() if resource_type.name == "User" else self._groups()
        try:
            return rows.get(scim_id=resource_id)
        except (ScimUser.DoesNotExist, ScimGroup.DoesNotExist, ValueError, ValidationError):
            # An id that is no UUID names no resource either (Django's UUIDField says so with
            # ValidationError).
            raise NotFoundException from None

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        return _resource(self._row(resource_type, resource_id))

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        names = {rt.name for rt in resource_types}
        scim_filter = search_request.filter
        exact = _equality(scim_filter)
        candidates: list[ScimUser | ScimGroup] = []
        if "User" in names:
            users = self._users()
            if exact and exact[0] == "username":
                users = users.filter(user_name__iexact=exact[1])
            elif exact and exact[0] == "externalid":
                users = users.filter(external_id=exact[1])
            elif exact:
                users = users.none()
            candidates += list(users)
        if "Group" in names:
            groups = self._groups()
            if exact and exact[0] == "displayname":
                groups = groups.filter(display_name=exact[1])
            elif exact and exact[0] == "externalid":
                groups = groups.filter(external_id=exact[1])
            elif exact:
                groups = groups.none()
            candidates += list(groups)
        resources = [_resource(row) for row in candidates]
        if scim_filter is not None and not scim_filter.models and resources:
            models = tuple(dict.fromkeys(type(r) for r in resources))
            scim_filter = parametrize(ScimFilter, Union[models])(str(scim_filter))  # noqa: UP007
        try:
            found = [r for r in resources if scim_filter is None or scim_filter.match(r)]
        except (TypeError, ValueError) as exc:
            raise InvalidFilterException(detail=str(exc)) from None

        def key(resource: Resource[Any]) -> tuple[bool, Any, str]:
            value = search_request.sort_value(resource)
            return value is None, value if value is not None else "", str(resource.id)

        descending = (
            search_request.sort_by is not None
            and search_request.sort_order == SearchRequest.SortOrder.descending
        )
        found.sort(key=key, reverse=descending)
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        return SearchPage(len(found), found[start:stop])

    # -- writing ---------------------------------------------------------
    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        if resource_type.name == "User":
            person = cast("User[Any]", resource)
            user_name = person.user_name or ""
            if self._users().filter(user_name__iexact=user_name).exists():
                raise UniquenessException(detail=f"userName {user_name!r} is taken.")
            try:
                row: ScimUser | ScimGroup = services.scim_user_create(
                    organization=self.organization, user_name=user_name, facts=_facts(person)
                )
            except DomainError as exc:
                raise self._refused(exc) from None
        else:
            group = cast(Group, resource)
            row = services.scim_group_create(
                organization=self.organization,
                display_name=group.display_name or "",
                external_id=group.external_id or "",
                member_ids=_member_ids(group),
            )
        row.payload = _payload(resource)
        row.save(update_fields=["payload"])
        return _resource(row)

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        row = self._row(resource_type, str(resource.id))
        _check_version(row, expected_version)
        if isinstance(row, ScimUser):
            person = cast("User[Any]", resource)
            user_name = person.user_name or ""
            taken = self._users().filter(user_name__iexact=user_name).exclude(pk=row.pk)
            if taken.exists():
                raise UniquenessException(detail=f"userName {user_name!r} is taken.")
            try:
                services.scim_user_update(row=row, user_name=user_name, facts=_facts(person))
            except DomainError as exc:
                raise self._refused(exc) from None
        else:
            group = cast(Group, resource)
            services.scim_group_update(
                row=row,
                display_name=group.display_name or "",
                external_id=group.external_id or "",
                member_ids=_member_ids(group),
            )
        row.payload = _payload(resource)
        row.version = F("version") + 1
        row.save(update_fields=["payload", "version", "updated_at"])
        row.refresh_from_db()
        return _resource(row)

    def delete(
        self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None
    ) -> None:
        row = self._row(resource_type, resource_id)
        _check_version(row, expected_version)
        if isinstance(row, ScimUser):
            services.scim_user_delete(row=row)
        else:
            row.delete()


def _facts(resource: User[Any]) -> services.PersonFacts:
    """What Twoway takes from a User resource."""
    emails = resource.emails or []
    primary = next((e.value for e in emails if e.primary and e.value), None)
    email = primary or next((e.value for e in emails if e.value), None)
    if email is None and resource.user_name and "@" in resource.user_name:
        email = resource.user_name
    name = resource.name
    full_name = resource.display_name or ""
    if name is not None:
        full_name = name.formatted or " ".join(
            part for part in (name.given_name, name.family_name) if part
        )
    enterprise = resource[EnterpriseUser]
    department = (enterprise.department if enterprise else None) or ""
    zone = resource.timezone or ""
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = ""
    return services.PersonFacts(
        email=email or "",
        full_name=full_name.strip(),
        department=department,
        job_title=resource.title or "",
        time_zone=zone,
        external_id=resource.external_id or "",
        active=resource.active is not False,
    )


def _member_ids(resource: Group) -> list[str]:
    return [m.value for m in (resource.members or []) if m.value]


class OrganizationScim(BaseApplication):
    """The SCIM service of the organization whose token a request carries."""

    def serve(self, request: ScimRequest) -> ScimResponse:
        try:
            response = self.dispatch_request(request)
        except Exception as exception:  # noqa: BLE001 (the library turns it into a SCIM error)
            response = self.handle_exception(request, exception)
        return self.finalize_response(request, response)

    def dispatch_request(self, request: ScimRequest) -> ScimResponse:
        token = None
        if self.needs_auth(request):
            token = _authenticate(request)
        request.subject = token
        if token is None:  # /ServiceProviderConfig: no organization needed
            return ScimHandler(self.service, _NoStorage()).handle(request)
        storage = OrganizationStorage(token.organization)
        with transaction.atomic():
            return ScimHandler(self.service, storage).handle(request)


class _NoStorage(ScimStorage):
    """Discovery needs no storage; any use of this one is a bug."""

    def get(self, *args: Any, **kwargs: Any) -> Resource[Any]:
        raise UnauthorizedException

    def search(self, *args: Any, **kwargs: Any) -> SearchPage:
        raise UnauthorizedException

    def create(self, *args: Any, **kwargs: Any) -> Resource[Any]:
        raise UnauthorizedException

    def update(self, *args: Any, **kwargs: Any) -> Resource[Any]:
        raise UnauthorizedException

    def delete(self, *args: Any, **kwargs: Any) -> None:
        raise UnauthorizedException


def _authenticate(request: ScimRequest) -> ScimToken:
    scheme, _, raw = (request.header("Authorization") or "").partition(" ")
    token = services.scim_token_authenticate(raw.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        raise UnauthorizedException(detail="A valid SCIM bearer token is required.")
    return token


APPLICATION = OrganizationScim(PROVIDER)


def serve(request: HttpRequest, path: str, base_url: str) -> HttpResponse:
    """Answer one Django request to ``/scim/v2/<path>`` through the SCIM service."""
    body = request.body[: MAX_BODY + 1]
    scim_request = ScimRequest(
        method=request.method or "GET",
        base_url=base_url,
        path=APPLICATION.split_path("/" + path),
        query={key: request.GET.get(key, "") for key in request.GET},
        headers=dict(request.headers.items()),
        body=body,
    )
    response = APPLICATION.serve(scim_request)
    out = HttpResponse(
        b"" if response.body is None else json.dumps(response.body).encode(),
        status=int(response.status),
    )
    for name, value in response.headers.items():
        out[name] = value
    if response.status == HTTPStatus.NO_CONTENT:
        del out["Content-Type"]
    return out
