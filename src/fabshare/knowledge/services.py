"""Every write to events, sessions, registrations, attendance and collaboration projects.

Seats follow the quota discipline of ``STYLE.md``: a registration, cancellation, approval,
capacity change or expiring offer runs in one transaction that first locks the event row
(``SELECT … FOR UPDATE``; on SQLite the IMMEDIATE transaction serializes writers) and then
*counts* the registrations that hold a seat — there is no stored counter to drift. Whenever a
seat frees up, :func:`_fill_free_seats` offers it to the first person on the waitlist whose
organization is still under its quota; the offer holds the seat for ``OFFER_HOURS`` and then
passes on (:func:`run_due`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from fabshare.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    reject_unknown_fields,
)
from fabshare.core.mail import send_mail_on_commit
from fabshare.core.uploads import check_pdf
from fabshare.knowledge.models import (
    ACTIVE_STATUSES,
    SEAT_STATUSES,
    Attendance,
    CalendarToken,
    Event,
    EventKind,
    EventStatus,
    PartnerStatus,
    Project,
    ProjectDocument,
    ProjectPartner,
    ProjectStatus,
    ProjectUpdate,
    Registration,
    RegistrationStatus,
    Session,
    Theme,
    Visibility,
    new_token,
)
from fabshare.network.audit import audit_record
from fabshare.network.models import (
    ROLE_RANK,
    Membership,
    Network,
    NetworkMembership,
    NetworkMembershipStatus,
    Organization,
    Role,
    User,
)

OFFER_HOURS = 48
REMINDER_BEFORE = timedelta(hours=24)
LOCK_TIMEOUT_MS = 10_000
MAX_SESSIONS = 50
MAX_CAPACITY = 100_000
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

EVENT_FIELDS = (
    "title", "kind", "theme", "language", "description", "capacity", "quota_per_organization",
    "price_cents", "currency", "invoice_details", "registration_opens_at",
    "registration_deadline", "requires_approval", "visibility", "min_sessions_for_certificate",
    "clusters", "co_hosts",
)
SESSION_FIELDS = ("title", "starts_at", "ends_at", "site", "online_url", "speaker")


# --- permissions -----------------------------------------------------------------------------


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def admin_organization_ids(user) -> set[int]:
    if not _authenticated(user):
        return set()
    return set(Membership.objects.filter(
        user=user, role__in=[Role.ADMIN, Role.OWNER]).values_list("organization_id", flat=True))


def can_manage_event(user, event: Event) -> bool:
    """Admins and owners of the host and co-hosts run the event; so do the network's
    operators."""
    if not _authenticated(user):
        return False
    if user.is_superuser or event.network.operators.filter(pk=user.pk).exists():
        return True
    hosts = {event.host_id, *event.co_hosts.values_list("pk", flat=True)}
    return bool(hosts & admin_organization_ids(user))


def require_manager(user, event: Event) -> None:
    if not can_manage_event(user, event):
        raise PermissionDenied(_("Only the host of “%(event)s” can do this.")
                               % {"event": event.title})


def _require_admin_of(user, organization: Organization) -> None:
    role = Membership.objects.filter(user=user, organization=organization).values_list(
        "role", flat=True).first()
    if role is None:
        raise NotFound(_("Organization not found."))
    if ROLE_RANK[role] < ROLE_RANK[Role.ADMIN]:
        raise PermissionDenied(_("This needs the role “%(role)s” in the organization.")
                               % {"role": Role.ADMIN.label})


def is_admitted(organization: Organization, network: Network) -> bool:
    return NetworkMembership.objects.filter(
        organization=organization, network=network,
        status=NetworkMembershipStatus.APPROVED).exists()


# --- locking ---------------------------------------------------------------------------------


def _lock_event(event: Event) -> Event:
    """Lock the event row for the rest of the transaction and return it fresh.

    The wait is capped so a stuck transaction turns into a retryable 409, not a hung request.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
    try:
        return Event.objects.select_for_update().get(pk=event.pk)
    except OperationalError:
        raise Conflict(_("Many people are registering right now; please try again.")) from None
    except Event.DoesNotExist:
        raise NotFound(_("Event not found.")) from None


def seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=SEAT_STATUSES).count()


def _seats_by_organization(event: Event) -> dict[int, int]:
    rows = (Registration.objects.filter(event=event, status__in=SEAT_STATUSES)
            .values("organization_id").annotate(n=Count("pk")))
    return {row["organization_id"]: row["n"] for row in rows}


# --- events and sessions ---------------------------------------------------------------------


def _unique_slug(model, title: str) -> str:
    base = slugify(title)[:200] or "event"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _aware(value, field: str) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise DomainError(_("Give a date and time with its time zone."), field=field)
    return value


def _clean_event(data: dict, event: Event | None, network: Network) -> dict:
    """Shape-independent checks of the event's own fields (services are called by forms, the
    API and the demo alike)."""
    def current(name):
        return data.get(name, getattr(event, name) if event else None)

    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise DomainError(_("The title is required."), field="title")
    for name, choices in (("kind", EventKind), ("theme", Theme), ("visibility", Visibility)):
        if name in data and data[name] not in choices.values:
            raise DomainError(_("Unknown value “%(v)s”.") % {"v": data[name]}, field=name)
    capacity = current("capacity")
    if capacity is None or not 1 <= int(capacity) <= MAX_CAPACITY:
        raise DomainError(_("The capacity must be between 1 and %(max)s seats.")
                          % {"max": MAX_CAPACITY}, field="capacity")
    quota = current("quota_per_organization")
    if quota is not None:
        if quota < 1:
            raise DomainError(_("Allow at least one seat per organization, or leave the quota "
                                "empty."), field="quota_per_organization")
        if quota > capacity:
            raise DomainError(
                _("The quota of %(quota)s seats per organization is above the capacity of "
                  "%(capacity)s.") % {"quota": quota, "capacity": capacity},
                field="quota_per_organization")
    if "price_cents" in data and (data["price_cents"] is None or data["price_cents"] < 0):
        raise DomainError(_("The price cannot be negative."), field="price_cents")
    if current("price_cents") and not (current("invoice_details") or "").strip():
        raise DomainError(_("A paid event needs invoice details (who invoices, how to pay)."),
                          field="invoice_details")
    if "currency" in data:
        data["currency"] = (data["currency"] or "EUR").strip().upper()
        if len(data["currency"]) != 3 or not data["currency"].isalpha():
            raise DomainError(_("Use a three-letter currency code such as EUR."),
                              field="currency")
    deadline = current("registration_deadline")
    if deadline is None:
        raise DomainError(_("The registration deadline is required."),
                          field="registration_deadline")
    _aware(deadline, "registration_deadline")
    opens = current("registration_opens_at")
    if opens is not None and _aware(opens, "registration_opens_at") >= deadline:
        raise DomainError(_("Registration must open before its deadline."),
                          field="registration_opens_at")
    minimum = current("min_sessions_for_certificate")
    if minimum is not None and minimum < 1:
        raise DomainError(_("Ask for at least one session, or leave it empty for all."),
                          field="min_sessions_for_certificate")
    if "clusters" in data:
        clusters = list(data["clusters"] or [])
        if any(c.network_id != network.pk for c in clusters):
            raise DomainError(_("Choose clusters of the event's network."), field="clusters")
        data["clusters"] = clusters
    return data


def _clean_sessions(sessions: list[dict], hosts: set[int]) -> list[dict]:
    if not sessions:
        raise DomainError(_("Add at least one session."), field="sessions")
    if len(sessions) > MAX_SESSIONS:
        raise DomainError(_("At most %(n)s sessions.") % {"n": MAX_SESSIONS}, field="sessions")
    cleaned = []
    for number, raw in enumerate(sessions, start=1):
        reject_unknown_fields(raw, SESSION_FIELDS)
        cleaned.append(_clean_session(dict(raw), hosts, label=number))
    return cleaned


def _clean_session(data: dict, hosts: set[int], *, label: int | None = None,
                   session: Session | None = None) -> dict:
    prefix = (_("Session %(n)s: ") % {"n": label}) if label else ""
    field = "sessions" if label else None

    def fail(message, name):
        raise DomainError(prefix + message, field=field or name)

    start = data.get("starts_at", session.starts_at if session else None)
    end = data.get("ends_at", session.ends_at if session else None)
    if not isinstance(start, datetime) or start.tzinfo is None:
        fail(_("give the start as a date and time."), "starts_at")
    if not isinstance(end, datetime) or end.tzinfo is None:
        fail(_("give the end as a date and time."), "ends_at")
    if end <= start:
        fail(_("the session ends (%(end)s) before it starts (%(start)s).")
             % {"end": timezone.localtime(end).strftime("%Y-%m-%d %H:%M"),
                "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M")}, "ends_at")
    if end - start > timedelta(days=7):
        fail(_("a session lasts at most a week; split it into several sessions."), "ends_at")
    site = data.get("site", session.site if session else None)
    online = (data.get("online_url", session.online_url if session else "") or "").strip()
    if site is not None and site.organization_id not in hosts:
        fail(_("choose a site of the host or a co-host."), "site")
    if site is None and not online:
        fail(_("give a host site or an online link."), "site")
    data["online_url"] = online
    for name in ("title", "speaker"):
        if name in data:
            data[name] = (data[name] or "").strip()[:200]
    return data


def _refresh_span(event: Event) -> None:
    spans = event.sessions.order_by("starts_at")
    first, last = spans.first(), event.sessions.order_by("-ends_at").first()
    event.starts_at = first.starts_at if first else None
    event.ends_at = last.ends_at if last else None
    event.save(update_fields=["starts_at", "ends_at", "updated_at"])


@transaction.atomic
def event_create(*, actor: User, host: Organization, network: Network, sessions: list[dict],
                 **fields) -> Event:
    """Publish an event of ``host`` (an admin of it acts) in ``network`` with its sessions.

    Everything is checked before the first row is written, so a bad session leaves nothing.
    """
    reject_unknown_fields(fields, EVENT_FIELDS)
    _require_admin_of(actor, host)
    if not is_admitted(host, network) and not network.operators.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("%(org)s is not an admitted member of %(network)s.")
                               % {"org": host.name, "network": network.name})
    fields.setdefault("quota_per_organization", None)
    fields.setdefault("price_cents", 0)
    data = _clean_event(dict(fields), None, network)
    co_hosts = list(data.pop("co_hosts", []) or [])
    clusters = data.pop("clusters", [])
    hosts = {host.pk, *(o.pk for o in co_hosts)}
    cleaned = _clean_sessions(sessions, hosts)
    event = Event.objects.create(host=host, network=network, created_by=actor,
                                 slug=_unique_slug(Event, data["title"]), **data)
    event.co_hosts.set(co_hosts)
    event.clusters.set(clusters)
    Session.objects.bulk_create(Session(event=event, **s) for s in cleaned)
    _refresh_span(event)
    audit_record(actor=actor, action="knowledge.event.create", target=event, organization=host,
                 network=network, summary=f"{host.name} published “{event.title}”")
    return event


@transaction.atomic
def event_update(*, actor: User, event: Event, **changes) -> Event:
    """Change the event's fields. The capacity cannot drop below the seats already taken; a
    larger capacity is offered to the waitlist at once."""
    reject_unknown_fields(changes, EVENT_FIELDS)
    require_manager(actor, event)
    event = _lock_event(event)
    data = _clean_event(dict(changes), event, event.network)
    if "capacity" in data:
        taken = seats_taken(event)
        if data["capacity"] < taken:
            raise Conflict(
                _("%(taken)s seats are already taken; the capacity cannot be lower. Cancel "
                  "registrations first.") % {"taken": taken}, field="capacity")
    co_hosts = data.pop("co_hosts", None)
    clusters = data.pop("clusters", None)
    for name, value in data.items():
        setattr(event, name, value)
    event.save(update_fields=[*data, "updated_at"])
    if co_hosts is not None:
        event.co_hosts.set(co_hosts)
    if clusters is not None:
        event.clusters.set(clusters)
    _fill_free_seats(event, timezone.now())
    audit_record(actor=actor, action="knowledge.event.update", target=event,
                 organization=event.host, network=event.network,
                 summary=f"“{event.title}”: changed {', '.join(sorted(changes)) or 'nothing'}")
    return event


def _host_ids(event: Event) -> set[int]:
    return {event.host_id, *event.co_hosts.values_list("pk", flat=True)}


@transaction.atomic
def session_add(*, actor: User, event: Event, **fields) -> Session:
    reject_unknown_fields(fields, SESSION_FIELDS)
    require_manager(actor, event)
    if event.sessions.count() >= MAX_SESSIONS:
        raise DomainError(_("At most %(n)s sessions.") % {"n": MAX_SESSIONS}, field="sessions")
    data = _clean_session(dict(fields), _host_ids(event))
    session = Session.objects.create(event=event, **data)
    _refresh_span(event)
    audit_record(actor=actor, action="knowledge.session.add", target=session,
                 organization=event.host, summary=f"“{event.title}”: added a session")
    return session


@transaction.atomic
def session_update(*, actor: User, session: Session, **changes) -> Session:
    reject_unknown_fields(changes, SESSION_FIELDS)
    event = session.event
    require_manager(actor, event)
    data = _clean_session(dict(changes), _host_ids(event), session=session)
    for name, value in data.items():
        setattr(session, name, value)
    if data.get("starts_at") is not None and "starts_at" in changes:
        session.reminder_sent_at = None  # a moved session is reminded again
        data["reminder_sent_at"] = None
    session.save(update_fields=list(data))
    _refresh_span(event)
    audit_record(actor=actor, action="knowledge.session.update", target=session,
                 organization=event.host, summary=f"“{event.title}”: changed a session")
    return session


@transaction.atomic
def session_delete(*, actor: User, session: Session) -> None:
    event = session.event
    require_manager(actor, event)
    if event.sessions.count() <= 1:
        raise DomainError(_("An event keeps at least one session."), field="sessions")
    if session.attendances.exists():
        raise Conflict(_("People were checked in for this session; it cannot be removed."))
    audit_record(actor=actor, action="knowledge.session.delete", target=session,
                 organization=event.host, summary=f"“{event.title}”: removed a session")
    session.delete()
    _refresh_span(event)


@transaction.atomic
def event_cancel(*, actor: User, event: Event) -> Event:
    """Cancel the whole event; everyone registered or waiting is told."""
    require_manager(actor, event)
    event = _lock_event(event)
    if event.status == EventStatus.CANCELLED:
        return event
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    now = timezone.now()
    for registration in event.registrations.filter(status__in=ACTIVE_STATUSES).select_related(
            "attendee"):
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        _mail(registration, "event_cancelled")
    audit_record(actor=actor, action="knowledge.event.cancel", target=event,
                 organization=event.host, network=event.network,
                 summary=f"“{event.title}” cancelled")
    return event


# --- registrations ---------------------------------------------------------------------------


def _mail(registration: Registration, template: str, **context) -> None:
    attendee = registration.attendee
    event = registration.event
    send_mail_on_commit(
        to=[attendee.email], template=f"knowledge/mail/{template}", language=attendee.language,
        context={"registration": registration, "event": event, "attendee": attendee,
                 "event_path": reverse("event_detail", args=[event.slug]),
                 "ticket_path": reverse("event_ticket", args=[registration.ticket]),
                 "zone": attendee.time_zone, **context})


def _check_window(event: Event, now: datetime) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(_("This event was cancelled."))
    if event.registration_opens_at and now < event.registration_opens_at:
        raise DomainError(
            _("Registration opens on %(when)s.")
            % {"when": timezone.localtime(event.registration_opens_at).strftime("%Y-%m-%d %H:%M")},
            field="registration_opens_at")
    if now > event.registration_deadline:
        raise DomainError(
            _("The registration deadline (%(when)s) has passed.")
            % {"when": timezone.localtime(event.registration_deadline).strftime("%Y-%m-%d %H:%M")},
            field="registration_deadline")


def event_register(*, actor: User, event: Event, organization: Organization,
                   attendee: User | None = None, now: datetime | None = None) -> Registration:
    """Register ``attendee`` (the actor or a colleague) for ``organization``.

    Under the event's lock: a free seat within the organization's quota gives a confirmed
    registration (or one awaiting the host's approval, which holds the seat); otherwise the
    person joins the end of the waitlist. Never more seats than the capacity.
    """
    now = now or timezone.now()
    attendee = attendee or actor
    memberships = set(Membership.objects.filter(
        organization=organization, user__in=[actor, attendee]).values_list("user_id", flat=True))
    if actor.pk not in memberships:
        raise PermissionDenied(_("You can register only for an organization you belong to."),
                               field="organization")
    if attendee.pk not in memberships:
        raise DomainError(_("%(person)s is not a member of %(org)s.")
                          % {"person": attendee.get_full_name(), "org": organization.name},
                          field="attendee")
    if event.visibility == Visibility.NETWORK and not is_admitted(organization, event.network):
        raise PermissionDenied(
            _("This event is open to members of %(network)s only.")
            % {"network": event.network.name}, field="organization")
    with transaction.atomic():
        event = _lock_event(event)
        _check_window(event, now)
        if Registration.objects.filter(event=event, attendee=attendee,
                                       status__in=ACTIVE_STATUSES).exists():
            raise Conflict(_("%(person)s is already registered for this event.")
                           % {"person": attendee.get_full_name()}, field="attendee")
        taken = seats_taken(event)
        org_taken = Registration.objects.filter(event=event, organization=organization,
                                                status__in=SEAT_STATUSES).count()
        quota_ok = (event.quota_per_organization is None
                    or org_taken < event.quota_per_organization)
        if taken < event.capacity and quota_ok:
            status = (RegistrationStatus.PENDING if event.requires_approval
                      else RegistrationStatus.CONFIRMED)
        else:
            status = RegistrationStatus.WAITLISTED
        registration = Registration.objects.create(
            event=event, attendee=attendee, organization=organization, registered_by=actor,
            status=status, queued_at=now if status == RegistrationStatus.WAITLISTED else None)
        registration.event = event
        _mail(registration, "registered", position=waitlist_position(registration),
              quota_full=not quota_ok)
        if status == RegistrationStatus.PENDING:
            _mail_hosts(event, registration)
        audit_record(actor=actor, action="knowledge.registration.create", target=registration,
                     organization=organization,
                     summary=f"{attendee.email} → “{event.title}” ({status})")
    return registration


def _mail_hosts(event: Event, registration: Registration) -> None:
    admins = Membership.objects.filter(
        organization=event.host, role__in=[Role.ADMIN, Role.OWNER]).select_related("user")
    for membership in admins:
        send_mail_on_commit(
            to=[membership.user.email], template="knowledge/mail/approval_needed",
            language=membership.user.language,
            context={"event": event, "registration": registration,
                     "manage_path": reverse("event_manage", args=[event.slug])})


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)).count()
    return ahead + 1


def _fill_free_seats(event: Event, now: datetime) -> list[Registration]:
    """Offer every free seat to the waitlist in order (the caller holds the event's lock).

    A waiting person whose organization has used its quota keeps their place; the seat goes to
    the next person in line. Once the first session has started nobody is offered a seat.
    """
    if event.status != EventStatus.PUBLISHED or (event.starts_at and now >= event.starts_at):
        return []
    free = event.capacity - seats_taken(event)
    if free <= 0:
        return []
    by_org = _seats_by_organization(event)
    quota = event.quota_per_organization
    expires = now + timedelta(hours=OFFER_HOURS)
    if event.starts_at:
        expires = min(expires, event.starts_at)
    offered = []
    waiting = (Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
               .select_related("attendee").order_by("queued_at", "pk"))
    for registration in waiting:
        if free == 0:
            break
        if quota is not None and by_org.get(registration.organization_id, 0) >= quota:
            continue
        registration.status = RegistrationStatus.OFFERED
        registration.offer_expires_at = expires
        registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
        registration.event = event
        by_org[registration.organization_id] = by_org.get(registration.organization_id, 0) + 1
        free -= 1
        offered.append(registration)
        _mail(registration, "offer", expires=expires)
    return offered


def _may_act_for(actor: User, registration: Registration) -> bool:
    return (actor.pk in (registration.attendee_id, registration.registered_by_id)
            or registration.organization_id in admin_organization_ids(actor))


@transaction.atomic
def registration_cancel(*, actor: User, registration: Registration,
                        now: datetime | None = None) -> Registration:
    """Cancel a registration (the attendee, who registered them, their organization's admins,
    or the host). A freed seat is offered to the next person in line at once."""
    now = now or timezone.now()
    event = registration.event
    by_host = not _may_act_for(actor, registration)
    if by_host:
        require_manager(actor, event)
    event = _lock_event(event)
    registration = Registration.objects.select_related("attendee").get(pk=registration.pk)
    registration.event = event
    if registration.status not in ACTIVE_STATUSES:
        raise Conflict(_("This registration is no longer active."))
    had_seat = registration.holds_seat
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "offer_expires_at",
                                     "updated_at"])
    _mail(registration, "cancelled", by_host=by_host)
    if had_seat:
        _fill_free_seats(event, now)
    audit_record(actor=actor, action="knowledge.registration.cancel", target=registration,
                 organization=registration.organization,
                 summary=f"{registration.attendee.email} cancelled for “{event.title}”")
    return registration


@transaction.atomic
def offer_accept(*, actor: User, registration: Registration,
                 now: datetime | None = None) -> Registration:
    """Take the offered seat (before the offer expires)."""
    now = now or timezone.now()
    if not _may_act_for(actor, registration):
        raise NotFound(_("Registration not found."))
    event = _lock_event(registration.event)
    registration = Registration.objects.select_related("attendee").get(pk=registration.pk)
    registration.event = event
    if registration.status != RegistrationStatus.OFFERED:
        raise Conflict(_("There is no open offer for this registration."))
    if registration.offer_expires_at <= now:
        raise Conflict(_("The offer expired on %(when)s.") % {
            "when": timezone.localtime(registration.offer_expires_at).strftime("%Y-%m-%d %H:%M")})
    registration.status = (RegistrationStatus.PENDING if event.requires_approval
                           else RegistrationStatus.CONFIRMED)
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _mail(registration, "registered", position=None, quota_full=False)
    audit_record(actor=actor, action="knowledge.registration.accept", target=registration,
                 organization=registration.organization,
                 summary=f"{registration.attendee.email} took a seat at “{event.title}”")
    return registration


@transaction.atomic
def registration_decide(*, actor: User, registration: Registration, approve: bool,
                        now: datetime | None = None) -> Registration:
    """The host approves or declines a registration awaiting approval."""
    now = now or timezone.now()
    require_manager(actor, registration.event)
    event = _lock_event(registration.event)
    registration = Registration.objects.select_related("attendee").get(pk=registration.pk)
    registration.event = event
    if registration.status != RegistrationStatus.PENDING:
        raise Conflict(_("This registration is not awaiting approval."))
    registration.status = (RegistrationStatus.CONFIRMED if approve
                           else RegistrationStatus.DECLINED)
    registration.save(update_fields=["status", "updated_at"])
    _mail(registration, "approved" if approve else "declined")
    if not approve:
        _fill_free_seats(event, now)
    audit_record(actor=actor, action="knowledge.registration.decide", target=registration,
                 organization=event.host,
                 summary=f"{registration.attendee.email} {'approved' if approve else 'declined'}"
                         f" for “{event.title}”")
    return registration


# --- periodic work ---------------------------------------------------------------------------


@dataclass
class DueCounts:
    offers_expired: int = 0
    offers_made: int = 0
    reminders: int = 0


def expire_offers(now: datetime) -> tuple[int, int]:
    """Offers past their 48 hours lapse; the seat passes to the next person in line."""
    expired = made = 0
    event_ids = (Registration.objects.filter(status=RegistrationStatus.OFFERED,
                                             offer_expires_at__lte=now)
                 .values_list("event_id", flat=True).distinct().order_by("event_id"))
    for event_id in list(event_ids):
        with transaction.atomic():
            event = _lock_event(Event(pk=event_id))
            lapsed = list(Registration.objects.filter(
                event=event, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now)
                .select_related("attendee"))
            for registration in lapsed:
                registration.status = RegistrationStatus.EXPIRED
                registration.save(update_fields=["status", "updated_at"])
                registration.event = event
                _mail(registration, "offer_expired")
            expired += len(lapsed)
            made += len(_fill_free_seats(event, now))
    return expired, made


def send_reminders(now: datetime) -> int:
    """One reminder per session to everyone registered, ``REMINDER_BEFORE`` its start.

    The session row is locked (skipping rows another worker holds) and stamped in the same
    transaction, so a reminder is never sent twice.
    """
    sent = 0
    due = (Session.objects.filter(reminder_sent_at__isnull=True, starts_at__gt=now,
                                  starts_at__lte=now + REMINDER_BEFORE,
                                  event__status=EventStatus.PUBLISHED)
           .values_list("pk", flat=True))
    for pk in list(due):
        with transaction.atomic():
            session = (Session.objects.select_for_update(skip_locked=True)
                       .filter(pk=pk, reminder_sent_at__isnull=True).first())
            if session is None:
                continue
            session = Session.objects.select_related("event", "site").get(pk=pk)
            for registration in session.event.registrations.filter(
                    status=RegistrationStatus.CONFIRMED).select_related("attendee"):
                registration.event = session.event
                _mail(registration, "reminder", session=session)
                sent += 1
            session.reminder_sent_at = now
            session.save(update_fields=["reminder_sent_at"])
    return sent


def run_due(*, now: datetime | None = None) -> DueCounts:
    """The periodic work: lapse expired offers (passing seats on) and send reminders."""
    now = now or timezone.now()
    expired, made = expire_offers(now)
    return DueCounts(offers_expired=expired, offers_made=made, reminders=send_reminders(now))


# --- attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_set(*, actor: User, registration: Registration, session: Session,
                   present: bool = True, now: datetime | None = None) -> Attendance | None:
    """The host checks a registered person in for a session (or undoes it)."""
    require_manager(actor, registration.event)
    if session.event_id != registration.event_id:
        raise DomainError(_("This session belongs to another event."), field="session")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict(_("Only confirmed registrations can be checked in."))
    if not present:
        Attendance.objects.filter(registration=registration, session=session).delete()
        return None
    attendance, _created = Attendance.objects.get_or_create(
        registration=registration, session=session,
        defaults={"checked_in_at": now or timezone.now(), "checked_in_by": actor})
    return attendance


def sessions_needed(event: Event, session_count: int) -> int:
    if event.min_sessions_for_certificate:
        return min(event.min_sessions_for_certificate, session_count)
    return session_count


def calendar_token_for(*, actor: User, rotate: bool = False) -> CalendarToken:
    token, created = CalendarToken.objects.get_or_create(user=actor)
    if rotate and not created:
        token.token = new_token()
        token.save(update_fields=["token"])
    return token


# --- collaboration projects ------------------------------------------------------------------

PROJECT_FIELDS = ("title", "theme", "goals", "status", "starts_on", "ends_on")


def _clean_project(data: dict, project: Project | None) -> dict:
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise DomainError(_("The title is required."), field="title")
    if "goals" in data and not (data["goals"] or "").strip():
        raise DomainError(_("Describe the project's goals."), field="goals")
    if "theme" in data and data["theme"] not in Theme.values:
        raise DomainError(_("Unknown value “%(v)s”.") % {"v": data["theme"]}, field="theme")
    if "status" in data and data["status"] not in ProjectStatus.values:
        raise DomainError(_("Unknown value “%(v)s”.") % {"v": data["status"]}, field="status")
    starts = data.get("starts_on", project.starts_on if project else None)
    ends = data.get("ends_on", project.ends_on if project else None)
    if starts is None:
        raise DomainError(_("The start date is required."), field="starts_on")
    if ends is not None and ends < starts:
        raise DomainError(_("The project ends before it starts."), field="ends_on")
    return data


def is_partner(user, project: Project) -> bool:
    if not _authenticated(user):
        return False
    return ProjectPartner.objects.filter(
        project=project, status=PartnerStatus.APPROVED,
        organization__memberships__user=user).exists()


def _require_lead_admin(actor: User, project: Project) -> None:
    if project.lead_id not in admin_organization_ids(actor):
        raise PermissionDenied(_("Only the project lead's admins can do this."))


@transaction.atomic
def project_create(*, actor: User, lead: Organization, network: Network, lead_role: str = "",
                   **fields) -> Project:
    reject_unknown_fields(fields, PROJECT_FIELDS)
    _require_admin_of(actor, lead)
    if not is_admitted(lead, network):
        raise PermissionDenied(_("%(org)s is not an admitted member of %(network)s.")
                               % {"org": lead.name, "network": network.name})
    for name in ("title", "theme", "goals", "starts_on"):
        fields.setdefault(name, None if name == "starts_on" else "")
    data = _clean_project(dict(fields), None)
    project = Project.objects.create(lead=lead, network=network,
                                     slug=_unique_slug(Project, data["title"]), **data)
    ProjectPartner.objects.create(project=project, organization=lead,
                                  role=(lead_role or _("Project lead")).strip()[:120],
                                  status=PartnerStatus.APPROVED)
    audit_record(actor=actor, action="knowledge.project.create", target=project,
                 organization=lead, network=network, summary=f"{lead.name} started “{project}”")
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **changes) -> Project:
    reject_unknown_fields(changes, PROJECT_FIELDS)
    _require_lead_admin(actor, project)
    data = _clean_project(dict(changes), project)
    for name, value in data.items():
        setattr(project, name, value)
    project.save(update_fields=[*data, "updated_at"])
    audit_record(actor=actor, action="knowledge.project.update", target=project,
                 organization=project.lead, summary=f"“{project}”: changed {', '.join(data)}")
    return project


@transaction.atomic
def project_request_join(*, actor: User, project: Project, organization: Organization,
                         role: str, message: str = "") -> ProjectPartner:
    """An organization's admin asks to join; the lead decides."""
    _require_admin_of(actor, organization)
    role = (role or "").strip()
    if not role:
        raise DomainError(_("Say which role your organization would take."), field="role")
    existing = ProjectPartner.objects.filter(project=project, organization=organization).first()
    if existing and existing.status != PartnerStatus.DECLINED:
        raise Conflict(_("%(org)s already asked to join or is a partner.")
                       % {"org": organization.name}, field="organization")
    if existing:
        existing.status, existing.role = PartnerStatus.REQUESTED, role[:120]
        existing.message = message.strip()[:2000]
        existing.save(update_fields=["status", "role", "message", "updated_at"])
        partner = existing
    else:
        partner = ProjectPartner.objects.create(
            project=project, organization=organization, role=role[:120],
            message=message.strip()[:2000], status=PartnerStatus.REQUESTED)
    for membership in Membership.objects.filter(
            organization=project.lead, role__in=[Role.ADMIN, Role.OWNER]).select_related("user"):
        send_mail_on_commit(
            to=[membership.user.email], template="knowledge/mail/project_join_request",
            language=membership.user.language,
            context={"project": project, "partner": partner,
                     "project_path": reverse("project_detail", args=[project.slug])})
    audit_record(actor=actor, action="knowledge.project.request", target=partner,
                 organization=organization,
                 summary=f"{organization.name} asked to join “{project}”")
    return partner


@transaction.atomic
def project_decide(*, actor: User, partner: ProjectPartner, approve: bool) -> ProjectPartner:
    project = partner.project
    _require_lead_admin(actor, project)
    if partner.status != PartnerStatus.REQUESTED:
        raise Conflict(_("This request was already decided."))
    partner.status = PartnerStatus.APPROVED if approve else PartnerStatus.DECLINED
    partner.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="knowledge.project.decide", target=partner,
                 organization=project.lead,
                 summary=f"{partner.organization.name} {partner.status} in “{project}”")
    return partner


def _partner_organization(actor: User, project: Project) -> Organization:
    partner = ProjectPartner.objects.filter(
        project=project, status=PartnerStatus.APPROVED,
        organization__memberships__user=actor).select_related("organization").first()
    if partner is None:
        raise PermissionDenied(_("Only the project's partners can do this."))
    return partner.organization


@transaction.atomic
def project_post_update(*, actor: User, project: Project, body: str) -> ProjectUpdate:
    organization = _partner_organization(actor, project)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write the update."), field="body")
    update = ProjectUpdate.objects.create(project=project, organization=organization,
                                          author=actor, body=body[:5000],
                                          created_at=timezone.now())
    audit_record(actor=actor, action="knowledge.project.update_post", target=update,
                 organization=organization, summary=f"Update on “{project}”")
    return update


@transaction.atomic
def project_add_document(*, actor: User, project: Project, title: str, upload
                         ) -> ProjectDocument:
    """A PDF for the partners only (served through a view that checks partnership)."""
    _partner_organization(actor, project)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Give the document a title."), field="title")
    try:
        check_pdf(upload, max_bytes=MAX_DOCUMENT_BYTES)
    except ValueError as exc:
        raise DomainError(str(exc), field="file") from None
    document = ProjectDocument(project=project, title=title[:200], uploaded_by=actor,
                               created_at=timezone.now())
    document.file.save(f"{project.slug}-{new_token()[:8]}.pdf", upload, save=False)
    document.save()
    audit_record(actor=actor, action="knowledge.project.document", target=document,
                 organization=project.lead, summary=f"Document “{title}” on “{project}”")
    return document

