"""REST endpoints for events, sessions, registrations (with their waitlist position), check-in
and collaboration projects.

Thin like every router: the selectors decide who may see what (an invisible event is a 404),
the services decide the rules (seats, quotas, deadlines) and name the field of a bad value.
Public events are readable without credentials.
"""

from datetime import date, datetime
from typing import Annotated

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from fabshare.api import PUBLIC
from fabshare.availability.api import Instant
from fabshare.core.errors import DomainError, NotFound
from fabshare.knowledge import selectors, services
from fabshare.knowledge.models import (
    EventKind,
    EventStatus,
    PartnerStatus,
    ProjectPartner,
    ProjectStatus,
    Registration,
    RegistrationStatus,
    Theme,
    Visibility,
)
from fabshare.network.api import Id, In, Pagination, PathId, Text, errors
from fabshare.network.models import Cluster, Membership, Network, Organization, Site, User

router = Router(tags=["knowledge"])

Seats = Annotated[int, Field(ge=1, le=services.MAX_CAPACITY)]
Url = Annotated[str, Field(max_length=200)]


# --- output schemas --------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    site_id: int | None
    city: str | None = Field(None, description="City of the host site")
    online_url: str
    speaker: str

    @staticmethod
    def resolve_city(obj) -> str | None:
        return obj.site.city if obj.site_id else None


class EventOut(Schema):
    id: int
    slug: str
    title: str
    kind: EventKind
    theme: Theme
    host_id: int
    host_name: str
    co_host_ids: list[int]
    network_id: int
    cluster_ids: list[int]
    language: str
    description: str
    capacity: int
    quota_per_organization: int | None
    seats_taken: int
    waitlist_length: int
    price_cents: int
    currency: str
    invoice_details: str
    registration_opens_at: datetime | None
    registration_deadline: datetime
    requires_approval: bool
    visibility: Visibility
    min_sessions_for_certificate: int | None
    status: EventStatus
    starts_at: datetime | None
    ends_at: datetime | None
    sessions: list[SessionOut]
    url: str

    @staticmethod
    def resolve_host_name(obj) -> str:
        return obj.host.name

    @staticmethod
    def resolve_co_host_ids(obj) -> list[int]:
        return [o.pk for o in obj.co_hosts.all()]

    @staticmethod
    def resolve_cluster_ids(obj) -> list[int]:
        return [c.pk for c in obj.clusters.all()]

    @staticmethod
    def resolve_seats_taken(obj) -> int:
        return obj.taken

    @staticmethod
    def resolve_waitlist_length(obj) -> int:
        return obj.waiting

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(obj.sessions.all())

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("event_detail", args=[obj.slug])


class RegistrationOut(Schema):
    id: int
    event_id: int
    attendee_id: int
    attendee_name: str
    organization_id: int
    status: RegistrationStatus
    waitlist_position: int | None = Field(None, description="1 = first in line")
    offer_expires_at: datetime | None
    sessions_attended: list[int]
    created_at: datetime

    @staticmethod
    def resolve_attendee_name(obj) -> str:
        return obj.attendee.get_full_name()

    @staticmethod
    def resolve_waitlist_position(obj) -> int | None:
        if hasattr(obj, "position"):
            return obj.position
        return services.waitlist_position(obj)

    @staticmethod
    def resolve_sessions_attended(obj) -> list[int]:
        return sorted(a.session_id for a in obj.attendances.all())


class PartnerOut(Schema):
    id: int
    organization_id: int
    organization_name: str
    role: str
    status: PartnerStatus

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.organization.name


class ProjectOut(Schema):
    id: int
    slug: str
    title: str
    theme: Theme
    goals: str
    network_id: int
    lead_id: int
    status: ProjectStatus
    starts_on: date
    ends_on: date | None
    partners: list[PartnerOut]

    @staticmethod
    def resolve_partners(obj) -> list:
        return list(obj.partners.all())


class ProjectUpdateOut(Schema):
    id: int
    organization_id: int
    author_id: int | None
    body: str
    created_at: datetime


# --- input schemas ---------------------------------------------------------------------------


class SessionIn(In):
    title: Text(200) = ""
    starts_at: Instant
    ends_at: Instant
    site_id: Id | None = None
    online_url: Url = ""
    speaker: Text(200) = ""


class EventIn(In):
    title: Text(200, 1)
    kind: EventKind
    theme: Theme
    host_id: Id
    network_id: Id
    co_host_ids: list[Id] = Field(default_factory=list, max_length=20)
    cluster_ids: list[Id] = Field(default_factory=list, max_length=50)
    language: Text(5) = "en"
    description: Text(10000) = ""
    capacity: Seats
    quota_per_organization: Seats | None = None
    price_cents: Annotated[int, Field(ge=0, le=10**9)] = 0
    currency: Text(3) = "EUR"
    invoice_details: Text(2000) = ""
    registration_opens_at: Instant | None = None
    registration_deadline: Instant
    requires_approval: bool = False
    visibility: Visibility = Visibility.PUBLIC
    min_sessions_for_certificate: Annotated[int, Field(ge=1, le=50)] | None = None
    sessions: list[SessionIn] = Field(..., min_length=1, max_length=services.MAX_SESSIONS)


class EventPatch(In):
    title: Text(200, 1) | None = None
    kind: EventKind | None = None
    theme: Theme | None = None
    description: Text(10000) | None = None
    capacity: Seats | None = None
    quota_per_organization: Seats | None = None
    price_cents: Annotated[int, Field(ge=0, le=10**9)] | None = None
    invoice_details: Text(2000) | None = None
    registration_opens_at: Instant | None = None
    registration_deadline: Instant | None = None
    requires_approval: bool | None = None
    visibility: Visibility | None = None
    min_sessions_for_certificate: Annotated[int, Field(ge=1, le=50)] | None = None


class RegistrationIn(In):
    organization_id: Id
    attendee_id: Id | None = Field(None, description="A colleague; yourself when left out")


class DecisionIn(In):
    approve: bool


class CheckInIn(In):
    session_id: Id
    present: bool = True


class ProjectIn(In):
    title: Text(200, 1)
    theme: Theme
    goals: Text(10000, 1)
    lead_id: Id
    network_id: Id
    status: ProjectStatus = ProjectStatus.PLANNED
    starts_on: date
    ends_on: date | None = None


class ProjectPatch(In):
    title: Text(200, 1) | None = None
    theme: Theme | None = None
    goals: Text(10000, 1) | None = None
    status: ProjectStatus | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class JoinIn(In):
    organization_id: Id
    role: Text(120, 1)
    message: Text(2000) = ""


class UpdateIn(In):
    body: Text(5000, 1)


class EventFilters(Schema):
    theme: Theme | None = None
    kind: EventKind | None = None
    cluster: Text(120) = ""
    since: date | None = None
    until: date | None = None


# --- helpers ---------------------------------------------------------------------------------


def _organization(pk: int, field: str) -> Organization:
    organization = Organization.objects.filter(pk=pk).first()
    if organization is None:
        raise DomainError(_("Unknown organization %(id)s.") % {"id": pk}, field=field)
    return organization


def _registrations(event) -> list[Registration]:
    return selectors.with_positions(selectors.registrations_of(event))


def _registration(user, pk: int) -> Registration:
    registration = selectors.get_registration_for_user(user, pk)
    return Registration.objects.select_related("attendee").prefetch_related(
        "attendances").get(pk=registration.pk)


# --- events ----------------------------------------------------------------------------------


@router.get("/events", response={200: list[EventOut], **errors(401, 422)}, auth=PUBLIC)
@paginate(Pagination)
def list_events(request, filters: Query[EventFilters]):
    """Published events the caller may see, soonest first (public ones without credentials);
    past events are left out unless ``since`` is given."""
    entries = selectors.calendar(request.auth, theme=filters.theme or "",
                                 kind=filters.kind or "", cluster=filters.cluster,
                                 since=filters.since, until=filters.until)
    return [entry.event for entry in entries]


@router.post("/events", response={201: EventOut, **errors(400, 401, 403, 404, 409, 422)})
def create_event(request, payload: EventIn):
    """Publish an event with its sessions (admins of the host). All or nothing: a session that
    ends before it starts, a quota above the capacity or a paid event without invoice details
    is a 400 naming the field, and nothing is written."""
    data = payload.model_dump()
    host = _organization(data.pop("host_id"), "host_id")
    network = Network.objects.filter(pk=data.pop("network_id")).first()
    if network is None:
        raise DomainError(_("Unknown network."), field="network_id")
    data["co_hosts"] = list(Organization.objects.filter(pk__in=data.pop("co_host_ids")))
    data["clusters"] = list(Cluster.objects.filter(pk__in=data.pop("cluster_ids")))
    sites = {s.pk: s for s in Site.objects.filter(
        pk__in=[s["site_id"] for s in data["sessions"] if s["site_id"]])}
    sessions = []
    for n, row in enumerate(data.pop("sessions"), start=1):
        site_id = row.pop("site_id")
        if site_id and site_id not in sites:
            raise DomainError(_("Session %(n)s: unknown site.") % {"n": n}, field="sessions")
        sessions.append({**row, "site": sites.get(site_id)})
    event = services.event_create(actor=request.auth, host=host, network=network,
                                  sessions=sessions, **data)
    return Status(201, selectors.get_event_for_user(request.auth, pk=event.pk))


@router.get("/events/{event_id}", response={200: EventOut, **errors(401, 404, 422)},
            auth=PUBLIC)
def get_event(request, event_id: PathId):
    """One event with its programme and seats (404 when the caller may not see it)."""
    return selectors.get_event_for_user(request.auth, pk=event_id)


@router.patch("/events/{event_id}",
              response={200: EventOut, **errors(400, 401, 403, 404, 409, 422)})
def update_event(request, event_id: PathId, payload: EventPatch):
    """Change an event (its host). The capacity cannot drop below the seats taken (409); more
    capacity is offered to the waitlist at once."""
    event = selectors.get_event_for_user(request.auth, pk=event_id)
    services.event_update(actor=request.auth, event=event,
                          **payload.model_dump(exclude_unset=True))
    return selectors.get_event_for_user(request.auth, pk=event_id)


@router.post("/events/{event_id}/sessions",
             response={201: SessionOut, **errors(400, 401, 403, 404, 422)})
def add_session(request, event_id: PathId, payload: SessionIn):
    """Add a session to the programme (its host)."""
    event = selectors.get_event_for_user(request.auth, pk=event_id)
    data = payload.model_dump()
    site_id = data.pop("site_id")
    data["site"] = Site.objects.filter(pk=site_id).first() if site_id else None
    if site_id and data["site"] is None:
        raise DomainError(_("Unknown site."), field="site_id")
    session = services.session_add(actor=request.auth, event=event, **data)
    return Status(201, session)


@router.get("/events/{event_id}/registrations",
            response={200: list[RegistrationOut], **errors(401, 403, 404, 422)})
@paginate(Pagination)
def list_registrations(request, event_id: PathId):
    """Everyone registered, awaiting approval, offered a seat or waiting, with their place in
    line (the host)."""
    event = selectors.get_event_for_manager(request.auth, pk=event_id)
    return _registrations(event)


@router.post("/events/{event_id}/registrations",
             response={201: RegistrationOut, **errors(400, 401, 403, 404, 409, 422)})
def register(request, event_id: PathId, payload: RegistrationIn):
    """Register yourself or a colleague for one of your organizations. A free seat within the
    organization's quota gives ``confirmed`` (or ``pending`` when the host approves);
    otherwise ``waitlisted`` with a ``waitlist_position``. Registering twice is a 409; after
    the deadline a 400 naming registration_deadline."""
    event = selectors.get_event_for_user(request.auth, pk=event_id)
    organization = _organization(payload.organization_id, "organization_id")
    attendee = request.auth
    if payload.attendee_id is not None:
        attendee = User.objects.filter(pk=payload.attendee_id, memberships__organization=(
            organization)).first()
        if attendee is None or not Membership.objects.filter(
                user=request.auth, organization=organization).exists():
            raise DomainError(_("Choose a colleague of your organization."),
                              field="attendee_id")
    registration = services.event_register(actor=request.auth, event=event,
                                           organization=organization, attendee=attendee)
    return Status(201, _registration(request.auth, registration.pk))


@router.get("/registrations", response={200: list[RegistrationOut], **errors(401, 422)})
@paginate(Pagination)
def my_registrations(request):
    """Your registrations and those you made for colleagues, latest event first."""
    return list(selectors.my_registrations(request.auth).prefetch_related("attendances"))


@router.get("/registrations/{registration_id}",
            response={200: RegistrationOut, **errors(401, 404, 422)})
def get_registration(request, registration_id: PathId):
    return _registration(request.auth, registration_id)


@router.post("/registrations/{registration_id}/cancel",
             response={200: RegistrationOut, **errors(401, 403, 404, 409, 422)})
def cancel_registration(request, registration_id: PathId):
    """Cancel (the attendee, their organization's admins or the host). A freed seat is
    offered to the first in line, who has 48 hours to take it."""
    registration = selectors.get_registration_for_user(request.auth, registration_id)
    services.registration_cancel(actor=request.auth, registration=registration)
    return _registration(request.auth, registration_id)


@router.post("/registrations/{registration_id}/accept",
             response={200: RegistrationOut, **errors(401, 404, 409, 422)})
def accept_seat_offer(request, registration_id: PathId):
    """Take the seat offered from the waitlist, before the offer expires (409 after)."""
    registration = selectors.get_registration_for_user(request.auth, registration_id)
    services.offer_accept(actor=request.auth, registration=registration)
    return _registration(request.auth, registration_id)


@router.post("/registrations/{registration_id}/decision",
             response={200: RegistrationOut, **errors(400, 401, 403, 404, 409, 422)})
def decide_registration(request, registration_id: PathId, payload: DecisionIn):
    """Approve or decline a registration awaiting approval (the host)."""
    registration = selectors.get_registration_for_user(request.auth, registration_id)
    services.registration_decide(actor=request.auth, registration=registration,
                                 approve=payload.approve)
    return _registration(request.auth, registration_id)


@router.post("/registrations/{registration_id}/check-in",
             response={200: RegistrationOut, **errors(400, 401, 403, 404, 409, 422)})
def check_in(request, registration_id: PathId, payload: CheckInIn):
    """Record (or with ``present: false`` undo) attendance at a session (the host)."""
    registration = selectors.get_registration_for_user(request.auth, registration_id)
    session = registration.event.sessions.filter(pk=payload.session_id).first()
    if session is None:
        raise DomainError(_("This session belongs to another event."), field="session_id")
    services.attendance_set(actor=request.auth, registration=registration, session=session,
                            present=payload.present)
    return _registration(request.auth, registration_id)


# --- projects --------------------------------------------------------------------------------


@router.get("/projects", response={200: list[ProjectOut], **errors(401, 422)}, auth=PUBLIC)
@paginate(Pagination)
def list_projects(request):
    """Collaboration projects with their approved partners."""
    return selectors.projects_visible_to(request.auth)


@router.get("/projects/{project_id}", response={200: ProjectOut, **errors(401, 404, 422)},
            auth=PUBLIC)
def get_project(request, project_id: PathId):
    return selectors.get_project(request.auth, pk=project_id)


@router.post("/projects", response={201: ProjectOut, **errors(400, 401, 403, 404, 422)})
def create_project(request, payload: ProjectIn):
    """Start a project led by one of your organizations (admins), admitted to the network."""
    data = payload.model_dump()
    lead = _organization(data.pop("lead_id"), "lead_id")
    network = Network.objects.filter(pk=data.pop("network_id")).first()
    if network is None:
        raise DomainError(_("Unknown network."), field="network_id")
    project = services.project_create(actor=request.auth, lead=lead, network=network, **data)
    return Status(201, selectors.get_project(request.auth, pk=project.pk))


@router.patch("/projects/{project_id}",
              response={200: ProjectOut, **errors(400, 401, 403, 404, 422)})
def update_project(request, project_id: PathId, payload: ProjectPatch):
    """Change the project's goals, status or dates (admins of the project lead)."""
    project = selectors.get_project(request.auth, pk=project_id)
    changes = payload.model_dump(exclude_unset=True)
    for name in ("title", "theme", "goals", "status", "starts_on"):
        if name in changes and changes[name] is None:
            raise DomainError(_("This field cannot be empty."), field=name)
    services.project_update(actor=request.auth, project=project, **changes)
    return selectors.get_project(request.auth, pk=project_id)


@router.post("/projects/{project_id}/partners",
             response={201: PartnerOut, **errors(400, 401, 403, 404, 409, 422)})
def join_project(request, project_id: PathId, payload: JoinIn):
    """Ask to join as a partner (admins of the organization); the lead decides."""
    project = selectors.get_project(request.auth, pk=project_id)
    organization = _organization(payload.organization_id, "organization_id")
    partner = services.project_request_join(actor=request.auth, project=project,
                                            organization=organization, role=payload.role,
                                            message=payload.message)
    return Status(201, partner)


@router.post("/projects/{project_id}/partners/{partner_id}/decision",
             response={200: PartnerOut, **errors(400, 401, 403, 404, 409, 422)})
def decide_partner(request, project_id: PathId, partner_id: PathId, payload: DecisionIn):
    """Approve or decline a request to join (admins of the project lead)."""
    project = selectors.get_project(request.auth, pk=project_id)
    partner = ProjectPartner.objects.select_related("organization", "project").filter(
        project=project, pk=partner_id).first()
    if partner is None:
        raise NotFound(_("Request not found."))
    return services.project_decide(actor=request.auth, partner=partner,
                                   approve=payload.approve)


@router.get("/projects/{project_id}/updates",
            response={200: list[ProjectUpdateOut], **errors(401, 404, 422)}, auth=PUBLIC)
@paginate(Pagination)
def list_updates(request, project_id: PathId):
    project = selectors.get_project(request.auth, pk=project_id)
    return project.updates.all()


@router.post("/projects/{project_id}/updates",
             response={201: ProjectUpdateOut, **errors(400, 401, 403, 404, 422)})
def post_update(request, project_id: PathId, payload: UpdateIn):
    """Post an update (members of a partner organization)."""
    project = selectors.get_project(request.auth, pk=project_id)
    update = services.project_post_update(actor=request.auth, project=project,
                                          body=payload.body)
    return Status(201, update)
