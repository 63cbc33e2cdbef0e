"""Deterministic demo knowledge sharing on the demo organizations of
:mod:`fabshare.network.demo`.

- A masterclass programme "Smart and flexible production": six sessions, each hosted at
  another of four Limburg factories, 20 seats (at most 2 per company) taken by 20 SMEs and
  start-ups, three more on the waitlist.
- Trainings (a paid operator training with invoice details; a network-only one in West
  Flanders; one that took place last month, with attendance recorded so certificates can be
  downloaded), company visits (one with approval by the host), a networking evening and a
  webinar on blue energy.
- Collaboration projects with partners, updates and an open request to join.

Dates are computed from the day the seed runs (sessions in the coming weeks, at local
Brussels/Amsterdam times), so the demo always shows upcoming events. Everything goes through
:mod:`fabshare.knowledge.services` as the hosts' admins and the attendees themselves.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from fabshare.knowledge import services
from fabshare.knowledge.models import RegistrationStatus
from fabshare.network.demo import DemoContext
from fabshare.network.models import Membership, Organization, Role

BRUSSELS = ZoneInfo("Europe/Brussels")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

LOGINS: tuple[tuple[str, str], ...] = (
    ("provider.admin@fabshare.test",
     "hosts the masterclass programme (Events → Smart and flexible production): "
     "registrations, waitlist, check-in"),
    ("tom.vandeput@haspengouw-laserwerk.test",
     "registered for the masterclass; certificate of last month's training on the ticket"),
)

MASTERCLASS_HOSTS = ("Kolenspoor Precision NV", "Boomgaard Coolstore NV",
                     "Demerstaal Constructies NV", "Lommelzand Silicaten NV")
# (theme of the session, index of the host above, speaker)
MASTERCLASS_SESSIONS = (
    ("Lean flow on the shop floor", 0, "Koen Janssens"),
    ("Quick changeover (SMED) for small series", 2, "Dirk Peeters"),
    ("Seasonal peaks: flexible staffing and cold-chain planning", 1, "Griet Lenaerts"),
    ("Digital shop-floor management and OEE", 0, "Ilse Martens"),
    ("Energy and material efficiency in the process industry", 3, "Hilde Geboers"),
    ("From pilot to roll-out: making change stick", 2, "Evi Jacobs"),
)
# 20 registered, then 3 on the waitlist, in this order.
MASTERCLASS_ATTENDEES = (
    "Haspengouw Laserwerk BV", "Balendijk Additive BV", "Voltwerk Robotics BV",
    "Koolmijn Hydraulics NV", "Jekerdal Verpakking NV", "Maaskant Composites NV",
    "Heidevelden Metrologie BV", "Kiewit Electronics Assembly BV", "Slakwol Circular BV",
    "Loopbrug Mobility BV", "Zwartberg Stamping NV", "Paalse Poedercoating BV",
    "Kristalpark Extrusion NV", "Perovia Solar BV", "Brustem Aero Parts BV",
    "Leieboord Textiles NV", "Broeltorens Machinebouw NV", "Vlasgaard Flax Composites BV",
    "Spuikom Aquaculture BV", "Haven Roeselare Laswerken BV",
    "Ieperlee Gieterij NV", "Leiebrug Plastics BV", "Gaverbeek Coatings BV",
)


def _at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BRUSSELS) -> datetime:
    return datetime.combine(day, time(hour, minute), zone)


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7 or 7)


def _admin(organization: Organization):
    return (Membership.objects.filter(organization=organization,
                                      role__in=[Role.ADMIN, Role.OWNER])
            .select_related("user").order_by("-role", "pk").first().user)


def _people(organization: Organization) -> list:
    return [m.user for m in Membership.objects.filter(organization=organization)
            .select_related("user").order_by("pk")]


def _site(organization: Organization, city: str | None = None):
    sites = organization.sites.all()
    return next((s for s in sites if s.city == city), None) if city else sites.first()


def seed(ctx: DemoContext) -> None:
    orgs = ctx.organizations
    today = timezone.localdate()
    limburg = ctx.networks["limburg"]
    west = ctx.networks["west-vlaanderen"]
    noord = ctx.networks["noord-nederland"]
    cluster = ctx.clusters
    events = 0

    # --- the masterclass programme -----------------------------------------------------------
    hosts = [orgs[name] for name in MASTERCLASS_HOSTS]
    first_day = _next_weekday(today + timedelta(days=14), 1)  # a Tuesday, two weeks ahead
    sessions = [
        {"title": title, "starts_at": _at(first_day + timedelta(weeks=2 * n), 13, 30),
         "ends_at": _at(first_day + timedelta(weeks=2 * n), 17), "site": _site(hosts[host]),
         "speaker": speaker}
        for n, (title, host, speaker) in enumerate(MASTERCLASS_SESSIONS)]
    masterclass = services.event_create(
        actor=_admin(hosts[0]), host=hosts[0], network=limburg, sessions=sessions,
        title="Smart and flexible production: masterclass programme",
        kind="masterclass", theme="innovation", language="nl",
        co_hosts=hosts[1:],
        clusters=[cluster[("limburg", "Automotive")], cluster[("limburg", "Machine building")],
                  cluster[("limburg", "Food")]],
        description=(
            "Four lead plants open their shop floors to SMEs. Over six afternoons, each at "
            "another factory, 20 companies learn theme by theme how to organise production "
            "smarter and more flexibly: lean flow, quick changeovers, seasonal peaks, digital "
            "shop-floor management, energy efficiency and making change stick. Every session "
            "ends with a walk through the host's production and homework for your own plant. "
            "A certificate is issued for attending at least five sessions."),
        capacity=20, quota_per_organization=2,
        registration_deadline=_at(first_day - timedelta(days=3), 23, 59),
        min_sessions_for_certificate=5)
    for name in MASTERCLASS_ATTENDEES:
        organization = orgs[name]
        person = _people(organization)[0]
        services.event_register(actor=person, event=masterclass, organization=organization)
    events += 1

    # --- trainings -----------------------------------------------------------------------------
    technicum = orgs["Technicum Genk Training Centre vzw"]
    day = _next_weekday(today + timedelta(days=10), 3)
    training = services.event_create(
        actor=_admin(technicum), host=technicum, network=limburg,
        title="Operator training: setting up a 5-axis machining centre",
        kind="training", theme="talent", language="nl",
        clusters=[cluster[("limburg", "Machine building")]],
        description=("Two days of hands-on training for CNC operators: work holding, tool "
                     "measurement, zero points and collision checks on a 5-axis centre. Lunch "
                     "included."),
        capacity=12, quota_per_organization=2, price_cents=45000,
        invoice_details=("Technicum Genk invoices after the training (VAT exempt, "
                         "KMO-portefeuille accepted). Payment within 30 days."),
        registration_deadline=_at(day - timedelta(days=4), 12),
        sessions=[{"title": f"Day {n + 1}", "starts_at": _at(day + timedelta(days=n), 8, 30),
                   "ends_at": _at(day + timedelta(days=n), 16, 30), "site": _site(technicum),
                   "speaker": "Geert Cuypers"} for n in range(2)])
    for name in ("Zwartberg Stamping NV", "Kristalpark Extrusion NV", "Kolenspoor Precision NV"):
        organization = orgs[name]
        for person in _people(organization)[:2]:
            services.event_register(actor=person, event=training, organization=organization)
    events += 1

    mandelvallei = orgs["Mandelvallei Diepvries NV"]
    day = _next_weekday(today + timedelta(days=20), 2)
    services.event_create(
        actor=_admin(mandelvallei), host=mandelvallei, network=west,
        title="Hygienic design and food safety for maintenance staff",
        kind="training", theme="talent", language="nl", visibility="network",
        clusters=[cluster[("west-vlaanderen", "Food")]],
        description="For maintenance technicians of West Flemish food companies (members only).",
        capacity=16, quota_per_organization=3,
        registration_deadline=_at(day - timedelta(days=2), 12),
        sessions=[{"title": "", "starts_at": _at(day, 9), "ends_at": _at(day, 12, 30),
                   "site": _site(mandelvallei), "speaker": "Nathalie Dumont"}])
    events += 1

    # A training that took place last month: attendance recorded, certificates available.
    past_day = today - timedelta(days=30)
    past = services.event_create(
        actor=_admin(hosts[0]), host=hosts[0], network=limburg,
        title="Lean basics for team leaders", kind="training", theme="innovation",
        language="nl", capacity=10,
        description="Three mornings on 5S, visual management and daily stand-up meetings.",
        registration_deadline=_at(past_day - timedelta(days=7), 12),
        sessions=[{"title": f"Morning {n + 1}",
                   "starts_at": _at(past_day + timedelta(days=n), 8),
                   "ends_at": _at(past_day + timedelta(days=n), 12),
                   "site": _site(hosts[0]), "speaker": "Koen Janssens"} for n in range(3)])
    registered_at = _at(past_day - timedelta(days=14), 10)
    past_sessions = list(past.sessions.all())
    for index, name in enumerate(("Haspengouw Laserwerk BV", "Koolmijn Hydraulics NV",
                                  "Jekerdal Verpakking NV")):
        organization = orgs[name]
        registration = services.event_register(
            actor=_people(organization)[0], event=past, organization=organization,
            now=registered_at)
        # The last one missed a morning: no certificate.
        for session in past_sessions[: 3 - (index == 2)]:
            services.attendance_set(actor=_admin(hosts[0]), registration=registration,
                                    session=session, now=session.starts_at)
    events += 1

    # --- company visits --------------------------------------------------------------------------
    day = _next_weekday(today + timedelta(days=8), 4)
    visit = services.event_create(
        actor=_admin(hosts[0]), host=hosts[0], network=limburg,
        title="Company visit: Kolenspoor Precision, Genk plant", kind="visit",
        theme="digitalisation", language="en", requires_approval=True,
        clusters=[cluster[("limburg", "Automotive")]],
        description=("See how a tier-2 automotive supplier runs two 5-axis cells with one "
                     "operator and shares its idle machine hours on fabshare. Safety shoes "
                     "provided. The host approves each registration."),
        capacity=15, quota_per_organization=2,
        registration_deadline=_at(day - timedelta(days=2), 12),
        sessions=[{"title": "", "starts_at": _at(day, 14), "ends_at": _at(day, 16),
                   "site": _site(hosts[0], "Genk"), "speaker": "Koen Janssens"}])
    for name in ("Voltwerk Robotics BV", "Loopbrug Mobility BV"):
        organization = orgs[name]
        registration = services.event_register(actor=_people(organization)[0], event=visit,
                                               organization=organization)
        if name == "Voltwerk Robotics BV":
            services.registration_decide(actor=_admin(hosts[0]), registration=registration,
                                         approve=True)
    events += 1

    shipyard = orgs["Damsterdiep Scheepswerf BV"]
    day = _next_weekday(today + timedelta(days=25), 3)
    services.event_create(
        actor=_admin(shipyard), host=shipyard, network=noord,
        title="Bedrijfsbezoek: Damsterdiep Scheepswerf", kind="visit", theme="sustainability",
        language="nl", clusters=[cluster[("noord-nederland", "Maritime")]],
        description="Rondleiding over de werf: elektrische binnenvaartschepen in aanbouw.",
        capacity=25, quota_per_organization=3,
        registration_deadline=_at(day - timedelta(days=3), 12, zone=AMSTERDAM),
        sessions=[{"title": "", "starts_at": _at(day, 15, zone=AMSTERDAM),
                   "ends_at": _at(day, 17, zone=AMSTERDAM), "site": _site(shipyard),
                   "speaker": "Klaas Mulder"}])
    events += 1

    # --- networking evening and webinar ----------------------------------------------------------
    maakregio = orgs["Maakregio Limburg vzw"]
    day = _next_weekday(today + timedelta(days=12), 3)
    evening = services.event_create(
        actor=_admin(maakregio), host=maakregio, network=limburg, co_hosts=[orgs[
            "Agora Materials Institute vzw"]],
        title="Limburg Maakt networking evening: new materials", kind="networking",
        theme="innovation", language="nl",
        clusters=[cluster[("limburg", "New materials")]],
        description=("Pitches by three start-ups working on new materials, a tour of the "
                     "Agora test lab and drinks."),
        capacity=80, registration_deadline=_at(day - timedelta(days=1), 12),
        sessions=[{"title": "", "starts_at": _at(day, 18), "ends_at": _at(day, 21, 30),
                   "site": _site(orgs["Agora Materials Institute vzw"]),
                   "speaker": "Katrien Vrancken"}])
    for name in ("Slakwol Circular BV", "Perovia Solar BV", "Maaskant Composites NV",
                 "Heidevelden Metrologie BV"):
        organization = orgs[name]
        services.event_register(actor=_people(organization)[0], event=evening,
                                organization=organization)
    events += 1

    kustwind = orgs["Kustwind Service NV"]
    day = _next_weekday(today + timedelta(days=6), 1)
    services.event_create(
        actor=_admin(kustwind), host=kustwind, network=west,
        title="Blue energy: predictive maintenance offshore (webinar)", kind="webinar",
        theme="digitalisation", language="en",
        clusters=[cluster[("west-vlaanderen", "Blue energy")]],
        description="How vibration data cuts the number of vessel trips to wind turbines.",
        capacity=200, registration_deadline=_at(day, 11),
        sessions=[{"title": "", "starts_at": _at(day, 12), "ends_at": _at(day, 13),
                   "online_url": "https://meet.kustwind.example/blue-energy",
                   "speaker": "Emma Hughes"}])
    events += 1

    # --- collaboration projects ----------------------------------------------------------------
    projects = 0
    circular = services.project_create(
        actor=_admin(hosts[0]), lead=hosts[0], network=limburg, lead_role="Project lead",
        title="Circular aluminium in Limburg", theme="sustainability", status="active",
        goals=("Collect machining chips of three plants separately by alloy, remelt them "
               "locally and qualify the recycled billets for automotive housings. Target: "
               "40 % recycled content by the end of the project."),
        starts_on=today - timedelta(days=120), ends_on=today + timedelta(days=610))
    for name, role in (("Agora Materials Institute vzw", "Material testing"),
                       ("Kristalpark Extrusion NV", "Remelting and extrusion")):
        partner = services.project_request_join(
            actor=_admin(orgs[name]), project=circular, organization=orgs[name], role=role)
        services.project_decide(actor=_admin(hosts[0]), partner=partner, approve=True)
    services.project_request_join(
        actor=_admin(orgs["Slakwol Circular BV"]), project=circular,
        organization=orgs["Slakwol Circular BV"], role="Slag and dross valorisation",
        message="We turn dross into insulation wool and would like to close the loop.")
    services.project_post_update(
        actor=_admin(orgs["Agora Materials Institute vzw"]), project=circular,
        body="First remelt trial: 6082 chips reach the required tensile strength.")
    services.project_post_update(
        actor=_admin(hosts[0]), project=circular,
        body="Separate chip containers are in place at both Kolenspoor sites.")
    projects += 1

    boomgaard = orgs["Boomgaard Coolstore NV"]
    twin = services.project_create(
        actor=_admin(boomgaard), lead=boomgaard, network=limburg,
        title="Digital twin of a fruit-processing line", theme="digitalisation",
        status="planned",
        goals="Model the press and pasteuriser line to plan the harvest peak with fewer "
              "overtime hours.",
        starts_on=today + timedelta(days=45), ends_on=today + timedelta(days=400))
    partner = services.project_request_join(
        actor=_admin(orgs["Haspengouw Laserwerk BV"]), project=twin,
        organization=orgs["Haspengouw Laserwerk BV"], role="Equipment builder")
    services.project_decide(actor=_admin(boomgaard), partner=partner, approve=True)
    projects += 1

    maakplein = orgs["Maakplein Noord"]
    services.project_create(
        actor=_admin(maakplein), lead=maakplein, network=noord,
        title="Talent academy Noord", theme="talent", status="active",
        goals="Shared apprenticeships: apprentices rotate through three member companies.",
        starts_on=today - timedelta(days=200))
    projects += 1

    waiting = masterclass.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    ctx.summary.append(
        f"{events} events (masterclass: {services.seats_taken(masterclass)} seats taken, "
        f"{waiting} on the waitlist), {projects} collaboration projects")
