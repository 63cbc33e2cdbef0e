"""REST endpoints for organizations, sites, memberships, networks and network memberships.

Thin like the pages: schemas check the shape of the input, selectors read (scoped to the
caller, so a protected object the caller may not see is a 404), services write and check
permissions and invariants. Domain errors propagate to the problem+json handlers in
``fabshare.api``. Every endpoint applies the same rules as the matching page.
"""

from datetime import datetime
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import File, Path, Query, Router, Schema, Status, UploadedFile
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator, ConfigDict, Field

from fabshare.api import PUBLIC
from fabshare.core.errors import DomainError
from fabshare.core.problems import Problem
from fabshare.network import selectors, services
from fabshare.network.models import (
    AdmissionPolicy,
    NetworkMembershipStatus,
    OrganizationKind,
    RequestStatus,
    Role,
)

router = Router(tags=["network"])

MAX_ID = 2**63 - 1  # a BigAutoField: larger numbers cannot name anything


# --- field types -----------------------------------------------------------------------------


def _plain_text(value: str) -> str:
    # PostgreSQL refuses NUL characters and lone surrogates: refuse them here, as field errors.
    if "\x00" in value:
        raise ValueError(_("Text must not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("Text must be valid Unicode.")) from None
    return value


def _url(value: str) -> str:
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise ValueError(_("Enter a web address starting with http:// or https://.")) from None
    return value


def _email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(_("Enter a valid e-mail address.")) from None
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - reads as a type
    return Annotated[str, Field(min_length=min_length, max_length=max_length),
                     AfterValidator(_plain_text)]


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Country = Annotated[str, Field(pattern=r"^[A-Za-z]{2}$", description="ISO 3166 code, e.g. BE")]
Website = Annotated[str, Field(max_length=200), AfterValidator(_plain_text), AfterValidator(_url)]
Email = Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}),
                  AfterValidator(_plain_text), AfterValidator(_email)]
Tags = Annotated[list[Text(80, 1)], Field(max_length=50)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class In(Schema):
    """Base of every input: an unknown field is an error that names it (422)."""

    model_config = ConfigDict(extra="forbid")


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset pagination with a bounded offset (a database cannot skip 10²⁰
    rows; the error is a 422 rather than an overflow)."""

    class Input(Schema):
        limit: int = Field(settings.NINJA_PAGINATION_PER_PAGE, ge=1,
                           le=settings.NINJA_PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=10**9)


def errors(*codes: int) -> dict:
    """The error statuses an endpoint can answer, each as application/problem+json."""
    return dict.fromkeys(codes, Problem)


# --- output schemas --------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    email: str
    full_name: str


class ClusterOut(Schema):
    id: int
    name: str
    slug: str


class SiteOut(Schema):
    id: int
    organization_id: int
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    latitude: float
    longitude: float
    is_main: bool


class OrganizationRef(Schema):
    id: int
    name: str
    slug: str
    kind: OrganizationKind


class OrganizationOut(Schema):
    id: int
    name: str
    slug: str
    kind: OrganizationKind
    country: str
    enterprise_number: str
    description: str
    website: str
    logo_url: str | None
    sectors: list[str]
    certifications: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_certifications(obj) -> list[str]:
        return [c.name for c in obj.certifications.all()]

    @staticmethod
    def resolve_logo_url(obj, context) -> str | None:
        if not obj.logo:
            return None
        request = context.get("request") if context else None
        return request.build_absolute_uri(obj.logo.url) if request else obj.logo.url


class NetworkMembershipBrief(Schema):
    id: int
    network_id: int
    network_name: str
    status: NetworkMembershipStatus
    clusters: list[ClusterOut]

    @staticmethod
    def resolve_network_name(obj) -> str:
        return obj.network.name


class OrganizationDetailOut(OrganizationOut):
    sites: list[SiteOut]
    networks: list[NetworkMembershipBrief]
    my_role: Role | None = Field(None, description="The caller's role, if a member")


class MembershipOut(Schema):
    id: int
    organization_id: int
    user: UserOut
    role: Role
    created_at: datetime


class InvitationOut(Schema):
    id: int
    organization_id: int
    email: str
    role: Role
    status: RequestStatus
    created_at: datetime
    expires_at: datetime


class JoinRequestOut(Schema):
    id: int
    organization_id: int
    user: UserOut
    message: str
    status: RequestStatus
    created_at: datetime
    decided_at: datetime | None


class NetworkOut(Schema):
    id: int
    name: str
    slug: str
    region: str
    description: str
    languages: list[str]
    admission_policy: AdmissionPolicy
    clusters: list[ClusterOut]
    member_count: int = Field(..., description="Admitted member organizations")


class DirectoryEntryOut(Schema):
    organization: OrganizationOut
    clusters: list[ClusterOut]
    distance_km: float | None = Field(..., description="From lat/lon to the nearest site")
    site: SiteOut | None = Field(..., description="The nearest site, else the main site")


class NetworkMembershipOut(Schema):
    id: int
    network_id: int
    organization: OrganizationRef
    status: NetworkMembershipStatus
    clusters: list[ClusterOut]
    motivation: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class AuditEntryOut(Schema):
    id: int
    created_at: datetime
    actor_email: str | None
    action: str
    target_type: str
    target_id: str
    summary: str

    @staticmethod
    def resolve_actor_email(obj) -> str | None:
        return obj.actor.email if obj.actor else None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(..., description="The first characters, to recognise the token")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


# --- input schemas ---------------------------------------------------------------------------


class OrganizationIn(In):
    name: Text(200, 1)
    kind: OrganizationKind
    country: Country = "BE"
    enterprise_number: Text(32) = Field("", description="Belgian KBO/VAT or Dutch KvK number")
    description: Text(5000) = ""
    website: Website = ""
    sectors: Tags = []
    certifications: Tags = []


class OrganizationPatch(In):
    # Omitted fields stay as they are; null is not a value for any of them.
    name: Text(200, 1) = None
    kind: OrganizationKind = None
    country: Country = None
    enterprise_number: Text(32) = None
    description: Text(5000) = None
    website: Website = None
    sectors: Tags = None
    certifications: Tags = None


class SiteIn(In):
    name: Text(120, 1)
    street: Text(200) = ""
    postal_code: Text(12) = ""
    city: Text(100, 1)
    country: Country = "BE"
    latitude: Latitude
    longitude: Longitude
    is_main: bool = False


class SitePatch(In):
    name: Text(120, 1) = None
    street: Text(200) = None
    postal_code: Text(12) = None
    city: Text(100, 1) = None
    country: Country = None
    latitude: Latitude = None
    longitude: Longitude = None
    is_main: bool = None


class RoleIn(In):
    role: Role


class InvitationIn(In):
    email: Email
    role: Role = Role.MEMBER


class JoinRequestIn(In):
    message: Text(2000) = ""


class ApplicationIn(In):
    organization_id: Id = Field(..., description="An organization the caller administers")
    cluster_ids: Annotated[list[Id], Field(max_length=50)] = []
    motivation: Text(4000) = ""


class DecisionIn(In):
    note: Text(2000) = Field("", description="Sent to the organization's admins")


# Query filters are optional but never null: an absent filter is simply not applied.


class OrganizationFilters(Schema):
    q: Text(100) = Field("", description="Part of the name or description")
    kind: OrganizationKind = None


class DirectoryFilters(Schema):
    q: Text(100) = Field("", description="Part of the name, description, town or sectors")
    kind: OrganizationKind = None
    cluster: Text(120) = Field("", description="A cluster's slug")
    certification: Text(80) = ""
    lat: Latitude = Field(None, description="Latitude of the place to search from")
    lon: Longitude = Field(None, description="Longitude of the place to search from")
    radius_km: Annotated[float, Field(gt=0, le=1000, allow_inf_nan=False)] = Field(
        50, description="With lat and lon: only members within this distance"
    )


class NetworkMembershipFilters(Schema):
    status: NetworkMembershipStatus = None


# --- helpers ---------------------------------------------------------------------------------


def _changes(payload: Schema) -> dict:
    return payload.model_dump(mode="json", exclude_unset=True)


def _organization_detail(user, pk: int):
    organization = selectors.get_organization_for_user(user, pk=pk)
    role = selectors.role_of(user, organization)
    organization.my_role = role
    # As on the page: everyone sees where the organization is admitted, its members see all.
    organization.networks = [
        nm for nm in organization.network_memberships.all()
        if role is not None or nm.status == NetworkMembershipStatus.APPROVED
    ]
    return organization


# --- organizations ---------------------------------------------------------------------------


@router.get("/organizations", response={200: list[OrganizationOut], **errors(401, 422)},
            auth=PUBLIC, tags=["organizations"])
@paginate(Pagination)
def list_organizations(request, filters: Query[OrganizationFilters]):
    """Organizations the caller may see: anonymous callers see those admitted to a network."""
    rows = selectors.organizations_visible_to(request.auth)
    if filters.q:
        rows = rows.filter(Q(name__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows.prefetch_related("certifications").order_by("name", "pk")


@router.post("/organizations",
             response={201: OrganizationDetailOut, **errors(400, 401, 403, 409, 422)},
             tags=["organizations"])
def create_organization(request, payload: OrganizationIn):
    """Register an organization; the caller becomes its first owner."""
    organization = services.organization_create(actor=request.auth, **_changes(payload))
    return Status(201, _organization_detail(request.auth, organization.pk))


@router.get("/organizations/{organization_id}",
            response={200: OrganizationDetailOut, **errors(401, 404, 422)},
            auth=PUBLIC, tags=["organizations"])
def get_organization(request, organization_id: PathId):
    """An organization's profile with its sites and networks."""
    return _organization_detail(request.auth, organization_id)


@router.patch("/organizations/{organization_id}",
              response={200: OrganizationDetailOut, **errors(400, 401, 403, 404, 409, 422)},
              tags=["organizations"])
def update_organization(request, organization_id: PathId, payload: OrganizationPatch):
    """Change the profile (admins and owners). Only the fields sent are changed."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    services.organization_update(actor=request.auth, organization=organization,
                                 **_changes(payload))
    return _organization_detail(request.auth, organization_id)


@router.post("/organizations/{organization_id}/logo",
             response={200: OrganizationOut, **errors(400, 401, 403, 404, 422)},
             tags=["organizations"])
def set_logo(request, organization_id: PathId, logo: File[UploadedFile]):
    """Upload the logo: a PNG, JPEG, WebP or GIF image within the size limit."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    return services.organization_set_logo(actor=request.auth, organization=organization,
                                          logo=logo)


@router.delete("/organizations/{organization_id}/logo",
               response={204: None, **errors(401, 403, 404, 422)}, tags=["organizations"])
def delete_logo(request, organization_id: PathId):
    """Remove the logo."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    services.organization_set_logo(actor=request.auth, organization=organization, logo=None)
    return Status(204, None)


# --- sites -----------------------------------------------------------------------------------


@router.get("/organizations/{organization_id}/sites",
            response={200: list[SiteOut], **errors(401, 404, 422)}, auth=PUBLIC,
            tags=["sites"])
@paginate(Pagination)
def list_sites(request, organization_id: PathId):
    """An organization's sites, the main site first."""
    return list(selectors.get_organization_for_user(request.auth, pk=organization_id)
                .sites.all())


@router.post("/organizations/{organization_id}/sites",
             response={201: SiteOut, **errors(400, 401, 403, 404, 422)}, tags=["sites"])
def create_site(request, organization_id: PathId, payload: SiteIn):
    """Add a site (admins and owners)."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    site = services.site_create(actor=request.auth, organization=organization,
                                **_changes(payload))
    return Status(201, site)


def _site_for_admin(user, site_id: int):
    site = selectors.get_site_for_user(user, site_id)
    selectors.get_organization_for_admin(user, pk=site.organization_id)
    return site


@router.patch("/sites/{site_id}", response={200: SiteOut, **errors(400, 401, 403, 404, 422)},
              tags=["sites"])
def update_site(request, site_id: PathId, payload: SitePatch):
    """Change a site (admins and owners). Only the fields sent are changed."""
    site = _site_for_admin(request.auth, site_id)
    return services.site_update(actor=request.auth, site=site, **_changes(payload))


@router.delete("/sites/{site_id}", response={204: None, **errors(401, 403, 404, 409, 422)},
               tags=["sites"])
def delete_site(request, site_id: PathId):
    """Remove a site (admins and owners)."""
    site = _site_for_admin(request.auth, site_id)
    services.site_delete(actor=request.auth, site=site)
    return Status(204, None)


# --- memberships, invitations, join requests -------------------------------------------------


@router.get("/organizations/{organization_id}/memberships",
            response={200: list[MembershipOut], **errors(401, 403, 404, 422)},
            tags=["memberships"])
@paginate(Pagination)
def list_memberships(request, organization_id: PathId):
    """The people of an organization: for its members and its networks' operators only."""
    organization = selectors.get_organization_for_user(request.auth, pk=organization_id)
    return selectors.memberships_of(request.auth, organization)


@router.patch("/memberships/{membership_id}",
              response={200: MembershipOut, **errors(400, 401, 403, 404, 409, 422)},
              tags=["memberships"])
def change_role(request, membership_id: PathId, payload: RoleIn):
    """Change a member's role. Only owners grant or withdraw the owner role; the last owner
    stays owner (409)."""
    membership = selectors.get_membership_for_user(request.auth, membership_id)
    return services.membership_change_role(actor=request.auth, membership=membership,
                                           role=payload.role.value)


@router.delete("/memberships/{membership_id}",
               response={204: None, **errors(401, 403, 404, 409, 422)}, tags=["memberships"])
def remove_membership(request, membership_id: PathId):
    """Remove a member (admins), or leave (your own membership). The last owner cannot be
    removed (409)."""
    membership = selectors.get_membership_for_user(request.auth, membership_id)
    services.membership_remove(actor=request.auth, membership=membership)
    return Status(204, None)


@router.get("/organizations/{organization_id}/invitations",
            response={200: list[InvitationOut], **errors(401, 403, 404, 422)},
            tags=["memberships"])
@paginate(Pagination)
def list_invitations(request, organization_id: PathId):
    """Open invitations (admins and owners)."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    return selectors.open_invitations_of(organization).order_by("-created_at", "-pk")


@router.post("/organizations/{organization_id}/invitations",
             response={201: InvitationOut, **errors(400, 401, 403, 404, 409, 422)},
             tags=["memberships"])
def create_invitation(request, organization_id: PathId, payload: InvitationIn):
    """Invite someone by e-mail (admins; owners to invite an owner)."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    invitation = services.invitation_create(actor=request.auth, organization=organization,
                                            email=payload.email, role=payload.role.value)
    return Status(201, invitation)


@router.get("/organizations/{organization_id}/join-requests",
            response={200: list[JoinRequestOut], **errors(401, 403, 404, 422)},
            tags=["memberships"])
@paginate(Pagination)
def list_join_requests(request, organization_id: PathId):
    """Pending requests to join (admins and owners)."""
    organization = selectors.get_organization_for_admin(request.auth, pk=organization_id)
    return selectors.pending_join_requests_of(organization).order_by("created_at", "pk")


@router.post("/organizations/{organization_id}/join-requests",
             response={201: JoinRequestOut, **errors(400, 401, 403, 404, 409, 422)},
             tags=["memberships"])
def create_join_request(request, organization_id: PathId, payload: JoinRequestIn):
    """Ask to join an organization; its admins are told by e-mail."""
    organization = selectors.get_organization_for_user(request.auth, pk=organization_id)
    join_request = services.join_request_create(actor=request.auth, organization=organization,
                                                message=payload.message)
    return Status(201, join_request)


def _decide_join_request(request, join_request_id: int, *, accept: bool):
    join_request = selectors.get_join_request_for_admin(request.auth, join_request_id)
    return services.join_request_decide(actor=request.auth, join_request=join_request,
                                        accept=accept)


@router.post("/join-requests/{join_request_id}/accept",
             response={200: JoinRequestOut, **errors(401, 403, 404, 409, 422)},
             tags=["memberships"])
def accept_join_request(request, join_request_id: PathId):
    """Accept a join request: the requester becomes a member (admins and owners)."""
    return _decide_join_request(request, join_request_id, accept=True)


@router.post("/join-requests/{join_request_id}/decline",
             response={200: JoinRequestOut, **errors(401, 403, 404, 409, 422)},
             tags=["memberships"])
def decline_join_request(request, join_request_id: PathId):
    """Decline a join request (admins and owners)."""
    return _decide_join_request(request, join_request_id, accept=False)


# --- networks --------------------------------------------------------------------------------


@router.get("/networks", response={200: list[NetworkOut], **errors(401, 422)}, auth=PUBLIC,
            tags=["networks"])
@paginate(Pagination)
def list_networks(request):
    """Every regional network, with its clusters and number of members."""
    return selectors.networks().order_by("name", "pk")


@router.get("/networks/{network_id}", response={200: NetworkOut, **errors(401, 404, 422)},
            auth=PUBLIC, tags=["networks"])
def get_network(request, network_id: PathId):
    return selectors.get_network(pk=network_id)


@router.get("/networks/{network_id}/members",
            response={200: list[DirectoryEntryOut], **errors(401, 404, 422)}, auth=PUBLIC,
            tags=["networks"])
@paginate(Pagination)
def network_directory(request, network_id: PathId, filters: Query[DirectoryFilters]):
    """The member directory: admitted organizations, filtered; nearest first when a place
    (lat and lon) is given, and then only those within radius_km."""
    if (filters.lat is None) != (filters.lon is None):
        missing = "lon" if filters.lon is None else "lat"
        raise ValidationError([{"loc": ("query", missing), "type": "missing",
                                "msg": _("Give both lat and lon, or neither.")}])
    network = selectors.get_network(pk=network_id)
    near = (filters.lat, filters.lon) if filters.lat is not None else None
    return selectors.directory(
        network, q=filters.q, kind=filters.kind.value if filters.kind else "",
        cluster=filters.cluster, certification=filters.certification, near=near,
        radius_km=filters.radius_km if near else None,
    )


@router.get("/networks/{network_id}/memberships",
            response={200: list[NetworkMembershipOut], **errors(401, 404, 422)},
            tags=["network memberships"])
@paginate(Pagination)
def list_network_memberships(request, network_id: PathId,
                             filters: Query[NetworkMembershipFilters]):
    """Applications and memberships: operators see all, others their own organizations'."""
    network = selectors.get_network(pk=network_id)
    return selectors.network_memberships_for(
        request.auth, network, status=filters.status.value if filters.status else None)


@router.post("/networks/{network_id}/applications",
             response={201: NetworkMembershipOut, **errors(400, 401, 403, 404, 409, 422)},
             tags=["network memberships"])
def apply_to_network(request, network_id: PathId, payload: ApplicationIn):
    """An organization (that the caller administers) applies to join the network; it is
    admitted at once if the network's admission is open."""
    network = selectors.get_network(pk=network_id)
    organization = selectors.get_organization_for_admin(request.auth, pk=payload.organization_id)
    clusters = {c.pk: c for c in network.clusters.all()}
    unknown = [pk for pk in payload.cluster_ids if pk not in clusters]
    if unknown:
        raise DomainError(_("Not a cluster of this network: %(ids)s")
                          % {"ids": ", ".join(map(str, unknown))}, field="cluster_ids")
    membership = services.network_apply(
        actor=request.auth, network=network, organization=organization,
        clusters=[clusters[pk] for pk in dict.fromkeys(payload.cluster_ids)],
        motivation=payload.motivation,
    )
    return Status(201, membership)


def _decide(request, network_membership_id: int, decision: str, payload: DecisionIn | None):
    membership = selectors.get_network_membership_for_user(request.auth, network_membership_id)
    return services.network_membership_decide(
        actor=request.auth, membership=membership, decision=decision,
        note=payload.note if payload else "",
    )


DECISION_RESPONSES = {200: NetworkMembershipOut, **errors(400, 401, 403, 404, 409, 422)}


@router.post("/network-memberships/{network_membership_id}/approve",
             response=DECISION_RESPONSES, tags=["network memberships"])
def approve_network_membership(request, network_membership_id: PathId,
                               payload: DecisionIn | None = None):
    """Admit the organization (the network's operators)."""
    return _decide(request, network_membership_id, "approve", payload)


@router.post("/network-memberships/{network_membership_id}/reject",
             response=DECISION_RESPONSES, tags=["network memberships"])
def reject_network_membership(request, network_membership_id: PathId,
                              payload: DecisionIn | None = None):
    """Turn down a pending application (the network's operators)."""
    return _decide(request, network_membership_id, "reject", payload)


@router.post("/network-memberships/{network_membership_id}/suspend",
             response=DECISION_RESPONSES, tags=["network memberships"])
def suspend_network_membership(request, network_membership_id: PathId,
                               payload: DecisionIn | None = None):
    """Suspend an admitted organization (the network's operators)."""
    return _decide(request, network_membership_id, "suspend", payload)


# --- audit log -------------------------------------------------------------------------------


@router.get("/organizations/{organization_id}/audit",
            response={200: list[AuditEntryOut], **errors(401, 403, 404, 422)}, tags=["audit"])
@paginate(Pagination)
def organization_audit(request, organization_id: PathId):
    """The organization's audit log, newest first (admins and owners)."""
    organization = selectors.get_organization_for_user(request.auth, pk=organization_id)
    return selectors.audit_entries_for(request.auth, organization=organization)


@router.get("/networks/{network_id}/audit",
            response={200: list[AuditEntryOut], **errors(401, 403, 404, 422)}, tags=["audit"])
@paginate(Pagination)
def network_audit(request, network_id: PathId):
    """The network's audit log, newest first (its operators)."""
    network = selectors.get_network(pk=network_id)
    return selectors.audit_entries_for(request.auth, network=network)


# --- personal access tokens ------------------------------------------------------------------


@router.get("/tokens", response={200: list[TokenOut], **errors(401, 422)}, tags=["tokens"])
@paginate(Pagination)
def list_tokens(request):
    """The caller's API tokens with their last use. The secret is never shown again: tokens
    are created on the web page, which shows it once."""
    return selectors.tokens_of(request.auth)


@router.delete("/tokens/{token_id}", response={204: None, **errors(401, 403, 404, 422)},
               tags=["tokens"])
def revoke_token(request, token_id: PathId):
    """Revoke one of the caller's tokens; it stops working at once."""
    token = selectors.get_token_for_user(request.auth, token_id)
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)
