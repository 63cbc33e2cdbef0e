"""Demo bookings: Kolenspoor Precision's machines booked by start-ups in every state, with
message threads, an offer race on an open request, and reviews both ways.

Future bookings go through the services inside the machines' published free time, so holds
and bookings show in the calendars and free time at once. Bookings that already ran
(in progress, disputed, completed) are history: they are written as rows with their dates in
the past, and their reviews go through the service.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fabshare.availability.models import FreeSlot
from fabshare.bookings import services
from fabshare.bookings.models import Booking, Status
from fabshare.catalog.models import MaterialFamily, Process, Resource
from fabshare.demand.models import CapacityRequest, RequestStatus, RequestStep
from fabshare.network.demo import DemoContext
from fabshare.network.models import Role

PROVIDER = "Kolenspoor Precision NV"
SEEKERS = ("Voltwerk Robotics BV", "Loopbrug Mobility BV")
RIVAL = "Haspengouw Laserwerk BV"


def _free_periods(resource: Resource, hours: int, after, count: int) -> list:
    """``count`` periods of ``hours`` at the start of distinct free slots after ``after``."""
    periods = []
    for slot in FreeSlot.objects.filter(resource=resource, start__gte=after).order_by("start"):
        if slot.end - slot.start >= timedelta(hours=hours):
            periods.append((slot.start, slot.start + timedelta(hours=hours)))
            if len(periods) == count:
                break
    return periods


def _admin_of(organization):
    return (organization.memberships.filter(role__in=[Role.OWNER, Role.ADMIN])
            .select_related("user").order_by("-role", "pk").first().user)


def seed(ctx: DemoContext) -> None:
    provider = ctx.organizations.get(PROVIDER)
    if provider is None:
        return
    now = timezone.now()
    admin = ctx.users.get("provider.admin@fabshare.test") or _admin_of(provider)
    founder = ctx.users.get("founder@fabshare.test") or _admin_of(ctx.organizations[SEEKERS[0]])
    other = _admin_of(ctx.organizations[SEEKERS[1]])
    machines = list(Resource.objects.filter(organization=provider, is_active=True,
                                            price_per_hour_cents__isnull=False)
                    .order_by("pk"))
    if not machines:
        return
    machine = machines[0]
    after = now + timedelta(days=max(machine.lead_time_days, 2))
    periods = _free_periods(machine, 4, after, 8)
    if len(periods) < 8:
        return

    def request(period, actor=founder, **kwargs):
        return services.booking_request(actor=actor, resource=machine, start=period[0],
                                        end=period[1], **kwargs)

    def act(booking, actor, action, **kwargs):
        return services.booking_transition(actor=actor, booking=booking, action=action, **kwargs)

    requested = request(periods[0], note="Prototype brackets, 40 pieces, aluminium 6082.")
    services.message_post(actor=founder, booking=requested,
                          body="The drawings follow; can you hold ±0.02 mm on the bores?")
    countered = request(periods[1], actor=other, note="Fixture plates for our test bench.")
    act(countered, admin, "counter", start=periods[2][0], end=periods[2][1],
        price_cents=countered.price_cents + 5000,
        reason="That morning is taken by maintenance; the next free shift suits us.")
    services.message_post(actor=admin, booking=countered,
                          body="Includes deburring and a first-article inspection report.")
    confirmed = request(periods[3])
    act(confirmed, admin, "accept")
    services.message_post(actor=admin, booking=confirmed,
                          body="Confirmed. Please deliver the stock the day before.")
    act(request(periods[4], actor=other), admin, "decline",
        reason="Our operator is on leave that week.")
    act(request(periods[5]), founder, "withdraw")
    cancelled = request(periods[6])
    act(cancelled, admin, "accept")
    act(cancelled, founder, "cancel", reason="The design changed.")
    expired = services.booking_request(actor=other, resource=machine, start=periods[7][0],
                                       end=periods[7][1], hold_hours=1,
                                       now=now - timedelta(hours=2))
    services.bookings_due(now=now)
    expired.refresh_from_db()

    # History: bookings that already ran, with reviews.
    history = []
    for days_ago, status, seeker in ((1, Status.IN_PROGRESS, SEEKERS[0]),
                                     (12, Status.DISPUTED, SEEKERS[1]),
                                     (6, Status.COMPLETED, SEEKERS[0]),
                                     (9, Status.COMPLETED, SEEKERS[1])):
        start = (now - timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0)
        end = start + timedelta(hours=6 if days_ago > 1 else 30)
        history.append(Booking.objects.create(
            resource=machine, provider=provider, seeker=ctx.organizations[seeker],
            requested_by=founder if seeker == SEEKERS[0] else other, start=start, end=end,
            status=status, price_cents=services.price_for(machine, start, end),
            currency=machine.currency, vat_percent=services.vat_percent(),
            confirmed_at=start - timedelta(days=5),
            ended_at=end + timedelta(days=1) if status == Status.COMPLETED else None,
            reason="Two parts out of tolerance." if status == Status.DISPUTED else ""))
    recent, older = history[2], history[3]
    services.review_submit(actor=founder, booking=recent, rating=5,
                           text="Fast, precise and a clear inspection report.")
    services.review_submit(actor=other, booking=older, rating=4,
                           text="Good work; delivery a day late.")
    services.review_submit(actor=admin, booking=older, rating=5,
                           text="Clear drawings and quick answers.")
    services.message_post(actor=founder, booking=recent, body="Thanks, the parts fit.")

    # An open request with two offers to compare.
    offers = 0
    rival = ctx.organizations.get(RIVAL)
    seeker = ctx.organizations[SEEKERS[0]]
    wanted = CapacityRequest.objects.create(
        organization=seeker, created_by=founder, max_distance_km=150,
        site=seeker.sites.order_by("-is_main", "pk").first(),
        title="Laser-cut and milled gripper housings", status=RequestStatus.OPEN,
        description="120 housings in aluminium, cut and milled, within three weeks.",
        opened_at=now)
    aluminium = MaterialFamily.objects.get(code="aluminium")
    for position, (process, hours) in enumerate((("laser-cutting", 4), ("milling", 12)), 1):
        RequestStep.objects.create(request=wanted, position=position, quantity=120,
                                   process=Process.objects.get(code=process),
                                   material_family=aluminium, estimated_hours=hours,
                                   thickness_mm=6)
    later = _free_periods(machine, 6, periods[-1][1], 1)
    if later:
        services.offer_create(actor=admin, request=wanted, resource=machine, start=later[0][0],
                              end=later[0][1], valid_until=min(later[0][0], now +
                                                                timedelta(days=7)),
                              conditions="Material supplied by the customer.")
        offers += 1
    if rival is not None:
        rival_machine = Resource.objects.filter(organization=rival, is_active=True,
                                                price_per_hour_cents__isnull=False).first()
        slot = rival_machine and _free_periods(rival_machine, 6, after, 1)
        if slot:
            services.offer_create(actor=_admin_of(rival), request=wanted,
                                  resource=rival_machine, start=slot[0][0], end=slot[0][1],
                                  valid_until=min(slot[0][0], now + timedelta(days=7)),
                                  price_cents=rival_machine.price_per_hour_cents * 5,
                                  conditions="Price includes material.")
            offers += 1
    ctx.summary.append(f"bookings: {Booking.objects.count()} in every state on {machine.name}, "
                       f"{offers} offers on “{wanted.title}”")


LOGINS = (
    ("provider.admin@fabshare.test", "answers booking requests for Kolenspoor's machines"),
    ("founder@fabshare.test", "books machines; compares offers on an open request"),
)
