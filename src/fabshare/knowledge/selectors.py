"""Reads of events, registrations and projects, scoped to the acting user.

Public events are readable by anyone; network-only events by members of organizations admitted
to the event's network, by the hosts and by the network's operators. An event the user may not
see is a ``NotFound``, like a missing one.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fabshare.core.errors import NotFound
from fabshare.core.geo import haversine_km
from fabshare.knowledge.models import (
    SEAT_STATUSES,
    Attendance,
    CalendarToken,
    Event,
    EventStatus,
    PartnerStatus,
    Project,
    ProjectPartner,
    Registration,
    RegistrationStatus,
    Session,
    Visibility,
)
from fabshare.knowledge.services import admin_organization_ids, can_manage_event, is_partner
from fabshare.network.models import Membership, NetworkMembershipStatus


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def visibility_q(user) -> Q:
    public = Q(visibility=Visibility.PUBLIC)
    if not _authenticated(user):
        return public
    if user.is_superuser:
        return Q()
    return (public
            | Q(network__memberships__status=NetworkMembershipStatus.APPROVED,
                network__memberships__organization__memberships__user=user)
            | Q(network__operators=user)
            | Q(host__memberships__user=user))


def events_visible_to(user) -> QuerySet[Event]:
    return Event.objects.filter(pk__in=Event.objects.filter(visibility_q(user)).values("pk"))


def _annotated(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        taken=Count("registrations", filter=Q(registrations__status__in=SEAT_STATUSES),
                    distinct=True),
        waiting=Count("registrations",
                      filter=Q(registrations__status=RegistrationStatus.WAITLISTED),
                      distinct=True),
    )


def get_event_for_user(user, slug: str | None = None, *, pk: int | None = None) -> Event:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    event = (_annotated(events_visible_to(user).filter(**lookup))
             .select_related("host", "network")
             .prefetch_related("co_hosts", "clusters",
                               Prefetch("sessions", queryset=Session.objects.select_related(
                                   "site", "site__organization")))
             .first())
    if event is None:
        raise NotFound(_("Event not found."))
    return event


def get_event_for_manager(user, slug: str | None = None, *, pk: int | None = None) -> Event:
    from fabshare.knowledge.services import require_manager

    event = get_event_for_user(user, slug, pk=pk)
    require_manager(user, event)
    return event


@dataclass
class CalendarEntry:
    event: Event
    sessions: list[Session]
    distance_km: float | None = None
    clusters: list = field(default_factory=list)


def calendar(user, *, theme: str = "", kind: str = "", cluster: str = "", network: str = "",
             since: date | None = None, until: date | None = None,
             near: tuple[float, float] | None = None, radius_km: float | None = None,
             include_past: bool = False) -> list[CalendarEntry]:
    """Visible, published events, soonest first, filtered; with a place, the distance to the
    nearest session site (online sessions have none) decides the radius. Four queries."""
    events = events_visible_to(user).filter(status=EventStatus.PUBLISHED)
    if theme:
        events = events.filter(theme=theme)
    if kind:
        events = events.filter(kind=kind)
    if cluster:
        events = events.filter(clusters__slug=cluster)
    if network:
        events = events.filter(network__slug=network)
    zone = timezone.get_current_timezone()
    if since:
        events = events.filter(ends_at__gte=datetime.combine(since, time.min, zone))
    elif not include_past:
        events = events.filter(ends_at__gte=timezone.now())
    if until:
        events = events.filter(starts_at__lt=datetime.combine(until + timedelta(days=1),
                                                              time.min, zone))
    events = (_annotated(events).select_related("host", "network")
              .prefetch_related("clusters",
                                Prefetch("sessions", queryset=Session.objects.select_related(
                                    "site")))
              .order_by("starts_at", "pk"))
    entries = []
    for event in events:
        sessions = list(event.sessions.all())
        distance = None
        if near:
            distances = [haversine_km(near[0], near[1], s.site.latitude, s.site.longitude)
                         for s in sessions if s.site]
            distance = min(distances) if distances else None
            if radius_km is not None and (distance is None or distance > radius_km):
                continue
        entries.append(CalendarEntry(event, sessions, distance, list(event.clusters.all())))
    return entries


def registrations_of(event: Event) -> QuerySet[Registration]:
    """Everyone on the host's list, seat holders first, then the waitlist in order."""
    return (Registration.objects.filter(event=event)
            .select_related("attendee", "organization", "registered_by")
            .prefetch_related(Prefetch("attendances",
                                       queryset=Attendance.objects.only("pk", "registration_id",
                                                                        "session_id")))
            .order_by("status", "queued_at", "created_at", "pk"))


def with_positions(registrations) -> list[Registration]:
    """Set ``position`` (1 = first in line) on waitlisted rows of one event, in Python."""
    rows = list(registrations)
    waiting = sorted((r for r in rows if r.status == RegistrationStatus.WAITLISTED),
                     key=lambda r: (r.queued_at, r.pk))
    positions = {r.pk: n for n, r in enumerate(waiting, start=1)}
    for row in rows:
        row.position = positions.get(row.pk)
    return rows


def checkin_list(event: Event, *, q: str = "") -> QuerySet[Registration]:
    rows = registrations_of(event).filter(status=RegistrationStatus.CONFIRMED)
    if q:
        rows = rows.filter(Q(attendee__full_name__icontains=q) | Q(attendee__email__icontains=q)
                           | Q(organization__name__icontains=q))
    return rows.order_by("attendee__full_name", "attendee__email")


def my_registrations(user) -> QuerySet[Registration]:
    return (Registration.objects.filter(Q(attendee=user) | Q(registered_by=user))
            .select_related("event", "event__host", "organization", "attendee")
            .prefetch_related("event__sessions", "event__sessions__site")
            .order_by("-event__starts_at", "pk"))


def get_registration_for_user(user, pk: int) -> Registration:
    registration = (Registration.objects.select_related("event", "event__network", "attendee",
                                                        "organization").filter(pk=pk).first())
    if registration is None or not _authenticated(user) or not (
            user.pk in (registration.attendee_id, registration.registered_by_id)
            or registration.organization_id in admin_organization_ids(user)
            or can_manage_event(user, registration.event)):
        raise NotFound(_("Registration not found."))
    return registration


def get_registration_by_ticket(ticket: str) -> Registration:
    registration = (Registration.objects.select_related("event", "event__host", "attendee",
                                                        "organization")
                    .filter(ticket=ticket).first())
    if registration is None:
        raise NotFound(_("Ticket not found."))
    return registration


def user_organizations(user) -> list:
    if not _authenticated(user):
        return []
    return [m.organization for m in
            Membership.objects.filter(user=user).select_related("organization")
            .order_by("organization__name")]


def colleagues_of(user) -> QuerySet:
    from fabshare.network.models import User

    return User.objects.filter(
        memberships__organization__memberships__user=user, is_active=True
    ).distinct().order_by("full_name", "email")


def certificate_data(registration: Registration) -> tuple[list[Session], list[Session], int]:
    """(all sessions, sessions attended, sessions needed) of a registration."""
    from fabshare.knowledge.services import sessions_needed

    sessions = list(registration.event.sessions.select_related("site").order_by("starts_at"))
    attended_ids = set(registration.attendances.values_list("session_id", flat=True))
    attended = [s for s in sessions if s.pk in attended_ids]
    return sessions, attended, sessions_needed(registration.event, len(sessions))


def calendar_sessions_for(user) -> QuerySet[Session]:
    return (Session.objects.filter(event__registrations__attendee=user,
                                   event__registrations__status=RegistrationStatus.CONFIRMED,
                                   event__status=EventStatus.PUBLISHED)
            .select_related("event", "site").distinct())


def get_calendar_token(token: str) -> CalendarToken:
    row = CalendarToken.objects.select_related("user").filter(token=token,
                                                             user__is_active=True).first()
    if row is None:
        raise NotFound(_("Calendar not found."))
    return row


# --- projects --------------------------------------------------------------------------------


def projects_visible_to(user) -> QuerySet[Project]:
    """Project pages are public (documents are not)."""
    return (Project.objects.select_related("lead", "network")
            .prefetch_related(Prefetch("partners", queryset=ProjectPartner.objects.filter(
                status=PartnerStatus.APPROVED).select_related("organization"))))


def get_project(user, slug: str | None = None, *, pk: int | None = None) -> Project:
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    project = projects_visible_to(user).filter(**lookup).first()
    if project is None:
        raise NotFound(_("Project not found."))
    project.viewer_is_partner = is_partner(user, project)
    project.viewer_leads = project.lead_id in admin_organization_ids(user)
    return project
